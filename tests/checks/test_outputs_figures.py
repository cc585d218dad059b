"""The 专项检查 section of the cockpit (驾驶舱) and the year's figures (年度工作总结): the numbers equal the round's own
summaries, break down over towns and schools, the previous year is the previous year, no data is None, another
county's rounds never count, and the number of queries does not grow with the children."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dudao.checks.models import CheckRound, RoundStatus
from dudao.checks.year import outputs_year_figures
from dudao.core.registries import CockpitChild, cockpit_sections, year_figure_sections
from dudao.regions.models import Region
from dudao.schools.models import School
from tests.checks.outputs_data import finished_round, make_round


def metrics(region, year, children=()):
    section = next(s for s in cockpit_sections() if s.name == "checks")
    assert section.title == "专项检查"
    return {m.key: m for m in section.metrics(region, year, tuple(children))}


def towns(code):
    return tuple(CockpitChild(r.code, r.name, region_code=r.code) for r in Region.objects.filter(parent_id=code)
                 .order_by("code"))


def schools(town):
    return tuple(CockpitChild(f"school:{pk}", n, school_id=pk)
                 for pk, n in School.objects.filter(region_id=town).order_by("pk").values_list("pk", "name"))


@pytest.fixture
def done(world):
    return finished_round(world)


def test_county_figures_and_breakdown_over_towns(world, done):
    got = metrics(world.county_a.code, 2026, towns(world.county_a.code))
    assert got["checks.rounds"].value == 1 and got["checks.rounds"].unit == "次"
    assert got["checks.coverage_rate"].value == 60.0 and got["checks.coverage_rate"].unit == "%"
    assert got["checks.failed"].value == 3 and got["checks.findings"].value == 3 and got["checks.settled"].value == 1
    # 甲一街道: schools 0, 1, 4 (0 and 1 checked); 甲二镇: schools 2, 3 (2 checked)
    assert got["checks.coverage_rate"].breakdown == {"990102001": pytest.approx(66.7), "990102002": 50.0}
    assert got["checks.failed"].breakdown == {"990102001": 3, "990102002": 0}
    assert got["checks.settled"].breakdown == {"990102001": 1, "990102002": 0}
    assert got["checks.rounds"].previous == 0 and got["checks.failed"].previous is None  # no rounds in 2025


def test_town_breaks_down_over_schools(world, done):
    got = metrics("990102001", 2026, schools("990102001"))
    first, second, junior = (f"school:{s.pk}" for s in (world.schools_a[0], world.schools_a[1], world.schools_a[4]))
    assert got["checks.failed"].breakdown == {first: 1, second: 2, junior: 0}
    assert got["checks.coverage_rate"].breakdown == {first: 100.0, second: 100.0, junior: 0.0}


def test_other_county_and_other_year_and_drafts_do_not_count(world, done):
    other = metrics(world.county_b.code, 2026, towns(world.county_b.code))
    assert other["checks.rounds"].value == 0 and other["checks.coverage_rate"].value is None
    assert other["checks.failed"].value is None
    assert metrics(world.county_a.code, 2027)["checks.rounds"].previous == 1
    make_round(world, title="草稿中的检查", status=RoundStatus.DRAFT)
    assert metrics(world.county_a.code, 2026)["checks.rounds"].value == 1


def test_previous_year(world, done):
    CheckRound.objects.filter(pk=done.pk).update(starts_on=datetime.date(2025, 12, 1))
    got = metrics(world.county_a.code, 2026)
    assert got["checks.rounds"].value == 0 and got["checks.rounds"].previous == 1
    assert got["checks.failed"].previous == 3 and got["checks.coverage_rate"].previous == 60.0


def _queries(fn) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_queries_do_not_grow_with_children(world, done):
    county = world.county_a.code
    small = _queries(lambda: metrics(county, 2026, towns(county)[:1]))
    for i in range(10):
        Region.objects.create(code=f"990102{100 + i}", name=f"测试镇{i}", level="town", parent_id=county)
    assert len(towns(county)) == 12
    assert _queries(lambda: metrics(county, 2026, towns(county))) == small


def test_year_figures(world, done):
    assert any(s.name == "checks" and s.title == "专项检查" for s in year_figure_sections())
    got = {f.key: f for f in outputs_year_figures(world.county_a.code, datetime.date(2026, 1, 1),
                                                  datetime.date(2026, 12, 31))}
    assert got["checks.rounds"].value == 1 and got["checks.rounds"].rows == (("节前安全稳定检查", 1, 5, 3),)
    assert got["checks.targets"].value == 5 and got["checks.done"].value == 3
    assert got["checks.coverage_rate"].value == 60.0 and got["checks.failed"].value == 3
    assert got["checks.findings"].value == 3 and got["checks.settled"].value == 1
    none = {f.key: f for f in outputs_year_figures(world.county_b.code, datetime.date(2026, 1, 1),
                                                   datetime.date(2026, 12, 31))}
    assert none["checks.rounds"].value == 0 and none["checks.coverage_rate"].value is None
