"""The key event sources of the 大事记 (core.registries.register_key_events), each on a small hand-made fixture:
keys, Beijing days, titles and importance as worked out by hand; another district's events never appear; the
day of an event at 00:30 and 23:30 Beijing time."""

import datetime

import pytest
import time_machine

from dudao.core.registries import key_event_sources
from tests.planning.chronicle_data import beijing, key_events, publication

YEAR = (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
NOW = beijing(2026, 12, 20, 12, 0)


def run(name: str, region_code: str, start=YEAR[0], end=YEAR[1]):
    _label, events = key_event_sources()[name]
    return list(events(region_code, start, end))


def test_every_source_is_registered():
    assert set(key_event_sources()) >= {
        "planning.plan", "planning.meeting", "inspections.opinions", "rectification.publication", "rectification.talk",
        "rectification.case", "monitoring.campaign", "quality.round", "surveys.round"}


@pytest.fixture
def events(world):
    with time_machine.travel(NOW, tick=False):
        yield key_events(world)


def test_a_published_plan_and_the_key_meetings(world, events):
    with time_machine.travel(NOW, tick=False):
        [plan] = run("planning.plan", world.county_a.code)
        [meeting] = run("planning.meeting", world.county_a.code)  # the 督导组工作会 is not a key meeting
    assert plan.key == f"planning.plan:{events['plan'].pk}" and plan.day == datetime.date(2026, 2, 20)
    assert plan.title == "印发《甲区2026年教育督导工作要点》（甲督〔2026〕1号）" and plan.importance == "important"
    assert plan.region_code == world.county_a.code
    assert meeting.key == f"planning.meeting:{events['meeting'].pk}" and meeting.day == datetime.date(2026, 3, 6)
    assert meeting.title == "召开甲区2026年教育督导工作会议" and "区政府三楼会议室" in meeting.text


def test_a_meeting_not_yet_held_is_not_an_event(world, events):
    with time_machine.travel(beijing(2026, 3, 6, 8, 0), tick=False):  # an hour before it begins
        assert run("planning.meeting", world.county_a.code) == []


def test_the_opinions_issued_at_23_30_belong_to_that_day(world, events):
    with time_machine.travel(NOW, tick=False):
        [event] = run("inspections.opinions", world.county_a.code)
        assert run("inspections.opinions", world.county_a.code, end=datetime.date(2026, 5, 16)) == []
    assert event.key == f"inspections.opinions:{events['inspection'].pk}"
    assert event.day == datetime.date(2026, 5, 17)  # 15:30 UTC, 23:30 in Beijing
    assert event.title == "甲区2026年春季综合督导出具督导意见书 2 份" and event.importance == "important"
    assert event.url == f"/inspections/{events['inspection'].pk}/"


def test_publications_talks_and_accountability(world, events):
    with time_machine.travel(NOW, tick=False):
        [pub] = run("rectification.publication", world.county_a.code)  # the withdrawn one and B's are left out
        [talk] = run("rectification.talk", world.county_a.code)  # the talk not held is left out
        [case] = run("rectification.case", world.county_a.code)
    assert pub.key == f"rectification.publication:{events['publication'].pk}"
    assert pub.day == datetime.date(2026, 6, 1)  # 00:30 Beijing = 31 May in UTC
    assert pub.title == "向社会公开督导结果：甲区2026年督导结果公告"
    assert talk.day == datetime.date(2026, 6, 20) and talk.title == "约谈甲区第一小学" and talk.importance == "important"
    assert talk.text == "约谈事由：问题整改不力；被约谈人：校长。"
    assert case.day == datetime.date(2026, 8, 15) and case.importance == "major"
    assert case.title == "对甲区第一小学作出问责决定（督导通报）"


def test_campaign_tasks_and_the_campaign_completed(world, events):
    with time_machine.travel(NOW, tick=False):
        found = run("monitoring.campaign", world.county_a.code)
        before = run("monitoring.campaign", world.county_a.code, end=datetime.date(2026, 9, 15))
    assert [(e.day, e.title) for e in found] == [
        (datetime.date(2026, 9, 10), "甲区优质均衡创建：完成“新建体育馆”"),
        (datetime.date(2026, 9, 20), "甲区优质均衡创建：完成“配齐音乐教师”"),
        (datetime.date(2026, 9, 20), "甲区优质均衡创建各项任务全部完成")]
    assert found[0].text.endswith("完成时限2026年9月1日，逾期完成。") and found[2].importance == "major"
    assert found[2].key == f"monitoring.campaign:{events['campaign'].pk}"
    assert [e.key for e in before] == [f"monitoring.campaign_task:{events['task'].pk}"]  # not complete by then


def test_quality_results_and_the_first_reports(world, events):
    with time_machine.travel(NOW, tick=False):
        found = run("quality.round", world.county_a.code)
    rnd = events["round"]
    assert [(e.key, e.day) for e in found] == [(f"quality.results:{rnd.pk}", datetime.date(2026, 11, 20)),
                                               (f"quality.reports:{rnd.pk}", datetime.date(2026, 11, 25))]
    assert found[0].title == "发布甲区2026学年秋季八年级学业质量监测结果"


def test_a_survey_round_ended(world, events):
    with time_machine.travel(beijing(2026, 12, 10, 17, 0), tick=False):  # still open
        assert run("surveys.round", world.county_a.code) == []
    with time_machine.travel(NOW, tick=False):
        [event] = run("surveys.round", world.county_a.code)
    assert event.key == f"surveys.round:{events['survey'].pk}" and event.day == datetime.date(2026, 12, 10)
    assert event.title == "甲区2026年家长满意度调查结束" and "收回问卷 0 份" in event.text and "满意度" not in event.text


def test_another_district_sees_none_of_them(world, events):
    with time_machine.travel(NOW, tick=False):
        found = [e for name in key_event_sources() for e in run(name, world.county_b.code)]
    assert [e.title for e in found] == ["向社会公开督导结果：乙县公告"]


def test_a_publication_at_23_30_on_31_december_belongs_to_that_year(world):
    late = publication(world, beijing(2026, 12, 31, 23, 30), title="年终公告")
    early = publication(world, beijing(2027, 1, 1, 0, 30), title="新年公告")
    with time_machine.travel(beijing(2027, 1, 2, 9, 0), tick=False):
        this_year = run("rectification.publication", world.county_a.code)
        next_year = run("rectification.publication", world.county_a.code, datetime.date(2027, 1, 1),
                        datetime.date(2027, 12, 31))
    assert [(e.key, e.day) for e in this_year] == [(f"rectification.publication:{late.pk}", datetime.date(2026, 12, 31))]
    assert [(e.key, e.day) for e in next_year] == [(f"rectification.publication:{early.pk}", datetime.date(2027, 1, 1))]
