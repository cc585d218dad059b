"""The daily deadline run as a background task (queued by `manage.py run_deadlines` from cron or a systemd
timer, run by `manage.py db_worker`). Idempotent, so a run cut off by a killed worker is simply queued again."""

from django.utils import timezone
from django_tasks import task

from dudao.worker.recovery import recover_lost_tasks, recoverable


def deadlines_run() -> dict[str, int]:
    """Overdue 创建 tasks first, so today's findings are in the ledger before the notices are looked at."""
    from dudao.monitoring.campaigns import overdue_to_findings
    from dudao.rectification.jobs import run_deadlines

    campaign = overdue_to_findings(today=timezone.localdate())
    return {"campaign": campaign, **run_deadlines()}


@recoverable(retry=True)
@task()
def daily_deadlines(attempt: int = 1) -> dict[str, int]:
    counts = deadlines_run()
    counts["recovered"] = recover_lost_tasks()  # a catch-all, besides every worker's own sweep
    return counts
