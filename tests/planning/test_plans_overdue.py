"""Overdue → inbox once: the daily job "plan_overdue" tells the owner of each late task of a published plan, once,
at the Beijing day boundary (00:30 / 23:30), and leaves drafts, done, dropped and link-done tasks alone."""

import datetime
from zoneinfo import ZoneInfo

import time_machine

from dudao.core.models import Notification
from dudao.core.registries import daily_jobs
from dudao.frameworks.models import Framework
from dudao.inspections.models import Inspection
from dudao.people.models import Inspector
from dudao.planning.models import PlanTask
from dudao.planning.services import plans as services
from dudao.zones.models import Zone
from tests.planning.plans_helpers import make_plan

BEIJING = ZoneInfo("Asia/Shanghai")
DUE = datetime.date(2026, 6, 30)


def at(day: int, month: int, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime(2026, month, day, hour, minute, tzinfo=BEIJING)


def published(world, **kw):
    plan, section, tasks = make_plan(world, due=DUE, **kw)
    services.plan_publish(actor=world.office_a, plan=plan)
    return plan, section, tasks


def test_registered_as_a_daily_job():
    assert "plan_overdue" in [name for name, _job in daily_jobs()]


def test_not_yet_late_at_2330_on_the_due_day_late_at_0030_the_day_after(world):
    published(world, tasks=1)
    assert services.plan_overdue_daily(now=at(30, 6, 23, 30)) == 0
    assert not Notification.objects.exists()
    with time_machine.travel(at(1, 7, 0, 30), tick=False):  # 16:30 UTC on 30 June: already 1 July in Beijing
        assert services.plan_overdue_daily() == 1
    note = Notification.objects.get()
    assert (note.user_id, note.kind) == (world.office_a.pk, "plan_overdue")
    assert note.key == f"plan-task-overdue:{PlanTask.objects.get().pk}"
    assert "2026年6月30日" in note.body and note.url == f"/planning/plans/tasks/{PlanTask.objects.get().pk}/"


def test_twice_gives_one_notification(world):
    _plan, _s, (task, _other) = published(world)
    assert services.plan_overdue_daily(now=at(2, 7, 9, 0)) == 2
    assert services.plan_overdue_daily(now=at(3, 7, 9, 0)) == 0
    assert Notification.objects.count() == 2
    task.refresh_from_db()
    assert task.overdue_notified_at is not None
    # The flag alone also stops a second message (compare-and-set), even were the notification gone.
    Notification.objects.all().delete()
    assert services.plan_overdue_daily(now=at(4, 7, 9, 0)) == 0


def test_a_new_due_date_earns_a_new_reminder(world):
    _plan, _s, (task, _other) = published(world)
    services.plan_overdue_daily(now=at(2, 7, 9, 0))
    services.task_update(actor=world.office_a, task=task, text=task.text, owner_user=world.office_a,
                         due_date=datetime.date(2026, 8, 31))
    task.refresh_from_db()
    assert task.overdue_notified_at is None
    assert services.plan_overdue_daily(now=at(1, 9, 9, 0)) == 0  # same key: the inbox keeps one message


def test_drafts_done_dropped_and_linked_done_tasks_are_left_alone(world):
    make_plan(world, due=DUE)  # a draft
    _plan, section, (done, dropped) = published(world, title="已发布")
    services.task_progress_set(actor=world.office_a, task=done, progress="done", note="")
    services.task_progress_set(actor=world.office_a, task=dropped, progress="dropped", note="取消")
    linked = services.task_create(actor=world.office_a, section=section, text="关联项目", owner_user=world.office_a,
                                  due_date=DUE)
    framework = Framework.objects.create(region=world.county_a, family="f1", name="指标", kind="special",
                                         target="school", definition={}, created_by=world.office_a)
    project = Inspection.objects.create(county=world.county_a, name="专项督导", kind="special", framework=framework,
                                        year=2026, starts_on=DUE, ends_on=DUE, stage="issued",
                                        created_by=world.office_a)
    services.task_link_add(actor=world.office_a, task=linked, kind="inspections.inspection", object_id=project.pk)
    assert services.plan_overdue_daily(now=at(2, 7, 9, 0)) == 0
    Inspection.objects.filter(pk=project.pk).update(stage="onsite")  # not done by its link any more: late
    assert services.plan_overdue_daily(now=at(2, 7, 10, 0)) == 1


def test_recipients_zone_lead_and_label_only(world):
    plan, section, _tasks = make_plan(world, due=DUE, tasks=0)
    lead = Inspector.objects.create(card_no="DX001", name="王督学", phone="1", kind="fulltime", source="official",
                                    region=world.county_a, appointed_on=datetime.date(2020, 1, 1),
                                    term_start=datetime.date(2024, 1, 1), user=world.inspector_a)
    zone = Zone.objects.create(code="Z1", name="第一责任区", region=world.county_a, lead=lead)
    services.task_create(actor=world.office_a, section=section, text="责任区任务", owner_zone=zone, due_date=DUE)
    services.task_create(actor=world.office_a, section=section, text="科室任务", owner_label="督导科", due_date=DUE)
    services.plan_publish(actor=world.office_a, plan=plan)
    assert services.plan_overdue_daily(now=at(2, 7, 9, 0)) == 2
    assert set(Notification.objects.values_list("user_id", flat=True)) == {world.inspector_a.pk, world.office_a.pk}
    # The zone lead may write the progress of the zone's task.
    task = PlanTask.objects.get(owner_zone=zone)
    services.task_progress_set(actor=world.inspector_a, task=task, progress="done", note="已完成")
