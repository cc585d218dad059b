"""Background tasks of planning (run by `manage.py db_worker`)."""

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from dudao.planning.models import ArchiveExport, JobStatus, SummaryReport
from dudao.worker.recovery import recoverable

# ---- 工作总结 (services/summary.py) --------------------------------------------------------------------------------


def _summary_lost(args: list, kwargs: dict, next_attempt: int | None, reason: str) -> dict | None:
    """The worker building a draft was lost: queued again as a new attempt of the report, or failed with the
    reason. Compare-and-set on the lost run's attempt, as quality's report batch does."""
    report_id = args[0] if args else kwargs["report_id"]
    run = int(kwargs.get("run") or kwargs.get("attempt", 1))
    lost = SummaryReport.objects.filter(pk=report_id, attempt=run, status__in=[JobStatus.PENDING, JobStatus.RUNNING])
    if next_attempt:
        if not lost.update(status=JobStatus.PENDING, attempt=run + 1,
                           error=f"{reason}已自动重新排队（第 {next_attempt} 次）。"):
            return None
        return {**kwargs, "attempt": next_attempt, "run": run + 1}
    lost.update(status=JobStatus.FAILED, finished_at=timezone.now(),
                error=f"{reason}已自动重试 {settings.TASKS_LOST_RETRIES} 次仍未完成，可点“重试”再次生成。")
    return None


@recoverable(retry=True, on_lost=_summary_lost)
@task()
def build_summary(report_id: int, attempt: int = 1, run: int | None = None) -> dict:
    """Build a 工作总结 draft (safe to run again: a superseded run changes nothing)."""
    from dudao.planning.services.summary import summary_build  # noqa: PLC0415 -- the service enqueues this task

    status = summary_build(report_id, run=run or attempt)
    report = SummaryReport.objects.get(pk=report_id)
    if status == JobStatus.FAILED:
        raise RuntimeError(report.error)
    return {"report": report_id, "status": status or "superseded"}

# --- 督导档案 (services/archive.py) ---------------------------------------------------------------------------

def _export_lost(args: list, kwargs: dict, next_attempt: int | None, reason: str) -> dict | None:
    """The worker building the archive zip was lost: queue the export again as a new attempt (it starts over), or
    fail it with the reason. Compare-and-set on the lost run's attempt, as quality's report batch does."""
    export_id = args[0] if args else kwargs["export_id"]
    run = int(kwargs.get("run") or kwargs.get("attempt", 1))
    lost = ArchiveExport.objects.filter(pk=export_id, attempt=run, status__in=[JobStatus.PENDING, JobStatus.RUNNING])
    if next_attempt:
        if not lost.update(status=JobStatus.PENDING, attempt=run + 1, file_count=0,
                           error=f"{reason}已自动重新排队（第 {next_attempt} 次），档案将重新生成。"):
            return None
        return {**kwargs, "attempt": next_attempt, "run": run + 1}
    lost.update(status=JobStatus.FAILED, finished_at=timezone.now(),
                error=f"{reason}已自动重试 {settings.TASKS_LOST_RETRIES} 次仍未完成，可再次点“导出档案”。")
    return None


@recoverable(retry=True, on_lost=_export_lost)
@task()
def build_archive_export(export_id: int, attempt: int = 1, run: int | None = None) -> dict:
    """Build one archive export's zip (safe to run again after a kill: it starts over). `attempt` counts the
    recoveries of this task; `run` is the export's attempt this task builds."""
    from dudao.planning.services.archive import export_run  # noqa: PLC0415 -- archive enqueues this task: a cycle in the app

    status = export_run(export_id, run=run or attempt)
    export = ArchiveExport.objects.get(pk=export_id)
    if status == JobStatus.FAILED:
        raise RuntimeError(export.error)
    return {"export": export_id, "status": status or "superseded", "files": export.file_count}
