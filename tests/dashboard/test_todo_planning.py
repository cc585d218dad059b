"""planning's to-do sources: 工作要点 tasks of their owner (and the office's 科室 tasks), 大事记 proposals and 简报
drafts; each leaves the list once the real service has run."""

import datetime

import pytest
import time_machine

from dudao.core.models import Role
from dudao.core.services import role_assign, user_create
from dudao.planning.models import ChronicleEntry, ChronicleStatus
from dudao.planning.services import briefings, chronicle
from dudao.planning.services import plans as services
from dudao.planning.todo import my_plan_tasks, office_plan_tasks
from tests.conftest import PASSWORD
from tests.dashboard.todo_b_helpers import beijing, queries, rows
from tests.planning.plans_helpers import make_plan

pytestmark = pytest.mark.django_db
DUE = datetime.date(2026, 12, 20)


def _published(world, **kwargs):
    plan, section, tasks = make_plan(world, due=DUE, **kwargs)
    services.plan_publish(actor=world.office_a, plan=plan)
    return plan, section, tasks


def test_the_owner_sees_open_tasks_until_done(world):
    plan, section, tasks = _published(world, tasks=2)
    today = datetime.date(2026, 12, 10)
    found = rows(world.office_a, "planning.task", today)
    assert [r.todo.key for r in found] == [f"planning.task:{t.pk}" for t in tasks]
    assert found[0].todo.title == "完成工作任务" and found[0].todo.due == DUE
    assert found[0].todo.object == f"任务1 · {plan.title}" and found[0].todo.url == f"/planning/plans/tasks/{tasks[0].pk}/"
    late = rows(world.office_a, "planning.task", DUE + datetime.timedelta(days=1))
    assert [(r.todo.title, r.urgency) for r in late] == [("完成逾期工作任务", "overdue")] * 2
    for user in (world.leader_a, world.office_b, world.inspector_a):
        assert rows(user, "planning.task", today) == []
    services.task_progress_set(actor=world.office_a, task=tasks[0], progress="done", note="已完成")
    services.task_progress_set(actor=world.office_a, task=tasks[1], progress="dropped", note="不再开展")
    assert rows(world.office_a, "planning.task", today) == []


def test_far_tasks_wait_until_due_soon_or_their_month(world):
    plan, section, _tasks = _published(world, tasks=1)
    later = services.task_create(actor=world.office_a, section=section, text="年中任务", owner_user=world.office_a,
                                 months=[3], due_date=datetime.date(2026, 6, 30))
    keys = [r.todo.key for r in rows(world.office_a, "planning.task", datetime.date(2026, 2, 1))]
    assert f"planning.task:{later.pk}" not in keys
    keys = [r.todo.key for r in rows(world.office_a, "planning.task", datetime.date(2026, 3, 2))]
    assert f"planning.task:{later.pk}" in keys  # carried out in March
    keys = [r.todo.key for r in rows(world.office_a, "planning.task", datetime.date(2026, 6, 1))]
    assert f"planning.task:{later.pk}" in keys  # due within 30 days


def test_a_sections_label_task_is_the_offices(world):
    plan, section, _tasks = _published(world, tasks=1)
    task = services.task_create(actor=world.office_a, section=section, text="科室任务", owner_label="督政科",
                                months=[12], due_date=DUE)
    keys = [r.todo.key for r in rows(world.office_a, "planning.task", datetime.date(2026, 12, 10))]
    assert f"planning.task:{task.pk}" in keys and len(keys) == 2
    assert rows(world.office_b, "planning.task", datetime.date(2026, 12, 10)) == []
    assert rows(world.leader_a, "planning.task", datetime.date(2026, 12, 10)) == []


def test_queries_do_not_grow_with_tasks(world):
    _plan, section, _tasks = _published(world, tasks=1)
    services.task_create(actor=world.office_a, section=section, text="科室任务", owner_label="督政科", due_date=DUE)
    one, found = queries(my_plan_tasks, world.office_a, datetime.date(2026, 12, 10))
    office_one, office_found = queries(office_plan_tasks, world.office_a, datetime.date(2026, 12, 10))
    for n in range(29):
        services.task_create(actor=world.office_a, section=section, text=f"任务{n}", owner_user=world.office_a,
                             due_date=DUE)
        services.task_create(actor=world.office_a, section=section, text=f"科室任务{n}", owner_label="督政科",
                             due_date=DUE)
    many, more = queries(my_plan_tasks, world.office_a, datetime.date(2026, 12, 10))
    office_many, office_more = queries(office_plan_tasks, world.office_a, datetime.date(2026, 12, 10))
    assert (len(found), len(more), len(office_found), len(office_more)) == (1, 30, 1, 30)
    assert many == one and office_many == office_one


def test_chronicle_proposals_wait_for_the_office(world):
    entry = ChronicleEntry.objects.create(region=world.county_a, day=datetime.date(2026, 12, 1), title="召开督导工作会议",
                                          status=ChronicleStatus.PROPOSED, source="planning.meeting", event_key="m:1")
    [row] = rows(world.office_a, "planning.chronicle")
    assert row.todo.title == "确认大事记（采用或舍弃）" and "tab=proposed" in row.todo.url
    assert rows(world.office_b, "planning.chronicle") == [] and rows(world.leader_a, "planning.chronicle") == []
    city_office = user_create(actor=world.admin, username="office_city", full_name="市督导室", password=PASSWORD)
    role_assign(actor=world.admin, user=city_office, role=Role.OFFICE, region=world.county_a.parent)
    assert rows(city_office, "planning.chronicle") == []  # the county office's item, not the city's
    chronicle.entry_drop(actor=world.office_a, entry=entry, reason="不重要")
    assert rows(world.office_a, "planning.chronicle") == []


def test_a_briefing_draft_waits_until_issued(world):
    briefing = briefings.briefing_create(actor=world.office_a, region=world.county_a, year=2026, title="督导动态")
    [row] = rows(world.office_a, "planning.briefing")
    assert row.todo.title == "编辑并印发简报" and row.todo.url == f"/planning/briefings/{briefing.pk}/"
    assert rows(world.office_b, "planning.briefing") == []
    briefings.section_add(actor=world.office_a, briefing=briefing, kind="text", heading="工作动态", text="本月……")
    briefings.briefing_issue(actor=world.office_a, briefing=briefing)
    assert rows(world.office_a, "planning.briefing") == []


@pytest.mark.parametrize(("hour", "minute"), [(0, 30), (23, 30)])
def test_urgency_on_beijing_days(world, hour, minute):
    _published(world, tasks=1)
    with time_machine.travel(beijing(DUE, hour, minute), tick=False):
        assert [r.urgency for r in rows(world.office_a, "planning.task")] == ["soon"]
    with time_machine.travel(beijing(DUE + datetime.timedelta(days=1), hour, minute), tick=False):
        assert [r.urgency for r in rows(world.office_a, "planning.task")] == ["overdue"]
