"""年检 reads (issue 23): rounds and reports in the user's scope, the documents checklist of a report, the
reviewers an office may choose, the round's summary, an institution's history and the 不合格 counts the
institutions registry shows as a flag."""

from django.contrib.auth import get_user_model
from django.db.models import Count, Q

from dudao.checks.models import (
    AnnualDocument,
    AnnualReport,
    AnnualReportStatus,
    AnnualRequirement,
    AnnualResult,
    AnnualRound,
)
from dudao.core.dates import local_date
from dudao.core.models import RoleAssignment
from dudao.core.roles import Role
from dudao.core.scope import get_visible_or_404
from dudao.people.models import Expert, Inspector

REPORT_RELATED = ("round", "round__region", "school", "school__region", "reviewer")


def rounds_visible(user):
    """Rounds of the user's regions (office and leaders); institutions and reviewers reach their reports."""
    return AnnualRound.objects.visible_to(user).select_related("region", "framework")


def get_round_for(user, pk) -> AnnualRound:
    return get_visible_or_404(AnnualRound.objects.select_related("region", "framework", "publication"), user, pk=pk)


def get_report_for(user, pk) -> AnnualReport:
    """A report the user may see: the region's staff, the institution's own users, its reviewer; else 404."""
    return get_visible_or_404(AnnualReport.objects.select_related(*REPORT_RELATED, "round__framework"), user, pk=pk)


def reports_visible(user):
    return AnnualReport.objects.visible_to(user).select_related(*REPORT_RELATED)


def round_reports(annual: AnnualRound, *, status: str = "", result: str = "", kind: str = "", q: str = ""):
    """The round's reports, filtered; each with its number of documents."""
    rows = AnnualReport.objects.filter(round=annual).select_related("school", "school__region", "reviewer")
    if status:
        rows = rows.filter(status=status)
    if result:
        rows = rows.filter(result=result)
    if kind:
        rows = rows.filter(kind=kind)
    if q:
        rows = rows.filter(Q(school__name__icontains=q) | Q(school__code__icontains=q))
    return rows.annotate(document_count=Count("documents")).order_by("kind", "school__name", "id")


def round_summary(annual: AnnualRound) -> dict:
    """{"total", "by_status": {status: n}, "by_result": {result: n}, "late", "unassigned"} in two queries."""
    rows = AnnualReport.objects.filter(round=annual)
    by_status = dict(rows.values_list("status").annotate(n=Count("id")).order_by())
    by_result = dict(rows.exclude(result="").values_list("result").annotate(n=Count("id")).order_by())
    total = sum(by_status.values())
    unassigned = rows.filter(status=AnnualReportStatus.SUBMITTED, reviewer__isnull=True).count()
    return {"total": total, "unassigned": unassigned,
            "by_status": [(s.value, s.label, by_status.get(s.value, 0)) for s in AnnualReportStatus],
            "by_result": [(r.value, r.label, by_result.get(r.value, 0)) for r in AnnualResult],
            "reviewed": by_status.get(AnnualReportStatus.REVIEWED, 0),
            "pending": total - by_status.get(AnnualReportStatus.REVIEWED, 0)}


def is_late(report: AnnualReport) -> bool:
    """逾期提交: handed in (Beijing date) after the round's deadline."""
    return bool(report.submitted_at) and local_date(report.submitted_at) > report.round.submit_by


def requirements_of(report: AnnualReport) -> list[AnnualRequirement]:
    return list(AnnualRequirement.objects.filter(round_id=report.round_id, kind=report.kind).order_by("order", "id"))


def checklist(report: AnnualReport) -> list[dict]:
    """Each requirement of the report's kind with the documents handed in for it (newest first)."""
    docs: dict[int, list] = {}
    for d in (AnnualDocument.objects.filter(report=report).select_related("file", "uploaded_by")
              .order_by("-uploaded_at", "-id")):
        docs.setdefault(d.requirement_id, []).append(d)
    return [{"requirement": r, "documents": docs.get(r.pk, [])} for r in requirements_of(report)]


def missing_requirements(report: AnnualReport) -> list[AnnualRequirement]:
    """Required documents without any upload."""
    have = set(AnnualDocument.objects.filter(report=report).values_list("requirement_id", flat=True))
    return [r for r in requirements_of(report) if r.required and r.pk not in have]


def reviewer_candidates(region_code: str):
    """Who may review a report of the region: inspectors of the region (registry or role) and experts (pool or
    role), active accounts only — as inspections' team candidates."""
    users = set(Inspector.objects.filter(region__code__startswith=region_code, user__isnull=False)
                .values_list("user_id", flat=True))
    users |= set(Expert.objects.filter(user__isnull=False).values_list("user_id", flat=True))
    users |= set(RoleAssignment.objects.filter(
        Q(role=Role.EXPERT) | Q(role=Role.INSPECTOR) & (Q(region__code__startswith=region_code)
                                                         | Q(school__region__code__startswith=region_code))
    ).values_list("user_id", flat=True))
    return get_user_model().objects.filter(pk__in=users, is_active=True).order_by("username")


def school_history(user, school) -> list[AnnualReport]:
    """The institution's 年检 over the years, newest first, as far as the user may see."""
    return list(AnnualReport.objects.visible_to(user).filter(school=school).select_related("round")
                .order_by("-round__year", "-id"))


def annual_fail_counts(school_ids) -> dict[int, int]:
    """school id → how many 年检 ended 不合格 (the registry flags an institution at two). Schools without any are
    left out."""
    return dict(AnnualReport.objects.filter(school_id__in=list(school_ids), result=AnnualResult.FAIL)
                .values_list("school_id").annotate(n=Count("id")).order_by())


def latest_results(school_ids) -> dict[int, AnnualReport]:
    """school id → its newest report (the API's 年检 status), one query."""
    found: dict[int, AnnualReport] = {}
    for r in (AnnualReport.objects.filter(school_id__in=list(school_ids)).select_related("round")
              .order_by("school_id", "-round__year", "-id")):
        found.setdefault(r.school_id, r)
    return found
