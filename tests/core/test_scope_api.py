"""The API is scoped exactly like the pages."""

import pytest

from dudao.core.services import token_issue


def bearer(user) -> dict:
    key, _token = token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_it_lists_only_visible_schools(world, client):
    data = client.get("/api/v1/schools", **bearer(world.office_b)).json()
    assert data["count"] == 2
    assert {s["code"] for s in data["items"]} == {"1990103001", "1990103002"}


def test_it_returns_404_for_another_districts_school(world, client):
    assert client.get("/api/v1/schools/1990102001", **bearer(world.office_b)).status_code == 404
    ok = client.get("/api/v1/schools/1990102001", **bearer(world.office_a))
    assert ok.status_code == 200 and ok.json()["name"] == "甲区第一小学"


@pytest.mark.parametrize("path", ["/api/v1/regions", "/api/v1/units"])
def test_it_scopes_regions_and_units(world, client, path):
    items = client.get(path, **bearer(world.office_b)).json()["items"]
    text = str(items)
    assert "甲" not in text and "乙" in text


def test_it_filters_and_paginates_schools(world, client):
    data = client.get("/api/v1/schools?school_type=junior&page=1", **bearer(world.admin)).json()
    assert {s["code"] for s in data["items"]} == {"1990102005", "1990103002"}


def test_it_works_with_the_browser_session(world, client):
    client.force_login(world.inspector_a)
    assert client.get("/api/v1/schools").json()["count"] == 3


def test_it_serves_the_openapi_schema(world, client):
    schema = client.get("/api/v1/openapi.json", **bearer(world.office_a)).json()
    assert "/api/v1/schools" in schema["paths"] and "/api/v1/auth/token" in schema["paths"]
