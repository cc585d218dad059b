"""Reads of the 工作要点: the list, the tree with derived statuses (links resolved with one call per kind), completion
by section, the tasks a user owns, and the choices of the task forms. Scoped: office staff and leaders of the
plan's region (and administrators); anyone else gets a 404."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from dudao.core.display import person_name
from dudao.core.models import Role, RoleAssignment
from dudao.core.registries import LinkTarget, plan_link_kinds
from dudao.core.scope import holds_role_in
from dudao.planning.models import Plan, PlanSection, PlanStatus, PlanTask, TaskLink, TaskStatus, TaskUpdate
from dudao.planning.status import completion, task_status

READERS = (Role.OFFICE, Role.LEADER)
STATUS_CLASSES = {  # badge colours; the label is always written next to the colour
    TaskStatus.NOT_STARTED: "secondary", TaskStatus.IN_PROGRESS: "primary", TaskStatus.DONE: "success",
    TaskStatus.LATE: "danger", TaskStatus.DROPPED: "dark",
}
STATUS_LABELS = dict(TaskStatus.choices)


def plans_visible(user):
    """Plans of the regions where the user is office staff or a leader (administrators: all)."""
    return Plan.objects.visible_to(user, as_roles=READERS)


def plan_list(user, *, year: str = "", status: str = "", q: str = ""):
    rows = plans_visible(user).select_related("region").annotate(task_count=Count("tasks"))
    if year.isdecimal():
        if len(year) > 4:
            return rows.none()  # no such plan (and no integer too large for the database)
        rows = rows.filter(year=int(year))
    if status in PlanStatus.values:
        rows = rows.filter(status=status)
    q = q.strip()
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(number__icontains=q))
    return rows.order_by("-year", "region_id", "-id")


def plan_years(user) -> list[int]:
    return sorted(set(plans_visible(user).values_list("year", flat=True)), reverse=True)


def plan_for(user, pk) -> Plan:
    try:
        return plans_visible(user).select_related("region", "created_by", "copied_from").get(pk=pk)
    except (Plan.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该工作要点，或您无权查看。") from None


def task_for(user, pk) -> PlanTask:
    """A task of a plan the user reads, or one the user owns (for the progress form)."""
    task = get_object_or_404(PlanTask.objects.select_related("plan__region", "section", "owner_zone__lead"), pk=pk)
    if plans_visible(user).filter(pk=task.plan_id).exists() or _owns(user, task):
        return task
    raise Http404("未找到该工作任务，或您无权查看。")


def link_for(user, pk) -> TaskLink:
    link = get_object_or_404(TaskLink.objects.select_related("task__plan__region"), pk=pk)
    if not plans_visible(user).filter(pk=link.task.plan_id).exists():
        raise Http404("未找到该关联，或您无权查看。")
    return link


def section_for(user, pk) -> PlanSection:
    section = get_object_or_404(PlanSection.objects.select_related("plan__region"), pk=pk)
    if not plans_visible(user).filter(pk=section.plan_id).exists():
        raise Http404("未找到该部分，或您无权查看。")
    return section


def _owns(user, task: PlanTask) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if task.owner_user_id == user.pk:
        return True
    lead = task.owner_zone.lead if task.owner_zone_id else None
    return bool(lead and lead.user_id == user.pk)


def is_office(user, plan: Plan) -> bool:
    return holds_role_in(user, plan.region_id, Role.OFFICE)


def office_staff_ids(region_code: str) -> set[int]:
    """Users holding the office role of exactly this region (the staff a task may be given to)."""
    return set(RoleAssignment.objects.filter(role=Role.OFFICE, region_id=region_code, user__is_active=True)
               .values_list("user_id", flat=True))


def zone_model():
    """The 责任区 model, reached through the task's foreign key (planning does not import zones)."""
    return PlanTask._meta.get_field("owner_zone").related_model


# ---- the tree --------------------------------------------------------------------------------------------------

@dataclass
class LinkRow:
    link: TaskLink
    target: LinkTarget | None  # None: the object no longer exists

    @property
    def label(self) -> str:
        return plan_link_kinds().get(self.link.kind).label if self.link.kind in plan_link_kinds() else self.link.kind


@dataclass
class TaskRow:
    task: PlanTask
    status: str
    links: list[LinkRow] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def status_class(self) -> str:
        return STATUS_CLASSES[self.status]

    @property
    def owner(self) -> str:
        return owner_name(self.task)

    @property
    def months_label(self) -> str:
        return months_label(self.task.months)


@dataclass
class SectionRow:
    section: PlanSection
    tasks: list[TaskRow]
    completion: dict


@dataclass
class Tree:
    sections: list[SectionRow]
    completion: dict


def months_label(months) -> str:
    """[1, 2, 3, 9] → "1—3、9月"; [] → ""."""
    runs: list[list[int]] = []
    for month in sorted(set(months or [])):
        if runs and month == runs[-1][-1] + 1:
            runs[-1].append(month)
        else:
            runs.append([month])
    parts = [f"{r[0]}—{r[-1]}" if len(r) > 2 else "、".join(map(str, r)) for r in runs]
    return "、".join(parts) + "月" if parts else ""


def owner_name(task: PlanTask) -> str:
    if task.owner_user_id:
        name = person_name(task.owner_user)
        return f"{name}（{task.owner_label}）" if task.owner_label else name
    if task.owner_zone_id:
        return task.owner_zone.name
    return task.owner_label


def resolve_links(links) -> dict[int, LinkTarget | None]:
    """link id → its target, with one resolve call per kind (unknown kinds and deleted objects → None)."""
    by_kind: dict[str, list[TaskLink]] = defaultdict(list)
    for link in links:
        by_kind[link.kind].append(link)
    kinds = plan_link_kinds()
    found: dict[int, LinkTarget | None] = {}
    for kind, rows in by_kind.items():
        targets = kinds[kind].resolve([r.object_id for r in rows]) if kind in kinds else {}
        for row in rows:
            found[row.pk] = targets.get(row.object_id)
    return found


def derived_statuses(tasks, today: datetime.date, links_by_task: dict[int, list[LinkRow]]) -> dict[int, str]:
    return {t.pk: task_status(progress=t.progress, due_date=t.due_date, today=today,
                              links=[r.target for r in links_by_task.get(t.pk, []) if r.target is not None])
            for t in tasks}


def plan_tree(plan: Plan, today: datetime.date) -> Tree:
    """Sections → tasks with their derived status and resolved links, completion per section and for the plan. A
    bounded number of queries: sections, tasks, links, and one resolve per link kind."""
    sections = list(PlanSection.objects.filter(plan=plan).order_by("order", "id"))
    tasks = list(PlanTask.objects.filter(plan=plan).select_related("owner_user", "owner_zone")
                 .order_by("section__order", "section_id", "order", "id"))
    links = list(TaskLink.objects.filter(task__plan=plan).order_by("id"))
    targets = resolve_links(links)
    links_by_task: dict[int, list[LinkRow]] = defaultdict(list)
    for link in links:
        links_by_task[link.task_id].append(LinkRow(link, targets.get(link.pk)))
    statuses = derived_statuses(tasks, today, links_by_task)
    by_section: dict[int, list[TaskRow]] = defaultdict(list)
    for task in tasks:
        by_section[task.section_id].append(TaskRow(task, statuses[task.pk], links_by_task.get(task.pk, [])))
    rows = [SectionRow(s, by_section.get(s.pk, []), completion(r.status for r in by_section.get(s.pk, [])))
            for s in sections]
    return Tree(rows, completion(statuses.values()))


def section_completion(plan: Plan, today: datetime.date) -> list[tuple[PlanSection, dict]]:
    return [(row.section, row.completion) for row in plan_tree(plan, today).sections]


def task_history(task: PlanTask):
    return TaskUpdate.objects.filter(task=task).select_related("actor").order_by("-at", "-id")


def tasks_for_owner(user, today: datetime.date | None = None) -> list[TaskRow]:
    """Tasks of published plans the user answers for (as the staff member, or the lead inspector of the 责任区),
    with their derived status, due first."""
    if not getattr(user, "is_authenticated", False):
        return []
    tasks = list(PlanTask.objects.filter(Q(owner_user=user) | Q(owner_zone__lead__user=user),
                                         plan__status=PlanStatus.PUBLISHED)
                 .select_related("plan", "section", "owner_user", "owner_zone").order_by("due_date", "id")[:200])
    links = list(TaskLink.objects.filter(task__in=tasks))
    targets = resolve_links(links)
    links_by_task: dict[int, list[LinkRow]] = defaultdict(list)
    for link in links:
        links_by_task[link.task_id].append(LinkRow(link, targets.get(link.pk)))
    statuses = derived_statuses(tasks, today or timezone.localdate(), links_by_task)
    return [TaskRow(t, statuses[t.pk], links_by_task.get(t.pk, [])) for t in tasks]


# ---- form choices ------------------------------------------------------------------------------------------------

def owner_choices(plan: Plan) -> dict:
    """Who a task may be given to: the region office's staff, the county's 责任区 (by id), and the 科室 labels
    already used in the plan (a new label may be typed)."""
    staff_ids = office_staff_ids(plan.region_id)
    users = get_user_model().objects.filter(pk__in=staff_ids).order_by("username")
    zones = zone_model().objects.filter(region_id=plan.region_id).order_by("code")
    labels = sorted(set(PlanTask.objects.filter(plan=plan).exclude(owner_label="").values_list("owner_label",
                                                                                                 flat=True)))
    return {"users": [(u.pk, person_name(u)) for u in users], "zones": [(z.pk, z.name) for z in zones],
            "labels": labels}


def link_kind_choices() -> list[tuple[str, str]]:
    return [(k.kind, k.label) for k in plan_link_kinds().values()]


def link_object_choices(user, plan: Plan, kind: str, q: str = "") -> list[tuple[str, str]]:
    kinds = plan_link_kinds()
    if kind not in kinds:
        return []
    return list(kinds[kind].choices(user, plan.region_id, q))[:50]
