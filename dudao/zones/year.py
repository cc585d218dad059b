"""What zones gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

from dudao.core.dates import local_date
from dudao.core.registries import day_bounds, register_archive_source, stored_archive_item
from dudao.core.scope import region_prefix
from dudao.zones.models import VisitFile

# --- plan links (工作要点) ----------------------------------------------------------------------------------


# --- calendar items (行事历) -------------------------------------------------------------------------------


# --- key events (大事记) -----------------------------------------------------------------------------------


# --- year figures (年度工作总结) ----------------------------------------------------------------------------


# --- 简报 materials ----------------------------------------------------------------------------------------


# --- archive documents (督导档案) --------------------------------------------------------------------------

def archive_visit_files(region_code: str, start, end):
    """The evidence files of the 督导纪实 made in the region in [start, end] (by the visit's Beijing date): 督学.
    Zone reports (工作专报) are rendered on demand from the visits and are not stored, so they are not listed."""
    low, high = day_bounds(start, end)
    rows = (VisitFile.objects.filter(visit__school__region__code__startswith=region_prefix(region_code),
                                     visit__started_at__gte=low, visit__started_at__lt=high)
            .select_related("file", "visit__school").order_by("visit__started_at", "id"))
    for row in rows.iterator(chunk_size=2000):
        day = local_date(row.visit.started_at)
        title = f"{row.visit.school.name} {day:%Y-%m-%d} 督导纪实附件" + (f"：{row.caption}" if row.caption else "")
        yield stored_archive_item("duxue", title, day, row.file, source=f"zones.visit:{row.visit_id}")


def register_year() -> None:
    # plan links

    # calendar items

    # key events

    # year figures

    # 简报 materials

    # archive documents
    register_archive_source("zones.visit_files", archive_visit_files)

    return
