"""Bearer tokens: issued for a correct password; forged, expired and revoked ones get 401."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dudao.core.errors import PermissionDenied
from dudao.core.models import ApiToken, AuditLog
from dudao.core.services import token_revoke, user_set_active, user_set_password
from tests.conftest import PASSWORD


def _token(client, password=PASSWORD):
    return client.post("/api/v1/auth/token", {"username": "office_a", "password": password},
                       content_type="application/json")


def test_it_issues_a_token_that_reads_the_api(world, client):
    response = _token(client)
    assert response.status_code == 200
    key = response.json()["token"]
    listing = client.get("/api/v1/schools", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert listing.status_code == 200 and listing.json()["count"] == 5
    assert ApiToken.objects.get().key_hash != key  # only the hash is stored


def test_it_refuses_a_wrong_password(world, client):
    response = _token(client, "nope")
    assert response.status_code == 401 and response.json()["detail"] == "用户名或密码错误。"


def test_it_refuses_forged_tokens(world, client):
    assert client.get("/api/v1/schools", HTTP_AUTHORIZATION="Bearer forged-token").status_code == 401
    assert client.get("/api/v1/schools").status_code == 401


def test_it_refuses_expired_and_revoked_tokens(world, client):
    key = _token(client).json()["token"]
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    assert client.get("/api/v1/schools", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    key = _token(client).json()["token"]
    ApiToken.objects.update(revoked=True)
    assert client.get("/api/v1/schools", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


def test_it_refuses_tokens_of_deactivated_users(world, client):
    key = _token(client).json()["token"]
    world.office_a.is_active = False
    world.office_a.save()
    assert client.get("/api/v1/schools", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401


# ---- where tokens come from, revocation, the pages -------------------------------------------------------

def _token_from(client, ip, username="office_a"):
    response = client.post("/api/v1/auth/token", {"username": username, "password": PASSWORD},
                           content_type="application/json", REMOTE_ADDR=ip)
    assert response.status_code == 200
    return response.json()["token"]


def _get(client, key, ip="127.0.0.1"):
    client = Client()  # no session: the `login` fixture logs the shared client in
    return client.get("/api/v1/schools", HTTP_AUTHORIZATION=f"Bearer {key}", REMOTE_ADDR=ip)


def test_it_records_where_a_token_was_issued_and_last_used(world, client):
    key = _token_from(client, "203.0.113.5")
    token = ApiToken.objects.get()
    assert token.created_ip == "203.0.113.5" and token.last_used_at is None and token.last_used_ip is None
    assert _get(client, key, "198.51.100.7").status_code == 200
    token.refresh_from_db()
    assert token.last_used_ip == "198.51.100.7" and token.last_used_at is not None
    assert _get(client, key, "198.51.100.8").status_code == 200  # a new address is recorded at once
    token.refresh_from_db()
    assert token.last_used_ip == "198.51.100.8"


def test_changing_the_password_revokes_the_tokens(world, client, login):
    key = _token_from(client, "203.0.113.5")
    page = login(world.office_a)
    new = "Another-pass-2027"
    response = page.post(reverse("core:password_change"),
                         {"old_password": PASSWORD, "new_password": new, "new_password2": new})
    assert response.status_code == 302
    assert _get(client, key).status_code == 401
    assert ApiToken.objects.get().revoked
    assert AuditLog.objects.get(action="user.set_password").after == {"revoked_tokens": 1}


def test_an_admin_password_reset_revokes_the_tokens(world, client):
    key = _token_from(client, "203.0.113.5")
    other = _token_from(client, "203.0.113.5", username="office_b")
    user_set_password(actor=world.admin, user=world.office_a, password="Reset-pass-2027")
    assert _get(client, key).status_code == 401
    assert _get(client, other).status_code == 200  # only that user's tokens


def test_deactivating_the_account_revokes_the_tokens(world, client):
    key = _token_from(client, "203.0.113.5")
    user_set_active(actor=world.admin, user=world.office_a, active=False)
    user_set_active(actor=world.admin, user=world.office_a, active=True)
    assert _get(client, key).status_code == 401  # reactivating does not bring the token back
    assert ApiToken.objects.get().revoked_at is not None


def test_my_tokens_page_lists_only_my_tokens(world, client, login):
    _token_from(client, "203.0.113.5")
    _token_from(client, "198.51.100.99", username="office_b")
    mine = ApiToken.objects.get(user=world.office_a)
    theirs = ApiToken.objects.get(user=world.office_b)
    page = login(world.office_a).get(reverse("core:my_tokens"))
    text = page.content.decode()
    assert page.status_code == 200 and "我的接口令牌" in text
    assert f"#{mine.pk}" in text and "203.0.113.5" in text and "从未使用" in text
    assert f"#{theirs.pk}<" not in text and "198.51.100.99" not in text
    assert reverse("core:token_revoke", args=[theirs.pk]) not in text
    # The administrator's own page also shows only their own tokens.
    admin_page = login(world.admin).get(reverse("core:my_tokens")).content.decode()
    assert "203.0.113.5" not in admin_page and "没有接口令牌" in admin_page
    # And the user menu links to the page.
    assert reverse("core:my_tokens") in login(world.principal_a).get(reverse("core:inbox")).content.decode()


def test_a_user_revokes_their_own_token(world, client, login):
    key = _token_from(client, "203.0.113.5")
    token = ApiToken.objects.get()
    page = login(world.office_a)
    assert page.get(reverse("core:token_revoke", args=[token.pk])).status_code == 405
    response = page.post(reverse("core:token_revoke", args=[token.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("core:my_tokens")
    assert _get(client, key).status_code == 401
    record = AuditLog.objects.get(action="token.revoke")
    assert record.actor == world.office_a and record.object_id == str(token.pk)
    again = page.post(reverse("core:token_revoke", args=[token.pk]), follow=True)
    assert "该令牌已撤销" in again.content.decode()
    assert AuditLog.objects.filter(action="token.revoke").count() == 1


def test_someone_else_s_token_is_404_for_a_non_admin(world, client, login):
    key = _token_from(client, "203.0.113.5", username="office_b")
    token = ApiToken.objects.get()
    for user in (world.office_a, world.principal_a, world.expert):
        assert login(user).post(reverse("core:token_revoke", args=[token.pk])).status_code == 404
    assert login(world.office_a).post(reverse("core:token_revoke", args=[99999])).status_code == 404
    assert _get(client, key).status_code == 200
    with pytest.raises(PermissionDenied):
        token_revoke(actor=world.office_a, token=token)
    assert not AuditLog.objects.filter(action="token.revoke").exists()


def test_an_admin_sees_and_revokes_any_user_s_tokens(world, client, login):
    key = _token_from(client, "203.0.113.5", username="office_b")
    token = ApiToken.objects.get()
    admin = login(world.admin)
    page = admin.get(reverse("core:user_detail", args=[world.office_b.pk])).content.decode()
    assert "接口令牌" in page and "203.0.113.5" in page and reverse("core:token_revoke", args=[token.pk]) in page
    response = admin.post(reverse("core:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("core:user_detail", args=[world.office_b.pk])
    assert _get(client, key).status_code == 401
    record = AuditLog.objects.get(action="token.revoke")
    assert record.actor == world.admin and record.after == {"user": world.office_b.pk, "reason": "manual"}


def test_the_api_revokes_the_token_it_is_called_with(world, client, login):
    key = _token_from(client, "203.0.113.5")
    other = _token_from(client, "203.0.113.5")
    response = client.post("/api/v1/auth/token/revoke", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 204
    assert _get(client, key).status_code == 401
    assert _get(client, other).status_code == 200  # only the one it was called with
    assert client.post("/api/v1/auth/token/revoke", HTTP_AUTHORIZATION=f"Bearer {key}").status_code == 401
    assert client.post("/api/v1/auth/token/revoke").status_code == 401
    session = login(world.office_a).post("/api/v1/auth/token/revoke")
    assert session.status_code == 400 and "Bearer" in session.json()["detail"]
