"""What zones gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from dudao.core.dates import cn_date, local_date
from dudao.core.registries import (
    CalendarItem,
    Figure,
    FigureReader,
    Material,
    day_bounds,
    figure_period,
    material_key_id,
    period_label,
    register_archive_source,
    register_briefing_material,
    register_calendar_source,
    register_year_figures,
    stored_archive_item,
)
from dudao.core.scope import region_prefix
from dudao.zones import selectors
from dudao.zones.models import ComplaintStatus, CrossSupervision, Visit, VisitFile

# --- plan links (工作要点) ----------------------------------------------------------------------------------


# --- calendar items (行事历) -------------------------------------------------------------------------------

def calendar_cross_supervision(user, start, end):
    """Planned 交叉督导 days (the plan, not the visit log), for the office of the host zone's county."""
    plans = (CrossSupervision.objects.visible_to(user).filter(planned_on__range=(start, end))
             .select_related("visiting_zone", "host_zone").only("pk", "semester", "planned_on", "note",
                                                                  "visiting_zone__name", "host_zone__name",
                                                                  "host_zone__region_id"))
    url = reverse("zones:cross")
    return [CalendarItem(
        source="zones.cross", key=str(c.pk), title=f"交叉督导：{c.visiting_zone.name} → {c.host_zone.name}",
        start=c.planned_on, end=c.planned_on, url=url, region_code=c.host_zone.region_id,
        detail=f"{c.semester}" + (f"；{c.note}" if c.note else "")) for c in plans]


# --- key events (大事记) -----------------------------------------------------------------------------------


# --- year figures (年度工作总结) ----------------------------------------------------------------------------

def _percent(part: int, whole: int) -> float | None:
    return None if not whole else round(100.0 * part / whole, 1)


def year_figures(region_code: str, start: datetime.date, end: datetime.date) -> list[Figure]:
    """挂牌督导 of the period, read through the zones pages' own selectors as a leader of the region."""
    reader, region, period = FigureReader(region_code), region_prefix(region_code), period_label(start, end)
    visits = selectors.visit_list(reader, region=region, date_from=start, date_to=end).order_by()
    visit_count = visits.count()
    visited = visits.values("school_id").distinct().count()
    cover = selectors.coverage(reader, region=region)
    freq = selectors.frequency(reader, region=region, today=end)
    schools = len(freq["rows"])
    semester_ok = schools - freq["semester_short"]
    since, until = figure_period(start, end)
    complaints = selectors.complaint_list(reader, region=region).order_by().filter(
        received_at__gte=since, received_at__lt=until)
    received = complaints.count()
    handled = complaints.filter(status=ComplaintStatus.CLOSED).count()
    src_visits = f"zones.selectors.visit_list：{period} 开始的督导纪实"
    return [
        Figure("zones.visits", "责任督学经常性督导（督导纪实）", visit_count, "次", src_visits),
        Figure("zones.schools_visited", "督导到校学校", visited, "所", src_visits + "，按学校去重"),
        Figure("zones.schools", "挂牌督导学校（幼儿园）", cover["total"], "所", "zones.selectors.coverage：当前在册"),
        Figure("zones.covered", "已配备责任督学的学校", cover["covered"], "所", "zones.selectors.coverage：当前在册"),
        Figure("zones.coverage_rate", "挂牌督导覆盖率", _percent(cover["covered"], cover["total"]), "%",
               "zones.selectors.coverage：已配备 ÷ 在册"),
        Figure("zones.visited_rate", "督导到校覆盖率", _percent(visited, cover["total"]), "%",
               f"zones.selectors.visit_list ÷ zones.selectors.coverage：{period}"),
        Figure("zones.frequency_ok", "本学期督导频次达标学校", semester_ok, "所",
               f"zones.selectors.frequency：截至 {end.isoformat()}（{freq['semester'].label}）"),
        Figure("zones.frequency_rate", "督导频次达标率", _percent(semester_ok, schools), "%",
               f"zones.selectors.frequency：截至 {end.isoformat()}，达标 ÷ 在册"),
        Figure("zones.complaints", "受理投诉举报", received, "件",
               f"zones.selectors.complaint_list：{period} 受理"),
        Figure("zones.complaints_closed", "投诉举报已办结", handled, "件",
               f"zones.selectors.complaint_list：{period} 受理且状态为已办结"),
    ]



# --- 简报 materials ----------------------------------------------------------------------------------------

def visit_highlights(user, region_code: str, start: datetime.date, end: datetime.date, q: str = "") -> list[Material]:
    """督导纪实亮点: visits of the region's schools in [start, end] with a 亮点与经验 written, newest first."""
    tz = timezone.get_current_timezone()
    visits = Visit.objects.visible_to(user).filter(
        school__region__code__startswith=region_prefix(region_code),
        started_at__gte=datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
        started_at__lt=datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz),
    ).exclude(highlights="").select_related("school", "inspector")
    key_id = material_key_id(q, "zones.visit")
    if key_id is not None:
        visits = visits.filter(pk=key_id)
    elif q:
        visits = visits.filter(Q(highlights__contains=q) | Q(school__name__contains=q) | Q(inspector__name__contains=q))
    found = []
    for visit in visits.order_by("-started_at", "-id")[:50]:
        if not visit.highlights.strip():
            continue
        day = local_date(visit.started_at)
        found.append(Material(
            key=f"zones.visit:{visit.pk}", day=day, heading=f"{visit.school.name}督导亮点",
            text=f"{cn_date(day)}，责任督学{visit.inspector.name}到{visit.school.name}督导。{visit.highlights.strip()}",
            url=reverse("zones:visit_detail", args=[visit.pk])))
    return found


# --- archive documents (督导档案) --------------------------------------------------------------------------

def archive_visit_files(region_code: str, start, end):
    """The evidence files of the 督导纪实 made in the region in [start, end] (by the visit's Beijing date): 督学.
    Zone reports (工作专报) are rendered on demand from the visits and are not stored, so they are not listed."""
    low, high = day_bounds(start, end)
    rows = (VisitFile.objects.filter(visit__school__region__code__startswith=region_prefix(region_code),
                                     visit__started_at__gte=low, visit__started_at__lt=high)
            .select_related("file", "visit__school").order_by("visit__started_at", "id"))
    for row in rows.iterator(chunk_size=500):
        day = local_date(row.visit.started_at)
        title = f"{row.visit.school.name} {day:%Y-%m-%d} 督导纪实附件" + (f"：{row.caption}" if row.caption else "")
        yield stored_archive_item("duxue", title, day, row.file, source=f"zones.visit:{row.visit_id}")


def register_year() -> None:
    # plan links

    # calendar items
    register_calendar_source("zones.cross", "交叉督导", calendar_cross_supervision)

    # key events

    # year figures
    register_year_figures("zones", "责任督学挂牌督导", year_figures, order=10)

    # 简报 materials
    register_briefing_material("zones.visit_highlights", "督导纪实亮点", "visit", visit_highlights)

    # archive documents
    register_archive_source("zones.visit_files", archive_visit_files)

    return
