"""What checks puts on people's to-do lists (工作台 and GET /api/v1/me/tasks). Registered by register_todo(),
called from registrations.register(). Each source runs a bounded number of queries, scoped by visible_to; see
dudao/inspections/todo.py for the shape. One block per area; append inside your block."""


def register_todo() -> None:
    # rounds
    # fill
    # registry
    # annual
    # violations
    # requests
    pass
