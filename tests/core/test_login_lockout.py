"""Login throttling (policies, defaults: 5 failures of one username from one address, 20 from one address
across usernames, 50 of one username from at least 5 addresses, all within 15 minutes). An anonymous visitor
can lock an account only for their own address; the login page and POST /api/v1/auth/token share the rules."""

import datetime
import subprocess

import time_machine
from django.urls import reverse
from django.utils import timezone

from dudao.core.models import AuditLog, LoginFailure, Notification
from dudao.core.services import LOGIN_BAD_CREDENTIALS, LOGIN_REFUSED, policy_set, user_unlock
from tests.conftest import PASSWORD

A, B = "203.0.113.10", "198.51.100.20"


def _try(client, password, username="office_a", ip=A):
    return client.post(reverse("core:login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def _api(client, password, username="office_a", ip=A):
    return client.post("/api/v1/auth/token", {"username": username, "password": password},
                       content_type="application/json", REMOTE_ADDR=ip)


def test_it_logs_in_with_the_right_password_and_audits_it(world, client):
    response = _try(client, PASSWORD)
    assert response.status_code == 302
    record = AuditLog.objects.get(action="login.success")
    assert record.actor == world.office_a and record.ip == A and record.after == {"via": "web"}


def test_five_failures_from_one_address_lock_that_address_only(world, client):
    for _ in range(4):
        response = _try(client, "wrong")
        assert response.status_code == 400 and LOGIN_BAD_CREDENTIALS in response.content.decode()
    fifth = _try(client, "wrong")
    assert fifth.status_code == 429 and LOGIN_REFUSED in fifth.content.decode()
    # The right password from A is refused without being checked ...
    assert _try(client, PASSWORD).status_code == 429
    assert LoginFailure.objects.count() == 5  # refused attempts are not counted again
    # ... but the account itself is not locked: its owner logs in from B.
    assert _try(client, PASSWORD, ip=B).status_code == 302
    assert AuditLog.objects.filter(action="login.failed", ip=A).count() == 5
    assert AuditLog.objects.filter(action="login.locked").count() == 1
    assert not AuditLog.objects.filter(action="user.locked").exists()


def test_the_refusal_does_not_tell_whether_the_username_exists(world, client):
    pages = {}
    for username in ("office_a", "no_such_user"):
        for _ in range(4):
            assert LOGIN_BAD_CREDENTIALS in _try(client, "wrong", username=username).content.decode()
        pages[username] = _try(client, "wrong", username=username)
    assert pages["office_a"].status_code == pages["no_such_user"].status_code == 429
    assert all(LOGIN_REFUSED in p.content.decode() for p in pages.values())
    assert "no_such_user" not in LOGIN_REFUSED and "锁定" not in LOGIN_BAD_CREDENTIALS


def test_a_success_forgets_that_address_s_earlier_failures(world, client):
    for _ in range(4):
        _try(client, "wrong")
    assert _try(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert _try(client, "wrong").status_code == 400  # counting starts again
    assert LoginFailure.objects.filter(cleared=True).count() == 4


def test_spraying_many_usernames_from_one_address_blocks_the_address(world, client):
    for i in range(19):
        assert _try(client, "wrong", username=f"guess{i}").status_code == 400
    assert _try(client, "wrong", username="guess19").status_code == 429
    # Any username, even with the right password, is refused from that address now ...
    assert _try(client, PASSWORD, username="office_b").status_code == 429
    assert _api(client, PASSWORD, username="office_b").status_code == 429
    # ... and nowhere else.
    assert _try(client, PASSWORD, username="office_b", ip=B).status_code == 302
    assert AuditLog.objects.filter(action="login.address_blocked", object_repr=A).count() == 1
    assert LoginFailure.objects.filter(ip=A).count() == 20


def test_the_whole_account_locks_only_after_failures_from_several_addresses(world, client):
    policy_set(actor=world.admin, key="auth.lockout_attempts", value=100)  # no pair lock in the way
    policy_set(actor=world.admin, key="auth.address_attempts", value=100)
    policy_set(actor=world.admin, key="auth.account_attempts", value=20)
    for n in range(4):  # 24 failures, but from only 4 addresses
        for _ in range(6):
            _try(client, "wrong", username="admin", ip=f"192.0.2.{n + 1}")
    assert _try(client, PASSWORD, username="admin", ip=B).status_code == 302
    assert not Notification.objects.exists()
    client.logout()
    _try(client, "wrong", username="admin", ip="192.0.2.5")  # the fifth address
    refused = _try(client, PASSWORD, username="admin", ip="198.51.100.77")
    assert refused.status_code == 429 and LOGIN_REFUSED in refused.content.decode()
    # B, where admin logged in a moment ago, is exempt from the account-wide lock.
    assert _try(client, PASSWORD, username="admin", ip=B).status_code == 302
    client.logout()
    assert _api(client, PASSWORD, username="admin", ip="192.0.2.99").status_code == 429
    assert AuditLog.objects.filter(action="user.locked", object_id=str(world.admin.pk)).count() == 1
    note = Notification.objects.get()
    assert note.user == world.admin and note.kind == "security" and "admin" in note.title
    assert note.url == reverse("core:user_detail", args=[world.admin.pk])
    # Further failures while locked are refused before they count: no second notice or audit record.
    _try(client, "wrong", username="admin", ip="192.0.2.6")
    assert Notification.objects.count() == 1
    assert AuditLog.objects.filter(action="user.locked").count() == 1
    # Other accounts are untouched.
    assert _try(client, PASSWORD, username="office_b", ip="192.0.2.1").status_code == 302


def test_with_the_default_policies_the_account_lock_needs_ten_addresses(world, client):
    for n in range(9):
        for _ in range(5):
            _try(client, "wrong", username="office_a", ip=f"192.0.2.{n + 1}")
    assert _try(client, PASSWORD, ip=B).status_code == 302
    client.logout()
    for _ in range(5):
        _try(client, "wrong", username="office_a", ip="192.0.2.10")
    assert _try(client, PASSWORD, ip="198.51.100.77").status_code == 429
    assert _try(client, PASSWORD, ip=B).status_code == 302  # where office_a logged in before
    assert Notification.objects.filter(user=world.admin, kind="security").count() == 1


def test_the_window_expires(world, client):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(5):
            _try(client, "wrong")
        assert _try(client, PASSWORD).status_code == 429
        traveller.shift(datetime.timedelta(minutes=14))
        assert _try(client, PASSWORD).status_code == 429
        traveller.shift(datetime.timedelta(minutes=2))
        assert _try(client, PASSWORD).status_code == 302


def test_an_admin_unlocks_every_address_and_the_failures_stay_on_record(world, client, login):
    for ip in (A, B):
        for _ in range(5):
            _try(client, "wrong", ip=ip)
    page = login(world.admin).get(reverse("core:user_detail", args=[world.office_a.pk])).content.decode()
    assert "登录已锁定" in page and A in page and B in page
    user_unlock(actor=world.admin, user=world.office_a)
    assert _try(client, PASSWORD).status_code == 302
    assert LoginFailure.objects.filter(username="office_a", cleared=True).count() == 10
    assert AuditLog.objects.get(action="user.unlock").after == {"cleared_failures": 10}


def test_the_unlock_button_on_the_account_page_works(world, client, login):
    for _ in range(5):
        _try(client, "wrong")
    admin = login(world.admin)
    assert admin.post(reverse("core:user_unlock", args=[world.office_a.pk])).status_code == 302
    assert "登录已锁定" not in admin.get(reverse("core:user_detail", args=[world.office_a.pk])).content.decode()
    assert _try(client, PASSWORD).status_code == 302


def test_it_uses_the_configured_limit(world, client):
    policy_set(actor=world.admin, key="auth.lockout_attempts", value=2)
    _try(client, "wrong")
    assert _try(client, "wrong").status_code == 429
    assert _try(client, PASSWORD).status_code == 429


def test_the_api_follows_the_same_rules(world, client):
    for _ in range(4):
        response = _api(client, "x")
        assert response.status_code == 401 and response.json()["detail"] == LOGIN_BAD_CREDENTIALS
    fifth = _api(client, "x")
    assert fifth.status_code == 429 and fifth.json()["detail"] == LOGIN_REFUSED
    assert _api(client, PASSWORD).status_code == 429
    assert _try(client, PASSWORD).status_code == 429  # the page and the API count together
    assert _api(client, PASSWORD, ip=B).status_code == 200
    assert AuditLog.objects.filter(action="login.failed", after={"via": "api"}).count() == 5
    assert AuditLog.objects.filter(action="login.success", after={"via": "api"}, ip=B).count() == 1


def test_the_api_counts_spraying_per_address(world, client):
    for i in range(20):
        _api(client, "x", username=f"u{i}")
    assert _api(client, PASSWORD).status_code == 429
    assert _api(client, PASSWORD, ip=B).status_code == 200


def test_failures_are_audited_with_the_typed_name_capped_and_printable(world, client):
    typed = "<script>\x1b[31m\x07\u202e" + "x" * 135
    assert _api(client, "wrong", username=typed).status_code == 401
    record = AuditLog.objects.get(action="login.failed")
    assert record.actor is None and record.ip == A and record.object_id == ""
    assert len(record.object_repr) == 64 and record.object_repr.startswith("<script>[31mxx")
    assert LoginFailure.objects.get().username == typed  # the failure table keeps what was typed (≤ 150)
    _try(client, "wrong")
    known = AuditLog.objects.filter(action="login.failed").order_by("-id").first()
    assert known.object_id == str(world.office_a.pk) and known.object_repr == "office_a"


def test_the_audit_page_escapes_a_hostile_username(world, client, login):
    _try(client, "wrong", username='<img src=x onerror=alert(1)>')
    page = login(world.admin).get(reverse("core:audit")).content.decode()
    assert "<img src=x" not in page and "&lt;img src=x" in page


def test_the_api_refuses_an_oversized_username_without_counting_it(world, client):
    response = _api(client, "x", username="x" * 151)
    assert response.status_code == 422
    assert not LoginFailure.objects.exists() and not AuditLog.objects.filter(action="login.failed").exists()


def test_a_deactivated_account_gets_the_wrong_password_message(world, client):
    world.office_a.is_active = False
    world.office_a.save()
    response = _try(client, PASSWORD)
    assert response.status_code == 400 and LOGIN_BAD_CREDENTIALS in response.content.decode()


def test_the_lockout_works_behind_a_trusted_proxy(world, client, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    for _ in range(5):
        client.post(reverse("core:login"), {"username": "office_a", "password": "wrong"},
                    REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"1.1.1.1, {A}")
    assert set(LoginFailure.objects.values_list("ip", flat=True)) == {A}
    via_proxy_from_b = client.post(reverse("core:login"), {"username": "office_a", "password": PASSWORD},
                                   REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=B)
    assert via_proxy_from_b.status_code == 302


def test_it_expires_sessions(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and settings.SESSION_COOKIE_AGE <= 12 * 3600


def test_settings_refuse_a_malformed_trusted_proxy():
    result = subprocess.run(
        ["python", "-c", "import django; from django.conf import settings; settings.INSTALLED_APPS"],
        env={"TRUSTED_PROXIES": "10.0.0.1,not-an-address", "DJANGO_SETTINGS_MODULE": "dudao.settings",
             "PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(__import__("sys").path)},
        capture_output=True, text=True, executable=__import__("sys").executable)
    assert result.returncode != 0 and "not-an-address" in result.stderr
