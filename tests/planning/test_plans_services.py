"""The 工作要点 services: drafts, publishing with its refusal list and 文号, copying a year, progress, links, scope."""

import datetime

import pytest

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog
from dudao.core.registries import _YEAR_LOCKS, register_year_lock
from dudao.planning.models import Plan, PlanStatus, PlanTask, PlanTransition, TaskLink, TaskUpdate
from dudao.planning.services import plans as services
from tests.planning.plans_helpers import make_plan


def test_create_and_edit_a_draft_with_audit(world):
    plan, section, (first, second) = make_plan(world)
    assert plan.status == PlanStatus.DRAFT and plan.number is None
    assert PlanTransition.objects.filter(plan=plan, to_status="draft").count() == 1
    assert [t.order for t in (first, second)] == [1, 2]
    services.task_update(actor=world.office_a, task=first, text="任务一（改）", owner_label="督导科", months=[9, 3, 3],
                         due_date=datetime.date(2026, 9, 30))
    first.refresh_from_db()
    assert (first.text, first.owner_user_id, first.owner_label, first.months) == ("任务一（改）", None, "督导科", [3, 9])
    log = AuditLog.objects.filter(action="planning.task_update").get()
    assert log.before["text"] == "任务1" and log.after["text"] == "任务一（改）"
    services.task_delete(actor=world.office_a, task=second)
    assert PlanTask.objects.filter(plan=plan).count() == 1


def test_bad_input_is_refused_in_chinese_and_nothing_changes(world):
    plan, section, (task, _) = make_plan(world)
    with pytest.raises(ApplicationError, match="请填写工作任务"):
        services.task_create(actor=world.office_a, section=section, text="  ")
    with pytest.raises(ApplicationError, match="实施月份应为 1 到 12"):
        services.task_create(actor=world.office_a, section=section, text="x", months=[13])
    with pytest.raises(ApplicationError, match="责任人应为甲区督导室的工作人员"):
        services.task_create(actor=world.office_a, section=section, text="x", owner_user=world.leader_a)
    with pytest.raises(ApplicationError, match="工作领域无效"):
        services.section_create(actor=world.office_a, plan=plan, title="x", area="nope")
    with pytest.raises(ApplicationError, match="年度应在"):
        services.plan_create(actor=world.office_a, region=world.county_a, year=1999, title="x")
    with pytest.raises(ApplicationError, match="工作要点应建立在区县"):
        services.plan_create(actor=world.admin, region=world.county_a.parent, year=2026, title="x")
    assert PlanTask.objects.filter(plan=plan).count() == 2


def test_only_the_region_office_writes(world):
    plan, section, (task, _) = make_plan(world)
    for actor in (world.office_b, world.leader_a, world.inspector_a):
        with pytest.raises(PermissionDenied):
            services.task_create(actor=actor, section=section, text="越权")
        with pytest.raises(PermissionDenied):
            services.plan_publish(actor=actor, plan=plan)
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=world.office_b, region=world.county_a, year=2026, title="x")


def test_publish_refuses_with_each_task_named(world):
    plan, section, (ok, _) = make_plan(world)
    services.task_create(actor=world.office_a, section=section, text="没有责任人的任务", due_date=datetime.date(2026, 5, 1))
    services.task_create(actor=world.office_a, section=section, text="没有期限的任务", owner_label="督导科")
    services.task_create(actor=world.office_a, section=section, text="明年的任务", owner_label="督导科",
                         due_date=datetime.date(2027, 1, 15))
    with pytest.raises(ApplicationError) as exc:
        services.plan_publish(actor=world.office_a, plan=plan)
    message = exc.value.message
    assert "“没有责任人的任务”未指定责任人" in message
    assert "“没有期限的任务”未填写完成期限" in message
    assert "“明年的任务”完成期限2027年1月15日不在2026年度内" in message
    assert len(exc.value.errors) == 3
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and plan.number is None


def test_publish_takes_the_next_number_and_is_audited(world):
    plan, _s, _t = make_plan(world)
    second, _s2, _t2 = make_plan(world, title="2026年督学工作安排")
    services.plan_publish(actor=world.office_a, plan=plan)
    services.plan_publish(actor=world.office_a, plan=second)
    plan.refresh_from_db()
    second.refresh_from_db()
    assert (plan.number, second.number) == ("甲区督〔2026〕1号", "甲区督〔2026〕2号")
    assert plan.status == PlanStatus.PUBLISHED and plan.published_at is not None
    assert AuditLog.objects.filter(action="planning.plan_publish").count() == 2
    with pytest.raises(ApplicationError):
        services.plan_publish(actor=world.office_a, plan=plan)  # published → published is no move


def test_empty_plan_cannot_be_published(world):
    plan = services.plan_create(actor=world.office_a, region=world.county_a, year=2026, title="空")
    with pytest.raises(ApplicationError, match="还没有任何工作任务"):
        services.plan_publish(actor=world.office_a, plan=plan)


def test_a_published_plan_keeps_its_shape(world):
    plan, section, (task, _) = make_plan(world)
    services.plan_publish(actor=world.office_a, plan=plan)
    with pytest.raises(ApplicationError, match="不能删除任务"):
        services.task_delete(actor=world.office_a, task=task)
    with pytest.raises(ApplicationError, match="不能删除部分"):
        services.section_delete(actor=world.office_a, section=section)
    with pytest.raises(ApplicationError, match="已发布的工作要点不能删除"):
        services.plan_delete(actor=world.office_a, plan=plan)
    with pytest.raises(ApplicationError, match="任务必须有责任人和年度内的完成期限"):
        services.task_update(actor=world.office_a, task=task, text="改", owner_user=world.office_a, due_date=None)
    # Text edits are allowed, audited; a new task must be complete.
    services.task_update(actor=world.office_a, task=task, text="改后的文字", owner_user=world.office_a,
                         due_date=datetime.date(2026, 7, 31))
    with pytest.raises(ApplicationError, match="未指定责任人"):
        services.task_create(actor=world.office_a, section=section, text="新增", due_date=datetime.date(2026, 8, 1))
    assert AuditLog.objects.filter(action="planning.task_update").count() == 1


def test_copy_shifts_dates_and_drops_links_and_progress(world):
    plan, section, (task, other) = make_plan(world, year=2024, due=datetime.date(2024, 2, 29))
    services.task_progress_set(actor=world.office_a, task=task, progress="done", note="已完成")
    TaskLink.objects.create(task=task, kind="planning.meeting", object_id="1", title="会议")
    copy = services.plan_copy(actor=world.office_a, plan=plan, year=2025)
    assert (copy.year, copy.status, copy.title, copy.copied_from_id) == (2025, "draft", "2025年教育督导工作要点", plan.pk)
    tasks = list(copy.tasks.order_by("order"))
    assert [t.text for t in tasks] == ["任务1", "任务2"]
    assert {t.due_date for t in tasks} == {datetime.date(2025, 2, 28)}  # 29 Feb → 28 Feb
    assert all(t.progress == "not_started" and not t.progress_note for t in tasks)
    assert not TaskLink.objects.filter(task__plan=copy).exists()
    assert copy.sections.get().title == "扎实开展督政工作"
    assert tasks[0].owner_user_id == world.office_a.pk and tasks[0].months == [6]
    with pytest.raises(ApplicationError, match="应与原工作要点不同"):
        services.plan_copy(actor=world.office_a, plan=plan, year=2024)


def test_progress_by_owner_or_office_appends_history(world):
    plan, _section, (task, _) = make_plan(world)
    services.task_progress_set(actor=world.office_a, task=task, progress="in_progress", note="已起草方案")
    with pytest.raises(PermissionDenied):
        services.task_progress_set(actor=world.leader_a, task=task, progress="done", note="")
    with pytest.raises(ApplicationError, match="请填写进展说明"):
        services.task_progress_set(actor=world.office_a, task=task, progress="dropped", note="")
    with pytest.raises(ApplicationError, match="进展应为"):
        services.task_progress_set(actor=world.office_a, task=task, progress="finished", note="")
    services.task_progress_set(actor=world.office_a, task=task, progress="dropped", note="上级取消")
    task.refresh_from_db()
    assert (task.progress, task.progress_note) == ("dropped", "上级取消")
    assert list(TaskUpdate.objects.filter(task=task).values_list("progress", flat=True)) == ["in_progress", "dropped"]


def test_archived_year_refuses_every_write(world):
    plan, section, (task, _) = make_plan(world)

    def lock(region_code, day):
        return "2026年度已归档" if day.year == 2026 else ""

    register_year_lock(lock)
    try:
        with pytest.raises(ApplicationError, match="属于已归档的年度"):
            services.task_create(actor=world.office_a, section=section, text="x")
        with pytest.raises(ApplicationError, match="属于已归档的年度"):
            services.task_progress_set(actor=world.office_a, task=task, progress="done", note="")
        with pytest.raises(ApplicationError, match="属于已归档的年度"):
            services.plan_publish(actor=world.office_a, plan=plan)
        with pytest.raises(ApplicationError, match="属于已归档的年度"):
            services.plan_create(actor=world.office_a, region=world.county_a, year=2026, title="x")
        services.plan_copy(actor=world.office_a, plan=plan, year=2027)  # the new year is open
    finally:
        _YEAR_LOCKS.remove(lock)
    assert Plan.objects.filter(year=2027).count() == 1
