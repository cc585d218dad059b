"""Wrong passwords lock the account after the limit (policy, default 5 in 15 minutes)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from dudao.core.models import AuditLog, LoginFailure
from dudao.core.services import policy_set, user_unlock
from tests.conftest import PASSWORD


def _try(client, password):
    return client.post(reverse("core:login"), {"username": "office_a", "password": password})


def test_it_logs_in_with_the_right_password(world, client):
    response = _try(client, PASSWORD)
    assert response.status_code == 302


def test_it_locks_after_five_failures_even_with_the_right_password(world, client):
    for _ in range(4):
        assert "用户名或密码错误" in _try(client, "wrong").content.decode()
    assert "账号已被临时锁定" in _try(client, "wrong").content.decode()
    response = _try(client, PASSWORD)
    assert response.status_code == 400
    assert "锁定" in response.content.decode()
    assert AuditLog.objects.filter(action="user.locked").count() == 1


def test_it_unlocks_when_the_window_has_passed(world, client):
    for _ in range(5):
        _try(client, "wrong")
    LoginFailure.objects.update(at=timezone.now() - datetime.timedelta(minutes=16))
    assert _try(client, PASSWORD).status_code == 302


def test_it_lets_an_admin_unlock_and_keeps_the_failures_on_record(world, client):
    for _ in range(5):
        _try(client, "wrong")
    user_unlock(actor=world.admin, user=world.office_a)
    assert _try(client, PASSWORD).status_code == 302
    assert LoginFailure.objects.filter(username="office_a", cleared=True).count() == 5


def test_it_uses_the_configured_limit(world, client):
    policy_set(actor=world.admin, key="auth.lockout_attempts", value=2)
    _try(client, "wrong")
    _try(client, "wrong")
    assert _try(client, PASSWORD).status_code == 400


def test_it_applies_the_same_lockout_to_the_api(world, client):
    for _ in range(5):
        client.post("/api/v1/auth/token", {"username": "office_a", "password": "x"}, content_type="application/json")
    response = client.post("/api/v1/auth/token", {"username": "office_a", "password": PASSWORD},
                           content_type="application/json")
    assert response.status_code == 401 and "锁定" in response.json()["detail"]


def test_it_expires_sessions(settings):
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE and settings.SESSION_COOKIE_AGE <= 12 * 3600
