"""POST/GET /api/v1/quality/rounds: defaults, 201/400/403/404, hostile inputs, scope of the list and detail."""

import datetime
import json

import pytest
from django.utils import timezone

from dudao.core.services import token_issue
from dudao.quality.models import Round, SubjectKind
from dudao.quality.services import rounds as services
from tests.quality.factories import school_year, service_round

URL = "/api/v1/quality/rounds"


def _auth(user) -> dict:
    key, _token = token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _post(client, user, body: dict):
    return client.post(URL, data=json.dumps(body), content_type="application/json", **_auth(user))


def _body(**extra) -> dict:
    year = school_year()
    body = {"county": "990102", "year": year, "term": "autumn", "grade": 8,
            "subjects": [{"name": "语文", "full_marks": 100}, {"name": "数学", "full_marks": 100}],
            "test_date": f"{year}-11-20"}
    body.update(extra)
    return body


def test_create_with_defaults(world, client):
    response = _post(client, world.office_a, _body(test_date=None))
    assert response.status_code in (201, 400)
    if timezone.localdate() > services.school_year_span(school_year())[1]:  # pragma: no cover - never: the year in progress
        return
    assert response.status_code == 201, response.json()
    round_ = Round.objects.get(pk=response.json()["id"])
    assert round_.test_date == timezone.localdate()
    assert round_.title == f"甲区{school_year()}—{school_year() + 1}学年秋季8年级学业质量监测"
    # every school of the county teaching grade 8 (初中 stage): the junior and the nine-year school
    assert sorted(round_.round_schools.values_list("school__code", flat=True)) == ["1990102003", "1990102005"]
    assert round_.subjects.get(name="数学").pass_line == 60


def test_create_with_schools_pool_and_title(world, client):
    response = _post(client, world.office_a, _body(
        schools=["1990102005"], title="自定名称", draw_pool=[{"name": "英语", "full_marks": 100},
                                                          {"name": "物理", "full_marks": 100}]))
    assert response.status_code == 201
    round_ = Round.objects.get(pk=response.json()["id"])
    assert round_.title == "自定名称" and round_.selection == "list"
    assert [p["name"] for p in round_.draw_pool] == ["英语", "物理"]
    assert list(round_.round_schools.values_list("school__code", flat=True)) == ["1990102005"]


@pytest.mark.parametrize(("body", "message"), [
    ({"grade": -1}, "年级应在 1 到 12 之间"),
    ({"grade": 40}, "年级应在 1 到 12 之间"),
    ({"subjects": [{"name": "语文", "full_marks": 1e9}]}, "满分应大于 0 且不超过 1000"),
    ({"subjects": [{"name": "语文", "full_marks": -100}]}, "满分应大于 0 且不超过 1000"),
    ({"subjects": []}, "请至少填写一门监测学科"),
    ({"subjects": [{"name": "语文", "full_marks": 100}, {"name": "语文", "full_marks": 100}]}, "重复"),
    ({"schools": ["1990103001"]}, "不是甲区的学校"),
    ({"schools": ["1990102005", "1990102005"]}, "重复"),
    ({"schools": []}, "学校名单为空"),
    ({"schools": ["'; DROP TABLE quality_round; --"]}, "不存在"),
    ({"test_date": "2001-01-01"}, "测试日期应在"),
    ({"year": 1900}, "学年应在"),
    ({"draw_pool": [{"name": "语文", "full_marks": 100}, {"name": "英语", "full_marks": 100}]}, "与固定学科重复"),
])
def test_bad_input_is_400_in_chinese(world, client, body, message):
    response = _post(client, world.office_a, _body(**body))
    assert response.status_code == 400, response.content
    assert message in response.json()["detail"] + json.dumps(response.json().get("errors", []), ensure_ascii=False)
    assert Round.objects.count() == 0


@pytest.mark.parametrize("body", [
    {"term": "summer"}, {"grade": "八"}, {"subjects": "语文"}, {"county": None}, {"test_date": "昨天"},
])
def test_wrong_types_are_refused(world, client, body):
    response = _post(client, world.office_a, _body(**body))
    assert response.status_code in (400, 422) and response.json()["detail"]
    assert Round.objects.count() == 0


def test_nan_full_marks_refused(world, client):
    raw = json.dumps(_body()).replace('"full_marks": 100}', '"full_marks": NaN}', 1)
    response = client.post(URL, data=raw, content_type="application/json", **_auth(world.office_a))
    assert response.status_code in (400, 422)
    assert Round.objects.count() == 0


def test_scope_403_and_404(world, client):
    assert _post(client, world.office_b, _body()).status_code == 404  # a county outside scope
    assert _post(client, world.office_a, _body(county="990103")).status_code == 404
    assert _post(client, world.office_a, _body(county="990100")).status_code == 404  # a city, not a county
    for user in (world.principal_a, world.leader_a, world.inspector_a, world.town_a):
        response = _post(client, user, _body())
        assert response.status_code == 403 and response.json()["detail"]
    assert client.post(URL, data=json.dumps(_body()), content_type="application/json").status_code == 401
    assert Round.objects.count() == 0


def test_list_and_detail_scope(world, client):
    junior = service_round(world, title="初中轮次")
    primary = service_round(world, title="小学轮次", grade=4, selection_params={"school_types": ["primary"]})
    body = client.get(URL, **_auth(world.office_a)).json()
    assert body["count"] == 2 and {r["title"] for r in body["items"]} == {"初中轮次", "小学轮次"}
    item = next(r for r in body["items"] if r["id"] == junior.pk)
    assert item["county"] == "990102" and item["county_name"] == "甲区" and item["school_count"] == 2
    assert client.get(URL, {"grade": 4}, **_auth(world.office_a)).json()["count"] == 1
    assert client.get(URL, {"q": "初中"}, **_auth(world.office_a)).json()["count"] == 1
    assert client.get(URL, {"status": "published"}, **_auth(world.office_a)).json()["count"] == 0
    assert client.get(URL, {"page": 99}, **_auth(world.office_a)).json() == {"items": [], "count": 2}
    assert client.get(URL, **_auth(world.office_b)).json() == {"items": [], "count": 0}
    assert client.get(f"{URL}/{junior.pk}", **_auth(world.office_b)).status_code == 404
    principal = client.get(URL, **_auth(world.principal_a)).json()  # 甲区第一小学 is only in the primary round
    assert [r["id"] for r in principal["items"]] == [primary.pk]
    assert client.get(f"{URL}/{junior.pk}", **_auth(world.principal_a)).status_code == 404
    assert client.get(f"{URL}/999999", **_auth(world.office_a)).status_code == 404


def test_detail_draw_and_sample_records(world, client):
    round_ = service_round(world, test_date=datetime.date(school_year(), 9, 2))
    services.round_draw(actor=world.office_a, round=round_, seed=11)
    detail = client.get(f"{URL}/{round_.pk}", **_auth(world.office_a)).json()
    drawn = round_.subjects.get(kind=SubjectKind.DRAWN).name
    assert detail["draw"]["seed"] == 11 and detail["draw"]["subject"] == drawn
    assert detail["draw"]["pool"] == ["英语", "物理", "道德与法治"]
    assert [s["name"] for s in detail["subjects"]] == ["语文", "数学", drawn]
    assert {s["code"] for s in detail["schools"]} == {"1990102003", "1990102005"}
    assert detail["sample"] is None and detail["status"] == "planned"
