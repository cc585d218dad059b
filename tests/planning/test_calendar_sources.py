"""The 行事历's sources and scope: every app's items for the office, a school's own items only, nothing of 甲区 for
乙县's office; the area filter; the per-term count against the policy limit."""

import datetime

import pytest

from dudao.core.models import Policy
from dudao.planning.selectors import calendar as selectors
from dudao.planning.year import _month_spans
from tests.planning.calendar_data import calendar_world

DEC1, DEC31 = datetime.date(2026, 12, 1), datetime.date(2026, 12, 31)


@pytest.fixture
def data(world):
    return calendar_world(world)


def keys(items):
    return {(i.source, i.key) for i in items}


def test_the_office_sees_every_source_dated_in_the_window(world, data):
    items = selectors.calendar_items(world.office_a, DEC1, DEC31)
    found = keys(items)
    assert ("inspections.site_visit", str(data.inspection_dec.pk)) in found
    assert ("inspections.site_visit", str(data.inspection_nov.pk)) not in found  # November, outside the window
    assert ("surveys.round", str(data.survey.pk)) in found
    assert ("quality.test", str(data.quality.pk)) in found
    assert ("rectification.notice", str(data.notice_s0.pk)) in found
    assert ("rectification.notice", str(data.notice_s1.pk)) in found
    assert ("rectification.order", str(data.order.pk)) in found
    assert ("monitoring.campaign_task", str(data.task.pk)) in found
    assert ("zones.cross", str(data.cross.pk)) in found
    assert ("planning.task", f"{data.plan_task.pk}:due") in found
    assert ("planning.task", f"{data.plan_task.pk}:202611") in found  # months 11–12 as one run
    assert not any(k.startswith(f"{data.draft_task.pk}:") for s, k in found if s == "planning.task")  # a draft plan
    assert ("planning.meeting", str(data.meeting.pk)) in found
    training = [i for i in items if i.source == "people.training"]
    assert [(t.title, t.start, t.detail) for t in training] == [("培训：督学专题培训", datetime.date(2026, 12, 12),
                                                                "2 名督学参加")]
    # nothing of 乙县
    assert ("inspections.site_visit", str(data.inspection_b.pk)) not in found
    assert ("rectification.notice", str(data.notice_b.pk)) not in found
    # sorted by first day
    assert [i.start for i in items] == sorted(i.start for i in items)


def test_dates_of_each_source_are_the_hand_checked_ones(world, data):
    by_key = {(i.source, i.key): i for i in selectors.calendar_items(world.office_a, datetime.date(2026, 11, 1), DEC31)}
    survey = by_key[("surveys.round", str(data.survey.pk))]
    # opens 12-01 08:00, closes 12-16 00:00 Beijing: its last open day is the 15th
    assert (survey.start, survey.end, survey.enters_school) == (DEC1, datetime.date(2026, 12, 15), False)
    nov = by_key[("inspections.site_visit", str(data.inspection_nov.pk))]
    assert (nov.start, nov.end, nov.enters_school) == (datetime.date(2026, 11, 10), datetime.date(2026, 11, 20), True)
    assert set(nov.school_ids) == {world.schools_a[0].pk, world.schools_a[1].pk}
    quality = by_key[("quality.test", str(data.quality.pk))]
    assert quality.start == quality.end == datetime.date(2026, 12, 10) and quality.enters_school
    assert set(quality.school_ids) == {world.schools_a[0].pk, world.schools_a[2].pk}
    month = by_key[("planning.task", f"{data.plan_task.pk}:202611")]
    assert (month.start, month.end) == (datetime.date(2026, 11, 1), DEC31)
    meeting = by_key[("planning.meeting", str(data.meeting.pk))]
    assert meeting.start == datetime.date(2026, 12, 18) and "区政府第一会议室" in meeting.detail
    order = by_key[("rectification.order", str(data.order.pk))]
    assert order.start == datetime.date(2026, 12, 28) and "甲区教育局" in order.detail


def test_a_school_sees_only_items_of_its_own_school(world, data):
    items = selectors.calendar_items(world.principal_a, datetime.date(2026, 11, 1), DEC31)
    own = world.schools_a[0].pk
    assert keys(items) == {
        ("inspections.site_visit", str(data.inspection_nov.pk)), ("surveys.round", str(data.survey.pk)),
        ("quality.test", str(data.quality.pk)), ("rectification.notice", str(data.notice_s0.pk))}
    for item in items:
        assert set(item.school_ids) <= {own}, item  # the other targets of a project are not shown to a school
    nov = next(i for i in items if i.source == "inspections.site_visit")
    assert "甲区第二小学" not in nov.detail


def test_another_countys_office_sees_nothing_of_district_a(world, data):
    items = selectors.calendar_items(world.office_b, datetime.date(2026, 11, 1), DEC31)
    assert keys(items) == {("inspections.site_visit", str(data.inspection_b.pk)),
                           ("rectification.notice", str(data.notice_b.pk))}


def test_the_unit_sees_its_campaign_task_and_an_expert_nothing(world, data):
    items = selectors.calendar_items(world.town_a, DEC1, DEC31)
    assert keys(items) == {("monitoring.campaign_task", str(data.task.pk))}
    assert selectors.calendar_items(world.expert, DEC1, DEC31) == []


def test_the_area_filter_keeps_what_reaches_the_town(world, data):
    town_a2 = world.schools_a[2].region_id
    items = selectors.calendar_items(world.office_a, DEC1, DEC31, area=town_a2)
    found = keys(items)
    assert ("quality.test", str(data.quality.pk)) in found  # reaches 甲区九年一贯制学校 in 甲二镇
    assert ("monitoring.campaign_task", str(data.task.pk)) in found  # 甲二镇人民政府
    assert ("surveys.round", str(data.survey.pk)) in found  # 甲区 schools of 甲二镇 answer it
    assert ("rectification.notice", str(data.notice_s0.pk)) not in found  # 甲一街道
    assert ("inspections.site_visit", str(data.inspection_dec.pk)) not in found
    assert ("planning.meeting", str(data.meeting.pk)) not in found  # a county meeting has no town


def test_the_source_filter(world, data):
    items = selectors.calendar_items(world.office_a, DEC1, DEC31, sources=["rectification.notice"])
    assert {i.source for i in items} == {"rectification.notice"}


def test_terms_run_september_to_january_and_february_to_august():
    first = selectors.term_of(datetime.date(2027, 1, 31))
    assert (first.start, first.end, first.label) == (datetime.date(2026, 9, 1), datetime.date(2027, 1, 31),
                                                     "2026—2027学年第一学期")
    second = selectors.term_of(datetime.date(2027, 2, 1))
    assert (second.start, second.end, second.label) == (datetime.date(2027, 2, 1), datetime.date(2027, 8, 31),
                                                        "2026—2027学年第二学期")
    assert selectors.term_of(datetime.date(2026, 9, 1)).start == datetime.date(2026, 9, 1)


def test_per_term_count_against_the_policy_limit(world, data):
    s0, s1, s2 = world.schools_a[:3]
    term = selectors.term_of(DEC1)
    loads = {s.school_id: s for s in selectors.school_term_load(world.office_a, None, term)}
    # s0: the November project and the quality test; s1: both projects; s2: the quality test
    assert (loads[s0.pk].count, loads[s1.pk].count, loads[s2.pk].count) == (2, 2, 1)
    assert loads[s0.pk].limit == 4 and not loads[s0.pk].at_limit
    assert selectors.schools_at_limit(world.office_a, term) == []
    Policy.objects.create(key="planning.school_entries_per_term", region_code=world.county_a.code, value=2)
    warned = selectors.schools_at_limit(world.office_a, term)
    assert [(s.name, s.count, s.limit, s.over) for s in warned] == [("甲区第一小学", 2, 2, False),
                                                                    ("甲区第二小学", 2, 2, False)]
    assert selectors.schools_at_limit(world.office_a, term, area=s2.region_id) == []  # 甲二镇: none at the limit
    # the principal reads only their own school's count; 乙县 none of 甲区's
    assert [(s.school_id, s.count) for s in selectors.school_term_load(world.principal_a, [s0.pk, s1.pk], term)] == [
        (s0.pk, 2)]
    assert selectors.school_term_load(world.office_b, [s0.pk], term) == []


def test_the_second_term_does_not_count_the_first(world, data):
    term = selectors.term_of(datetime.date(2027, 3, 1))
    assert all(s.count == 0 for s in selectors.school_term_load(world.office_a, None, term))


def test_month_runs_of_a_school_year_plan(world, data):
    task = data.plan_task
    task.plan.year_kind, task.months = "school", [12, 1, 2, 6]
    assert _month_spans(task) == [(datetime.date(2026, 12, 1), datetime.date(2027, 2, 28)),
                                  (datetime.date(2027, 6, 1), datetime.date(2027, 6, 30))]


def test_month_grid_weeks_start_on_monday_and_mark_today():
    weeks, long_items = selectors.month_grid(2026, 12, [], datetime.date(2026, 12, 5))
    assert weeks[0][0].day == datetime.date(2026, 11, 30) and not weeks[0][0].in_month
    assert len(weeks) == 5 and all(len(w) == 7 for w in weeks)
    today = [d for w in weeks for d in w if d.today]
    assert [d.day for d in today] == [datetime.date(2026, 12, 5)]


def test_an_inspector_sees_the_schools_assigned_to_them(world, data):
    items = selectors.calendar_items(world.inspector_a, DEC1, DEC31)
    found = keys(items)
    assert {("rectification.notice", str(data.notice_s0.pk)), ("rectification.notice", str(data.notice_s1.pk)),
            ("inspections.site_visit", str(data.inspection_dec.pk)), ("quality.test", str(data.quality.pk))} <= found
    assert not {s for s, _k in found} & {"planning.task", "planning.meeting", "zones.cross", "people.training"}
    assigned = {s.pk for s in world.schools_a[:3]}
    assert all(set(i.school_ids) <= assigned for i in items)
