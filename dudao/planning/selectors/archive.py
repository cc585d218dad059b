"""Reads of the 督导档案: the regions and years a user may see, a year's 案卷目录 and its exports.

Office staff and leaders of a region (and administrators) read its archive; everyone else gets 404. The 案卷目录 is
built from the registered archive sources (nothing is rendered or read from storage to list it)."""

from dataclasses import dataclass, field

from django.http import Http404
from django.utils import timezone

from dudao.core.roles import Role
from dudao.core.scope import scope_for
from dudao.planning.models import ArchiveCategory, ArchiveExport, ArchiveStatus, ArchiveYear, JobStatus
from dudao.planning.services.archive import FOLDERS, collect_items, entries
from dudao.regions.models import Region

READERS = (Role.OFFICE, Role.LEADER)
RECENT_YEARS = 3  # the years listed even before anything was exported: this year and the two before


def reads_archive(user, region_code: str) -> bool:
    return scope_for(user).holds(region_code, *READERS)


def writes_archive(user, region_code: str) -> bool:
    return scope_for(user).holds(region_code, Role.OFFICE)


def archive_regions(user) -> list[Region]:
    """The regions whose archive the user reads: those of their office and leader assignments (counties and
    above); administrators every county and above (at most 200)."""
    scope = scope_for(user)
    if scope.everything:
        return list(Region.objects.filter(level__in=["province", "city", "county"]).order_by("code")[:200])
    codes = {code for code in user.role_assignments.filter(role__in=READERS, region__isnull=False)
             .values_list("region_id", flat=True)}
    return list(Region.objects.filter(code__in=codes).order_by("code"))


def get_region_for(user, code: str) -> Region:
    """The region if the user reads its archive; 404 otherwise (the same as a missing one)."""
    region = Region.objects.filter(code=str(code)[:12]).first()
    if region is None or not reads_archive(user, region.code):
        raise Http404("未找到该对象，或您无权查看。")
    return region


def get_export_for(user, pk: int) -> ArchiveExport:
    export = ArchiveExport.objects.select_related("archive__region", "requested_by").filter(pk=pk).first()
    if export is None or not reads_archive(user, export.archive.region_id):
        raise Http404("未找到该对象，或您无权查看。")
    return export


@dataclass
class YearRow:
    region: Region
    year: int
    archive: ArchiveYear | None
    last_export: ArchiveExport | None
    last_done: ArchiveExport | None

    @property
    def locked(self) -> bool:
        return self.archive is not None and self.archive.status == ArchiveStatus.LOCKED

    @property
    def status_label(self) -> str:
        return self.archive.get_status_display() if self.archive else str(ArchiveStatus.OPEN.label)

    @property
    def past(self) -> bool:
        return self.year < timezone.localdate().year


@dataclass
class RegionYears:
    region: Region
    rows: list[YearRow] = field(default_factory=list)


def archive_list(user) -> list[RegionYears]:
    """For each region the user reads: this year and the two before, and every year with an archive record, newest
    first, with status and last export. Three queries whatever the number of regions and years."""
    regions = archive_regions(user)
    this_year = timezone.localdate().year
    archives = {(a.region_id, a.year): a for a in ArchiveYear.objects.filter(region__in=regions)}
    latest: dict[int, ArchiveExport] = {}
    done: dict[int, ArchiveExport] = {}
    for e in ArchiveExport.objects.filter(archive__in=archives.values()).order_by("requested_at", "id"):
        latest[e.archive_id] = e
        if e.status == JobStatus.DONE:
            done[e.archive_id] = e
    result = []
    for region in regions:
        years = {this_year - k for k in range(RECENT_YEARS)} | {y for (code, y) in archives if code == region.code}
        block = RegionYears(region)
        for year in sorted(years, reverse=True):
            archive = archives.get((region.code, year))
            block.rows.append(YearRow(region, year, archive, latest.get(archive.pk) if archive else None,
                                      done.get(archive.pk) if archive else None))
        result.append(block)
    return result


def year_row(region: Region, year: int) -> YearRow:
    archive = ArchiveYear.objects.filter(region=region, year=year).first()
    exports = list(archive.exports.select_related("requested_by").order_by("-requested_at", "-id")[:20]) if archive else []
    last_done = next((e for e in exports if e.status == JobStatus.DONE), None)
    return YearRow(region, year, archive, exports[0] if exports else None, last_done)


@dataclass
class CategoryBlock:
    category: str
    label: str
    folder: str
    count: int = 0
    size: int = 0  # of the items whose size is known
    unknown_size: int = 0
    rows: list[dict] = field(default_factory=list)


def catalogue(region: Region, year: int) -> list[CategoryBlock]:
    """The 案卷目录 of the region's year: one block per category (every category, empty ones too), each with its
    count, known total size and rows (no., title, date, filename in the zip, source, size when known)."""
    blocks = {c.value: CategoryBlock(c.value, str(c.label), FOLDERS[c.value]) for c in ArchiveCategory}
    for entry in entries(collect_items(region.code, year)):
        item = entry.item
        block = blocks.get(item.category) or blocks[ArchiveCategory.PLAN.value]
        block.count += 1
        if item.size is None:
            block.unknown_size += 1
        else:
            block.size += item.size
        block.rows.append({"no": entry.no, "title": item.title, "day": item.day, "filename": entry.path.split("/", 1)[1],
                           "source": item.source, "size": item.size, "rendered": item.render is not None})
    return list(blocks.values())


def search_rows(rows: list[dict], q: str) -> list[dict]:
    """The rows whose title, file name or source contain `q` (all of them when q is empty)."""
    if not q:
        return rows
    return [r for r in rows if q in r["title"] or q in r["filename"] or q in r["source"]]


def export_history(archive: ArchiveYear | None) -> list[ArchiveExport]:
    if archive is None:
        return []
    return list(archive.exports.select_related("requested_by").order_by("-requested_at", "-id")[:10])


def transitions(archive: ArchiveYear | None) -> list:
    if archive is None:
        return []
    return list(archive.transitions.select_related("actor").order_by("-at", "-id")[:20])
