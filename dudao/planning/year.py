"""What planning gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

import datetime

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dudao.core.dates import cn_date, local_date
from dudao.core.registries import (
    Figure,
    LinkTarget,
    period_label,
    register_plan_link,
    register_year_figures,
)
from dudao.core.scope import prefix_q, region_prefix
from dudao.planning import status as task_statuses
from dudao.planning.models import (
    Briefing,
    BriefingStatus,
    ChronicleEntry,
    ChronicleStatus,
    Meeting,
    Plan,
    PlanStatus,
)
from dudao.planning.selectors.plans import plan_tree

# --- plan links (工作要点) ----------------------------------------------------------------------------------


def _plan_link_ids(object_ids) -> list[int]:
    return [int(i) for i in object_ids if str(i).isdigit()]


def _url(name: str, pk: int, fallback: str) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:  # the page of that area is not built yet
        return reverse(fallback)


def meeting_choices(user, region_code: str, q: str = "") -> list[tuple[str, str]]:
    """Meetings of the region the user may see, matching q (title, or the id), newest first, at most 50."""
    rows = Meeting.objects.visible_to(user).filter(prefix_q("region__code", [region_prefix(region_code)]))
    q = (q or "").strip()
    if q:
        rows = rows.filter(pk=int(q)) if q.isdigit() else rows.filter(title__icontains=q)
    return [(str(pk), title) for pk, title in rows.order_by("-starts_at", "-pk").values_list("pk", "title")[:50]]


def meeting_resolve(object_ids) -> dict[str, LinkTarget]:
    """Unscoped (the caller checks region and scope): done once held (its start time has passed)."""
    now = timezone.now()
    return {str(m.pk): LinkTarget(
        kind="planning.meeting", object_id=str(m.pk), title=m.title,
        url=_url("planning:meeting_detail", m.pk, "planning:meeting_list"), region_code=m.region_id,
        done=m.starts_at <= now, state="已召开" if m.starts_at <= now else "待召开", day=local_date(m.starts_at))
        for m in Meeting.objects.filter(pk__in=_plan_link_ids(object_ids))}


def briefing_choices(user, region_code: str, q: str = "") -> list[tuple[str, str]]:
    """简报 of the region the user may see, matching q (title, or the id), newest first, at most 50."""
    rows = Briefing.objects.visible_to(user).filter(prefix_q("region__code", [region_prefix(region_code)]))
    q = (q or "").strip()
    if q:
        rows = rows.filter(pk=int(q)) if q.isdigit() else rows.filter(title__icontains=q)
    return [(str(pk), title) for pk, title in rows.order_by("-year", "-issue_no", "-pk").values_list("pk", "title")[:50]]


def briefing_resolve(object_ids) -> dict[str, LinkTarget]:
    """Unscoped (the caller checks region and scope): done once issued (印发)."""
    return {str(b.pk): LinkTarget(
        kind="planning.briefing", object_id=str(b.pk), title=b.title,
        url=_url("planning:briefing_detail", b.pk, "planning:briefing_list"), region_code=b.region_id,
        done=b.status == BriefingStatus.ISSUED, state=b.get_status_display(),
        day=local_date(b.issued_at) if b.issued_at else None) for b in Briefing.objects.filter(pk__in=_plan_link_ids(object_ids))}


# --- calendar items (行事历) -------------------------------------------------------------------------------


# --- key events (大事记) -----------------------------------------------------------------------------------


# --- year figures (年度工作总结) ----------------------------------------------------------------------------

def plan_completion(region_code: str, start: datetime.date, end: datetime.date) -> list[dict]:
    """Per section of the region's published plans of the period's year: the completion counts, each task's status
    derived on the period's last day (or today, if sooner) by the plans selectors (plan_tree: planning.status over
    resolved links). For a quarter, only the tasks due in it."""
    as_of = min(end, timezone.localdate())
    whole_year = (start.month, start.day, end.month, end.day) == (1, 1, 12, 31)
    plans = Plan.objects.filter(prefix_q("region__code", [region_prefix(region_code)]), year=start.year,
                                status=PlanStatus.PUBLISHED).order_by("region_id", "id")
    rows = []
    for plan in plans:
        for section in plan_tree(plan, as_of).sections:
            tasks = [r for r in section.tasks if whole_year or (r.task.due_date and start <= r.task.due_date <= end)]
            if tasks:
                rows.append({"title": section.section.title, **task_statuses.completion(r.status for r in tasks)})
    return rows


def chronicle_accepted(region_code: str, start: datetime.date, end: datetime.date):
    return (ChronicleEntry.objects.filter(prefix_q("region__code", [region_prefix(region_code)]),
                                          status=ChronicleStatus.ACCEPTED, day__gte=start, day__lte=end)
            .order_by("day", "id"))


def year_figures(region_code: str, start: datetime.date, end: datetime.date) -> list[Figure]:
    period = period_label(start, end)
    rows = plan_completion(region_code, start, end)
    total = task_statuses.completion([])
    for row in rows:
        for key in total:
            if key != "percent":
                total[key] += row[key]
    counted = total["total"] - total["dropped"]
    percent = round(100 * total["done"] / counted) if counted else None
    entries = list(chronicle_accepted(region_code, start, end).values_list("day", "title"))
    src_plan = (f"planning.selectors.plans.plan_tree（planning.status）：{start.year}年已发布的工作要点"
                f"{'' if (start.month, end.month) == (1, 12) else f'中 {period} 到期'}的任务，截至 {min(end, timezone.localdate()).isoformat()}")
    return [
        Figure("planning.tasks", "工作要点任务", total["total"], "项", src_plan,
               columns=("部分", "任务", "已完成", "进行中", "未开始", "已逾期", "已取消", "完成率（%）"),
               rows=tuple((r["title"], r["total"], r["done"], r["in_progress"], r["not_started"], r["late"], r["dropped"],
                           "—" if r["percent"] is None else r["percent"]) for r in rows)),
        Figure("planning.done", "已完成任务", total["done"], "项", src_plan),
        Figure("planning.late", "逾期未完成任务", total["late"], "项", src_plan),
        Figure("planning.dropped", "已取消任务", total["dropped"], "项", src_plan),
        Figure("planning.completion", "工作要点完成率", percent, "%", src_plan + "（已取消的不计）"),
        Figure("planning.chronicle", "大事记（已采用）", len(entries), "条",
               f"planning.models.ChronicleEntry：{period} 已采用的条目",
               columns=("日期", "事项"), rows=tuple((cn_date(day), title) for day, title in entries)),
    ]



# --- 简报 materials ----------------------------------------------------------------------------------------


# --- archive documents (督导档案) --------------------------------------------------------------------------


def register_year() -> None:
    # plan links
    register_plan_link("planning.meeting", "会议", choices=meeting_choices, resolve=meeting_resolve)
    register_plan_link("planning.briefing", "督导简报", choices=briefing_choices, resolve=briefing_resolve)

    # calendar items

    # key events

    # year figures
    register_year_figures("planning", "工作要点落实与大事记", year_figures, order=90)

    # 简报 materials

    # archive documents

    return
