"""年检 on people's to-do lists (the annual area's part of checks/todo.py): the institution's report to submit or
correct, the reviewer's reports to review, the office's submitted reports without a reviewer. One query each."""

from dudao.checks.models import AnnualReport, AnnualReportStatus, AnnualRoundStatus
from dudao.core.models import RoleAssignment
from dudao.core.registries import Todo, register_todo_source, url_for_pk
from dudao.core.roles import Role


def _todo(report, kind: str, title: str, due=None) -> Todo:
    return Todo(kind=kind, title=title, object=f"{report.school.name} · {report.round.title}",
                url=url_for_pk("checks:annual_report")(report.pk), due=due, key=f"checks.annual:{report.pk}:{kind}",
                region_code=report.region_code)


def to_submit(user, today) -> list[Todo]:
    """The institution's own reports of an open round, not yet handed in (or returned for correction)."""
    schools = RoleAssignment.objects.filter(user=user, role=Role.SCHOOL, school__isnull=False).values("school_id")
    rows = (AnnualReport.objects.filter(school_id__in=schools, round__status=AnnualRoundStatus.OPEN,
                                        status__in=[AnnualReportStatus.PENDING, AnnualReportStatus.RETURNED])
            .select_related("school", "round").order_by("round__submit_by", "id"))
    return [_todo(r, "checks.annual_submit", "提交年检自查报告和材料" if r.status == AnnualReportStatus.PENDING
                  else "按退回意见补正年检材料", r.round.submit_by) for r in rows]


def to_review(user, today) -> list[Todo]:
    """Reports given to the user to review, handed in and not yet decided."""
    rows = (AnnualReport.objects.filter(reviewer=user, status=AnnualReportStatus.SUBMITTED)
            .select_related("school", "round").order_by("submitted_at", "id"))
    return [_todo(r, "checks.annual_review", "评审年检报告") for r in rows]


def to_assign(user, today) -> list[Todo]:
    """Submitted reports without a reviewer, for the office of the round's own county (not the city above)."""
    regions = RoleAssignment.objects.filter(user=user, role=Role.OFFICE).values("region_id")
    rows = (AnnualReport.objects.filter(round__region_id__in=regions, status=AnnualReportStatus.SUBMITTED,
                                        reviewer__isnull=True)
            .select_related("school", "round").order_by("submitted_at", "id"))
    return [_todo(r, "checks.annual_assign", "安排年检评审人") for r in rows]


def register_annual_todo() -> None:
    register_todo_source("checks.annual_submit", "年检填报", to_submit, roles=(Role.SCHOOL,),
                         list_url="checks:annual_list")
    register_todo_source("checks.annual_review", "年检评审", to_review, roles=(Role.EXPERT, Role.INSPECTOR, Role.OFFICE),
                         list_url="checks:annual_list")
    register_todo_source("checks.annual_assign", "年检评审安排", to_assign, roles=(Role.OFFICE,),
                         list_url="checks:annual_list")
