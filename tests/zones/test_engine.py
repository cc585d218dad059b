"""Ratio rules on hand-made districts: exactly at each limit passes, one over fails."""

import datetime

from dudao.zones import engine
from dudao.zones.engine import InspectorFact, Limits, SchoolFact, ZoneFact

L = Limits()


def _district(n_full, n_part, units_each, retired=0, retired_years=2.0):
    inspectors = []
    for i in range(n_full + n_part):
        is_retired = i >= n_full and i < n_full + retired
        inspectors.append(InspectorFact(i, f"督学{i}", i < n_full, retired_years if is_retired else None,
                                        units=units_each, school_ids={i * 100 + k for k in range(units_each)}))
    schools = [SchoolFact(s, f"学校{s}", 1, 500, {i.id}) for i in inspectors for s in i.school_ids]
    return inspectors, schools


def rule(results, code):
    return next(r for r in results if r.code == code)


def test_ratio_exactly_five_passes_six_fails():
    inspectors, schools = _district(3, 7, 5)
    assert rule(engine.ratio_rules(inspectors, schools, [], L), "ratio").passed
    inspectors[0].units = 6
    result = rule(engine.ratio_rules(inspectors, schools, [], L), "ratio")
    assert not result.passed and "督学0：6 所" in result.details


def test_fulltime_share_at_30_percent_passes_below_fails_with_fix():
    inspectors, schools = _district(3, 7, 1)
    assert rule(engine.ratio_rules(inspectors, schools, [], L), "fulltime").passed
    inspectors, schools = _district(3, 8, 1)  # 27.3 %
    result = rule(engine.ratio_rules(inspectors, schools, [], L), "fulltime")
    assert not result.passed and "增加 1 名专职督学" in result.fix
    assert engine.fulltime_needed(3, 11, 0.30) == 1
    assert engine.fulltime_needed(0, 10, 0.30) == 5  # 5/15 ≥ 0.3, 4/14 < 0.3


def test_retired_parttime_share_at_40_percent_passes_over_fails():
    inspectors, schools = _district(5, 5, 1, retired=2)
    assert rule(engine.ratio_rules(inspectors, schools, [], L), "retired_share").passed
    inspectors, schools = _district(5, 5, 1, retired=3)
    result = rule(engine.ratio_rules(inspectors, schools, [], L), "retired_share")
    assert not result.passed and "聘任 3 名在职兼职督学" in result.fix  # 3/(5+3) = 37.5 %


def test_retired_years_at_limit_passes_over_fails():
    inspectors, schools = _district(5, 5, 1, retired=1, retired_years=5.0)
    assert rule(engine.ratio_rules(inspectors, schools, [], L), "retired_years").passed
    inspectors, schools = _district(5, 5, 1, retired=1, retired_years=5.01)
    assert not rule(engine.ratio_rules(inspectors, schools, [], L), "retired_years").passed


def test_zone_size_and_large_school():
    assert rule(engine.ratio_rules([], [], [ZoneFact(1, "甲区", 20)], L), "zone_size").passed
    result = rule(engine.ratio_rules([], [], [ZoneFact(1, "甲区", 21)], L), "zone_size")
    assert not result.passed and "甲区：21 所" in result.details
    one = InspectorFact(1, "专人", True, None, units=1, school_ids={1})
    shared = InspectorFact(2, "兼顾", True, None, units=2, school_ids={2, 3})
    schools = [SchoolFact(1, "大校一", 1, 2000, {1}), SchoolFact(2, "大校二", 1, 2500, {2}), SchoolFact(3, "小校", 1, 300, {2})]
    result = rule(engine.ratio_rules([one, shared], schools, [], L), "large")
    assert not result.passed and len(result.details) == 1 and "大校二" in result.details[0]
    schools[1].enrolment = 1999
    assert rule(engine.ratio_rules([one, shared], schools, [], L), "large").passed


def test_coverage_and_limits_are_data():
    schools = [SchoolFact(1, "甲校", 1, 100, set())]
    assert not rule(engine.ratio_rules([], schools, [], L), "coverage").passed
    inspectors, schools = _district(3, 7, 6)
    assert rule(engine.ratio_rules(inspectors, schools, [], Limits(per_inspector=6)), "ratio").passed


def test_semesters_and_frequency():
    assert engine.semester_of(datetime.date(2026, 11, 24)).key == "2026-2027-1"
    assert engine.semester_of(datetime.date(2027, 1, 10)).key == "2026-2027-1"
    assert engine.semester_of(datetime.date(2027, 3, 1)).key == "2026-2027-2"
    assert engine.semester_from_key("2026-2027-2").start == datetime.date(2027, 2, 1)
    f = engine.frequency(0, 2, month=8, per_month=1, per_semester=2, vacation_months=[7, 8])
    assert f.month_ok and f.semester_ok
    assert engine.frequency(0, 1, month=11, per_month=1, per_semester=2, vacation_months=[7, 8]).overdue
