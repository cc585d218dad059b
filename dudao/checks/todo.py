"""What checks puts on people's to-do lists (工作台 and GET /api/v1/me/tasks). Registered by register_todo(),
called from registrations.register(). Each source runs a bounded number of queries, scoped by visible_to; see
dudao/inspections/todo.py for the shape. One block per area; append inside your block."""

from dudao.checks import todo_violations
from dudao.core.registries import register_todo_source
from dudao.core.roles import Role


def register_todo() -> None:
    # rounds
    # fill
    # registry
    # annual
    # violations
    register_todo_source("checks.violation_verify", "违规行为核查", todo_violations.to_verify, roles=(Role.OFFICE,), list_url="checks:violation_list")
    register_todo_source("checks.violation_decide", "违规行为处理决定", todo_violations.to_decide, roles=(Role.UNIT,), list_url="checks:violation_list")
    register_todo_source("checks.violation_close", "违规查处办结", todo_violations.to_close, roles=(Role.OFFICE,), list_url="checks:violation_list")
    # requests
    pass
