"""What planning gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

import datetime
import io

from django.db.models import Q
from django.urls import reverse

from dudao.core.dates import cn_date, local_date
from dudao.core.registries import (
    ArchiveItem,
    Material,
    day_bounds,
    material_key_id,
    register_archive_source,
    register_briefing_material,
    stored_archive_item,
)
from dudao.core.scope import region_prefix
from dudao.planning.models import (
    Briefing,
    BriefingStatus,
    ChronicleEntry,
    ChronicleStatus,
    JobStatus,
    Meeting,
    Plan,
    PlanStatus,
    Submission,
    SummaryReport,
)
from dudao.planning.selectors.briefings import briefing_docx

# --- plan links (工作要点) ----------------------------------------------------------------------------------


# --- calendar items (行事历) -------------------------------------------------------------------------------


# --- key events (大事记) -----------------------------------------------------------------------------------


# --- year figures (年度工作总结) ----------------------------------------------------------------------------


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

    # calendar items

    # key events

    # year figures

    # 简报 materials
    register_briefing_material("planning.chronicle", "大事记", "chronicle", chronicle_entries)

    # archive documents
    register_archive_source("planning.documents", archive_planning_documents)

    return
