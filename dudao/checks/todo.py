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
from dudao.checks.todo_annual import register_annual_todo

from dudao.checks import todo_violations
from dudao.core.registries import register_todo_source
from dudao.core.roles import Role


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
    pass
