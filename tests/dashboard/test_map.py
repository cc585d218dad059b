"""The cockpit map's page and JSON (area: map): scope, layers, town shading from the cockpit registry,
schools without coordinates counted but not drawn, a constant number of queries, the panel."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dudao.core import registries
from dudao.core.registries import CockpitSection, MapLayer, Metric
from dudao.dashboard.selectors import maps
from dudao.regions.models import Boundary, Region
from dudao.regions.services import boundary_upload, town_boundaries_upload
from dudao.schools.models import School
from dudao.schools.services import school_save
from tests.regions.test_boundary_upload import towns_file
from tests.regions.test_geo import dump, polygon

URL = reverse("dashboard:map_data")
CALLS = []


def fake_values(region_code, year):
    CALLS.append((region_code, year))
    return {s.pk: (1 if i % 2 else 0) for i, s in enumerate(School.objects.order_by("code")) if i < 2}


def fake_metrics(region_code, year, children):
    return [Metric("test.score", "测试得分", 80.0, "分", breakdown={c.key: 10.0 * (i + 1) for i, c in enumerate(children)}),
            Metric("test.plain", "无分解", 3, "个")]


@pytest.fixture
def fakes(monkeypatch):
    CALLS.clear()
    monkeypatch.setitem(registries._MAP_LAYERS, "test.flag",
                        MapLayer("test.flag", "测试达标", "", fake_values, True, True))
    monkeypatch.setitem(registries._COCKPIT_SECTIONS, "test", CockpitSection("test", "测试", 1, fake_metrics))


def place(world, n=3):
    for i, s in enumerate(world.schools_a[:n]):
        school_save(actor=world.admin, school=s, longitude=113.4 + i * 0.05, latitude=34.7)
    for s in world.schools_b:
        school_save(actor=world.admin, school=s, longitude=114.4, latitude=34.7)


def test_the_office_gets_its_county_with_points_and_counts(world, login, fakes):
    place(world)
    body = login(world.office_a).get(URL, {"layer": "test.flag", "year": "2025"}).json()
    assert body["region"]["code"] == "990102" and body["year"] == 2025
    assert body["counts"] == {"total": 5, "placed": 3, "without_coordinates": 2, "with_value": 2}
    assert {s["name"] for s in body["schools"]} == {"甲区第一小学", "甲区第二小学", "甲区九年一贯制学校"}
    first = next(s for s in body["schools"] if s["name"] == "甲区第一小学")
    assert first["url"] == reverse("dashboard:school_detail", args=[world.schools_a[0].pk])
    assert first["lon"] == 113.4 and first["lat"] == 34.7
    assert body["layer"] == {"key": "test.flag", "label": "测试达标", "unit": "", "flag": True, "higher_is_better": True}
    assert CALLS == [("990102", 2025)], "a layer reads as the region, for the year asked"
    assert body["boundary"] is None


def test_a_school_without_a_value_is_sent_as_null(world, login, fakes):
    place(world)
    body = login(world.office_a).get(URL, {"layer": "test.flag"}).json()
    values = {s["name"]: s["value"] for s in body["schools"]}
    assert values == {"甲区第一小学": 0, "甲区第二小学": 1, "甲区九年一贯制学校": None}


def test_towns_are_shaded_by_a_cockpit_figure_only_where_drawn(world, login, fakes):
    place(world)
    boundary_upload(actor=world.office_a, region=world.county_a, data=dump(polygon()), filename="a.json")
    town_boundaries_upload(actor=world.office_a, region=world.county_a, data=towns_file(), filename="t.json")
    body = login(world.leader_a).get(URL, {"figure": "test.score"}).json()
    assert "test.score" in [f["key"] for f in body["figures"]] and "test.plain" not in [f["key"] for f in body["figures"]]
    assert body["figure"]["key"] == "test.score" and body["figure"]["unit"] == "分"
    assert body["figure"]["values"] == {"甲一街道": 10.0, "甲二镇": 20.0}
    roles = [(f["properties"]["role"], f["properties"]["name"]) for f in body["boundary"]["features"]]
    assert roles == [("outline", "甲区"), ("child", "甲一街道"), ("child", "甲二镇")]
    assert body["children"] == {"total": 2, "with_boundary": 2}


def test_an_unknown_layer_or_figure_falls_back_and_a_bad_year_is_this_year(world, login, fakes):
    body = login(world.office_a).get(URL, {"layer": "nope", "figure": "nope", "year": "abc"}).json()
    assert body["layer"]["key"] in {x["key"] for x in body["layers"]}
    assert body["year"] == timezone.localdate().year
    assert login(world.office_a).get(URL, {"year": "1900"}).json()["year"] == body["year"]


def test_a_city_user_sees_counties_and_their_schools(world, login, fakes):
    place(world)
    from django.contrib.auth import get_user_model

    from dudao.core.services import role_assign

    user = get_user_model().objects.create_user("city_leader")
    role_assign(actor=world.admin, user=user, role="leader", region=Region.objects.get(code="990100"))
    body = login(user).get(URL).json()
    assert body["region"]["code"] == "990100" and body["counts"]["total"] == 7
    narrowed = login(user).get(URL, {"region": "990103"}).json()
    assert narrowed["counts"] == {"total": 2, "placed": 2, "without_coordinates": 0,
                                  "with_value": narrowed["counts"]["with_value"]}


@pytest.mark.parametrize(("who", "region", "status"), [
    ("office_a", "990103", 404),  # another county
    ("office_a", "990000", 404),  # above the user's county
    ("office_a", "999999", 404),  # unknown
    ("office_a", "990102'--", 404),
    ("office_b", "990102", 404),
    ("principal_a", "", 404),
    ("inspector_a", "", 404),
    ("town_a", "", 404),
    ("expert", "", 404),
    ("leader_a", "990102001", 200),  # a town of the county: points only
    ("admin", "990103", 200),
])
def test_scope(world, login, who, region, status):
    client = login(getattr(world, who))
    assert client.get(URL, {"region": region}).status_code == status
    assert client.get(reverse("dashboard:map"), {"region": region}).status_code == status


def test_anonymous_is_sent_to_login(client):
    assert client.get(URL).status_code == 302


def test_the_page_has_pickers_and_the_map_holder(world, login):
    page = login(world.leader_a).get(reverse("dashboard:map"), {"year": "2025"})
    text = page.content.decode()
    assert page.status_code == 200
    assert 'id="dudao-map"' in text and "js/dashboard_map.js" in text and 'value="2025" selected' in text
    assert "甲区" in text and reverse("regions:boundary", args=["990102"]) in text


def test_the_panel_is_self_contained(world, rf):
    html = render_to_string("dashboard/maps/_panel.html", {"map_region": "990102", "map_year": 2025,
                                                           "CSP_NONCE": "n0nce"})
    assert f'{reverse("dashboard:map_data")}?region=990102&year=2025' in html
    assert 'nonce="n0nce"' in html and "js/dashboard_map.js" in html and "echarts.min.js" in html
    assert f'{reverse("dashboard:map")}?region=990102&year=2025' in html


def test_map_data_queries_do_not_grow_with_schools(world, login, fakes):
    client = login(world.office_a)
    boundary_upload(actor=world.office_a, region=world.county_a, data=dump(polygon()), filename="a.json")
    town = Region.objects.get(code="990102001")

    def add(n, start):
        for i in range(n):
            School.objects.create(code=f"19901029{start + i:02d}", name=f"新增学校{start + i}", school_type="primary",
                                  ownership="public", urban_rural="urban", region=town, longitude=113.5, latitude=34.7)

    def measure():
        client.get(URL)  # warm the session and the policy cache
        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured.captured_queries)

    add(2, 0)
    few = measure()
    add(30, 10)
    assert measure() == few
    assert Boundary.objects.count() == 1


@pytest.mark.parametrize(("moment", "year"), [
    (datetime.datetime(2026, 12, 31, 15, 30, tzinfo=datetime.UTC), 2026),  # 23:30 Beijing, 31 December
    (datetime.datetime(2026, 12, 31, 16, 30, tzinfo=datetime.UTC), 2027),  # 00:30 Beijing, 1 January
])
def test_the_year_is_the_beijing_year(moment, year):
    with time_machine.travel(moment, tick=False):
        assert maps.pick_year("") == year
        assert maps.map_years()[0] == year and maps.pick_year(str(year - 4)) == year - 4
        assert maps.pick_year(str(year + 1)) == year
