"""Background tasks of dashboard (django-tasks, run by `manage.py db_worker`): a city's or a province's cockpit."""

from django_tasks import task

from dudao.regions.models import Region
from dudao.worker.recovery import recoverable


@recoverable(retry=True)
@task()
def build_cockpit_snapshot(region_code: str, year: int, attempt: int = 1) -> dict:
    """Compute and keep one region's cockpit for a year (safe to run again: it replaces the snapshot)."""
    from dudao.dashboard.services.cockpit import snapshot_compute  # noqa: PLC0415 -- the service enqueues this task

    region = Region.objects.filter(code=region_code).first()
    if region is None:
        return {"region": region_code, "year": year, "status": "no such region"}
    snapshot = snapshot_compute(region=region, year=year)
    return {"region": region_code, "year": year, "seconds": snapshot.seconds}
