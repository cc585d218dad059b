"""因需督导 services: a school or a town files on the menu or a topic of its own; the office accepts once (a visit by
the 责任督学 or a named inspector, a one-target check round, an inspection project) or declines with reasons; the
request is done by the linked visit, the checked target, or the office. Every refusal changes nothing."""

import datetime

import pytest
from django.utils import timezone

from dudao.checks.models import (
    CheckTarget,
    MenuTopic,
    RequestOutcome,
    RequestStatus,
    RequestTransition,
    SupervisionRequest,
    TargetStatus,
)
from dudao.checks.services import requests as services
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog, Notification
from dudao.core.services import role_assign
from dudao.frameworks import services as frameworks
from dudao.inspections.models import Target
from tests.checks.requests_data import Menu, at, file_request, fresh, make_menu, special_visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def menu(world) -> Menu:
    return make_menu(world)


def frozen(world, code="zone"):
    framework = frameworks.framework_from_template(actor=world.office_a, region=world.county_a, template_code=code)
    return frameworks.framework_freeze(actor=world.office_a, framework=framework)


def unchanged(req, status=RequestStatus.SUBMITTED):
    req.refresh_from_db()
    assert req.status == status
    return req


# ---- the menu ------------------------------------------------------------------------------------------------------

def test_the_menu_is_the_office_own_and_keeps_its_order(world, menu):
    a, b = menu.topics
    third = services.topic_create(actor=world.office_a, region=world.county_a, title="作业管理", content="作业")
    assert [t.order for t in (a, b, third)] == [1, 2, 3]
    services.topic_move(actor=world.office_a, topic=third, up=True)
    assert list(MenuTopic.objects.filter(region=world.county_a).values_list("title", flat=True)) == [
        "课后服务质量", "作业管理", "校园欺凌防治"]
    with pytest.raises(ApplicationError, match="已在最前"):
        services.topic_move(actor=world.office_a, topic=a, up=True)
    with pytest.raises(PermissionDenied):
        services.topic_create(actor=world.office_b, region=world.county_a, title="x", content="y")
    with pytest.raises(PermissionDenied):
        services.topic_update(actor=world.office_b, topic=a, title="x", content="y")
    with pytest.raises(PermissionDenied):
        services.topic_create(actor=world.principal_a, region=world.county_a, title="x", content="y")
    with pytest.raises(ApplicationError, match="已有"):
        services.topic_create(actor=world.office_a, region=world.county_a, title=" 课后服务质量 ", content="y")
    with pytest.raises(ApplicationError, match="督导内容"):
        services.topic_create(actor=world.office_a, region=world.county_a, title="新主题", content="\x00 ")
    services.topic_set_active(actor=world.office_a, topic=b, active=False)
    with pytest.raises(ApplicationError, match="已停止"):
        services.topic_set_active(actor=world.office_a, topic=b, active=False)
    assert AuditLog.objects.filter(action="checks.topic_deactivate").count() == 1


# ---- filing --------------------------------------------------------------------------------------------------------

def test_a_school_files_on_the_menu_and_a_town_in_its_own_words(world, menu):
    req = file_request(world, menu)
    assert (req.school, req.unit, req.region_code, req.status) == (world.schools_a[0], None,
                                                                   world.schools_a[0].region_id, "submitted")
    assert [t.to_status for t in RequestTransition.history(req)] == ["submitted"]
    town = file_request(world, menu, user=world.town_a, school=None, unit=world.unit_a, topic=None,
                        free_topic="控辍保学")
    assert (town.unit, town.region_code, str(town)) == (world.unit_a, world.unit_a.region_id, "控辍保学")
    assert AuditLog.objects.filter(action="checks.request_submit").count() == 2


@pytest.mark.parametrize("kwargs, error", [
    ({"topic": None}, "请选择督导菜单中的主题"),
    ({"free_topic": "另一个"}, "二选一|选择其一"),
    ({"reason": " \x00 "}, "申请理由"),
    ({"days": (5, 1)}, "结束日期不能早于开始日期"),
    ({"days": (-1, 3)}, "不能早于今天"),
    ({"days": (1, 400)}, "一年以后"),
])
def test_bad_requests_are_refused_and_nothing_is_filed(world, menu, kwargs, error):
    with pytest.raises(ApplicationError, match=error):
        file_request(world, menu, **kwargs)
    assert not SupervisionRequest.objects.exists()


def test_nobody_files_for_someone_else(world, menu):
    with pytest.raises(PermissionDenied, match="本校"):
        file_request(world, menu, school=world.schools_a[1])  # the principal's neighbour
    with pytest.raises(PermissionDenied):
        file_request(world, menu, user=world.inspector_a)  # an inspector's assigned school is not theirs
    with pytest.raises(PermissionDenied, match="本单位"):
        file_request(world, menu, user=world.town_a, school=None, unit=world.unit_b, topic=None, free_topic="x")
    with pytest.raises(ApplicationError, match="不在本地"):
        file_request(world, menu, topic=menu.topic_b)  # district B's menu
    services.topic_set_active(actor=world.office_a, topic=menu.topics[0], active=False)
    with pytest.raises(ApplicationError, match="已停止申请"):
        file_request(world, menu)
    assert not SupervisionRequest.objects.exists()


def test_a_double_submit_files_once(world, menu):
    file_request(world, menu)
    with pytest.raises(ApplicationError, match="请勿重复提交"):
        file_request(world, menu)
    file_request(world, menu, topic=menu.topics[1])  # another topic is another request
    assert SupervisionRequest.objects.count() == 2


@pytest.mark.parametrize("clock", [(0, 30), (23, 30)])
def test_preferred_dates_are_judged_on_the_beijing_day(world, menu, clock):
    """At 00:30 Beijing time UTC is still on the day before; at 23:30 UTC is on the same day: today is Beijing's."""
    with at(2026, 12, 10, *clock):
        assert timezone.localdate() == datetime.date(2026, 12, 10)
        for bad in (datetime.date(2026, 12, 9),):
            with pytest.raises(ApplicationError, match="不能早于今天（2026-12-10）"):
                services.request_submit(actor=fresh(world.principal_a), school=world.schools_a[0],
                                        topic=menu.topics[0], reason="r", preferred_from=bad,
                                        preferred_to=datetime.date(2026, 12, 12))
        req = services.request_submit(actor=fresh(world.principal_a), school=world.schools_a[0], topic=menu.topics[0],
                                      reason="r", preferred_from=datetime.date(2026, 12, 10),
                                      preferred_to=datetime.date(2026, 12, 10))
        assert req.preferred_from == datetime.date(2026, 12, 10)


# ---- accepting -----------------------------------------------------------------------------------------------------

def test_accept_as_a_visit_by_the_responsible_inspector_then_link_the_visit(world, menu):
    with at(2026, 12, 10, 9, 0):
        req = file_request(world, menu)
        req = services.request_accept(actor=world.office_a, request=req, outcome=RequestOutcome.VISIT,
                                      due_on=datetime.date(2026, 12, 20), note="请李督学带队")
    assert (req.status, req.inspector, req.due_on) == ("accepted", menu.inspector, datetime.date(2026, 12, 20))
    assert Notification.objects.filter(user=world.principal_a, key=f"checks.request:{req.pk}:accepted").exists()
    with pytest.raises(ApplicationError, match="已受理"):
        services.request_decline(actor=world.office_a, request=req, note="x")  # deciding twice
    with at(2026, 12, 9, 10, 0):  # before the accept: not this request's visit
        early = special_visit(menu, world.schools_a[0], timezone.now())
    with at(2026, 12, 12, 10, 0):
        routine = special_visit(menu, world.schools_a[0], timezone.now(), reason="assigned")
        other_school = special_visit(menu, world.schools_a[1], timezone.now())
        visit = special_visit(menu, world.schools_a[0], timezone.now())
    assert list(services.matching_visits(req)) == [visit]
    for wrong in (early, routine, other_school):
        with pytest.raises(ApplicationError, match="只能关联"):
            services.request_link_visit(actor=fresh(world.inspector_a), request=req, visit=wrong)
    with pytest.raises(PermissionDenied):
        services.request_link_visit(actor=fresh(world.principal_a), request=req, visit=visit)
    with pytest.raises(ApplicationError, match="关联督导纪实"):
        services.request_mark_done(actor=world.office_a, request=req)
    unchanged(req, RequestStatus.ACCEPTED)
    with at(2026, 12, 12, 11, 0):
        req = services.request_link_visit(actor=fresh(world.inspector_a), request=req, visit=visit)
    assert (req.status, req.visit) == ("done", visit) and req.done_at
    assert [t.to_status for t in RequestTransition.history(req)] == ["submitted", "accepted", "done"]


def test_a_named_inspector_must_be_of_the_region_and_active(world, menu):
    req = file_request(world, menu)
    due = timezone.localdate() + datetime.timedelta(days=3)
    with pytest.raises(ApplicationError, match="不是本区县"):
        services.request_accept(actor=world.office_a, request=req, outcome="visit", inspector=menu.far, due_on=due)
    with pytest.raises(ApplicationError, match="计划完成日期"):
        services.request_accept(actor=world.office_a, request=req, outcome="visit", inspector=menu.other)
    with pytest.raises(ApplicationError, match="不能早于今天"):
        services.request_accept(actor=world.office_a, request=req, outcome="visit", inspector=menu.other,
                                due_on=timezone.localdate() - datetime.timedelta(days=1))
    with pytest.raises(ApplicationError, match="安排方式"):
        services.request_accept(actor=world.office_a, request=req, outcome="phone", due_on=due)
    unchanged(req)
    req = services.request_accept(actor=world.office_a, request=req, outcome="visit", inspector=menu.other, due_on=due)
    assert req.inspector == menu.other


def test_a_school_without_a_responsible_inspector_needs_a_named_one(world, menu):
    role_assign(actor=world.admin, user=world.principal_a, role="school", school=world.schools_a[4])
    req = file_request(world, menu, school=world.schools_a[4])
    with pytest.raises(ApplicationError, match="没有责任督学"):
        services.request_accept(actor=world.office_a, request=req, outcome="visit",
                                due_on=timezone.localdate() + datetime.timedelta(days=3))
    unchanged(req)


def test_only_the_office_of_the_region_decides(world, menu):
    req = file_request(world, menu)
    due = timezone.localdate() + datetime.timedelta(days=3)
    for user in (world.office_b, world.principal_a, world.inspector_a, world.leader_a):
        with pytest.raises(PermissionDenied):
            services.request_accept(actor=fresh(user), request=req, outcome="visit", due_on=due)
        with pytest.raises(PermissionDenied):
            services.request_decline(actor=fresh(user), request=req, note="不受理")
    unchanged(req)


def test_decline_needs_reasons_and_is_final(world, menu):
    req = file_request(world, menu)
    with pytest.raises(ApplicationError, match="理由"):
        services.request_decline(actor=world.office_a, request=req, note=" \x00 ")
    unchanged(req)
    req = services.request_decline(actor=world.office_a, request=req, note="本学期已安排同类专项督导。")
    assert (req.status, req.decision_note, req.decided_by) == ("declined", "本学期已安排同类专项督导。", world.office_a)
    assert Notification.objects.filter(user=world.principal_a, key=f"checks.request:{req.pk}:declined").exists()
    with pytest.raises(ApplicationError, match="不予受理"):
        services.request_accept(actor=world.office_a, request=req, outcome="visit",
                                due_on=timezone.localdate() + datetime.timedelta(days=3))
    # the school may ask again on the same topic once the first is decided
    file_request(world, menu)


def test_accept_as_a_check_round_for_one_target_done_when_checked(world, menu):
    req = file_request(world, menu, days=(2, 6))
    req = services.request_accept(actor=world.office_a, request=req, outcome=RequestOutcome.CHECK)
    round_ = req.check_round
    today = timezone.localdate()
    assert (round_.kind, round_.region_id, round_.starts_on, round_.ends_on) == (
        "other", world.county_a.code, today + datetime.timedelta(days=2), today + datetime.timedelta(days=6))
    assert "课后服务质量" in round_.title and round_.items.count() == len(services.REQUEST_CHECKLIST)
    target = CheckTarget.objects.get(round=round_)
    assert (target.school, target.inspector, req.inspector, req.due_on) == (
        world.schools_a[0], menu.inspector, menu.inspector, round_.ends_on)
    with pytest.raises(ApplicationError, match="尚未完成"):
        services.request_mark_done(actor=world.office_a, request=req)
    unchanged(req, RequestStatus.ACCEPTED)
    CheckTarget.objects.filter(pk=target.pk).update(status=TargetStatus.DONE, done_at=timezone.now())
    with pytest.raises(PermissionDenied):
        services.request_mark_done(actor=fresh(world.office_b), request=req)
    req = services.request_mark_done(actor=world.office_a, request=req)
    assert req.status == "done"


def test_a_check_window_falls_back_to_the_next_14_days(world, menu):
    with at(2026, 12, 10, 9, 0):
        req = file_request(world, menu, days=(1, 2))
    with at(2026, 12, 15, 9, 0):  # the preferred dates are gone
        req = services.request_accept(actor=world.office_a, request=req, outcome="check")
    assert (req.check_round.starts_on, req.check_round.ends_on) == (datetime.date(2026, 12, 15),
                                                                    datetime.date(2026, 12, 29))


def test_accept_as_an_inspection_project(world, menu):
    req = file_request(world, menu)
    with pytest.raises(ApplicationError, match="指标体系"):
        services.request_accept(actor=world.office_a, request=req, outcome="inspection")
    draft = frameworks.framework_from_template(actor=world.office_a, region=world.county_a, template_code="zone")
    with pytest.raises(ApplicationError, match="定版"):
        services.request_accept(actor=world.office_a, request=req, outcome="inspection", framework=draft)
    unchanged(req)
    req = services.request_accept(actor=world.office_a, request=req, outcome="inspection", framework=frozen(world))
    inspection = req.inspection
    assert (inspection.kind, inspection.county_id) == ("special", world.county_a.code)
    assert list(Target.objects.filter(inspection=inspection).values_list("school_id", flat=True)) == [
        world.schools_a[0].pk]
    req = services.request_mark_done(actor=world.office_a, request=req, note="已出具督导意见书")
    assert req.status == "done"


def test_a_town_request_is_accepted_only_as_an_inspection(world, menu):
    req = file_request(world, menu, user=world.town_a, school=None, unit=world.unit_a, topic=None, free_topic="控辍保学")
    due = timezone.localdate() + datetime.timedelta(days=3)
    for outcome in ("visit", "check"):
        with pytest.raises(ApplicationError, match="没有责任督学"):
            services.request_accept(actor=world.office_a, request=req, outcome=outcome, inspector=menu.other,
                                    due_on=due)
    with pytest.raises(ApplicationError, match="政府单位"):  # a school framework for a town
        services.request_accept(actor=world.office_a, request=req, outcome="inspection", framework=frozen(world))
    unchanged(req)
    req = services.request_accept(actor=world.office_a, request=req, outcome="inspection",
                                  framework=frozen(world, "town"))
    assert list(Target.objects.filter(inspection=req.inspection).values_list("unit_id", flat=True)) == [world.unit_a.pk]
