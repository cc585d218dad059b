"""Reads of area cases: 审计计划、审计事项、审计组、资料、发现问题、审计报告与公开. Scoped through visible_to(user)."""

import datetime

from django.db.models import Count, Q

from dudao.audits.models import (
    AuditCase,
    AuditCaseStatus,
    AuditDocRequest,
    AuditPlan,
    AuditReason,
    AuditTeamMember,
    office_prefixes,
)
from dudao.core.models import RoleAssignment
from dudao.core.roles import Role
from dudao.core.scope import scope_for
from dudao.regions.models import Region
from dudao.schools.models import School

S = AuditCaseStatus


def is_office_reader(user) -> bool:
    scope = scope_for(user)
    return scope.everything or bool(office_prefixes(scope))


def office_counties(user):
    """The counties where the user holds the office role (plans are made there)."""
    scope = scope_for(user)
    counties = Region.objects.filter(level="county").order_by("code")
    if scope.everything:
        return counties
    prefixes = [p for role, p in scope.role_prefixes if role == Role.OFFICE]
    q = Q(pk__in=[])
    for p in prefixes:
        q |= Q(code__startswith=p)
    return counties.filter(q)


def case_list(user, *, status: str = "", reason: str = "", year: str = "", q: str = ""):
    rows = AuditCase.objects.visible_to(user).select_related("school", "plan", "publication")
    if status in S.values:
        rows = rows.filter(status=status)
    if reason in AuditReason.values:
        rows = rows.filter(reason=reason)
    if year.isdigit() and len(year) == 4:
        rows = rows.filter(plan__year=int(year))
    q = q.strip()[:50]
    if q:
        rows = rows.filter(Q(auditee_name__icontains=q) | Q(school__name__icontains=q) | Q(report_number__icontains=q))
    return rows.annotate(n_findings=Count("findings", distinct=True)).order_by("-plan__year", "status", "id")


def plans(user, year: int):
    return AuditPlan.objects.visible_to(user).filter(year=year).select_related("region", "approved_by") \
        .annotate(n_cases=Count("cases")).order_by("region_id")


def team(case: AuditCase):
    return AuditTeamMember.objects.filter(case=case).select_related("user", "inspector", "expert")


def requests_of(case: AuditCase):
    return AuditDocRequest.objects.filter(case=case).select_related("file", "uploaded_by")


def findings_of(case: AuditCase):
    return case.findings.select_related("rect_finding").order_by("id")


def school_ids_of(user) -> list[int]:
    return list(RoleAssignment.objects.filter(user_id=getattr(user, "pk", None), role=Role.SCHOOL,
                                              school__isnull=False).values_list("school_id", flat=True))


def school_requests(user):
    """The document requests addressed to the user's schools while the audit is 实施中 (what a school user sees
    of a case before its report: the request's title, note and due date, the auditee's name and the case's
    reason; not the team, the findings or the other uploads' contents)."""
    return AuditDocRequest.objects.filter(case__school_id__in=school_ids_of(user), case__status=S.IN_PROGRESS) \
        .select_related("case", "case__school", "file").order_by("due_on", "id")


def may_see_docs(user, item: AuditDocRequest) -> bool:
    """Downloading an uploaded document: whoever sees the case, or the audited school's users while 实施中."""
    if AuditCase.objects.visible_to(user).filter(pk=item.case_id).exists():
        return True
    return item.case.status == S.IN_PROGRESS and item.case.school_id in school_ids_of(user)


def eligible_schools(case_or_region: str):
    return School.objects.filter(region__code__startswith=case_or_region[:6]).order_by("region_id", "name")


def year_counts(reader, start: datetime.date, end: datetime.date) -> dict:
    """Leaders whose audit report was issued in the period, reports published in it (by the publication's date),
    and cases planned for the period's years."""
    rows = AuditCase.objects.visible_to(reader)
    issued = rows.filter(report_issued_on__range=(start, end))
    return {
        "planned": rows.filter(plan__year__range=(start.year, end.year)).count(),
        "audited": issued.count(),
        "published": rows.filter(publication__isnull=False, publication__published_at__date__range=(start, end)).count(),
        "by_reason": [(label, issued.filter(reason=value).count()) for value, label in AuditReason.choices],
    }

