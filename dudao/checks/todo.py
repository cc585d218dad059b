"""What checks puts on people's to-do lists (工作台 and GET /api/v1/me/tasks). Registered by register_todo(),
called from registrations.register(). Each source runs a bounded number of queries, scoped by visible_to; see
dudao/inspections/todo.py for the shape. One block per area; append inside your block."""

from dudao.checks.todo_annual import register_annual_todo


def register_todo() -> None:
    # rounds
    # fill
    # registry
    # annual
    register_annual_todo()
    # violations
    # requests
    pass
