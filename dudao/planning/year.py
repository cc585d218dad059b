"""What planning gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

import calendar
import datetime
import io

from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dudao.core.dates import cn_date, local_date, local_span
from dudao.core.registries import (
    ArchiveItem,
    CalendarItem,
    Figure,
    KeyEvent,
    LinkTarget,
    Material,
    day_bounds,
    material_key_id,
    period_label,
    plan_link_ids,
    register_archive_source,
    register_briefing_material,
    register_calendar_source,
    register_key_events,
    register_plan_link,
    register_year_figures,
    stored_archive_item,
)
from dudao.core.scope import prefix_q, region_prefix
from dudao.planning import status as task_statuses
from dudao.planning.models import (
    Briefing,
    BriefingStatus,
    ChronicleEntry,
    ChronicleStatus,
    Importance,
    JobStatus,
    Meeting,
    MeetingKind,
    Plan,
    PlanStatus,
    PlanTask,
    Submission,
    SummaryReport,
    YearKind,
)
from dudao.planning.selectors.briefings import briefing_docx
from dudao.planning.selectors.plans import plan_tree

# --- plan links (工作要点) ----------------------------------------------------------------------------------



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
        rows = rows.filter(pk=int(q)) if q.isdecimal() else rows.filter(title__icontains=q)
    return [(str(pk), title) for pk, title in rows.order_by("-starts_at", "-pk").values_list("pk", "title")[:50]]


def meeting_resolve(object_ids) -> dict[str, LinkTarget]:
    """Unscoped (the caller checks region and scope): done once held (its start time has passed)."""
    now = timezone.now()
    return {str(m.pk): LinkTarget(
        kind="planning.meeting", object_id=str(m.pk), title=m.title,
        url=_url("planning:meeting_detail", m.pk, "planning:meeting_list"), region_code=m.region_id,
        done=m.starts_at <= now, state="已召开" if m.starts_at <= now else "待召开", day=local_date(m.starts_at))
        for m in Meeting.objects.filter(pk__in=plan_link_ids(object_ids))}


def briefing_choices(user, region_code: str, q: str = "") -> list[tuple[str, str]]:
    """简报 of the region the user may see, matching q (title, or the id), newest first, at most 50."""
    rows = Briefing.objects.visible_to(user).filter(prefix_q("region__code", [region_prefix(region_code)]))
    q = (q or "").strip()
    if q:
        rows = rows.filter(pk=int(q)) if q.isdecimal() else rows.filter(title__icontains=q)
    return [(str(pk), title) for pk, title in rows.order_by("-year", "-issue_no", "-pk").values_list("pk", "title")[:50]]


def briefing_resolve(object_ids) -> dict[str, LinkTarget]:
    """Unscoped (the caller checks region and scope): done once issued (印发)."""
    return {str(b.pk): LinkTarget(
        kind="planning.briefing", object_id=str(b.pk), title=b.title,
        url=_url("planning:briefing_detail", b.pk, "planning:briefing_list"), region_code=b.region_id,
        done=b.status == BriefingStatus.ISSUED, state=b.get_status_display(),
        day=local_date(b.issued_at) if b.issued_at else None) for b in Briefing.objects.filter(pk__in=plan_link_ids(object_ids))}


# --- calendar items (行事历) -------------------------------------------------------------------------------

def _month_spans(task: PlanTask) -> list[tuple[datetime.date, datetime.date]]:
    """The task's months (1–12 within its plan's year; a school year runs September to August) as runs of
    consecutive months, each from its first to its last day."""
    plan = task.plan
    days = []
    for month in {m for m in task.months if isinstance(m, int) and 1 <= m <= 12}:
        year = plan.year + 1 if plan.year_kind == YearKind.SCHOOL and month < 9 else plan.year
        days.append(datetime.date(year, month, 1))
    spans: list[tuple[datetime.date, datetime.date]] = []
    for first in sorted(days):
        last = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        if spans and spans[-1][1] + datetime.timedelta(days=1) == first:
            spans[-1] = (spans[-1][0], last)
        else:
            spans.append((first, last))
    return spans


def calendar_plan_tasks(user, start, end):
    """Tasks of published 工作要点: the due date, and the months they are carried out in (month-long items), for
    the plan's office and leaders."""
    tasks = (PlanTask.objects.visible_to(user).filter(plan__status=PlanStatus.PUBLISHED,
                                                       plan__year__gte=start.year - 1, plan__year__lte=end.year)
             .select_related("plan", "section").only("pk", "text", "months", "due_date", "plan__region_id",
                                                      "plan__year", "plan__year_kind", "plan__title", "section__title"))
    url = reverse("planning:plan_list")
    items = []
    for task in tasks:
        text = task.text.splitlines()[0][:60] if task.text else ""
        common = dict(url=url, region_code=task.plan.region_id, detail=f"{task.plan.title}·{task.section.title}")
        if task.due_date and start <= task.due_date <= end:
            items.append(CalendarItem(source="planning.task", key=f"{task.pk}:due", title=f"完成期限：{text}",
                                      start=task.due_date, end=task.due_date, **common))
        for first, last in _month_spans(task):
            if first <= end and last >= start:
                items.append(CalendarItem(source="planning.task", key=f"{task.pk}:{first:%Y%m}", title=text,
                                          start=first, end=last, **common))
    return items


def calendar_meetings(user, start, end):
    """Meetings of the region (年度工作会议, 督导委员会会议…), for its office and leaders."""
    lower = datetime.datetime.combine(start, datetime.time())
    upper = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time())
    meetings = (Meeting.objects.visible_to(user)
                .filter(starts_at__gte=timezone.make_aware(lower), starts_at__lt=timezone.make_aware(upper))
                .only("pk", "title", "kind", "starts_at", "place", "region_id"))
    url = reverse("planning:meeting_list")
    return [CalendarItem(source="planning.meeting", key=str(m.pk), title=m.title, start=local_date(m.starts_at),
                         end=local_date(m.starts_at), url=url, region_code=m.region_id,
                         detail=f"{m.get_kind_display()}" + (f"；地点：{m.place}" if m.place else "")) for m in meetings]


# --- key events (大事记) -----------------------------------------------------------------------------------
KEY_MEETING_KINDS = (MeetingKind.ANNUAL, MeetingKind.COMMITTEE)  # the meetings worth a 大事记 entry


def _url(name: str, pk: int, fallback: str) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return reverse(fallback)


def plan_events(region_code: str, start: datetime.date, end: datetime.date) -> list[KeyEvent]:
    """A 工作要点 published (印发), on the Beijing day of its publication."""
    begin, stop = local_span(start, end)
    plans = (Plan.objects.filter(region__code__startswith=region_code, status=PlanStatus.PUBLISHED,
                                 published_at__gte=begin, published_at__lt=stop)
             .select_related("region").order_by("published_at", "pk"))
    return [KeyEvent(key=f"planning.plan:{p.pk}", day=local_date(p.published_at),
                     title=f"印发《{p.title}》" + (f"（{p.number}）" if p.number else ""),
                     text=f"{p.region.name}印发{p.year}年度督导工作要点。",
                     url=_url("planning:plan_detail", p.pk, "planning:plan_list"), region_code=p.region_id,
                     importance=Importance.IMPORTANT) for p in plans]


def meeting_events(region_code: str, start: datetime.date, end: datetime.date) -> list[KeyEvent]:
    """A 年度工作会议 or 督导委员会会议 held: dated in the span and already begun."""
    begin, stop = local_span(start, end)
    meetings = (Meeting.objects.filter(region__code__startswith=region_code, kind__in=KEY_MEETING_KINDS,
                                       starts_at__gte=begin, starts_at__lt=min(stop, timezone.now()))
                .order_by("starts_at", "pk"))
    return [KeyEvent(key=f"planning.meeting:{m.pk}", day=local_date(m.starts_at), title=f"召开{m.title}",
                     text="；".join(x for x in (f"地点：{m.place}" if m.place else "",
                                                f"主持：{m.host}" if m.host else "") if x),
                     url=_url("planning:meeting_detail", m.pk, "planning:meeting_list"), region_code=m.region_id,
                     importance=Importance.IMPORTANT) for m in meetings]


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

def chronicle_entries(user, region_code: str, start: datetime.date, end: datetime.date, q: str = "") -> list[Material]:
    """大事记: the region's accepted entries dated in [start, end], newest first."""
    entries = ChronicleEntry.objects.visible_to(user).filter(
        region__code__startswith=region_prefix(region_code), status=ChronicleStatus.ACCEPTED, day__gte=start,
        day__lte=end)
    key_id = material_key_id(q, "planning.chronicle")
    if key_id is not None:
        entries = entries.filter(pk=key_id)
    elif q:
        entries = entries.filter(Q(title__contains=q) | Q(text__contains=q))
    return [Material(key=f"planning.chronicle:{entry.pk}", day=entry.day, heading=entry.title,
                     text=f"{cn_date(entry.day)}，{entry.text.strip() or entry.title}",
                     url=entry.url or reverse("planning:chronicle"))
            for entry in entries.order_by("-day", "-id")[:50]]


# --- archive documents (督导档案) --------------------------------------------------------------------------
# planning's own documents of the year: published 工作要点 (a plain Word document built from the plan tree),
# meeting minutes (the uploaded file, else the minutes text as a Word document), drafted 工作总结, issued 简报
# (rendered on demand from the editable template) and 信息报送 files.

def _simple_docx(title: str, subtitle: str, blocks: list[tuple[str, list[str]]]) -> bytes:
    """A plain Word document: title, subtitle, then (heading, paragraphs) blocks. Built with python-docx from our
    own text (no template: nothing user-supplied is executed)."""
    from docx import Document  # noqa: PLC0415 -- python-docx takes about 1 s to import; only the archive needs it

    document = Document()
    document.add_heading(title, level=0)
    if subtitle:
        document.add_paragraph(subtitle)
    for heading, paragraphs in blocks:
        if heading:
            document.add_heading(heading, level=1)
        for text in paragraphs:
            document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def plan_docx(plan_id: int) -> bytes:
    """The published 工作要点 as a Word document: sections, numbered tasks with owner, months and due date."""
    plan = Plan.objects.select_related("region").get(pk=plan_id)
    blocks = []
    tasks = list(plan.tasks.select_related("owner_user", "owner_zone").order_by("section__order", "order", "id"))
    for section in plan.sections.order_by("order", "id"):
        lines = []
        for no, task in enumerate((t for t in tasks if t.section_id == section.pk), 1):
            owner = ((task.owner_user.get_full_name() or task.owner_user.username) if task.owner_user_id
                     else (str(task.owner_zone) if task.owner_zone_id else task.owner_label)) or "—"
            months = "、".join(f"{m}月" for m in task.months or [])
            extra = "；".join(x for x in (f"责任：{owner}", f"时间：{months}" if months else "",
                                         f"完成期限：{cn_date(task.due_date)}" if task.due_date else "") if x)
            lines.append(f"{no}. {task.text}（{extra}）")
        blocks.append((section.title, lines or ["（无任务）"]))
    subtitle = "　".join(x for x in (plan.number or "", plan.year_label, cn_date(plan.published_at)) if x)
    return _simple_docx(plan.title, subtitle, blocks)


def minutes_docx(meeting_id: int) -> bytes:
    meeting = Meeting.objects.get(pk=meeting_id)
    when = f"时间：{cn_date(meeting.starts_at)}" + (f"　地点：{meeting.place}" if meeting.place else "")
    blocks = [("议程", meeting.agenda.splitlines() or ["—"]), ("会议纪要", meeting.minutes.splitlines())]
    decisions = [f"{d.order or i}. {d.text}" for i, d in enumerate(meeting.decisions.order_by("order", "id"), 1)]
    if decisions:
        blocks.append(("会议决定", decisions))
    return _simple_docx(f"{meeting.title}会议纪要", when, blocks)


def _briefing_docx(briefing_id: int) -> bytes:
    return briefing_docx(Briefing.objects.select_related("region").get(pk=briefing_id))


def archive_planning_documents(region_code: str, start, end):
    prefix = region_prefix(region_code)
    low, high = day_bounds(start, end)
    plans = (Plan.objects.filter(region__code__startswith=prefix, status=PlanStatus.PUBLISHED, year=start.year)
             .order_by("id"))
    for p in plans:
        day = max(start, min(end, local_date(p.published_at))) if p.published_at else start
        yield ArchiveItem("plan", f"{p.title}" + (f"（{p.number}）" if p.number else ""), day, f"{p.title}.docx",
                          render=lambda pk=p.pk: plan_docx(pk), source=f"planning.plan:{p.pk}")
    meetings = (Meeting.objects.filter(region__code__startswith=prefix, starts_at__gte=low, starts_at__lt=high)
                .select_related("minutes_file").order_by("starts_at", "id"))
    for m in meetings:
        day = local_date(m.starts_at)
        if m.minutes_file_id:
            yield stored_archive_item("plan", f"{m.title} 会议纪要", day, m.minutes_file, source=f"planning.meeting:{m.pk}")
        elif m.minutes.strip():
            yield ArchiveItem("plan", f"{m.title} 会议纪要", day, f"{m.title}_会议纪要.docx",
                              render=lambda pk=m.pk: minutes_docx(pk), source=f"planning.meeting:{m.pk}")
    summaries = (SummaryReport.objects.filter(region__code__startswith=prefix, year=start.year, status=JobStatus.DONE)
                 .exclude(file_name="").order_by("requested_at", "id"))
    for r in summaries:
        label = r.get_kind_display() + (f"（第{r.quarter}季度）" if r.quarter else "")
        yield ArchiveItem("plan", f"{r.year}年{label}", local_date(r.finished_at or r.requested_at),
                          f"{r.year}年{label}_{r.pk}.docx", storage_name=r.file_name, source=f"planning.summary:{r.pk}")
    briefings = (Briefing.objects.filter(region__code__startswith=prefix, status=BriefingStatus.ISSUED,
                                         issued_at__gte=low, issued_at__lt=high).order_by("issue_no", "id"))
    for b in briefings:
        name = f"督导简报{b.year}年第{b.issue_no}期" if b.issue_no else "督导简报"
        yield ArchiveItem("research", f"{name}：{b.title}", local_date(b.issued_at), f"{name}_{b.title}.docx",
                          render=lambda pk=b.pk: _briefing_docx(pk), source=f"planning.briefing:{b.pk}")
    submissions = (Submission.objects.filter(region__code__startswith=prefix, sent_on__gte=start, sent_on__lte=end,
                                             file__isnull=False).select_related("file").order_by("sent_on", "id"))
    for s in submissions:
        yield stored_archive_item("research", f"信息报送：{s.title}（{s.recipient or s.recipient_unit_id or ''}）",
                                  s.sent_on, s.file, source=f"planning.submission:{s.pk}")


def register_year() -> None:
    # plan links
    register_plan_link("planning.meeting", "会议", choices=meeting_choices, resolve=meeting_resolve)
    register_plan_link("planning.briefing", "督导简报", choices=briefing_choices, resolve=briefing_resolve)

    # calendar items
    register_calendar_source("planning.task", "工作任务", calendar_plan_tasks)
    register_calendar_source("planning.meeting", "会议", calendar_meetings)

    # key events
    register_key_events("planning.plan", "工作要点印发", plan_events)
    register_key_events("planning.meeting", "重要会议", meeting_events)

    # year figures
    register_year_figures("planning", "工作要点落实与大事记", year_figures, order=90)

    # 简报 materials
    register_briefing_material("planning.chronicle", "大事记", "chronicle", chronicle_entries)

    # archive documents
    register_archive_source("planning.documents", archive_planning_documents)

    return
