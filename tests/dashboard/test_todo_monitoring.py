"""monitoring's to-do source: 创建 campaign tasks of the user's own department or school, until reported done."""

import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from dudao.core.models import Role
from dudao.core.services import role_assign, user_create
from dudao.monitoring import campaigns
from dudao.monitoring.todo import campaign_tasks
from tests.conftest import PASSWORD
from tests.dashboard.todo_b_helpers import beijing, queries, rows

pytestmark = pytest.mark.django_db
DEADLINE = datetime.date(2026, 12, 20)


def pdf():
    return SimpleUploadedFile("证明.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")


@pytest.fixture
def campaign(world):
    return campaigns.campaign_create(actor=world.office_a, kind="balanced", county=world.county_a,
                                     name="甲区创建义务教育优质均衡发展区", target_year=2027)


def _task(world, campaign, n=0, **owner):
    return campaigns.task_add(actor=world.office_a, campaign=campaign, title=f"新建运动场{n}", measures="专项资金",
                              deadline=DEADLINE, **(owner or {"unit": world.unit_a}))


def test_the_responsible_unit_reports_until_done(world, campaign):
    task = _task(world, campaign)
    school_task = _task(world, campaign, 1, school=world.schools_a[0])
    [row] = rows(world.town_a, "monitoring.campaign_task")
    assert row.todo.title == "报告创建任务进展（0%）" and row.todo.due == DEADLINE
    assert row.todo.object == f"{task.title} · {campaign.name}" and row.todo.url == f"/monitoring/tasks/{task.pk}/"
    assert [r.todo.key for r in rows(world.principal_a, "monitoring.campaign_task")] == [
        f"monitoring.task:{school_task.pk}"]
    # the office, the leader, an inspector and the other district have none
    for user in (world.office_a, world.leader_a, world.inspector_a, world.office_b):
        assert rows(user, "monitoring.campaign_task") == []
    campaigns.progress_report(actor=world.town_a, task=task, progress=40, note="已立项", today=DEADLINE)
    assert rows(world.town_a, "monitoring.campaign_task")[0].todo.title == "报告创建任务进展（40%）"
    campaigns.progress_report(actor=world.town_a, task=task, progress=100, note="完工", uploads=[pdf()], today=DEADLINE)
    assert rows(world.town_a, "monitoring.campaign_task") == []


def test_another_districts_unit_sees_nothing_and_queries_stay_constant(world, campaign):
    _task(world, campaign)
    town_b = user_create(actor=world.admin, username="town_b", full_name="乙镇", password=PASSWORD)
    role_assign(actor=world.admin, user=town_b, role=Role.UNIT, unit=world.unit_b)
    assert rows(town_b, "monitoring.campaign_task") == []
    one, found = queries(campaign_tasks, world.town_a, DEADLINE)
    for n in range(1, 30):
        _task(world, campaign, n)
    many, more = queries(campaign_tasks, world.town_a, DEADLINE)
    assert (len(found), len(more)) == (1, 30) and many == one


@pytest.mark.parametrize(("hour", "minute"), [(0, 30), (23, 30)])
def test_urgency_on_beijing_days(world, campaign, hour, minute):
    _task(world, campaign)
    with time_machine.travel(beijing(DEADLINE, hour, minute), tick=False):
        assert [r.urgency for r in rows(world.town_a, "monitoring.campaign_task")] == ["soon"]
    with time_machine.travel(beijing(DEADLINE + datetime.timedelta(days=1), hour, minute), tick=False):
        assert [r.urgency for r in rows(world.town_a, "monitoring.campaign_task")] == ["overdue"]
    with time_machine.travel(beijing(DEADLINE - datetime.timedelta(days=4), hour, minute), tick=False):
        assert [r.urgency for r in rows(world.town_a, "monitoring.campaign_task")] == ["later"]
