"""The cockpit figures of 挂牌督导 (zones), 督导评估 (inspections) and 问题整改/督政问责 (rectification), and their map
layers (area "figures-a"): each figure equals the module's own selector or page number (recomputed here through the
module's selectors as the demo office, never through the provider), breakdowns add up, the previous year is the
previous year, no data is None (not 0), a county never counts another county's rows, and the providers run the same
number of queries for 1 or 20 towns (or schools)."""

import datetime
import uuid
import zoneinfo
from collections import Counter

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dudao.core.policy import policy_value
from dudao.core.registries import CockpitChild, cockpit_sections, map_layers, year_bounds
from dudao.frameworks import services as frameworks
from dudao.inspections import selectors as inspections
from dudao.inspections import services as inspection_services
from dudao.inspections import year as inspections_year
from dudao.inspections.cockpit import LEVELS
from dudao.rectification import selectors as rectification
from dudao.rectification import year as rectification_year
from dudao.rectification.models import DONE_STATUSES, FindingStatus
from dudao.rectification.services import finding_raise
from dudao.regions.models import Region
from dudao.schools.models import School
from dudao.schools.selectors import school_list
from dudao.zones import selectors as zones
from dudao.zones import year as zones_year
from dudao.zones.cockpit import teaching_months
from dudao.zones.models import Complaint, ComplaintStatus, Visit
from tests.demo_snapshot import restore
from tests.zones.conftest import make_inspector

COUNTY = "990102"
TZ = zoneinfo.ZoneInfo("Asia/Shanghai")


def beijing(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=TZ)


def pct(part, whole):
    return None if not whole else round(100.0 * part / whole, 1)


def section(name: str):
    return next(s for s in cockpit_sections() if s.name == name)


def figures(name: str, region: str, year: int, children=()) -> dict:
    return {m.key: m for m in section(name).metrics(region, year, tuple(children))}


def towns_of(code: str) -> tuple:
    return tuple(CockpitChild(r.code, r.name, region_code=r.code)
                 for r in Region.objects.filter(parent_id=code).order_by("code"))


def schools_of(town: str) -> tuple:
    return tuple(CockpitChild(f"school:{pk}", name, school_id=pk)
                 for pk, name in School.objects.filter(region_id=town).order_by("pk").values_list("pk", "name"))


def test_sections_and_layers_are_registered():
    names = {s.name: s for s in cockpit_sections()}
    assert (names["zones"].title, names["inspections"].title, names["rectification"].title) == (
        "挂牌督导", "督导评估", "问题整改")
    layers = map_layers()
    assert layers["zones.last_visit_days"].unit == "天" and not layers["zones.last_visit_days"].higher_is_better
    assert "rectification.open_findings" in layers


def test_teaching_months_leave_out_the_vacation():
    assert teaching_months(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31), [2, 7, 8]) == 9
    assert teaching_months(datetime.date(2026, 1, 1), datetime.date(2026, 1, 10), [2, 7, 8]) == 1
    assert teaching_months(datetime.date(2026, 1, 1), datetime.date(2026, 2, 20), [1, 2]) == 0


# ---- the demo: every figure equals the module's own selector -------------------------------------------------

@pytest.fixture(scope="class")
def demo(demo_snapshot, django_db_setup, django_db_blocker, tmp_path_factory):
    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media"))
    media.enable()
    with django_db_blocker.unblock():
        try:
            restore(demo_snapshot)
            yield
        finally:
            call_command("flush", interactive=False, verbosity=0)
            media.disable()


@pytest.mark.usefixtures("demo")
class TestOnTheDemo:
    """Loaded once for the class (the demo is flushed after it, before the built-fixture tests)."""

    @pytest.fixture
    def office(self, demo, db):
        return get_user_model().objects.get(username="demo_office")

    @staticmethod
    def _year():
        today = timezone.localdate()
        return today, today.year, *year_bounds(today.year, today)

    def test_zones_figures_equal_the_zones_pages(self, office):
        today, year, start, end = self._year()
        towns = towns_of(COUNTY)
        got = figures("zones", COUNTY, year, towns)
        summary = {f.key: f.value for f in zones_year.year_figures(COUNTY, start, end)}
        cover = zones.coverage(office, region=COUNTY)  # the 覆盖情况 page
        assert got["zones.coverage"].value == pct(cover["covered"], cover["total"]) == summary["zones.coverage_rate"]
        assert got["zones.coverage"].limit == 100.0 and got["zones.coverage"].previous is None
        for town in towns:  # the coverage page filtered to the town
            part = zones.coverage(office, region=town.region_code)
            assert got["zones.coverage"].breakdown.get(town.key) == pct(part["covered"], part["total"])
        freq = zones.frequency(office, region=COUNTY)  # the 督导频次 page
        ok = sum(1 for row in freq["rows"] if row["freq"].semester_ok)
        assert got["zones.frequency_rate"].value == pct(ok, len(freq["rows"])) == summary["zones.frequency_rate"]
        visits = zones.visit_list(office, region=COUNTY, date_from=start, date_to=end).count()  # the visit log
        before = zones.visit_list(office, region=COUNTY, date_from=datetime.date(year - 1, 1, 1),
                                  date_to=datetime.date(year - 1, 12, 31)).count()
        assert got["zones.visits"].value == visits == summary["zones.visits"] > 0
        assert got["zones.visits"].previous == before > 0
        assert sum(got["zones.visits"].breakdown.values()) == visits  # every demo school is in a town
        months = teaching_months(start, end, policy_value("zones.vacation_months", COUNTY))
        assert got["zones.visits_per_school_month"].value == round(visits / len(freq["rows"]) / months, 2)
        assert got["zones.visits_per_school_month"].limit == float(policy_value("zones.visits_per_month_min", COUNTY))
        complaints = zones.complaint_list(office, region=COUNTY).filter(
            received_at__gte=beijing(start.year, start.month, start.day), received_at__lt=beijing(year + 1, 1, 1))
        assert got["zones.complaints"].value == complaints.count() == summary["zones.complaints"] > 0
        closed = complaints.filter(status=ComplaintStatus.CLOSED).count()
        assert got["zones.complaints_closed_rate"].value == pct(closed, complaints.count())
        assert sum(got["zones.complaints"].breakdown.values()) == complaints.count()
        for metric in got.values():
            assert metric.source.startswith("zones.selectors.") and metric.url.startswith("/zones/")
            assert f"region={COUNTY}" in metric.url

    def test_zones_last_visit_layer_equals_the_frequency_page(self, office):
        _today, year, _start, _end = self._year()
        layer = map_layers()["zones.last_visit_days"].values(COUNTY, year)
        rows = zones.frequency(office, region=COUNTY)["rows"]
        assert layer == {row["id"]: row["days_since"] for row in rows}
        assert any(v is not None for v in layer.values())

    def test_inspection_figures_equal_the_project_list(self, office):
        _today, year, start, end = self._year()
        towns = towns_of(COUNTY)
        got = figures("inspections", COUNTY, year, towns)
        summary = {f.key: f.value for f in inspections_year.year_figures(COUNTY, start, end)}
        projects = [p for p in inspections.inspection_list(office) if start <= p.starts_on <= end]
        assert got["inspections.projects"].value == len(projects) == summary["inspections.projects"] > 0
        assert got["inspections.finished"].value == sum(
            1 for p in projects if p.stage in inspections_year.PLAN_DONE_STAGES)
        targets = [t for p in projects for t in inspections.targets_for(office, p)]
        assert got["inspections.targets"].value == len(targets) == summary["inspections.targets"]
        rated = Counter(t.level for t in targets if t.level)
        assert got["inspections.rated"].value == sum(rated.values()) == summary["inspections.rated"] > 0
        for key, label in LEVELS:
            assert got[f"inspections.level_{key}"].value == pct(rated[label], sum(rated.values()))
        in_towns = [t for t in targets if len(t.region_code) == 9]
        assert sum(got["inspections.targets"].breakdown.values()) == len(in_towns)
        for town in towns:  # a town: the county's projects with a target there
            mine = [t for t in targets if t.region_code.startswith(town.region_code)]
            here = figures("inspections", town.region_code, year, schools_of(town.region_code))
            assert here["inspections.projects"].value == len({t.inspection_id for t in mine})
            assert got["inspections.projects"].breakdown[town.key] == len({t.inspection_id for t in mine})
            assert here["inspections.targets"].value == (len(mine) if mine else None)

    def test_rectification_figures_equal_the_year_summary_and_the_ledger(self, office):
        today, year, start, end = self._year()
        towns = towns_of(COUNTY)
        got = figures("rectification", COUNTY, year, towns)
        summary = {f.key: f.value for f in rectification_year.year_figures(COUNTY, start, end)}
        for key in ("raised", "done", "rate", "on_time_rate", "orders", "talks", "cases"):
            assert got[f"rectification.{key}"].value == summary[f"rectification.{key}"], key
        prev_start, prev_end = datetime.date(year - 1, 1, 1), datetime.date(year - 1, 12, 31)
        before = {f.key: f.value for f in rectification_year.year_figures(COUNTY, prev_start, prev_end)}
        for key in ("raised", "rate", "on_time_rate", "orders", "talks", "cases"):
            assert got[f"rectification.{key}"].previous == before[f"rectification.{key}"], key
        assert got["rectification.raised"].value > 0 and got["rectification.raised"].previous > 0
        raised = [f for f in rectification.finding_list(office)
                  if start <= timezone.localtime(f.raised_at).date() <= end]
        overdue = [f for f in raised if f.status == FindingStatus.OPEN and f.due_date and f.due_date < end]
        assert got["rectification.overdue"].value == len(overdue)
        for town in towns:
            mine = [f for f in raised if f.region_code.startswith(town.region_code)]
            done = [f for f in mine if f.status in DONE_STATUSES]
            assert got["rectification.raised"].breakdown[town.key] == len(mine)
            assert got["rectification.rate"].breakdown.get(town.key) == pct(len(done), len(mine))
        assert sum(got["rectification.raised"].breakdown.values()) == sum(1 for f in raised if len(f.region_code) == 9)

    def test_open_findings_layer_equals_the_ledger(self, office):
        _today, year, _start, _end = self._year()
        layer = map_layers()["rectification.open_findings"].values(COUNTY, year)
        ledger = Counter(f.school_id for f in rectification.ledger(office, region=COUNTY, status=FindingStatus.OPEN)
                         if f.school_id)
        assert {k: v for k, v in layer.items() if v} == dict(ledger) and ledger
        assert set(layer) == set(school_list(office).filter(region__code__startswith=COUNTY).values_list("pk", flat=True))


# ---- built fixtures: the dashboard page, the previous year, no data, scope, query counts ----------------------

NOW = beijing(2026, 12, 5, 12, 0)


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def project(world):
    """An inspection project of county A started in November 2026 (a frozen 挂牌督导 framework), no targets yet."""
    framework = frameworks.framework_from_template(actor=world.office_a, region=world.county_a, template_code="zone")
    framework = frameworks.framework_freeze(actor=world.office_a, framework=framework)
    return inspection_services.inspection_create(
        actor=world.office_a, county=world.county_a, name="甲区2026年专项督导", kind="special", framework=framework,
        year=2026, starts_on=datetime.date(2026, 11, 1), ends_on=datetime.date(2026, 12, 31))


@pytest.fixture
def inspector(world):
    return make_inspector(world.office_a, world.county_a, "DX101", "督学丙")


def visit(world, inspector, school, when):
    return Visit.objects.create(client_id=uuid.uuid4(), inspector=inspector, school=school, started_at=when,
                                ended_at=when + datetime.timedelta(hours=2), minutes_on_site=120, narrative="巡视校园。",
                                created_by=world.office_a)


def complaint(school, when, status=ComplaintStatus.RECEIVED):
    return Complaint.objects.create(number=uuid.uuid4().hex[:20], school=school, kind="complaint", channel="hotline",
                                    content="食堂卫生差。", received_at=when, status=status)


def finding(world, school, when, **extra):
    return finding_raise(actor=world.office_a, source="manual", school=school, description="消防通道堆放杂物。",
                         raised_at=when, **{"follow_up": "suggestion", **extra})


def test_rectification_breakdown_equals_the_dashboard_page(world, frozen, login):
    a1, a2 = world.schools_a[0], world.schools_a[2]  # 甲一街道, 甲二镇
    finding(world, a1, NOW - datetime.timedelta(days=3), due_date=datetime.date(2026, 12, 1))  # overdue
    finding(world, a1, NOW - datetime.timedelta(days=2), due_date=datetime.date(2026, 12, 30))
    finding(world, a2, NOW - datetime.timedelta(days=1), follow_up="on_site")  # done on the spot
    finding(world, world.schools_b[0], NOW - datetime.timedelta(days=1))  # another county
    got = figures("rectification", world.county_a.code, 2026, towns_of(world.county_a.code))
    page = rectification.dashboard(world.office_a)  # 整改统计, by town
    for row in page["rows"][:-1]:
        assert got["rectification.raised"].breakdown[row["key"]] == row["total"]
        assert got["rectification.rate"].breakdown[row["key"]] == row["rate"]
        assert got["rectification.on_time_rate"].breakdown[row["key"]] == row["on_time_rate"]
        assert got["rectification.overdue"].breakdown[row["key"]] == row["overdue"]
    total = page["rows"][-1]
    assert (got["rectification.raised"].value, got["rectification.rate"].value, got["rectification.overdue"].value,
            got["rectification.on_time_rate"].value) == (total["total"], total["rate"], total["overdue"],
                                                         total["on_time_rate"]) == (3, 33.3, 1, 100.0)
    html = login(world.office_a).get("/rectification/dashboard/").content.decode()
    assert "33.3%" in html


def test_the_year_boundary_is_beijing_midnight(world, inspector, frozen):
    school = world.schools_a[0]
    finding(world, school, beijing(2026, 1, 1, 0, 30))  # 2026 in Beijing, 2025 in UTC
    finding(world, school, beijing(2025, 12, 31, 23, 30))  # 2025 in Beijing, still 2025 in UTC
    visit(world, inspector, school, beijing(2026, 1, 1, 0, 30))
    visit(world, inspector, school, beijing(2025, 12, 31, 23, 30))
    visit(world, inspector, school, beijing(2025, 12, 31, 23, 30))
    complaint(school, beijing(2026, 1, 1, 0, 30), ComplaintStatus.CLOSED)
    complaint(school, beijing(2025, 12, 31, 23, 30))
    rect = figures("rectification", world.county_a.code, 2026)
    assert (rect["rectification.raised"].value, rect["rectification.raised"].previous) == (1, 1)
    zone = figures("zones", world.county_a.code, 2026)
    assert (zone["zones.visits"].value, zone["zones.visits"].previous) == (1, 2)
    assert (zone["zones.complaints"].value, zone["zones.complaints"].previous) == (1, 1)
    assert (zone["zones.complaints_closed_rate"].value, zone["zones.complaints_closed_rate"].previous) == (100.0, 0.0)
    last = figures("zones", world.county_a.code, 2025)  # a past year: no current-state figures
    assert last["zones.visits"].value == 2 and last["zones.coverage"].value is None
    assert last["zones.frequency_rate"].value is None


def test_no_data_is_none_not_zero(world, frozen):
    empty = Region.objects.create(code="990104", name="丙县", level="county", parent_id="990100")
    Region.objects.create(code="990104001", name="丙一镇", level="town", parent=empty)
    children = towns_of("990104")
    zone = figures("zones", "990104", 2026, children)
    assert all(m.value is None and m.previous is None for m in zone.values()), zone
    insp = figures("inspections", "990104", 2026, children)
    assert insp["inspections.projects"].value == 0
    assert all(insp[k].value is None for k in insp if k not in ("inspections.projects",))
    rect = figures("rectification", "990104", 2026, children)
    assert rect["rectification.raised"].value == 0
    for key in ("done", "rate", "on_time_rate", "overdue"):
        assert rect[f"rectification.{key}"].value is None and rect[f"rectification.{key}"].previous is None
    assert map_layers()["zones.last_visit_days"].values("990104", 2026) == {}
    # schools but nothing done yet: counts are 0, rates are None
    zone = figures("zones", world.county_a.code, 2026, towns_of(world.county_a.code))
    assert zone["zones.visits"].value == 0 and zone["zones.complaints_closed_rate"].value is None
    assert zone["zones.coverage"].value == 0.0  # no inspector assigned anywhere: a real 0 %


def test_a_county_never_counts_another_county(world, inspector, frozen, project):
    a, b = world.schools_a[0], world.schools_b[0]
    for school in (a, b, b):
        finding(world, school, NOW - datetime.timedelta(days=1))
        visit(world, inspector, school, NOW - datetime.timedelta(days=1))
        complaint(school, NOW - datetime.timedelta(days=1))
    inspection_services.targets_add(actor=world.office_a, inspection=project, schools=world.schools_a[:2])
    county_a, county_b = world.county_a.code, world.county_b.code
    for name, key in (("rectification", "rectification.raised"), ("zones", "zones.visits"),
                      ("zones", "zones.complaints"), ("inspections", "inspections.targets")):
        got_a = figures(name, county_a, 2026, towns_of(county_a))[key]
        got_b = figures(name, county_b, 2026, towns_of(county_b))[key]
        assert set(got_a.breakdown) == {t.key for t in towns_of(county_a)}
        expected = {"inspections.targets": (2, None)}.get(key, (1, 2))
        assert (got_a.value, got_b.value) == expected, key
        city = figures(name, "990100", 2026, towns_of("990100"))[key]  # the city: one row per county
        assert city.breakdown == {county_a: expected[0], county_b: expected[1] or 0}, key
    open_a = map_layers()["rectification.open_findings"].values(county_a, 2026)
    assert {k for k, v in open_a.items() if v} == {a.pk} and set(open_a) == {s.pk for s in world.schools_a}
    assert set(map_layers()["zones.last_visit_days"].values(county_b, 2026)) == {s.pk for s in world.schools_b}


def _populate(world, inspector, project, county, start: int, n: int) -> None:
    """Towns start…start+n-1 of the county, each with a school that has a visit, a complaint, a finding and an
    inspection target."""
    for i in range(start, start + n):
        town = Region.objects.create(code=f"{county.code}{100 + i:03d}", name=f"测试{i}镇", level="town", parent=county)
        school = School.objects.create(code=f"2{county.code}{i:03d}", name=f"测试{i}小学", school_type="primary",
                                       region=town, ownership="public", urban_rural="urban", students_primary=100,
                                       classes_primary=4)
        when = NOW - datetime.timedelta(days=i + 1)
        visit(world, inspector, school, when)
        complaint(school, when)
        finding(world, school, when)
        inspection_services.targets_add(actor=world.office_a, inspection=project, schools=[school])


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_towns_or_schools(world, inspector, frozen, project):
    county = world.county_a
    names = ("zones", "inspections", "rectification")

    def run(region, children):
        for name in names:
            section(name).metrics(region, 2026, children)
        for key in ("zones.last_visit_days", "rectification.open_findings"):
            map_layers()[key].values(region, 2026)

    _populate(world, inspector, project, county, 0, 1)
    town = f"{county.code}100"
    small = (_queries(lambda: run(county.code, towns_of(county.code))), _queries(lambda: run(town, schools_of(town))))
    _populate(world, inspector, project, county, 1, 19)
    for i in range(19):  # 20 schools in one town too
        School.objects.create(code=f"3{county.code}{i:03d}", name=f"测试镇{i}幼儿园", school_type="kindergarten",
                              region_id=town, ownership="public", urban_rural="urban", students_preschool=50)
    big = (_queries(lambda: run(county.code, towns_of(county.code))), _queries(lambda: run(town, schools_of(town))))
    assert small == big
    assert len(towns_of(county.code)) == 22 and len(schools_of(town)) == 20
    # and the figures moved with the data
    got = figures("zones", county.code, 2026, towns_of(county.code))
    assert got["zones.visits"].value == 20 and sum(got["zones.visits"].breakdown.values()) == 20
