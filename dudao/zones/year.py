"""What zones gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from dudao.core.dates import cn_date, local_date
from dudao.core.registries import (
    Material,
    day_bounds,
    material_key_id,
    register_archive_source,
    register_briefing_material,
    stored_archive_item,
)
from dudao.core.scope import region_prefix
from dudao.zones.models import Visit, VisitFile

# --- plan links (工作要点) ----------------------------------------------------------------------------------


# --- calendar items (行事历) -------------------------------------------------------------------------------


# --- key events (大事记) -----------------------------------------------------------------------------------


# --- year figures (年度工作总结) ----------------------------------------------------------------------------


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

    # key events

    # year figures

    # 简报 materials
    register_briefing_material("zones.visit_highlights", "督导纪实亮点", "visit", visit_highlights)

    # archive documents
    register_archive_source("zones.visit_files", archive_visit_files)

    return
