"""The daily deadline run as a background task (queued by `manage.py run_deadlines` from cron or a systemd
timer, run by `manage.py db_worker`). Idempotent, so a run cut off by a killed worker is simply queued again."""

from django.utils import timezone
from django_tasks import task

from dudao.core.registries import daily_jobs
from dudao.worker.recovery import recover_lost_tasks, recoverable


def deadlines_run() -> dict[str, int]:
    """Every registered daily job, in order: jobs that raise findings (monitoring's overdue 创建 tasks,
    "campaign") come before the notice deadlines (rectification's own, registered in its AppConfig), so
    today's findings are in the ledger before the notices are looked at."""
    now = timezone.now()
    counts: dict[str, int] = {}
    for name, job in daily_jobs():
        result = job(now=now)
        counts.update(result if isinstance(result, dict) else {name: result})
    return counts


@recoverable(retry=True)
@task()
def daily_deadlines(attempt: int = 1) -> dict[str, int]:
    counts = deadlines_run()
    counts["recovered"] = recover_lost_tasks()  # a catch-all, besides every worker's own sweep
    return counts
