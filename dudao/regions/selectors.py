"""Reads of the region tree and government units, always scoped to the user."""

from django.db.models import Count, Q, QuerySet

from dudao.core.errors import ApplicationError
from dudao.core.listing import filter_given
from dudao.core.registries import region_counts
from dudao.core.scope import get_visible_or_404, scope_for
from dudao.regions.models import Boundary, GovUnit, Region, RegionLevel


def region_tree_for(user) -> list[dict]:
    """The visible regions as nested dicts with school and unit counts, built from one query each."""
    regions = list(Region.objects.visible_to(user).order_by("code"))
    school_counts: dict[str, int] = region_counts("schools", user)  # registered by schools
    unit_counts: dict[str, int] = dict(
        GovUnit.objects.visible_to(user).values_list("region_id").annotate(n=Count("id")).order_by()
    )
    nodes = {r.code: {"region": r, "children": [], "schools": 0, "units": unit_counts.get(r.code, 0)}
             for r in regions}
    roots = []
    for region in regions:
        node = nodes[region.code]
        node["schools"] = school_counts.get(region.code, 0)
        parent = nodes.get(region.parent_id)
        (parent["children"] if parent else roots).append(node)

    def total(node):
        node["schools_total"] = node["schools"] + sum(total(c) for c in node["children"])
        return node["schools_total"]

    for root in roots:
        total(root)
    return roots


def region_list(user, *, level: str = "", q: str = "") -> QuerySet[Region]:
    qs = Region.objects.visible_to(user).select_related("parent")
    if level:
        qs = qs.filter(level=level)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(code__startswith=q))
    return qs.order_by("code")


def towns_for(user) -> QuerySet[Region]:
    return Region.objects.visible_to(user).filter(level=RegionLevel.TOWN).order_by("code")


def unit_list(user, *, kind: str = "", region: str = "", q: str = "") -> QuerySet[GovUnit]:
    qs = GovUnit.objects.visible_to(user).select_related("region")
    qs = filter_given(qs, kind=kind, region__code__startswith=region)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(code__startswith=q))
    return qs.order_by("region_id", "code")


def get_unit_for(user, pk: int) -> GovUnit:
    return get_visible_or_404(GovUnit.objects.select_related("region"), user, pk=pk)


def get_region_for(user, code: str) -> Region:
    return get_visible_or_404(Region.objects.select_related("parent"), user, code=code)


def user_can_see_region(user, code: str) -> bool:
    return scope_for(user).covers_region(code)


def get_unit_by_code_for(user, code: str) -> GovUnit:
    """A visible unit by its code, for the role form (core); an unknown or invisible code is an error."""
    unit = unit_list(user).filter(code=code).first()
    if unit is None:
        raise ApplicationError(f"单位编码 {code} 不存在。")
    return unit


# ---- boundaries (area: map) ---------------------------------------------------------------------------------------


def boundary_status(user, region: Region) -> dict:
    """The region's stored outline and its children's, for the boundary page: two queries."""
    children = list(Region.objects.visible_to(user).filter(parent=region).order_by("code"))
    stored = {b.region_id: b for b in Boundary.objects.visible_to(user).select_related("uploaded_by")
              .filter(region_id__in=[region.code, *(c.code for c in children)]).defer("geojson")}
    return {"own": stored.get(region.code), "children": [(c, stored.get(c.code)) for c in children]}
