"""What workforce puts on people's to-do lists (工作台 and GET /api/v1/me/tasks), registered by register_todo(). Each
source runs a bounded number of queries, scoped by visible_to; see dudao/checks/todo.py for the shape. One block per
area: put imports at the top of the file, your functions in your block, your registration in register_todo()."""

from dudao.core.registries import register_todo_source  # noqa: F401
from dudao.workforce.todo_allowances import register_allowance_todo

# ---- training ----

# ---- appointments ----

# ---- allowances ----


def register_todo() -> None:
    # training
    # appointments
    # allowances
    register_allowance_todo()
