"""Reads of the 大事记: entries of a region and year as its office and leaders (and administrators) see them.
Schools, units, inspectors and experts see none (404)."""

import datetime
from collections import Counter
from itertools import groupby

from django.db.models import Count, Q
from django.http import Http404

from dudao.core.dates import cn_date
from dudao.core.models import Role
from dudao.core.scope import holds_role_in, scope_for
from dudao.planning.models import ChronicleEntry, ChronicleStatus
from dudao.regions.models import Region, RegionLevel

READERS = (Role.OFFICE, Role.LEADER)
NOT_FOUND = "未找到该对象，或您无权查看。"
FIRST_YEAR, LAST_YEAR = 2000, 2100


def visible_entries(user):
    return ChronicleEntry.objects.visible_to(user, as_roles=READERS)


def chronicle_regions(user) -> list[Region]:
    """The regions whose 大事记 the user reads (as office or leader): the counties of their region subtrees, and a
    town only where the role was given for that town itself."""
    scope = scope_for(user)
    if scope.everything:
        return list(Region.objects.filter(level=RegionLevel.COUNTY).order_by("code"))
    prefixes = scope.restricted_to(*READERS).region_prefixes
    if not prefixes:
        return []
    q = Q(pk__in=[])
    for prefix in prefixes:
        q |= Q(code=prefix, level=RegionLevel.TOWN) if len(prefix) > 6 else Q(code__startswith=prefix,
                                                                               level=RegionLevel.COUNTY)
    return list(Region.objects.filter(q).order_by("code"))


def chronicle_region(user, code: str = "") -> Region:
    """The region asked for (default: the user's first county), or 404 when the user may not read it."""
    regions = chronicle_regions(user)
    if not code:
        if not regions:
            raise Http404(NOT_FOUND)
        return regions[0]
    region = Region.objects.filter(pk=str(code)[:12]).first()
    if region is None or not holds_role_in(user, region.code, *READERS):
        raise Http404(NOT_FOUND)
    return region


def can_edit(user, region: Region) -> bool:
    return holds_role_in(user, region.code, Role.OFFICE)


def entries(user, region: Region, year: int, status: str = ChronicleStatus.ACCEPTED, q: str = ""):
    """The region's entries of a year in one status, in date order."""
    rows = visible_entries(user).filter(region=region, day__gte=datetime.date(year, 1, 1),
                                        day__lte=datetime.date(year, 12, 31))
    if status:
        rows = rows.filter(status=status)
    q = (q or "").strip()
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(text__icontains=q))
    return rows.select_related("created_by", "decided_by").order_by("day", "id")


def counts(user, region: Region, year: int) -> dict[str, int]:
    """Entries of the year by status: {"proposed": n, "accepted": n, "dropped": n}."""
    found = Counter({s: 0 for s in ChronicleStatus.values})
    rows = (visible_entries(user).filter(region=region, day__year=year).values("status").annotate(n=Count("pk")))
    found.update({row["status"]: row["n"] for row in rows})
    return dict(found)


def by_month(rows) -> list[tuple[int, list[ChronicleEntry]]]:
    """Accepted entries grouped by month: [(month, [entry…])…] in date order."""
    return [(month, list(group)) for month, group in groupby(rows, key=lambda e: e.day.month)]


def entry_for(user, pk) -> ChronicleEntry:
    """One entry the user may read (posted ids resolve through the scoped queryset), else 404."""
    try:
        return visible_entries(user).select_related("region").get(pk=int(pk))
    except (ChronicleEntry.DoesNotExist, ValueError, TypeError):
        raise Http404(NOT_FOUND) from None


def api_entries(user, year: int):
    """Accepted entries of a year in every region the user reads (API)."""
    return (visible_entries(user).filter(status=ChronicleStatus.ACCEPTED, day__gte=datetime.date(year, 1, 1),
                                         day__lte=datetime.date(year, 12, 31))
            .select_related("region").order_by("day", "region_id", "id"))


def office_name(region: Region) -> str:
    return f"{region.name}人民政府教育督导室"


def export_context(user, region: Region, year: int, today: datetime.date) -> dict:
    """The Word template's fields (documents.render.TEMPLATES["chronicle"]): accepted entries in date order."""
    rows = [{"date": cn_date(e.day), "title": e.title, "text": e.text, "importance": e.get_importance_display()}
            for e in entries(user, region, year)]
    return {"title": f"{region.name}{year}年教育督导大事记", "county": region.name, "year": year,
            "office": office_name(region), "generated_on": cn_date(today), "count": len(rows), "rows": rows}
