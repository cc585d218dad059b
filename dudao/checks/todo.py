"""What checks puts on people's to-do lists (工作台 and GET /api/v1/me/tasks). Registered by register_todo(),
called from registrations.register(). Each source runs a bounded number of queries, scoped by visible_to; see
dudao/inspections/todo.py for the shape. One block per area; append inside your block."""

from dudao.checks.selectors import institutions as institution_selectors
from dudao.core.models import RoleAssignment
from dudao.core.registries import Todo, register_todo_source, url_for_pk
from dudao.core.roles import Role


# ---- registry: institutions flagged for the office (licence expired or missing, 年检 不合格 twice, 白名单 removed)
def institutions_flagged(user, today) -> list[Todo]:
    """One item per flagged institution, to the office of its own county only (not the city's office above it);
    no due date. Two queries: the user's office regions, the flagged institutions with their figures."""
    regions = set(RoleAssignment.objects.filter(user=user, role=Role.OFFICE).values_list("region_id", flat=True))
    url = url_for_pk("dashboard:school_detail")
    return [Todo(kind="checks.institution_flag", title="核查机构预警：" + "、".join(row.flag_labels),
                 object=row.school.name, url=url(row.school.pk), due=None,
                 key=f"checks.institution:{row.school.pk}:flag", region_code=row.school.region_id)
            for row in institution_selectors.flagged_for_offices(regions, today)]
import datetime

from dudao.checks import todo_violations
from dudao.checks.models import RequestOutcome, RequestStatus, SupervisionRequest
from dudao.checks.todo_annual import register_annual_todo
from dudao.core.dates import local_date
from dudao.core.policy import PolicyTable
from dudao.core.registries import Todo
from dudao.core.scope import prefix_q

# requests


def requests_to_decide(user, today) -> list[Todo]:
    """因需督导: requests of the counties the user is the office of (exactly: not a city office above them) not
    decided yet. Due: submitted + checks.request_answer_days."""
    counties = set(RoleAssignment.objects.filter(user=user, role=Role.OFFICE).values_list("region_id", flat=True))
    counties = {c for c in counties if len(c) == 6 and not c.endswith("00")}
    if not counties:
        return []
    rows = list(SupervisionRequest.objects.filter(status=RequestStatus.SUBMITTED)
                .filter(prefix_q("region_code", sorted(counties)))
                .select_related("topic", "school", "unit").order_by("submitted_at", "id"))
    days = PolicyTable(["checks.request_answer_days"])
    url = url_for_pk("checks:request_detail")
    return [Todo(kind="checks.request_decide", title="处理督导申请", object=f"{r.target_name} · {r}", url=url(r.pk),
                 due=local_date(r.submitted_at) + datetime.timedelta(
                     days=int(days.get("checks.request_answer_days", r.region_code[:6]))),
                 key=f"checks.request:{r.pk}:decide", region_code=r.region_code) for r in rows]


def requests_to_visit(user, today) -> list[Todo]:
    """因需督导: accepted requests given to the user as the inspector who visits (outcome visit). Due: due_on."""
    rows = (SupervisionRequest.objects.filter(status=RequestStatus.ACCEPTED, outcome=RequestOutcome.VISIT,
                                              inspector__user_id=user.pk)
            .select_related("topic", "school", "unit").order_by("due_on", "id"))
    url = url_for_pk("checks:request_detail")
    return [Todo(kind="checks.request_visit", title="因需督导：到校专项督导", object=f"{r.target_name} · {r}",
                 url=url(r.pk), due=r.due_on, key=f"checks.request:{r.pk}:visit", region_code=r.region_code)
            for r in rows]


def register_todo() -> None:
    # rounds
    # fill
    # registry
    register_todo_source("checks.institution_flag", "民办机构预警", institutions_flagged, roles=(Role.OFFICE,), list_url="checks:institution_list")
    # annual
    register_annual_todo()
    # violations
    register_todo_source("checks.violation_verify", "违规行为核查", todo_violations.to_verify, roles=(Role.OFFICE,), list_url="checks:violation_list")
    register_todo_source("checks.violation_decide", "违规行为处理决定", todo_violations.to_decide, roles=(Role.UNIT,), list_url="checks:violation_list")
    register_todo_source("checks.violation_close", "违规查处办结", todo_violations.to_close, roles=(Role.OFFICE,), list_url="checks:violation_list")
    # requests
    register_todo_source("checks.request_decide", "督导申请待处理", requests_to_decide, roles=(Role.OFFICE,),
                         list_url="checks:request_list")
    register_todo_source("checks.request_visit", "因需督导待督导", requests_to_visit, roles=(Role.INSPECTOR,),
                         list_url="checks:request_list")
