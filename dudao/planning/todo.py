"""What planning puts on people's to-do lists (工作台 and GET /api/v1/me/tasks). Registered by register_todo(),
called from registrations.register(). Each source runs a bounded number of queries, scoped by visible_to; see
dudao/inspections/todo.py for the shape.

Nothing here waits for a leader: the plan, the 大事记 and the 简报 are decided and issued by the office, and
nobody records that a leader has read an issued 简报 or 工作总结."""

import datetime
from collections import defaultdict
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse

from dudao.core.models import RoleAssignment
from dudao.core.registries import Todo, register_todo_source, url_for_pk
from dudao.core.roles import Role
from dudao.planning.models import (
    Briefing,
    BriefingStatus,
    ChronicleEntry,
    ChronicleStatus,
    PlanStatus,
    PlanTask,
    TaskLink,
    TaskStatus,
)
from dudao.planning.selectors.plans import LinkRow, derived_statuses, resolve_links

AHEAD_DAYS = 30  # a task is on the list once it is due within this many days, or carried out this month
OPEN = (TaskStatus.NOT_STARTED, TaskStatus.IN_PROGRESS, TaskStatus.LATE)


def _office_regions(user) -> set[str]:
    """The regions the user is the office of, exactly: the county's office does this work, not the city's office
    above it (which may read the county's records, but has its own list)."""
    return set(RoleAssignment.objects.filter(user=user, role=Role.OFFICE).values_list("region_id", flat=True))


def _current(task: PlanTask, status: str, today: datetime.date) -> bool:
    if status not in OPEN:
        return False
    if task.due_date is not None and task.due_date <= today + datetime.timedelta(days=AHEAD_DAYS):
        return True
    return today.month in (task.months or []) and (task.due_date is None or task.due_date >= today)


def _task_todos(tasks: list[PlanTask], today: datetime.date) -> list[Todo]:
    """Open tasks (by their derived status: links resolved with one call per kind) that are late, due soon or
    carried out this month."""
    links = list(TaskLink.objects.filter(task__in=[t.pk for t in tasks]))
    targets = resolve_links(links)
    by_task: dict[int, list[LinkRow]] = defaultdict(list)
    for link in links:
        by_task[link.task_id].append(LinkRow(link, targets.get(link.pk)))
    statuses = derived_statuses(tasks, today, by_task)
    url = url_for_pk("planning:task_detail")
    todos = []
    for task in tasks:
        status = statuses[task.pk]
        if not _current(task, status, today):
            continue
        text = (task.text.splitlines() or [""])[0][:60]
        title = "完成工作任务" if status != TaskStatus.LATE else "完成逾期工作任务"
        todos.append(Todo(kind="planning.task", title=title, object=f"{text} · {task.plan.title}", url=url(task.pk),
                          due=task.due_date, key=f"planning.task:{task.pk}", region_code=task.plan.region_id))
    return todos


def my_plan_tasks(user, today) -> list[Todo]:
    """工作要点 tasks of published plans the user answers for: as the staff member named, or as the lead inspector
    of the 责任区 named (planning.selectors.plans.tasks_for_owner's rule)."""
    tasks = list(PlanTask.objects.filter(Q(owner_user=user) | Q(owner_zone__lead__user=user),
                                         plan__status=PlanStatus.PUBLISHED)
                 .select_related("plan").order_by("due_date", "id"))
    return _task_todos(tasks, today)


def office_plan_tasks(user, today) -> list[Todo]:
    """工作要点 tasks of published plans of the user's office regions that no account answers for (a 科室 label,
    or a 责任区 whose lead has no account): the office follows them up itself."""
    # Plans of exactly the user's office regions: inside what visible_to gives the office role.
    tasks = list(PlanTask.objects.filter(plan__status=PlanStatus.PUBLISHED, plan__region_id__in=_office_regions(user),
                                         owner_user__isnull=True)
                 .exclude(owner_zone__lead__user__isnull=False)
                 .select_related("plan").order_by("due_date", "id"))
    return _task_todos(tasks, today)


def chronicle_proposals(user, today) -> list[Todo]:
    """大事记 entries the platform proposed from key events, waiting for the office to adopt or drop them."""
    entries = (ChronicleEntry.objects.visible_to(user, as_roles=(Role.OFFICE,))
               .filter(status=ChronicleStatus.PROPOSED, region_id__in=_office_regions(user)).order_by("day", "id"))
    base = reverse("planning:chronicle")
    return [Todo(kind="planning.chronicle", title="确认大事记（采用或舍弃）", object=f"{e.day:%Y-%m-%d} {e.title}",
                 url=f"{base}?{urlencode({'region': e.region_id, 'year': e.day.year, 'tab': 'proposed'})}",
                 key=f"planning.chronicle:{e.pk}", region_code=e.region_id) for e in entries]


def briefings_to_issue(user, today) -> list[Todo]:
    """督导简报 drafts of the user's office regions, not issued yet (印发 numbers them)."""
    briefings = (Briefing.objects.visible_to(user, as_roles=(Role.OFFICE,))
                 .filter(status=BriefingStatus.DRAFT, region_id__in=_office_regions(user)).order_by("year", "id"))
    url = url_for_pk("planning:briefing_detail")
    return [Todo(kind="planning.briefing", title="编辑并印发简报", object=f"{b.year}年 {b.title}", url=url(b.pk),
                 key=f"planning.briefing:{b.pk}", region_code=b.region_id) for b in briefings]


def register_todo() -> None:
    staff = (Role.OFFICE, Role.INSPECTOR, Role.LEADER, Role.EXPERT, Role.UNIT, Role.SCHOOL)
    register_todo_source("planning.my_tasks", "工作任务", my_plan_tasks, roles=staff,
                         list_url="planning:plan_list")
    register_todo_source("planning.office_tasks", "工作任务（科室）", office_plan_tasks, roles=(Role.OFFICE,),
                         list_url="planning:plan_list")
    register_todo_source("planning.chronicle", "大事记", chronicle_proposals, roles=(Role.OFFICE,),
                         list_url="planning:chronicle")
    register_todo_source("planning.briefings", "督导简报", briefings_to_issue, roles=(Role.OFFICE,),
                         list_url="planning:briefing_list")
