"""Background tasks of 督导评估 (run by `manage.py db_worker`)."""

from django.utils import timezone
from django_tasks import task

from dudao.worker.recovery import recoverable


def _batch_lost(args: list, kwargs: dict, next_attempt: int | None, reason: str) -> None:
    """The worker rendering the batch was killed: say so on the progress page, queued again or failed."""
    from django.conf import settings

    from dudao.inspections.models import BatchStatus, OpinionBatch

    batch_id = args[0] if args else kwargs["batch_id"]
    unfinished = OpinionBatch.objects.filter(pk=batch_id, status__in=[BatchStatus.PENDING, BatchStatus.RUNNING])
    if next_attempt:
        unfinished.update(status=BatchStatus.PENDING, attempt=next_attempt,
                          error=f"{reason}已自动重新排队（第 {next_attempt} 次），已生成的意见书不再重复生成。")
    else:
        unfinished.update(status=BatchStatus.FAILED, finished_at=timezone.now(),
                          error=f"{reason}已自动重试 {settings.TASKS_LOST_RETRIES} 次仍未完成，可点“重试”再次生成。")


@recoverable(retry=True, on_lost=_batch_lost)
@task()
def render_opinion_batch(batch_id: int, attempt: int = 1) -> dict:
    """Render every 督导意见书 of a batch into one .zip (idempotent: safe to run again after a kill)."""
    from dudao.inspections.models import BatchStatus, OpinionBatch
    from dudao.inspections.opinions import batch_run

    batch_run(batch_id, attempt=attempt)
    batch = OpinionBatch.objects.get(pk=batch_id)
    if batch.status == BatchStatus.FAILED:
        raise RuntimeError(batch.error)  # the task result records the failure too
    return {"batch": batch_id, "status": batch.status, "done": batch.done}
