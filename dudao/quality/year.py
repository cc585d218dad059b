"""What quality gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

from dudao.core.dates import local_date
from dudao.core.registries import day_bounds, register_archive_source, stored_archive_item
from dudao.core.scope import region_prefix
from dudao.quality.models import ExternalReport, Report

# --- plan links (工作要点) ----------------------------------------------------------------------------------


# --- calendar items (行事历) -------------------------------------------------------------------------------


# --- key events (大事记) -----------------------------------------------------------------------------------


# --- year figures (年度工作总结) ----------------------------------------------------------------------------


# --- 简报 materials ----------------------------------------------------------------------------------------


# --- archive documents (督导档案) --------------------------------------------------------------------------

def archive_quality_reports(region_code: str, start, end):
    """评估监测: the stored 监测报告 of rounds tested in [start, end] (the latest of each school and format), and the
    external (national, provincial, city) reports uploaded then."""
    prefix = region_prefix(region_code)
    latest: dict[tuple, Report] = {}
    reports = (Report.objects.filter(round__region__code__startswith=prefix, round__test_date__gte=start,
                                     round__test_date__lte=end)
               .select_related("file", "round", "school").order_by("round_id", "school_id", "format", "created_at", "id"))
    for r in reports:
        latest[(r.round_id, r.school_id, r.format)] = r  # ordered oldest first: the newest wins
    for r in latest.values():
        who = r.school.name if r.school_id else "全区"
        yield stored_archive_item("monitoring", f"{r.round.title} 监测报告（{who}，{r.get_format_display()}）",
                                  r.round.test_date, r.file, source=f"quality.report:{r.pk}")
    low, high = day_bounds(start, end)
    external = (ExternalReport.objects.filter(school__region__code__startswith=prefix, uploaded_at__gte=low,
                                              uploaded_at__lt=high).select_related("file", "school").order_by("uploaded_at"))
    for e in external:
        yield stored_archive_item("monitoring", f"{e.school.name} {e.title}（{e.get_level_display()}）",
                                  local_date(e.uploaded_at), e.file, source=f"quality.external_report:{e.pk}")


def register_year() -> None:
    # plan links

    # calendar items

    # key events

    # year figures

    # 简报 materials

    # archive documents
    register_archive_source("quality.reports", archive_quality_reports)

    return
