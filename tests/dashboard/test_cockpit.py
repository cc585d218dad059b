"""驾驶舱 (issue 22 item 4): who sees it, which region and year, the children at each level, year-over-year, the
limit colours, the drill-down, the comparison table, the snapshots (nightly job, live, background), the exports,
the figures equal to the modules' own pages, bounded queries and the Beijing year edges."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from python_calamine import CalamineWorkbook

from dudao.core.models import AuditLog, Role, RoleAssignment
from dudao.core.registries import _COCKPIT_SECTIONS, Metric, cockpit_child_finder, register_cockpit_section
from dudao.core.services import role_assign, user_create
from dudao.dashboard.models import CockpitSnapshot
from dudao.dashboard.selectors import cockpit as selectors
from dudao.dashboard.services import cockpit as services
from dudao.rectification import selectors as rect_selectors
from dudao.rectification.models import Finding
from dudao.rectification.services import finding_raise
from dudao.regions.models import Region
from dudao.schools.models import School

BEIJING = ZoneInfo("Asia/Shanghai")
URL = reverse("dashboard:cockpit")


@pytest.fixture
def fake_section():
    """A provider registered for the test only: a figure with a limit, broken down over whatever children it gets,
    one without a previous year, and one not broken down. Calls are recorded."""
    calls = []

    def metrics(region_code, year, children):
        calls.append((region_code, year, tuple(c.key for c in children)))
        find = cockpit_child_finder(children)
        breakdown = {}
        for i, child in enumerate(children):
            key = find(child.region_code, child.school_id)
            breakdown[key] = [95.0, 70.0, None, 88.0, 60.0][i % 5]
        return [
            Metric("fake.rate", "达标率", 80.0 if year >= 2026 else 72.5, "%", 72.5 if year >= 2026 else None,
                   limit=85, url="/fake/", breakdown=breakdown, source="fake.selectors", note="测试指标"),
            Metric("fake.count", "次数", 7, "次", None, breakdown={c.key: i for i, c in enumerate(children)}),
            Metric("fake.overdue", "逾期", 3, "个", 5, higher_is_better=False, limit=0),
        ]

    register_cockpit_section("fake", "测试板块", metrics, order=1)
    yield calls
    _COCKPIT_SECTIONS.pop("fake", None)


def _person(world, username, role, **target):
    user = user_create(actor=world.admin, username=username, full_name=username, password="pw-123456789")
    role_assign(actor=world.admin, user=user, role=role, **target)
    return user


# ---- who and where ----------------------------------------------------------------------------------------------

def test_office_and_leader_see_their_county_by_default_others_404(world, login, fake_section):
    for user in (world.office_a, world.leader_a):
        response = login(user).get(URL)
        assert response.status_code == 200
        assert response.context["region"].code == "990102"
        assert response.context["year"] == timezone.localdate().year
    for user in (world.inspector_a, world.principal_a, world.town_a, world.expert):
        assert login(user).get(URL).status_code == 404
        assert login(user).get(reverse("dashboard:cockpit_xlsx")).status_code == 404
    assert login(world.admin).get(URL).status_code == 200


def test_a_region_outside_scope_is_404_inside_is_shown(world, login, fake_section):
    client = login(world.office_a)
    assert client.get(URL + "?region=990103").status_code == 404  # the other county
    assert client.get(URL + "?region=990100").status_code == 404  # the city above
    assert client.get(URL + "?region=999999").status_code == 404  # no such region
    assert client.get(reverse("dashboard:cockpit_metric", args=["fake.rate"]) + "?region=990103").status_code == 404
    response = client.get(URL + "?region=990102001")
    assert response.status_code == 200 and response.context["region"].name == "甲一街道"
    picker = [r.code for r in response.context["regions"]]
    assert "990102" in picker and "990103" not in picker and "990100" not in picker


def test_a_city_user_defaults_to_the_city_and_picks_its_counties(world, login, fake_section):
    city_leader = _person(world, "city_leader", Role.LEADER, region=Region.objects.get(code="990100"))
    response = login(city_leader).get(URL)
    assert response.context["region"].code == "990100"
    picker = [r.code for r in response.context["regions"]]
    assert picker[:3] == ["990100", "990102", "990103"]
    assert login(city_leader).get(URL + "?region=990103001").status_code == 200


def test_a_bad_year_falls_back_to_this_year_with_a_chinese_message(world, login, fake_section):
    response = login(world.office_a).get(URL + "?year=abc")
    assert response.status_code == 200 and response.context["year"] == timezone.localdate().year
    assert "年度“abc”无效" in response.content.decode()
    assert login(world.office_a).get(URL + "?year=1900").context["year"] == timezone.localdate().year


# ---- children -----------------------------------------------------------------------------------------------------

def test_children_at_each_level(world, fake_section):
    province = Region.objects.get(code="990000")
    assert [c.key for c in selectors.cockpit_children(province)] == ["990100"]
    assert [c.key for c in selectors.cockpit_children(Region.objects.get(code="990100"))] == ["990102", "990103"]
    assert [c.label for c in selectors.cockpit_children(world.county_a)] == ["甲一街道", "甲二镇"]
    town = Region.objects.get(code="990102002")
    children = selectors.cockpit_children(town)
    assert {c.school_id for c in children} == set(School.objects.filter(region=town).values_list("pk", flat=True))
    assert all(c.key == f"school:{c.school_id}" and not c.region_code for c in children)
    data = selectors.compute_cockpit(town, 2026)
    assert fake_section[-1] == ("990102002", 2026, tuple(c.key for c in children))
    assert [c["key"] for c in data["children"]] == [c.key for c in children]


# ---- figures, YoY, limits -------------------------------------------------------------------------------------------

def test_the_page_shows_value_yoy_limit_and_links(world, login, fake_section):
    with time_machine.travel(datetime.datetime(2026, 6, 1, 10, tzinfo=BEIJING), tick=False):
        response = login(world.office_a).get(URL)
    html = response.content.decode()
    metrics = {m["key"]: m for s in response.context["sections"] for m in s["metrics"]}
    rate = metrics["fake.rate"]
    assert rate["text"] == "80%" and rate["previous_text"] == "72.5%"
    assert rate["change"]["arrow"] == "↑" and rate["change"]["better"] is True and rate["change"]["text"] == "+7.5 个百分点"
    assert rate["tone"] == "bad"  # 80 below the 85 line
    assert metrics["fake.count"]["previous_text"] == "—" and metrics["fake.count"]["change"] is None  # never 0
    overdue = metrics["fake.overdue"]
    assert overdue["change"]["arrow"] == "↓" and overdue["change"]["better"] is True and overdue["tone"] == "bad"
    assert 'href="/fake/"' in html and "进入模块" in html
    assert reverse("dashboard:cockpit_metric", args=["fake.rate"]) in html
    assert reverse("dashboard:cockpit_metric", args=["fake.overdue"]) not in html  # not broken down
    assert 'dashboard/maps/_panel.html' not in html  # included, not printed
    assert "数据为打开本页时实时计算" in html  # a county without a snapshot of today


def test_tone_and_change_helpers():
    assert selectors.tone(90, 85) == "ok" and selectors.tone(80, 85) == "bad" and selectors.tone(None, 85) == ""
    assert selectors.tone(0, 0, higher_is_better=False) == "ok" and selectors.tone(2, 0, False) == "bad"
    assert selectors.tone(5, None) == ""
    assert selectors.change({"value": 3, "previous": None}) is None
    assert selectors.change({"value": 3, "previous": 3, "unit": "次"})["arrow"] == "→"
    assert selectors.number_text(None, "%") == "—" and selectors.number_text(0, "所") == "0 所"
    assert selectors.number_text(12.0, "%") == "12%"


def test_drill_down_sorted_by_value_with_links_and_unknown_key_404(world, login, fake_section):
    client = login(world.office_a)
    url = reverse("dashboard:cockpit_metric", args=["fake.rate"])
    response = client.get(url)
    rows = response.context["rows"]
    assert [r["child"]["label"] for r in rows] == ["甲一街道", "甲二镇"]  # 95 then 70
    assert [r["tone"] for r in rows] == ["ok", "bad"]
    assert rows[0]["url"] == url + "?region=990102001&year=" + str(timezone.localdate().year)
    town = client.get(url + "?region=990102002")
    school_rows = town.context["rows"]
    assert all(r["url"].startswith("/schools/") for r in school_rows)
    values = [r["value"] for r in school_rows]
    assert values == sorted([v for v in values if v is not None], reverse=True) + [v for v in values if v is None]
    assert "—" in town.content.decode()  # the school without data
    assert client.get(reverse("dashboard:cockpit_metric", args=["no.such"])).status_code == 404


def test_comparison_table_colours_by_limit_and_rank(world, login, fake_section):
    city_leader = _person(world, "city_leader", Role.LEADER, region=Region.objects.get(code="990100"))
    data = selectors.compute_cockpit(world.county_a, 2026)
    table = selectors.comparison(data)
    assert [c["key"] for c in table["columns"]][:2] == ["fake.rate", "fake.count"]
    assert [r["cells"][0]["tone"] for r in table["rows"]] == ["ok", "bad"]
    assert selectors._rank_tones([1, 5, 3, None], True) == {0: "poor", 1: "good", 2: ""}
    assert selectors._rank_tones([1, 5, 3], False) == {0: "good", 1: "poor", 2: ""}
    assert selectors._rank_tones([1, 1, None], True) == {}
    CockpitSnapshot.objects.create(region_code="990100", year=timezone.localdate().year, computed_at=timezone.now(),
                                   data=selectors.compute_cockpit(Region.objects.get(code="990100"),
                                                                  timezone.localdate().year))
    html = login(city_leader).get(URL).content.decode()
    assert 'id="compare-table"' in html and "县（区）对比" in html and "乙县" in html
    assert 'class="table-responsive"' in html and "js/cockpit.js" in html


# ---- snapshots ------------------------------------------------------------------------------------------------------

def test_daily_job_writes_every_county_city_province_and_is_idempotent(world, fake_section):
    now = datetime.datetime(2026, 3, 1, 1, tzinfo=BEIJING)
    with time_machine.travel(now, tick=False):
        first = services.daily_snapshots(now=now)
        rows = set(CockpitSnapshot.objects.values_list("region_code", "year"))
        assert {("990000", 2026), ("990000", 2025), ("990100", 2026), ("990102", 2026), ("990103", 2025)} <= rows
        assert ("990102", 2022) in rows and ("990102", 2021) not in rows  # five years for the trend
        assert not any(code.startswith("990102") and len(code) == 9 for code, _y in rows)  # towns are live
        assert first == len(rows)
        second = services.daily_snapshots(now=now)
    assert second == 4 * 2  # the next run: this year and the last only
    assert set(CockpitSnapshot.objects.values_list("region_code", "year")) == rows
    snapshot = CockpitSnapshot.objects.get(region_code="990102", year=2026)
    assert snapshot.data["sections"][0]["metrics"][0]["key"] == "fake.rate"
    from dudao.core.registries import daily_jobs
    assert "cockpit" in dict(daily_jobs())


def test_county_reads_a_fresh_snapshot_city_queues_a_task_once(world, login, fake_section,
                                                               django_capture_on_commit_callbacks, run_tasks):
    year = timezone.localdate().year
    data = selectors.compute_cockpit(world.county_a, year)
    data["sections"][0]["metrics"][0]["value"] = 55.5  # a value only the snapshot has
    CockpitSnapshot.objects.create(region_code="990102", year=year, data=data, computed_at=timezone.now())
    calls = len(fake_section)
    response = login(world.office_a).get(URL)
    assert response.context["sections"][0]["metrics"][0]["text"] == "55.5%" and len(fake_section) == calls
    assert "数据更新于" in response.content.decode()

    city_leader = _person(world, "city_leader", Role.LEADER, region=Region.objects.get(code="990100"))
    client = login(city_leader)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(URL)
    assert first.context["data"] is None and "正在计算，请稍后刷新" in first.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.get(URL)  # a refresh before the worker ran: no second task
    assert DBTaskResult.objects.filter(task_path="dudao.dashboard.tasks.build_cockpit_snapshot").count() == 1
    assert run_tasks() == 1
    done = client.get(URL)
    assert done.context["data"] is not None and not done.context["state"].needs_background
    assert "数据更新于" in done.content.decode() and "正在计算" not in done.content.decode()

    CockpitSnapshot.objects.filter(region_code="990100").update(computed_at=timezone.now() - datetime.timedelta(days=2))
    with django_capture_on_commit_callbacks(execute=True):
        stale = client.get(URL)
    assert stale.context["data"] is not None and "上一版数据" in stale.content.decode()  # the last one, while queued


def test_snapshot_data_is_json_and_decimal_safe(world):
    import decimal
    import json

    metric = Metric("x.y", "x", decimal.Decimal("1.5"), "%", breakdown={"990102001": decimal.Decimal("2")})
    assert json.loads(json.dumps(selectors.metric_dict(metric)))["breakdown"] == {"990102001": 2.0}


def test_a_failing_section_is_shown_as_an_error_not_a_crash(world, login, fake_section):
    def broken(region_code, year, children):
        raise RuntimeError("boom")

    register_cockpit_section("broken", "坏板块", broken, order=2)
    try:
        response = login(world.office_a).get(URL)
    finally:
        _COCKPIT_SECTIONS.pop("broken", None)
    assert response.status_code == 200 and "该部分数据计算出错" in response.content.decode()


def test_trend_from_snapshots(world, login, fake_section):
    year = timezone.localdate().year
    for y in (year - 3, year - 2):
        data = selectors.compute_cockpit(world.county_a, y)
        CockpitSnapshot.objects.create(region_code="990102", year=y, data=data, computed_at=timezone.now())
    response = login(world.office_a).get(URL)
    trend = response.context["trends"]["fake.rate"]
    assert trend["years"] == [str(y) for y in range(year - 3, year + 1)] and trend["unit"] == "%"  # from the first data
    assert trend["values"][-1] == 80.0 and trend["values"][-2] == 72.5 and trend["values"][0] is not None
    assert 'id="cockpit-trends"' in response.content.decode()


# ---- exports ----------------------------------------------------------------------------------------------------------

def test_xlsx_export_has_figures_and_comparison_and_is_audited(world, login, fake_section):
    response = login(world.leader_a).get(reverse("dashboard:cockpit_xlsx"))
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names == ["指标", "下级对比"]
    figures = book.get_sheet_by_name("指标").to_python()
    assert figures[0][:6] == ["板块", "指标", "本年", "上年", "单位", "标准线"]
    assert figures[1][:6] == ["测试板块", "达标率", 80, 72.5, "%", 85]
    assert figures[1][8] == "fake.selectors"
    assert figures[2][3] == ""  # no previous year: an empty cell, not 0
    compare = book.get_sheet_by_name("下级对比").to_python()
    assert compare[0][:3] == ["下级", "达标率（%）", "次数（次）"] and compare[1][:3] == ["甲一街道", 95, 0]
    log = AuditLog.objects.get(action="cockpit.export")
    assert log.actor == world.leader_a and log.region_code == "990102" and "Excel" in log.object_repr


def test_pdf_export_is_a_pdf_and_is_audited(world, login, fake_section):
    response = login(world.office_a).get(reverse("dashboard:cockpit_pdf") + "?region=990102001")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert AuditLog.objects.filter(action="cockpit.export", region_code="990102001").exists()


def test_export_before_a_city_snapshot_exists_redirects_with_a_message(world, login, fake_section):
    city_leader = _person(world, "city_leader", Role.LEADER, region=Region.objects.get(code="990100"))
    response = login(city_leader).get(reverse("dashboard:cockpit_xlsx"))
    assert response.status_code == 302 and not AuditLog.objects.filter(action="cockpit.export").exists()


# ---- equality with the module's own page ------------------------------------------------------------------------------

def test_rectification_figures_equal_the_rectification_dashboard(world, login):
    school = world.schools_a[0]
    for i in range(5):
        finding_raise(actor=world.office_a, source="manual", description=f"问题{i}", school=school,
                      follow_up="on_site" if i < 2 else "suggestion",
                      due_date=timezone.localdate() + datetime.timedelta(days=30))
    finding_raise(actor=world.office_a, source="manual", description="另一镇", school=world.schools_a[3],
                  follow_up="suggestion")
    response = login(world.office_a).get(URL)
    metrics = {m["key"]: m for s in response.context["sections"] for m in s["metrics"]}
    page = rect_selectors.dashboard(world.office_a)["rows"][-1]  # the 整改统计 page's 合计 row
    assert metrics["rectification.raised"]["value"] == page["total"] == 6
    assert metrics["rectification.rate"]["value"] == page["rate"]
    # the drill-down over the towns equals the page grouped by the same towns
    by_town = {r["key"]: r for r in rect_selectors.dashboard(world.office_a, region="990102")["rows"] if r["key"]}
    breakdown = metrics["rectification.raised"]["breakdown"]
    assert {k: v for k, v in breakdown.items()} == {k: r["total"] for k, r in by_town.items()}
    assert Finding.objects.count() == 6


# ---- queries and year edges --------------------------------------------------------------------------------------------

def test_the_page_with_a_snapshot_runs_a_constant_number_of_queries(world, login, fake_section):
    year = timezone.localdate().year
    city = Region.objects.get(code="990100")
    leader = _person(world, "city_leader", Role.LEADER, region=city)
    client = login(leader)

    def count():
        CockpitSnapshot.objects.filter(region_code="990100").delete()
        services.snapshot_compute(region=city, year=year)
        client.get(URL)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    few = count()
    for i in range(30):  # many more counties under the city
        Region.objects.create(code=f"9901{50 + i:02d}", name=f"新县{i}", level="county", parent=city)
    assert count() == few
    assert RoleAssignment.objects.filter(user=leader).count() == 1


@pytest.mark.parametrize(("moment", "year"), [
    (datetime.datetime(2026, 12, 31, 23, 30, tzinfo=BEIJING), 2026),
    (datetime.datetime(2027, 1, 1, 0, 30, tzinfo=BEIJING), 2027),
])
def test_the_default_year_is_the_beijing_year(world, login, fake_section, moment, year):
    with time_machine.travel(moment, tick=False):
        response = login(world.office_a).get(URL)
        assert response.context["year"] == year and response.context["years"][0] == year
        assert fake_section[-1][1] == year
        now = timezone.now()
        services.daily_snapshots(now=now)
    assert CockpitSnapshot.objects.filter(year=year).exists()
    assert not CockpitSnapshot.objects.filter(year=year + 1).exists()


def test_a_live_county_page_runs_the_same_queries_for_2_and_30_towns(world, login):
    client = login(world.office_a)

    def count():
        client.get(URL)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL).status_code == 200
        return len(queries)

    finding_raise(actor=world.office_a, source="manual", description="问题", school=world.schools_a[0],
                  follow_up="suggestion")
    few = count()
    for i in range(28):
        town = Region.objects.create(code=f"990102{100 + i:03d}", name=f"新镇{i}", level="town", parent=world.county_a)
        school = School.objects.create(code=f"19901{i:05d}", name=f"新校{i}", school_type="primary", ownership="public",
                                       urban_rural="rural", region=town)
        finding_raise(actor=world.office_a, source="manual", description="问题", school=school, follow_up="suggestion")
    assert count() == few


def test_a_town_level_office_sees_its_town_and_its_schools_only(world, login, fake_section):
    town = Region.objects.get(code="990102002")
    town_office = _person(world, "town_office", Role.OFFICE, region=town)
    client = login(town_office)
    response = client.get(URL)
    assert response.status_code == 200 and response.context["region"].code == "990102002"
    assert [r.code for r in response.context["regions"]] == ["990102002"]  # no county above it in the picker
    assert {c["school_id"] for c in response.context["data"]["children"]} == set(
        School.objects.filter(region=town).values_list("pk", flat=True))
    assert client.get(URL + "?region=990102").status_code == 404
    assert client.get(URL + "?region=990102001").status_code == 404
