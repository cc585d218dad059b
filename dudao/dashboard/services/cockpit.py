"""Writes of the cockpit (驾驶舱, area: cockpit): its snapshots (a computed cache, written by the nightly job and the
background task, no person behind them, so no audit record) and the audit record of an export."""

import datetime

from django.db import transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from dudao.core.audit import audit_record
from dudao.dashboard.models import CockpitSnapshot
from dudao.dashboard.selectors import cockpit as selectors
from dudao.dashboard.tasks import build_cockpit_snapshot
from dudao.regions.models import Region, RegionLevel

SNAPSHOT_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY)


def snapshot_compute(*, region: Region, year: int, now: datetime.datetime | None = None) -> CockpitSnapshot:
    """Compute the region's cockpit for the year and keep it (one row per region and year: a rerun replaces it)."""
    data, seconds = selectors.timed_compute(region, year)
    with transaction.atomic():
        snapshot, _created = CockpitSnapshot.objects.update_or_create(
            region_code=region.code, year=year,
            defaults={"data": data, "computed_at": now or timezone.now(), "seconds": round(seconds, 3)})
    return snapshot


def _waiting(region_code: str, year: int) -> bool:
    """A computation of this region and year is already queued or running (a refresh must not queue another)."""
    waiting = DBTaskResult.objects.filter(task_path=build_cockpit_snapshot.module_path,
                                          status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
    return any((row.get("args") or [])[:2] == [region_code, year] for row in waiting.values_list("args_kwargs", flat=True))


def snapshot_request(*, region_code: str, year: int) -> bool:
    """Queue the background computation of a city's or a province's cockpit unless one is waiting. True if queued."""
    if _waiting(region_code, year):
        return False
    transaction.on_commit(lambda: build_cockpit_snapshot.enqueue(region_code, year))
    return True


def daily_snapshots(*, now: datetime.datetime | None = None) -> int:
    """The nightly job: the cockpit of every province, city and county for this Beijing year and the year before,
    and of the three years before those when a region has none yet (the five-year trend). Safe to run twice: a
    rerun replaces each region's rows. Returns how many snapshots were written."""
    now = now or timezone.now()
    year = timezone.localtime(now).year
    regions = list(Region.objects.filter(level__in=SNAPSHOT_LEVELS).order_by("code"))
    have = set(CockpitSnapshot.objects.filter(year__lt=year - 1, year__gte=year - selectors.TREND_YEARS + 1)
               .values_list("region_code", "year"))
    written = 0
    for region in regions:
        years = [year, year - 1] + [y for y in range(year - 2, year - selectors.TREND_YEARS, -1)
                                    if (region.code, y) not in have]
        for y in years:
            snapshot_compute(region=region, year=y, now=now)
            written += 1
    return written


@transaction.atomic
def cockpit_exported(*, actor, region: Region, year: int, fmt: str) -> None:
    """The audit record of a cockpit export (PDF or Excel): who took which region's figures out, and when."""
    audit_record(actor=actor, action="cockpit.export", obj=region, region_code=region.code,
                 object_repr=f"{region.name}{year}年驾驶舱（{fmt}）", after={"year": year, "format": fmt})
