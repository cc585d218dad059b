"""What audits puts on people's to-do lists (工作台 and GET /api/v1/me/tasks), registered by register_todo(). Each
source runs a bounded number of queries, scoped by visible_to; see dudao/checks/todo.py for the shape. One block per
area: put imports at the top of the file, your functions in your block, your registration in register_todo()."""

from django.db.models import Q
from django.urls import reverse

from dudao.audits.models import AuditCaseStatus, AuditDocRequest
from dudao.core.models import RoleAssignment
from dudao.core.registries import Todo, register_todo_source, url_for_pk
from dudao.core.roles import Role
from dudao.core.scope import prefix_q, region_prefix

# ---- cases ----

LIMIT = 200


def _office_q(user) -> Q:
    codes = RoleAssignment.objects.filter(user=user, role=Role.OFFICE).values_list("region_id", flat=True)
    return prefix_q("case__region_code", [region_prefix(c) for c in codes if c and len(region_prefix(c)) >= 6])


def overdue_requests(user, today) -> list[Todo]:
    """The office and the team: documents the school has not handed in by their due date (实施中 cases)."""
    rows = AuditDocRequest.objects.filter(_office_q(user) | Q(case__team__user_id=user.pk),
                                          case__status=AuditCaseStatus.IN_PROGRESS, file__isnull=True,
                                          due_on__lt=today).select_related("case", "case__school") \
        .distinct().order_by("due_on", "id")[:LIMIT]
    url = url_for_pk("audits:case_detail")
    return [Todo(kind="audits.request_overdue", title="催报逾期的审计资料",
                 object=f"{r.case.school.name} · {r.case.auditee_name} · {r.title}", url=url(r.case_id) + "#requests",
                 due=r.due_on, key=f"audits.request:{r.pk}:overdue", region_code=r.case.region_code) for r in rows]


def school_requests(user, today) -> list[Todo]:
    """The audited school's users: each requested document not yet handed in."""
    schools = RoleAssignment.objects.filter(user=user, role=Role.SCHOOL, school__isnull=False).values("school_id")
    rows = AuditDocRequest.objects.filter(case__school_id__in=schools, case__status=AuditCaseStatus.IN_PROGRESS,
                                          file__isnull=True).select_related("case", "case__school") \
        .order_by("due_on", "id")[:LIMIT]
    return [Todo(kind="audits.request_submit", title="报送审计资料", object=f"{r.case.school.name} · {r.title}",
                 url=reverse("audits:case_list") + "#school-requests", due=r.due_on, key=f"audits.request:{r.pk}:submit",
                 region_code=r.case.region_code) for r in rows]


def register_todo() -> None:
    # cases
    register_todo_source("audits.requests_overdue", "逾期未报送的审计资料", overdue_requests,
                         roles=[Role.OFFICE, Role.INSPECTOR, Role.EXPERT], list_url="audits:case_list")
    register_todo_source("audits.requests_school", "待报送的审计资料", school_requests, roles=[Role.SCHOOL],
                         list_url="audits:case_list")
