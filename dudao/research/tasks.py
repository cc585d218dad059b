"""Background tasks of research (django-tasks): the anthology (文集) of a call."""

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from dudao.research.models import AnthologyStatus, ResearchCall
from dudao.worker.recovery import recoverable


def _anthology_lost(args: list, kwargs: dict, next_attempt: int | None, reason: str) -> dict | None:
    """The worker building an anthology was lost: queue the same run again, or fail it with the reason."""
    call_id = args[0] if args else kwargs["call_id"]
    run = int(kwargs.get("run") or 1)
    lost = ResearchCall.objects.filter(pk=call_id, anthology_attempt=run,
                                       anthology_status__in=[AnthologyStatus.QUEUED, AnthologyStatus.RUNNING])
    if next_attempt:
        if not lost.update(anthology_status=AnthologyStatus.QUEUED,
                           anthology_error=f"{reason}已自动重新排队（第 {next_attempt} 次）。"):
            return None
        return {**kwargs, "attempt": next_attempt, "run": run}
    lost.update(anthology_status=AnthologyStatus.FAILED, anthology_at=timezone.now(),
                anthology_error=f"{reason}已自动重试 {settings.TASKS_LOST_RETRIES} 次仍未完成，可再次点“生成文集”。")
    return None


@recoverable(retry=True, on_lost=_anthology_lost)
@task()
def build_anthology(call_id: int, run: int = 1, attempt: int = 1) -> dict:
    """Build one call's anthology (safe to run again: it starts over). A failure is stored with its reason."""
    from dudao.research.services.calls import anthology_run  # noqa: PLC0415 -- services enqueue this task: a cycle in the app

    status = anthology_run(call_id, run=run)
    if status == AnthologyStatus.FAILED:
        raise RuntimeError(ResearchCall.objects.values_list("anthology_error", flat=True).get(pk=call_id))
    return {"call": call_id, "status": status}
