"""GET /api/v1/checks and /api/v1/checks/{id}: scope (office all targets, inspector only their own, principal and
another district nothing), counts, checklist items, pagination and bad filters."""

import pytest

from dudao.checks.services import rounds as services
from tests.checks.rounds_fixtures import crew_fixture, make_round  # noqa: F401 -- fixture

pytestmark = pytest.mark.django_db


@pytest.fixture
def rounds_made(world, crew):
    mine = make_round(world)
    services.targets_add(actor=world.office_a, round=mine, schools=world.schools_a)
    services.round_open(actor=world.office_a, round=mine)
    other = make_round(world, title="另一轮")
    services.targets_add(actor=world.office_a, round=other, schools=world.schools_a[3:], inspector=crew.other)
    return mine, other


def test_office_lists_rounds_with_counts_and_reads_all_targets(world, rounds_made, login):
    mine, other = rounds_made
    client = login(world.office_a)
    body = client.get("/api/v1/checks").json()
    assert body["count"] == 2
    row = next(r for r in body["items"] if r["id"] == mine.pk)
    assert row["target_count"] == 5 and row["done_count"] == 0 and row["status"] == "open"
    assert row["kind_label"] == "节前安全稳定检查" and row["region"] == "990102"
    assert client.get("/api/v1/checks", {"status": "draft"}).json()["count"] == 1
    assert client.get("/api/v1/checks", {"status": "bogus"}).status_code in (400, 422)
    assert client.get("/api/v1/checks", {"year": 10**20}).json()["count"] == 0
    assert client.get("/api/v1/checks", {"year": mine.starts_on.year}).json()["count"] == 2
    assert client.get("/api/v1/checks", {"page": 0}).status_code in (400, 422)
    assert client.get("/api/v1/checks", {"page": 99}).json()["items"] == []
    detail = client.get(f"/api/v1/checks/{mine.pk}").json()
    assert [i["text"] for i in detail["items"]] == ["消防器材在有效期内", "最大班额", "其他情况"]
    assert detail["items"][1]["number_max"] == 45.0 and detail["items"][0]["veto"] is True
    assert detail["targets_total"] == 5 and len(detail["targets"]) == 5 and detail["targets_capped"] is False
    assert {t["inspector_name"] for t in detail["targets"]} == {"督学甲", ""}


def test_inspector_sees_only_own_rounds_and_targets(world, crew, rounds_made, login):
    mine, other = rounds_made
    client = login(world.inspector_a)
    body = client.get("/api/v1/checks").json()
    assert [r["id"] for r in body["items"]] == [mine.pk]
    assert body["items"][0]["my_targets"] == 3 and body["items"][0]["my_pending"] == 3
    detail = client.get(f"/api/v1/checks/{mine.pk}").json()
    assert detail["targets_total"] == 3
    assert {t["school"] for t in detail["targets"]} == {s.pk for s in world.schools_a[:3]}
    assert client.get(f"/api/v1/checks/{other.pk}").status_code == 404


def test_principal_and_other_district_see_nothing(world, rounds_made, login):
    mine, _other = rounds_made
    for user in (world.principal_a, world.office_b):
        client = login(user)
        assert client.get("/api/v1/checks").json()["count"] == 0
        assert client.get(f"/api/v1/checks/{mine.pk}").status_code == 404
    assert login(world.office_a).get("/api/v1/checks/99999999").status_code == 404
