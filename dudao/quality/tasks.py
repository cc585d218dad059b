"""Background tasks of 质量监测 (run by `manage.py db_worker`)."""

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from dudao.quality.models import ReportBatch, ReportStatus
from dudao.worker.recovery import recoverable


def _batch_lost(args: list, kwargs: dict, next_attempt: int | None, reason: str) -> dict | None:
    """The worker rendering the reports was lost: say so on the progress panel, queued again as a new attempt or
    failed. Compare-and-set on the lost run's attempt, as the 意见书 batch does (dudao.inspections.tasks)."""
    batch_id = args[0] if args else kwargs["batch_id"]
    run = int(kwargs.get("run") or kwargs.get("attempt", 1))
    lost = ReportBatch.objects.filter(pk=batch_id, attempt=run, status__in=[ReportStatus.PENDING, ReportStatus.RUNNING])
    if next_attempt:
        if not lost.update(status=ReportStatus.PENDING, attempt=run + 1,
                           error=f"{reason}已自动重新排队（第 {next_attempt} 次），已生成的报告不再重复生成。"):
            return None
        return {**kwargs, "attempt": next_attempt, "run": run + 1}
    lost.update(status=ReportStatus.FAILED, finished_at=timezone.now(),
                error=f"{reason}已自动重试 {settings.TASKS_LOST_RETRIES} 次仍未完成，可点“重试”再次生成。")
    return None


@recoverable(retry=True, on_lost=_batch_lost)
@task()
def render_report_batch(batch_id: int, attempt: int = 1, run: int | None = None) -> dict:
    """Render the district report and every school's report of a batch (idempotent: safe to run again after a
    kill). `attempt` counts the recoveries of this task; `run` is the batch's attempt this task renders."""
    from dudao.quality.services.reports import batch_run  # noqa: PLC0415 -- reports enqueues this task: a cycle in the app

    status = batch_run(batch_id, run=run or attempt)
    batch = ReportBatch.objects.get(pk=batch_id)
    if status == ReportStatus.FAILED:
        raise RuntimeError(batch.error)  # the task result records the failure too
    return {"batch": batch_id, "status": status or "superseded", "done": batch.done}
