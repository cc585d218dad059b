"""Reads of area appointments: 督学聘任、公示、聘书与督学证、公开验证. Scoped through visible_to(user)."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from dudao.core.models import RoleAssignment
from dudao.core.roles import Role
from dudao.core.scope import scope_for
from dudao.people.models import Inspector, InspectorKind, InspectorStatus
from dudao.regions.models import GovUnit, Region, RegionLevel
from dudao.workforce.models import (
    AppointmentBatch,
    AppointmentCandidate,
    AppointmentHead,
    AppointmentObjection,
    AppointmentStatus,
    AppointmentTransition,
    CandidateStatus,
    InspectorCertificate,
)


def batch_list(user, *, status: str = "", q: str = "", year: str = "") -> QuerySet[AppointmentBatch]:
    rows = batches_for(user)
    if status in AppointmentStatus.values:
        rows = rows.filter(status=status)
    if q:
        rows = rows.filter(Q(title__icontains=q[:64]) | Q(doc_no__icontains=q[:64])
                           | Q(candidates__name__icontains=q[:64])).distinct()
    if year.isdigit() and len(year) == 4:
        rows = rows.filter(created_at__year=int(year))
    return rows.select_related("region").annotate(
        n_candidates=Count("candidates", distinct=True),
        n_passed=Count("candidates", filter=Q(candidates__status__in=[CandidateStatus.QUALIFIED,
                                                                      CandidateStatus.EXCEPTED,
                                                                      CandidateStatus.APPOINTED]), distinct=True),
        n_flagged=Count("candidates", filter=Q(candidates__status=CandidateStatus.FLAGGED), distinct=True),
    ).order_by("-created_at", "-id")


def _recommender_counties(user) -> set[str]:
    """Counties where the user may recommend: their schools' and their town units' counties."""
    rows = RoleAssignment.objects.filter(user=user, role__in=[Role.SCHOOL, Role.UNIT]).values_list(
        "school__region_id", "unit__region_id", "unit__region__level")
    counties = set()
    for school_region, unit_region, unit_level in rows:
        if school_region:
            counties.add(school_region[:6])
        if unit_region and unit_level == RegionLevel.TOWN:
            counties.add(unit_region[:6])
    return counties


def batches_for(user) -> QuerySet[AppointmentBatch]:
    """The region's staff see their batches; a school or town sees its county's batches that are open for
    recommendation, and those it has recommended to."""
    counties = _recommender_counties(user)
    q = Q(pk__in=AppointmentBatch.objects.visible_to(user).values("pk"))
    q |= Q(pk__in=AppointmentCandidate.objects.filter(recommended_by_id=user.pk).values("batch_id"))
    for county in counties:
        q |= Q(region_code__startswith=county, status=AppointmentStatus.RECOMMENDING)
    return AppointmentBatch.objects.filter(q)


def get_batch_for(user, pk: int) -> AppointmentBatch:
    batch = batches_for(user).select_related("region", "publication").filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


def is_staff_for(user, batch: AppointmentBatch) -> bool:
    """The office or a leader of the batch's region: sees every candidate with the review."""
    return scope_for(user).holds(batch.region_code, Role.OFFICE, Role.LEADER)


def is_office_for(user, batch: AppointmentBatch) -> bool:
    return scope_for(user).holds(batch.region_code, Role.OFFICE)


def candidates_of(user, batch: AppointmentBatch) -> list[AppointmentCandidate]:
    """Every candidate for the region's staff; a recommender sees its own recommendations only."""
    rows = AppointmentCandidate.objects.visible_to(user).filter(batch=batch)
    return list(rows.select_related("recommender_school", "recommender_unit", "home_school", "renewing",
                                    "exception_by", "inspector").annotate(
        n_open=Count("objections", filter=Q(objections__upheld__isnull=True))).order_by("id"))


def get_candidate_for(user, pk: int) -> AppointmentCandidate:
    candidate = (AppointmentCandidate.objects.visible_to(user).select_related("batch", "batch__region")
                 .filter(pk=pk).first())
    if candidate is None:
        raise Http404
    return candidate


def objections_of(batch: AppointmentBatch) -> list[AppointmentObjection]:
    return list(batch.objections.select_related("candidate", "recorded_by", "handled_by").order_by("received_on", "id"))


def get_objection_for(user, pk: int) -> AppointmentObjection:
    objection = AppointmentObjection.objects.visible_to(user).select_related("batch", "candidate").filter(pk=pk).first()
    if objection is None:
        raise Http404
    return objection


def history(batch: AppointmentBatch):
    return AppointmentTransition.history(batch)


def renewal_choices(batch: AppointmentBatch) -> QuerySet[Inspector]:
    """Serving part-time inspectors of the county, for the office's renewal nomination."""
    return (Inspector.objects.filter(region__code__startswith=batch.region_code[:6], status=InspectorStatus.ACTIVE,
                                     kind=InspectorKind.PART_TIME).order_by("name", "id"))


def county_choices(user) -> list[Region]:
    """Counties where the user holds the office role (for a new batch)."""
    scope = scope_for(user)
    rows = Region.objects.filter(level=RegionLevel.COUNTY).order_by("code")
    if scope.everything:
        return list(rows[:200])
    prefixes = [p for role, p in scope.role_prefixes if role == Role.OFFICE]
    q = Q(pk__in=[])
    for p in prefixes:
        q |= Q(code__startswith=p)
    return list(rows.filter(q)[:200])


def units_of(user) -> QuerySet[GovUnit]:
    return GovUnit.objects.filter(pk__in=RoleAssignment.objects.filter(user=user, role=Role.UNIT).values("unit_id"))


# ---- certificates -----------------------------------------------------------------------------------------------

def get_certificate_for(user, pk: int) -> InspectorCertificate:
    cert = (InspectorCertificate.objects.visible_to(user)
            .select_related("inspector", "inspector__photo", "inspector__region", "candidate__batch").filter(pk=pk).first())
    if cert is None:
        raise Http404
    return cert


def certificates_of(batch: AppointmentBatch) -> dict[int, InspectorCertificate]:
    return {c.candidate_id: c for c in InspectorCertificate.objects.filter(candidate__batch=batch)}


CARD_STATUS_EXPIRED = "已过期"


def card_status(cert: InspectorCertificate, today: datetime.date | None = None) -> str:
    """What the public verification page says: 在岗 / 暂停 / 退出 / 已过期 (the term of this certificate ended,
    or a later certificate replaced it)."""
    today = today or timezone.localdate()
    inspector = cert.inspector
    if inspector.status != InspectorStatus.ACTIVE:
        return inspector.get_status_display()
    if cert.term_end < today:
        return CARD_STATUS_EXPIRED
    newer = InspectorCertificate.objects.filter(inspector_id=inspector.pk, term_start__gt=cert.term_start).exists()
    return CARD_STATUS_EXPIRED if newer else inspector.get_status_display()


def certificate_by_key(key: str) -> InspectorCertificate | None:
    if not key or len(key) > 64:
        return None
    return InspectorCertificate.objects.select_related("inspector").filter(key=key).first()


# ---- to-do, calendar, year ---------------------------------------------------------------------------------------

def office_counties(user) -> list[str]:
    """Counties the user is the office of, exactly (a city's office above them is not asked)."""
    regions = RoleAssignment.objects.filter(user=user, role=Role.OFFICE).values_list("region_id", flat=True)
    return sorted({c for c in regions if c and len(c) == 6 and not c.endswith("00")})


def appointed_in(region_code: str, start: datetime.date, end: datetime.date) -> dict[str, int]:
    rows = AppointmentCandidate.objects.filter(
        region_code__startswith=region_code, status=CandidateStatus.APPOINTED,
        batch__appointed_on__gte=start, batch__appointed_on__lte=end)
    return rows.aggregate(n_all=Count("id"), n_renewed=Count("id", filter=Q(renewing__isnull=False)))


def current_heads(user):
    """The counties' current office heads (督导室负责人) the user may see."""
    return (AppointmentHead.objects.visible_to(user).filter(ended_at__isnull=True)
            .select_related("region", "user", "designated_by").order_by("region_code"))
