"""Bearer tokens: issued for a correct password; forged, expired and revoked ones get 401."""

import datetime

from django.utils import timezone

from dudao.core.models import ApiToken
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
