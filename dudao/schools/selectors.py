"""Reads of schools, campuses, groups and centres, always scoped; and the supervision counting rule."""

from collections.abc import Iterable

from django.db.models import Count, Prefetch, Q, QuerySet

from dudao.core.listing import filter_given
from dudao.core.models import Role
from dudao.core.scope import get_visible_or_404, scope_for
from dudao.schools.models import TYPE_STAGES, Campus, EducationGroup, ManagementCentre, School


def school_list(
    user, *, region: str = "", school_type: str = "", ownership: str = "", urban_rural: str = "", q: str = ""
) -> QuerySet[School]:
    """The schools a user may see, filtered as on the list page and the API."""
    qs = School.objects.visible_to(user).select_related("region")
    qs = filter_given(qs, region__code__startswith=region, school_type=school_type, ownership=ownership,
                      urban_rural=urban_rural)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(code__startswith=q))
    return qs.order_by("code")


def get_school_for(user, pk: int) -> School:
    return get_visible_or_404(_school_detail_qs(), user, pk=pk)


def get_school_by_code_for(user, code: str) -> School:
    return get_visible_or_404(_school_detail_qs(), user, code=code)


def _school_detail_qs() -> QuerySet[School]:
    return School.objects.select_related(
        "region__parent", "competent_unit", "management_centre"
    ).prefetch_related(
        Prefetch("campuses", queryset=Campus.objects.select_related("region")),
        Prefetch("education_groups", queryset=EducationGroup.objects.select_related("lead_school")),
    )


def group_list(user) -> QuerySet[EducationGroup]:
    return EducationGroup.objects.visible_to(user).select_related("lead_school", "region").prefetch_related(
        Prefetch("members", queryset=School.objects.only("id", "name", "code"))
    )


def centre_list(user) -> QuerySet[ManagementCentre]:
    return ManagementCentre.objects.visible_to(user).select_related("region")


def supervision_units(school: School, campuses: Iterable[Campus] | None = None) -> int:
    """How many 'schools' this school counts as for inspector ratios (DOMAIN.md §4.3, issue rule).

    One school = one campus per stage: each campus counts once for every stage it teaches; a school
    without campus rows counts once per stage of its type; a school with no stages (training body) counts 1.
    """
    campus_rows = list(school.campuses.all() if campuses is None else campuses)
    if campus_rows:
        return sum(max(1, len(c.stage_list)) for c in campus_rows)
    return max(1, len(TYPE_STAGES[school.school_type]))


def supervision_unit_total(schools: QuerySet[School]) -> int:
    """Sum of supervision_units over a queryset, in two queries whatever its size."""
    return sum(
        supervision_units(s) for s in schools.prefetch_related(Prefetch("campuses", queryset=Campus.objects.only("school_id", "stages")))
    )


def can_edit(user) -> bool:
    """Office staff (and administrators) edit the school registry."""
    scope = scope_for(user)
    return scope.everything or scope.has_role(Role.OFFICE)


def school_counts_by_region(user) -> dict[str, int]:
    """Visible schools per region code, for the region tree (registered with core.registries)."""
    return dict(School.objects.visible_to(user).values_list("region_id").annotate(n=Count("id")).order_by())
