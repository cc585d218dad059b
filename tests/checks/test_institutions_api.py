"""GET /api/v1/institutions and /api/v1/institutions/{id}: scope, filters, pages, flags; never the fund account;
and the office's to-do of flagged institutions."""

import datetime

import pytest
from django.utils import timezone

from dudao.checks.todo import institutions_flagged
from dudao.core.models import Role
from dudao.core.services import role_assign, user_create
from tests.checks._institutions import (
    ACCOUNT,
    annual_results,
    institution_user,
    private_kindergarten,
    profile,
    training,
    violation,
)

pytestmark = pytest.mark.django_db


def _setup(world):
    ok = training(world)
    profile(ok)
    expired = training(world, code="1990102903", name="甲区过期培训学校")
    profile(expired, licence_no="过期001", licence_issued_on=datetime.date(2017, 1, 1),
            licence_valid_until=datetime.date(2020, 1, 1))
    annual_results(world, expired, ["fail", "fail"])
    violation(expired)
    kindergarten = private_kindergarten(world)
    other = training(world, code="1990103901", name="乙县育才培训中心", town=world.schools_b[0].region)
    return ok, expired, kindergarten, other


def test_the_list_is_scoped_filtered_and_never_holds_the_account(world, login):
    ok, expired, kindergarten, other = _setup(world)
    client = login(world.office_a)
    response = client.get("/api/v1/institutions")
    assert response.status_code == 200 and ACCOUNT not in response.content.decode()
    body = response.json()
    assert body["count"] == 3
    by_id = {item["id"]: item for item in body["items"]}
    assert set(by_id) == {ok.pk, expired.pk, kindergarten.pk}
    assert by_id[expired.pk]["expired"] is True and by_id[expired.pk]["licence_state"] == "expired"
    assert by_id[expired.pk]["flags"] == ["expired", "fail_twice"]
    assert (by_id[expired.pk]["annual_year"], by_id[expired.pk]["annual_result"]) == (2024, "fail")
    assert by_id[expired.pk]["open_violations"] == 1
    assert by_id[ok.pk]["subjects"] == ["美术", "书法"] and by_id[ok.pk]["whitelist"] == "listed"
    assert by_id[kindergarten.pk]["kind"] == "private_kindergarten" and by_id[kindergarten.pk]["flags"] == ["missing"]
    assert "fund_account" not in by_id[ok.pk]
    assert [i["id"] for i in client.get("/api/v1/institutions?expired=true").json()["items"]] == [expired.pk]
    assert {i["id"] for i in client.get("/api/v1/institutions?expired=false").json()["items"]} == {ok.pk, kindergarten.pk}
    assert [i["id"] for i in client.get("/api/v1/institutions?kind=private_kindergarten").json()["items"]] == [
        kindergarten.pk]
    paged = client.get("/api/v1/institutions?page=2&page_size=2").json()
    assert paged["count"] == 3 and len(paged["items"]) == 1
    assert client.get("/api/v1/institutions?page=99999999999999").json()["items"] == []
    assert client.get("/api/v1/institutions?page=0").status_code == 422


def test_the_detail_is_scoped_and_masks_nothing_because_it_sends_no_account(world, login):
    ok, _expired, _kindergarten, other = _setup(world)
    client = login(world.office_a)
    body = client.get(f"/api/v1/institutions/{ok.pk}").json()
    assert body["licence_authority"] == "甲区教育局" and body["fund_bank"] == "工商银行甲区支行"
    assert "fund_account" not in body and ACCOUNT not in str(body)
    assert client.get(f"/api/v1/institutions/{other.pk}").status_code == 404
    assert client.get(f"/api/v1/institutions/{world.schools_a[0].pk}").status_code == 404  # a public school
    assert client.get("/api/v1/institutions/abc").status_code == 422


def test_an_institution_user_reads_only_itself(world, login):
    ok, expired, _kindergarten, _other = _setup(world)
    client = login(institution_user(world, ok))
    assert [i["id"] for i in client.get("/api/v1/institutions").json()["items"]] == [ok.pk]
    assert client.get(f"/api/v1/institutions/{expired.pk}").status_code == 404
    assert login(world.office_b).get("/api/v1/institutions").json()["count"] == 1  # its own county's


def test_the_office_of_the_county_gets_one_item_per_flagged_institution(world):
    ok, expired, kindergarten, other = _setup(world)
    today = timezone.localdate()
    items = institutions_flagged(world.office_a, today)
    assert {i.key for i in items} == {f"checks.institution:{expired.pk}:flag", f"checks.institution:{kindergarten.pk}:flag"}
    item = next(i for i in items if expired.name == i.object)
    assert item.due is None and "许可证已过期" in item.title and "年检两次不合格" in item.title
    assert institutions_flagged(world.office_b, today)[0].object == other.name  # no profile: missing
    assert institutions_flagged(world.leader_a, today) == []
    city = user_create(actor=world.admin, username="city_office", full_name="市督导室", password="x-Passw0rd-9")
    role_assign(actor=world.admin, user=city, role=Role.OFFICE, region=world.county_a.parent)
    assert institutions_flagged(city, today) == []  # the county's office does this work, not the city's


def test_the_to_do_runs_the_same_queries_for_1_and_20_flagged(world, django_assert_max_num_queries):
    today = timezone.localdate()
    training(world)
    with django_assert_max_num_queries(3):
        assert len(institutions_flagged(world.office_a, today)) == 1
    for k in range(20):
        school = training(world, code=f"19901029{k + 10:02d}", name=f"培训{k}")
        annual_results(world, school, ["fail", "fail"])
    with django_assert_max_num_queries(3):
        assert len(institutions_flagged(world.office_a, today)) == 21
