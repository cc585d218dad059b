"""Reads of 违规查处 and 诚信记录 (issue 23 item 4), scoped through visible_to: out of scope is 404."""

import datetime

from django.db.models import Q, QuerySet
from django.http import Http404

from dudao.checks.models import (
    VIOLATION_WORKFLOW,
    CheckAnswer,
    CreditEntry,
    Violation,
    ViolationStatus,
)
from dudao.checks.services.violations import decides_as, is_institution
from dudao.core.listing import filter_given
from dudao.core.roles import Role
from dudao.core.scope import get_visible_or_404, prefix_q, scope_for
from dudao.people.models import Inspector, InspectorStatus
from dudao.regions.models import Region
from dudao.schools.models import Ownership, School, SchoolType
from dudao.zones.models import Complaint

CREDIT_YEARS = 3

INSTITUTION_Q = Q(school_type=SchoolType.TRAINING) | Q(ownership=Ownership.PRIVATE)


def violation_list(user, *, status: str = "", kind: str = "", source: str = "", school: str = "", town: str = "",
                   q: str = "") -> QuerySet[Violation]:
    qs = Violation.objects.visible_to(user).select_related("school", "school__region", "responsible_unit", "finding")
    qs = filter_given(qs, status=status, kind=kind, source=source,
                      school_id=school if school.isdigit() else "", region_code__startswith=town if town.isdigit() else "")
    if school and not school.isdigit():
        qs = qs.none()
    if q:
        qs = qs.filter(Q(school__name__contains=q) | Q(description__contains=q) | Q(document_number__contains=q)
                       | Q(decision__contains=q))
    return qs.order_by("-found_on", "-id")


def get_violation_for(user, pk: int) -> Violation:
    return get_visible_or_404(Violation.objects.select_related(
        "school", "school__region", "responsible_unit", "finding", "complaint", "check_answer__item__round",
        "check_answer__submission__target", "created_by", "verified_by", "decided_by"), user, pk=pk)


def transitions(violation: Violation):
    return violation.transitions.select_related("actor").order_by("at", "id")


def _inspector_county(user) -> str:
    inspector = Inspector.objects.filter(user_id=user.pk, status=InspectorStatus.ACTIVE).values_list(
        "region_id", flat=True).first()
    return (inspector or "")[:6]


def register_institutions(user) -> QuerySet[School]:
    """The institutions the user may register a violation for: those of their office regions, or of the county of
    their inspector appointment."""
    scope = scope_for(user)
    q = Q(pk__in=[])
    if scope.everything:
        q = Q()
    else:
        q |= prefix_q("region__code", [p for r, p in scope.role_prefixes if r == Role.OFFICE])
        county = _inspector_county(user)
        if county:
            q |= Q(region__code__startswith=county)
    return School.objects.filter(q).filter(INSTITUTION_Q).select_related("region").order_by("region_id", "name")


def may_register_any(user) -> bool:
    return register_institutions(user).exists()


def source_complaints(user, school: School) -> QuerySet[Complaint]:
    """The complaints about the institution this user may read (an inspector: only those assigned to them)."""
    return Complaint.objects.visible_to(user).filter(school=school).order_by("-received_at", "-id")


def source_answers(school: School) -> QuerySet[CheckAnswer]:
    return CheckAnswer.objects.filter(submission__target__school=school, failed=True).select_related(
        "item__round", "submission").order_by("-submission__submitted_at", "item__order")


def town_choices(user) -> list[Region]:
    codes = Violation.objects.visible_to(user).order_by().values_list("region_code", flat=True).distinct()
    return list(Region.objects.filter(code__in=codes).order_by("code"))


def institution_choices(user) -> list[tuple[int, str]]:
    ids = Violation.objects.visible_to(user).order_by().values_list("school_id", flat=True).distinct()
    return list(School.objects.filter(pk__in=ids).order_by("name").values_list("pk", "name"))


# The URL name of each move's view (one view per move).
MOVE_VIEWS = {ViolationStatus.VERIFIED: "checks:violation_verify", ViolationStatus.UNFOUNDED: "checks:violation_unfounded",
              ViolationStatus.DECIDED: "checks:violation_decide", ViolationStatus.CLOSED: "checks:violation_close"}


def violation_actions(user, violation: Violation) -> set[str]:
    """The moves this user may make on the violation now: verify/unfounded/close (office), decide (unit or office)."""
    office = scope_for(user).holds(violation.region_code, Role.OFFICE)
    allowed = set(VIOLATION_WORKFLOW.allowed_from(violation.status))
    actions = set()
    if office:
        actions |= allowed & {ViolationStatus.VERIFIED, ViolationStatus.UNFOUNDED, ViolationStatus.CLOSED}
    if ViolationStatus.DECIDED in allowed and decides_as(user, violation):
        actions.add(ViolationStatus.DECIDED)
    return {str(a) for a in actions}


# ---- 诚信记录 -------------------------------------------------------------------------------------------

def may_read_credit(user, school: School) -> bool:
    """The region's staff (office, leader; inspectors appointed in its county), the institution itself, and a
    department that is responsible for one of its cases."""
    scope = scope_for(user)
    if scope.everything or scope.covers_region(school.region_id) or school.pk in scope.school_ids:
        return True
    if _inspector_county(user) == school.region_id[:6]:
        return True
    return bool(scope.unit_ids) and Violation.objects.filter(
        school=school, responsible_unit_id__in=scope.unit_ids).exists()


def get_credit_school_for(user, pk: int) -> School:
    school = School.objects.select_related("region").filter(pk=pk).first()
    if school is None or not is_institution(school) or not may_read_credit(user, school):
        raise Http404("未找到该对象，或您无权查看。")
    return school


def credit_entries(school: School) -> QuerySet[CreditEntry]:
    return CreditEntry.objects.filter(school=school).select_related("violation", "annual_report", "created_by") \
        .order_by("-on", "-id")


def credit_summary(school: School, today: datetime.date) -> dict:
    """Negative entries in the last CREDIT_YEARS years (from the same day CREDIT_YEARS years ago), and in all."""
    try:
        since = today.replace(year=today.year - CREDIT_YEARS)
    except ValueError:  # 29 February
        since = today.replace(year=today.year - CREDIT_YEARS, day=28)
    entries = CreditEntry.objects.filter(school=school)
    recent = entries.filter(negative=True, on__gte=since)
    return {"since": since, "years": CREDIT_YEARS, "recent_negative": recent.count(),
            "recent_penalties": recent.filter(violation__isnull=False, kind="penalty").count(),
            "negative": entries.filter(negative=True).count(), "positive": entries.filter(negative=False).count(),
            "total": entries.count()}


def school_violations(user, school: School) -> QuerySet[Violation]:
    return Violation.objects.visible_to(user).filter(school=school).select_related("responsible_unit") \
        .order_by("-found_on", "-id")

