"""What monitoring gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

from dudao.core.dates import local_date
from dudao.core.registries import day_bounds, register_archive_source, stored_archive_item
from dudao.core.scope import region_prefix
from dudao.monitoring.models import GuaranteeEvidence, TaskProgress

# --- plan links (工作要点) ----------------------------------------------------------------------------------


# --- calendar items (行事历) -------------------------------------------------------------------------------


# --- key events (大事记) -----------------------------------------------------------------------------------


# --- year figures (年度工作总结) ----------------------------------------------------------------------------


# --- 简报 materials ----------------------------------------------------------------------------------------


# --- archive documents (督导档案) --------------------------------------------------------------------------

def archive_monitoring_files(region_code: str, start, end):
    """评估监测: the evidence of 创建 campaign progress reports made in [start, end], and the county's 政府保障/教育质量
    evidence files last updated then. Statistics imports (StatsImport) keep no file, so none is listed."""
    prefix = region_prefix(region_code)
    progress = (TaskProgress.evidence.through.objects.filter(
        taskprogress__task__region_code__startswith=prefix, taskprogress__reported_on__gte=start,
        taskprogress__reported_on__lte=end)
        .select_related("storedfile", "taskprogress__task__campaign").order_by("taskprogress__reported_on", "id"))
    for row in progress.iterator(chunk_size=500):
        p = row.taskprogress
        yield stored_archive_item("monitoring", f"{p.task.campaign} {p.task.target_name} 创建进展佐证（{p.progress}%）",
                                  p.reported_on, row.storedfile, source=f"monitoring.task_progress:{p.pk}")
    low, high = day_bounds(start, end)
    guarantee = (GuaranteeEvidence.files.through.objects.filter(
        guaranteeevidence__county__code__startswith=prefix, guaranteeevidence__updated_at__gte=low,
        guaranteeevidence__updated_at__lt=high).select_related("storedfile", "guaranteeevidence").order_by("id"))
    for row in guarantee.iterator(chunk_size=500):
        g = row.guaranteeevidence
        yield stored_archive_item("monitoring", f"{g.year}学年 保障与质量佐证 {g.item}", local_date(g.updated_at),
                                  row.storedfile, source=f"monitoring.guarantee_evidence:{g.pk}")


def register_year() -> None:
    # plan links

    # calendar items

    # key events

    # year figures

    # 简报 materials

    # archive documents
    register_archive_source("monitoring.files", archive_monitoring_files)

    return
