"""Plan link kinds (one per app, registered in <app>/year.py): each kind's done rule, choices scoped to the user
and the region, and task_link_add's refusals (outside the region, not visible, unknown kind)."""

import dataclasses
import datetime
import itertools

import pytest
from django.utils import timezone

from dudao.core import registries
from dudao.core.errors import ApplicationError
from dudao.core.registries import plan_link_kinds
from dudao.frameworks.models import Framework
from dudao.inspections.models import Inspection
from dudao.monitoring.models import Campaign, CampaignTask
from dudao.planning.models import Briefing, Meeting, TaskLink
from dudao.planning.selectors.plans import plan_tree
from dudao.planning.services import plans as services
from dudao.quality.models import RoundStatus
from dudao.surveys.models import Questionnaire, SurveyRound
from tests.planning.plans_helpers import make_plan
from tests.quality.factories import make_round

TODAY = datetime.date(2026, 6, 15)
_numbers = itertools.count(1)


def resolve(kind: str, obj) -> object:
    return plan_link_kinds()[kind].resolve([str(obj.pk)])[str(obj.pk)]


def inspection(world, county=None, stage="planned", name="幼儿园办园行为专项督导"):
    county = county or world.county_a
    framework = Framework.objects.create(region=county, family=f"f{county.code}{name}", name="指标", kind="special",
                                         target="school", definition={}, created_by=world.office_a)
    return Inspection.objects.create(county=county, name=name, kind="special", framework=framework, year=2026,
                                     starts_on=datetime.date(2026, 4, 1), ends_on=datetime.date(2026, 5, 31),
                                     stage=stage, created_by=world.office_a)


def survey(world, *, closes_in_days=7, closed=False, county=None):
    county = county or world.county_a
    q = Questionnaire.objects.create(county=county, family=f"q{next(_numbers)}", title="家长满意度问卷", group="parent",
                                     definition={"questions": []}, status="published", created_by=world.office_a)
    now = timezone.now()
    return SurveyRound.objects.create(questionnaire=q, county=county, name="2026年家长满意度调查", year=2026,
                                      group="parent", opens_at=now - datetime.timedelta(days=10),
                                      closes_at=now + datetime.timedelta(days=closes_in_days),
                                      closed_at=now if closed else None, created_by=world.office_a)


def test_registered_kinds():
    assert set(plan_link_kinds()) == {"inspections.inspection", "surveys.round", "monitoring.campaign",
                                      "quality.round", "planning.meeting", "planning.briefing", "reviews.review"}


def test_inspection_done_at_opinion_issued_or_later(world):
    for stage, done in [("planned", False), ("onsite", False), ("feedback", False), ("issued", True),
                        ("rectifying", True), ("rechecked", True), ("archived", True)]:
        target = resolve("inspections.inspection", inspection(world, stage=stage, name=f"督导{stage}"))
        assert target.done is done, stage
    target = resolve("inspections.inspection", inspection(world, stage="issued", name="意见书项目"))
    assert (target.state, target.region_code, target.day) == ("已出具意见书", "990102", datetime.date(2026, 4, 1))
    assert target.url.endswith(f"/{target.object_id}/")


def test_survey_round_done_when_closed(world):
    assert resolve("surveys.round", survey(world)).done is False
    assert resolve("surveys.round", survey(world, closed=True)).done is True  # ended early
    assert resolve("surveys.round", survey(world, closes_in_days=-1)).done is True  # past its closing time


def test_campaign_done_when_every_task_is_done(world):
    campaign = Campaign.objects.create(kind="balanced", county=world.county_a, name="优质均衡创建", target_year=2027,
                                       created_by=world.office_a)
    assert resolve("monitoring.campaign", campaign).done is False  # no tasks yet
    tasks = [CampaignTask.objects.create(campaign=campaign, title=f"任务{i}", deadline=datetime.date(2026, 9, 1),
                                         school=world.schools_a[i]) for i in range(2)]
    CampaignTask.objects.filter(pk=tasks[0].pk).update(done_at=datetime.date(2026, 5, 1))
    target = resolve("monitoring.campaign", campaign)
    assert (target.done, target.state) == (False, "任务已完成 1/2")
    CampaignTask.objects.filter(pk=tasks[1].pk).update(done_at=datetime.date(2026, 6, 1))
    assert resolve("monitoring.campaign", campaign).done is True


def test_quality_round_done_when_published(world):
    assert resolve("quality.round", make_round(world)).done is False
    assert resolve("quality.round", make_round(world, status=RoundStatus.SCORED)).done is False
    assert resolve("quality.round", make_round(world, status=RoundStatus.PUBLISHED)).done is True


def test_meeting_done_when_held_and_briefing_when_issued(world):
    now = timezone.now()
    held = Meeting.objects.create(region=world.county_a, kind="annual", title="年度工作会议",
                                  starts_at=now - datetime.timedelta(hours=1), created_by=world.office_a)
    coming = Meeting.objects.create(region=world.county_a, kind="team", title="督导组工作会",
                                    starts_at=now + datetime.timedelta(days=1), created_by=world.office_a)
    assert (resolve("planning.meeting", held).done, resolve("planning.meeting", held).state) == (True, "已召开")
    assert resolve("planning.meeting", coming).done is False
    draft = Briefing.objects.create(region=world.county_a, year=2026, title="简报", created_by=world.office_a)
    issued = Briefing.objects.create(region=world.county_a, year=2026, issue_no=1, title="第1期", status="issued",
                                     issued_at=now, created_by=world.office_a)
    assert resolve("planning.briefing", draft).done is False
    assert resolve("planning.briefing", issued).done is True


def test_choices_are_scoped_to_user_and_region(world):
    mine = inspection(world, name="甲区专项督导")
    inspection(world, county=world.county_b, name="乙县专项督导")
    choices = plan_link_kinds()["inspections.inspection"].choices
    assert choices(world.office_a, "990102", "") == [(str(mine.pk), "甲区专项督导")]
    assert choices(world.office_a, "990102", "甲区") == [(str(mine.pk), "甲区专项督导")]
    assert choices(world.office_a, "990102", str(mine.pk)) == [(str(mine.pk), "甲区专项督导")]
    assert choices(world.office_a, "990102", "没有这个") == []
    assert choices(world.office_b, "990102", "") == []  # not visible to another county's office
    assert plan_link_kinds()["inspections.inspection"].resolve(["nope", "999999"]) == {}


def test_link_add_refusals(world):
    plan, _section, (task, _) = make_plan(world)
    other = inspection(world, county=world.county_b, name="乙县专项督导")
    with pytest.raises(ApplicationError, match="不属于甲区"):
        services.task_link_add(actor=world.office_a, task=task, kind="inspections.inspection", object_id=other.pk)
    with pytest.raises(ApplicationError, match="关联对象的类型无效"):
        services.task_link_add(actor=world.office_a, task=task, kind="zones.visit", object_id="1")
    with pytest.raises(ApplicationError, match="未找到要关联的督导评估项目"):
        services.task_link_add(actor=world.office_a, task=task, kind="inspections.inspection", object_id="999999")
    mine = inspection(world, name="甲区专项督导")
    link = services.task_link_add(actor=world.office_a, task=task, kind="inspections.inspection", object_id=mine.pk)
    assert (link.title, link.added_by_id) == ("甲区专项督导", world.office_a.pk)
    with pytest.raises(ApplicationError, match="该任务已关联"):
        services.task_link_add(actor=world.office_a, task=task, kind="inspections.inspection", object_id=mine.pk)
    services.task_link_remove(actor=world.office_a, link=link)
    assert not TaskLink.objects.exists()


def test_link_add_refuses_objects_the_actor_cannot_see(world, monkeypatch):
    plan, _section, (task, _) = make_plan(world)
    mine = inspection(world, name="甲区专项督导")
    kind = plan_link_kinds()["inspections.inspection"]
    monkeypatch.setitem(registries._PLAN_LINK_KINDS, kind.kind,
                        dataclasses.replace(kind, choices=lambda user, region, q: []))
    with pytest.raises(ApplicationError, match="您无权查看"):
        services.task_link_add(actor=world.office_a, task=task, kind="inspections.inspection", object_id=mine.pk)


def test_tree_status_comes_from_links(world, django_assert_max_num_queries):
    plan, _section, (a, b) = make_plan(world)
    done = inspection(world, stage="issued", name="已出意见书")
    open_ = inspection(world, stage="onsite", name="实地督导中")
    services.task_link_add(actor=world.office_a, task=a, kind="inspections.inspection", object_id=done.pk)
    services.task_link_add(actor=world.office_a, task=b, kind="inspections.inspection", object_id=done.pk)
    services.task_link_add(actor=world.office_a, task=b, kind="inspections.inspection", object_id=open_.pk)
    survey_round = survey(world)
    services.task_link_add(actor=world.office_a, task=b, kind="surveys.round", object_id=survey_round.pk)
    with django_assert_max_num_queries(6):  # sections, tasks, links, one resolve per kind (2)
        tree = plan_tree(plan, TODAY)
    rows = tree.sections[0].tasks
    assert [r.status for r in rows] == ["done", "in_progress"]
    assert tree.completion["done"] == 1 and tree.sections[0].completion["percent"] == 50
    assert [lk.target.state for lk in rows[1].links] == ["已出具意见书", "实地督导", "进行中"]
    Inspection.objects.filter(pk=open_.pk).delete()  # a linked object that no longer exists is left out
    rows = plan_tree(plan, TODAY).sections[0].tasks
    assert rows[1].links[1].target is None and rows[1].status == "in_progress"  # the survey is still open
