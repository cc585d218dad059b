"""课题 milestones due soon and overdue: the owner's to-do list and the daily reminder, at 00:30 and 23:30 Beijing
(a day's edges), idempotent."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone

from dudao.core.models import Notification
from dudao.research.services import projects as services
from dudao.research.todo import project_milestones_due, project_milestones_to_review
from tests.research.test_projects_workflow import make, milestone, pdf

BJ = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=BJ)


@pytest.fixture
def project(world):
    today = timezone.localdate()
    return make(world, opening_due=today + 10 * datetime.timedelta(days=1), midterm_due=today + 60 * datetime.timedelta(days=1))


def test_todo_due_and_overdue(world, project):
    due = milestone(project, "opening").due_on
    items = project_milestones_due(world.principal_a, due)
    assert [i.title for i in items] == ["提交课题开题报告"] and items[0].due == due
    # 30 days ahead (policy research.project_todo_days) it appears; 31 days ahead not yet
    assert project_milestones_due(world.principal_a, due - datetime.timedelta(days=30))
    assert not project_milestones_due(world.principal_a, due - datetime.timedelta(days=31))
    assert not project_milestones_due(world.office_b, due)
    # submitted: off the owner's list, onto the office's
    services.milestone_submit(actor=world.principal_a, milestone=milestone(project, "opening"), uploads=[pdf()])
    assert not project_milestones_due(world.principal_a, due)
    assert [i.title for i in project_milestones_to_review(world.office_a, due)] == ["评审课题开题报告"]
    assert not project_milestones_to_review(world.office_b, due)


@pytest.mark.parametrize(("hour", "minute"), [(0, 30), (23, 30)])
def test_daily_reminder_at_the_edges_of_a_beijing_day(world, project, hour, minute):
    due = milestone(project, "opening").due_on
    # 8 days before: nothing (policy research.project_remind_days = 7)
    assert services.milestone_reminders_daily(now=at(due - datetime.timedelta(days=8), hour, minute)) == 0
    # 7 days before, at either edge of the Beijing day: "soon", once
    assert services.milestone_reminders_daily(now=at(due - datetime.timedelta(days=7), hour, minute)) == 1
    assert services.milestone_reminders_daily(now=at(due - datetime.timedelta(days=7), hour, minute)) == 0
    # on the due day it is still not overdue
    assert services.milestone_reminders_daily(now=at(due, hour, minute)) == 0
    # the next Beijing day (00:30 is still the previous UTC day): overdue, once
    assert services.milestone_reminders_daily(now=at(due + datetime.timedelta(days=1), hour, minute)) == 1
    assert services.milestone_reminders_daily(now=at(due + datetime.timedelta(days=2), hour, minute)) == 0
    notes = list(Notification.objects.filter(user=world.principal_a).order_by("id").values_list("title", flat=True))
    assert notes[0].startswith("课题节点将于") and notes[1].startswith("课题节点已逾期")


def test_todo_overdue_by_local_date(world, project):
    from dudao.core.dates import local_date
    from dudao.core.registries import todo_urgency

    due = milestone(project, "opening").due_on
    # 00:30 Beijing on the day after: UTC is still the due day, the item is overdue all the same
    today = local_date(at(due + datetime.timedelta(days=1), 0, 30))
    assert today == due + datetime.timedelta(days=1)
    item = project_milestones_due(world.principal_a, today)[0]
    assert todo_urgency(item.due, today) == "overdue"
    today = local_date(at(due, 23, 30))
    assert todo_urgency(project_milestones_due(world.principal_a, today)[0].due, today) == "soon"
