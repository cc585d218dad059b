"""Writes of the 工作要点: plans, their sections and tasks, progress notes, links to what carries a task out,
publishing (with the office's 文号) and copying last year's plan as a draft.

Editing rules (issue 20 item 1): a draft may be edited freely. A published plan keeps its shape on the record:
tasks may get progress notes and links; sections and tasks may still be added and their text, owner and dates
edited (each change audited with before/after, and a published task must keep an owner and a due date inside the
plan's year), but nothing is deleted — a task that will not be done is set to 已取消 with a note.
Every write first refuses an archived year (refuse_if_archived on the plan's first day).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from dudao.core.audit import audit_record, snapshot
from dudao.core.dates import cn_date
from dudao.core.errors import ApplicationError, PermissionDenied, RowError
from dudao.core.registries import plan_link_kinds, refuse_if_archived
from dudao.core.roles import Role
from dudao.core.scope import holds_role_in, region_prefix, require_office_for
from dudao.core.services import Message, counter_take, notify
from dudao.planning.models import (
    PLAN_WORKFLOW,
    Plan,
    PlanSection,
    PlanStatus,
    PlanTask,
    PlanTransition,
    TaskLink,
    TaskProgress,
    TaskStatus,
    TaskUpdate,
    WorkArea,
    YearKind,
)
from dudao.planning.selectors.plans import LinkRow, derived_statuses, office_staff_ids, resolve_links
from dudao.regions.models import Region, RegionLevel

FIRST_YEAR = 2000
MAX_TITLE = 128
MAX_SECTION_TITLE = 200
MAX_TASK_TEXT = 2000
MAX_NOTE = 2000
MAX_LABEL = 64
TASK_FIELDS = ["section_id", "order", "text", "owner_user_id", "owner_zone_id", "owner_label", "months", "due_date"]
NOT_OFFICE = "只有本区域督导室可以编辑工作要点。"


# ---- helpers -----------------------------------------------------------------------------------------------------

def _refuse_archived(plan: Plan, what: str = "该工作要点") -> None:
    refuse_if_archived(plan.region_id, plan.starts_on, what)


def _require_office(actor, plan: Plan) -> None:
    require_office_for(actor, plan.region_id, NOT_OFFICE)


def _locked_plan(plan: Plan) -> Plan:
    return Plan.objects.select_for_update(of=("self",)).select_related("region").get(pk=plan.pk)


def _text(value, what: str, limit: int, *, required: bool = True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ApplicationError(f"请填写{what}。")
    if len(text) > limit:
        raise ApplicationError(f"{what}过长（最多 {limit} 个字符）。")
    return text


def _year(value) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        raise ApplicationError("年度应为整数，例如 2026。") from None
    this_year = timezone.localdate().year
    if not FIRST_YEAR <= year <= this_year + 2:
        raise ApplicationError(f"年度应在 {FIRST_YEAR} 到 {this_year + 2} 之间。")
    return year


def _months(months) -> list[int]:
    result: set[int] = set()
    for value in months or ():
        try:
            month = int(value)
        except (TypeError, ValueError):
            raise ApplicationError(f"实施月份应为 1 到 12 的整数，实际为“{str(value)[:10]}”。") from None
        if not 1 <= month <= 12:
            raise ApplicationError(f"实施月份应为 1 到 12 的整数，实际为 {month}。")
        result.add(month)
    return sorted(result)


def _date(value, what: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise ApplicationError(f"{what}应为日期。")
    return value


def in_plan_year(plan: Plan, day: datetime.date) -> bool:
    return plan.starts_on <= day <= plan.ends_on


def _owner(plan: Plan, owner_user, owner_zone, owner_label) -> tuple:
    label = _text(owner_label, "责任科室", MAX_LABEL, required=False)
    if owner_user is not None and owner_zone is not None:
        raise ApplicationError("责任人和责任区只能选其一。")
    if owner_user is not None and owner_user.pk not in office_staff_ids(plan.region_id):
        raise ApplicationError(f"责任人应为{plan.region.name}督导室的工作人员。")
    if owner_zone is not None and owner_zone.region_id != plan.region_id:
        raise ApplicationError(f"责任区应为{plan.region.name}的督学责任区。")
    return owner_user, owner_zone, label


def _area(area) -> str:
    area = area or WorkArea.GENERAL
    if area not in WorkArea.values:
        raise ApplicationError("工作领域无效。")
    return area


@dataclass(frozen=True)
class Problem:
    """One reason a plan cannot be published yet (shown as a list on the plan page)."""

    task_id: int
    section: str
    task: str
    message: str


def publish_problems(plan: Plan, tasks: Iterable[PlanTask] | None = None) -> list[Problem]:
    """Each task without an owner or a due date, or with a due date outside the plan's year; pure over the rows."""
    rows = list(tasks) if tasks is not None else list(
        PlanTask.objects.filter(plan=plan).select_related("section").order_by("section__order", "section_id",
                                                                               "order", "id"))
    problems: list[Problem] = []
    for task in rows:
        what = []
        if not (task.owner_user_id or task.owner_zone_id or task.owner_label):
            what.append("未指定责任人")
        if task.due_date is None:
            what.append("未填写完成期限")
        elif not in_plan_year(plan, task.due_date):
            what.append(f"完成期限{cn_date(task.due_date)}不在{plan.year_label}内")
        if what:
            problems.append(Problem(task.pk, task.section.title, task.text[:40], "、".join(what)))
    return problems


def _check_published_task(plan: Plan, task: PlanTask) -> None:
    if plan.status != PlanStatus.PUBLISHED:
        return
    problems = publish_problems(plan, [task])
    if problems:
        raise ApplicationError(f"工作要点已发布，任务必须有责任人和年度内的完成期限：{problems[0].message}。")


# ---- plans ---------------------------------------------------------------------------------------------------------

def plan_create(*, actor, region: Region, year: int, year_kind: str = YearKind.CALENDAR, title: str) -> Plan:
    """A new draft 工作要点 of a region for a year."""
    require_office_for(actor, region.code, "只有本区域督导室可以新建工作要点。")
    if region.level not in (RegionLevel.COUNTY, RegionLevel.TOWN):
        raise ApplicationError("工作要点应建立在区县（或乡镇）一级。")
    year = _year(year)
    if year_kind not in YearKind.values:
        raise ApplicationError("年度类型应为自然年度或学年度。")
    title = _text(title, "标题", MAX_TITLE)
    plan = Plan(region=region, year=year, year_kind=year_kind, title=title, created_by=actor)
    _refuse_archived(plan)
    with transaction.atomic():
        plan.save()
        PlanTransition.record(plan, to_status=PlanStatus.DRAFT, actor=actor, note="新建")
        audit_record(actor=actor, action="planning.plan_create", obj=plan, region_code=region.code,
                     after={"year": year, "year_kind": year_kind, "title": title})
    return plan


@transaction.atomic
def plan_update(*, actor, plan: Plan, title: str) -> Plan:
    plan = _locked_plan(plan)
    _require_office(actor, plan)
    _refuse_archived(plan)
    title = _text(title, "标题", MAX_TITLE)
    before = {"title": plan.title}
    plan.title = title
    plan.save(update_fields=["title"])
    audit_record(actor=actor, action="planning.plan_update", obj=plan, region_code=plan.region_id, before=before,
                 after={"title": title})
    return plan


@transaction.atomic
def plan_delete(*, actor, plan: Plan) -> None:
    """A draft only (a published plan stays on the record)."""
    plan = _locked_plan(plan)
    _require_office(actor, plan)
    _refuse_archived(plan)
    if plan.status != PlanStatus.DRAFT:
        raise ApplicationError("已发布的工作要点不能删除。")
    audit_record(actor=actor, action="planning.plan_delete", obj=plan, region_code=plan.region_id,
                 before={"title": plan.title, "year": plan.year, "tasks": plan.tasks.count()})
    plan.delete()


@transaction.atomic
def plan_publish(*, actor, plan: Plan) -> Plan:
    """草稿 → 已发布, with the next 文号 of the region's year. Refused, with every task named, while a task lacks an
    owner or a due date, or is due outside the plan's year."""
    plan = _locked_plan(plan)
    _require_office(actor, plan)
    _refuse_archived(plan)
    PLAN_WORKFLOW.check(plan.status, PlanStatus.PUBLISHED)
    if not plan.tasks.exists():
        raise ApplicationError("工作要点还没有任何工作任务，不能发布。")
    problems = publish_problems(plan)
    if problems:
        head = "；".join(f"“{p.task}”{p.message}" for p in problems[:5])
        more = f"等 {len(problems)} 项" if len(problems) > 5 else ""
        raise ApplicationError(f"以下工作任务需先补全才能发布：{head}{more}。", errors=[
            RowError(p.section, None, "工作任务", f"“{p.task}”{p.message}") for p in problems])
    n = counter_take(f"plan:{plan.region_id}:{plan.year}")
    plan.number = f"{plan.region.name}督〔{plan.year}〕{n}号"
    plan.status = PlanStatus.PUBLISHED
    plan.published_at = timezone.now()
    plan.save(update_fields=["number", "status", "published_at"])
    PlanTransition.record(plan, from_status=PlanStatus.DRAFT, to_status=PlanStatus.PUBLISHED, actor=actor,
                          note=plan.number)
    audit_record(actor=actor, action="planning.plan_publish", obj=plan, region_code=plan.region_id,
                 after={"number": plan.number, "tasks": plan.tasks.count()})
    return plan


def _shift_year(day: datetime.date | None, years: int) -> datetime.date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a common year
        return day.replace(year=day.year + years, day=28)


def plan_copy(*, actor, plan: Plan, year: int) -> Plan:
    """A draft for `year` with the plan's sections and tasks (owners and months kept, due dates shifted by the
    year difference; links and progress dropped)."""
    require_office_for(actor, plan.region_id, "只有本区域督导室可以复制工作要点。")
    year = _year(year)
    if year == plan.year:
        raise ApplicationError("复制的目标年度应与原工作要点不同。")
    shift = year - plan.year
    old, new = str(plan.year), str(year)
    title = plan.title.replace(old, new) if old in plan.title else f"{new}年{plan.title}"
    copy = Plan(region_id=plan.region_id, year=year, year_kind=plan.year_kind, title=title[:MAX_TITLE],
                copied_from=plan, created_by=actor)
    _refuse_archived(copy)
    staff = office_staff_ids(plan.region_id)
    with transaction.atomic():
        copy.save()
        sections = list(plan.sections.all())
        new_sections = PlanSection.objects.bulk_create([
            PlanSection(plan=copy, order=s.order, title=s.title, area=s.area) for s in sections])
        by_old = {s.pk: n for s, n in zip(sections, new_sections, strict=True)}
        PlanTask.objects.bulk_create([
            PlanTask(plan=copy, section=by_old[t.section_id], order=t.order, text=t.text,
                     owner_user_id=t.owner_user_id if t.owner_user_id in staff else None,
                     owner_zone_id=t.owner_zone_id, owner_label=t.owner_label, months=list(t.months or []),
                     due_date=_shift_year(t.due_date, shift), source_line=t.source_line)
            for t in plan.tasks.order_by("section__order", "order", "id")])
        PlanTransition.record(copy, to_status=PlanStatus.DRAFT, actor=actor, note=f"复制自{plan.title}")
        audit_record(actor=actor, action="planning.plan_copy", obj=copy, region_code=copy.region_id,
                     after={"from": plan.pk, "year": year, "sections": len(sections), "tasks": copy.tasks.count()})
    return copy


# ---- sections ------------------------------------------------------------------------------------------------------

@transaction.atomic
def section_create(*, actor, plan: Plan, title: str, area: str = WorkArea.GENERAL, order: int | None = None
                   ) -> PlanSection:
    plan = _locked_plan(plan)
    _require_office(actor, plan)
    _refuse_archived(plan)
    title = _text(title, "部分标题", MAX_SECTION_TITLE)
    area = _area(area)
    if order is None:
        order = (plan.sections.aggregate(m=Max("order"))["m"] or 0) + 1
    section = PlanSection.objects.create(plan=plan, title=title, area=area, order=max(0, int(order)))
    audit_record(actor=actor, action="planning.section_create", obj=section, region_code=plan.region_id,
                 after={"plan": plan.pk, "title": title, "area": area, "order": section.order})
    return section


@transaction.atomic
def section_update(*, actor, section: PlanSection, title: str, area: str, order: int | None = None) -> PlanSection:
    plan = _locked_plan(section.plan)
    _require_office(actor, plan)
    _refuse_archived(plan)
    section = PlanSection.objects.get(pk=section.pk)
    before = snapshot(section, ["title", "area", "order"])
    section.title = _text(title, "部分标题", MAX_SECTION_TITLE)
    section.area = _area(area)
    if order is not None:
        section.order = max(0, int(order))
    section.save()
    audit_record(actor=actor, action="planning.section_update", obj=section, region_code=plan.region_id,
                 before=before, after=snapshot(section, ["title", "area", "order"]))
    return section


@transaction.atomic
def section_delete(*, actor, section: PlanSection) -> None:
    """A draft's section with its tasks."""
    plan = _locked_plan(section.plan)
    _require_office(actor, plan)
    _refuse_archived(plan)
    if plan.status != PlanStatus.DRAFT:
        raise ApplicationError("已发布的工作要点不能删除部分；不再开展的任务请将进展设为“已取消”。")
    audit_record(actor=actor, action="planning.section_delete", obj=section, region_code=plan.region_id,
                 before={"title": section.title, "tasks": section.tasks.count()})
    section.delete()


# ---- tasks ---------------------------------------------------------------------------------------------------------

@transaction.atomic
def task_create(*, actor, section: PlanSection, text: str, owner_user=None, owner_zone=None, owner_label: str = "",
                months: Iterable[int] = (), due_date: datetime.date | None = None, decision=None,
                source_line: int | None = None) -> PlanTask:
    plan = _locked_plan(section.plan)
    _require_office(actor, plan)
    _refuse_archived(plan)
    text = _text(text, "工作任务", MAX_TASK_TEXT)
    owner_user, owner_zone, owner_label = _owner(plan, owner_user, owner_zone, owner_label)
    order = (section.tasks.aggregate(m=Max("order"))["m"] or 0) + 1
    task = PlanTask(plan=plan, section=section, order=order, text=text, owner_user=owner_user, owner_zone=owner_zone,
                    owner_label=owner_label, months=_months(months), due_date=_date(due_date, "完成期限"),
                    decision=decision, source_line=source_line)
    _check_published_task(plan, task)
    task.save()
    audit_record(actor=actor, action="planning.task_create", obj=task, region_code=plan.region_id,
                 after=snapshot(task, TASK_FIELDS))
    return task


@transaction.atomic
def task_update(*, actor, task: PlanTask, text: str, owner_user=None, owner_zone=None, owner_label: str = "",
                months: Iterable[int] = (), due_date: datetime.date | None = None,
                section: PlanSection | None = None) -> PlanTask:
    """Set a task's text, owner, months and due date (and move it to another section of the same plan). On a
    published plan the change is audited with its before/after like any other."""
    plan = _locked_plan(task.plan)
    _require_office(actor, plan)
    _refuse_archived(plan)
    task = PlanTask.objects.select_for_update().get(pk=task.pk)
    before = snapshot(task, TASK_FIELDS)
    if section is not None:
        if section.plan_id != plan.pk:
            raise ApplicationError("只能移到本工作要点的其他部分。")
        task.section = section
    task.text = _text(text, "工作任务", MAX_TASK_TEXT)
    task.owner_user, task.owner_zone, task.owner_label = _owner(plan, owner_user, owner_zone, owner_label)
    task.months = _months(months)
    task.due_date = _date(due_date, "完成期限")
    _check_published_task(plan, task)
    if task.due_date != before["due_date"]:
        task.overdue_notified_at = None  # a new deadline earns a new reminder
    task.save()
    audit_record(actor=actor, action="planning.task_update", obj=task, region_code=plan.region_id, before=before,
                 after=snapshot(task, TASK_FIELDS))
    return task


@transaction.atomic
def task_delete(*, actor, task: PlanTask) -> None:
    plan = _locked_plan(task.plan)
    _require_office(actor, plan)
    _refuse_archived(plan)
    if plan.status != PlanStatus.DRAFT:
        raise ApplicationError("已发布的工作要点不能删除任务；不再开展的任务请将进展设为“已取消”。")
    audit_record(actor=actor, action="planning.task_delete", obj=task, region_code=plan.region_id,
                 before=snapshot(task, TASK_FIELDS))
    task.delete()


def may_set_progress(user, task: PlanTask) -> bool:
    """The task's owner (the staff member, or the lead inspector of its 责任区) or the region's office."""
    if not getattr(user, "is_authenticated", False):
        return False
    if holds_role_in(user, task.plan.region_id, Role.OFFICE):
        return True
    if task.owner_user_id and task.owner_user_id == user.pk:
        return True
    lead = task.owner_zone.lead if task.owner_zone_id else None
    return bool(lead and lead.user_id == user.pk)


@transaction.atomic
def task_progress_set(*, actor, task: PlanTask, progress: str, note: str = "") -> PlanTask:
    """The owner's (or the office's) account of a task; appends a TaskUpdate."""
    task = PlanTask.objects.select_for_update(of=("self",)).select_related("plan__region", "owner_zone__lead").get(
        pk=task.pk)
    if not may_set_progress(actor, task):
        raise PermissionDenied("只有任务责任人或本区域督导室可以填写进展。")
    _refuse_archived(task.plan)
    if progress not in TaskProgress.values:
        raise ApplicationError("进展应为未开始、进行中、已完成或已取消。")
    note = _text(note, "进展说明", MAX_NOTE, required=progress == TaskProgress.DROPPED)
    before = {"progress": task.progress, "progress_note": task.progress_note}
    now = timezone.now()
    task.progress, task.progress_note, task.progress_at = progress, note, now
    task.save(update_fields=["progress", "progress_note", "progress_at"])
    TaskUpdate.objects.create(task=task, progress=progress, note=note, actor=actor, at=now)
    audit_record(actor=actor, action="planning.task_progress", obj=task, region_code=task.plan.region_id,
                 before=before, after={"progress": progress, "progress_note": note})
    return task


# ---- links -----------------------------------------------------------------------------------------------------------

def _visible_to(actor, kind, region_code: str, target) -> bool:
    """The registry's scoped choices are the truth of what the actor may see: look the object up by its title."""
    return any(str(oid) == target.object_id for oid, _title in kind.choices(actor, region_code, target.title))


@transaction.atomic
def task_link_add(*, actor, task: PlanTask, kind: str, object_id) -> TaskLink:
    plan = _locked_plan(task.plan)
    _require_office(actor, plan)
    _refuse_archived(plan)
    kinds = plan_link_kinds()
    if kind not in kinds:
        raise ApplicationError("关联对象的类型无效。")
    object_id = str(object_id or "").strip()
    if not object_id or len(object_id) > 32:
        raise ApplicationError("请选择要关联的对象。")
    target = kinds[kind].resolve([object_id]).get(object_id)
    if target is None:
        raise ApplicationError(f"未找到要关联的{kinds[kind].label}。")
    if not target.region_code.startswith(region_prefix(plan.region_id)):
        raise ApplicationError(f"“{target.title}”不属于{plan.region.name}，不能关联到本区域的工作要点。")
    if not _visible_to(actor, kinds[kind], plan.region_id, target):
        raise ApplicationError(f"您无权查看“{target.title}”，不能关联。")
    if TaskLink.objects.filter(task_id=task.pk, kind=kind, object_id=object_id).exists():
        raise ApplicationError(f"该任务已关联“{target.title}”。")
    link = TaskLink.objects.create(task_id=task.pk, kind=kind, object_id=object_id, title=target.title[:255],
                                   added_by=actor)
    audit_record(actor=actor, action="planning.task_link_add", obj=link, region_code=plan.region_id,
                 after={"task": task.pk, "kind": kind, "object_id": object_id, "title": target.title})
    return link


@transaction.atomic
def task_link_remove(*, actor, link: TaskLink) -> None:
    plan = _locked_plan(link.task.plan)
    _require_office(actor, plan)
    _refuse_archived(plan)
    audit_record(actor=actor, action="planning.task_link_remove", obj=link, region_code=plan.region_id,
                 before={"task": link.task_id, "kind": link.kind, "object_id": link.object_id, "title": link.title})
    link.delete()


# ---- overdue → inbox ---------------------------------------------------------------------------------------------

OVERDUE_BATCH = 500


def overdue_recipient(task: PlanTask) -> int | None:
    """Who hears of an overdue task: its staff member; a 责任区's lead inspector (their account); for a 科室 label
    only (or a lead without an account), the plan's creator."""
    if task.owner_user_id:
        return task.owner_user_id
    lead = task.owner_zone.lead if task.owner_zone_id else None
    if lead is not None and lead.user_id:
        return lead.user_id
    return task.plan.created_by_id


def plan_overdue_daily(*, now: datetime.datetime | None = None) -> int:
    """The daily job "plan_overdue": each task of a published plan that is late by its derived status (due before
    today, not done by its links or its owner's progress, not dropped) reaches its owner's inbox once — the
    compare-and-set on overdue_notified_at and the notification key both make a second run add nothing."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    candidates = (PlanTask.objects.filter(plan__status=PlanStatus.PUBLISHED, due_date__lt=today,
                                          overdue_notified_at__isnull=True)
                  .exclude(progress__in=[TaskProgress.DONE, TaskProgress.DROPPED]))
    sent, after = 0, 0
    while True:
        rows = list(candidates.filter(pk__gt=after).select_related("plan", "owner_zone__lead").order_by("pk")
                    [:OVERDUE_BATCH])
        if not rows:
            return sent
        after = rows[-1].pk
        links = list(TaskLink.objects.filter(task__in=rows))
        targets = resolve_links(links)
        by_task: dict[int, list] = {}
        for link in links:
            by_task.setdefault(link.task_id, []).append(LinkRow(link, targets.get(link.pk)))
        statuses = derived_statuses(rows, today, by_task)
        for task in rows:
            if statuses[task.pk] != TaskStatus.LATE:
                continue
            with transaction.atomic():
                claimed = PlanTask.objects.filter(pk=task.pk, overdue_notified_at__isnull=True).update(
                    overdue_notified_at=now)
                if not claimed:
                    continue
                user_id = overdue_recipient(task)
                if user_id is None:
                    continue
                message = Message(
                    key=f"plan-task-overdue:{task.pk}", kind="plan_overdue",
                    title=f"工作任务已逾期：{task.text[:60]}",
                    body=f"《{task.plan.title}》中的任务“{task.text[:80]}”完成期限为{cn_date(task.due_date)}，尚未完成。"
                         "请填写进展，或与督导室商定调整。",
                    url=reverse("planning:task_detail", args=[task.pk]))  # the owner may not read the plan
                sent += notify(messages=[(message, {user_id})], at=now)
