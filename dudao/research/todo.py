"""What research puts on people's to-do lists (工作台 and GET /api/v1/me/tasks), registered by register_todo(). Each
source runs a bounded number of queries, scoped by visible_to; see dudao/checks/todo.py for the shape. One block per
area: put imports at the top of the file, your functions in your block, your registration in register_todo()."""

from dudao.core.policy import policy_value
from dudao.core.registries import Todo, register_todo_source, url_for_pk
from dudao.core.roles import Role
from dudao.research.selectors import projects as project_selectors

# ---- calls ----

# ---- projects ----


def project_milestones_due(user, today) -> list[Todo]:
    """课题: the user's open milestones (as owner or member with an account) due within
    `research.project_todo_days` days or overdue. Two queries."""
    days = int(policy_value("research.project_todo_days"))
    url = url_for_pk("research:project_detail")
    return [Todo(kind="research.project_milestone", title=f"提交课题{m.title}" if m.status == "pending"
                 else f"修改后重新提交{m.title}", object=m.project.title, url=url(m.project_id), due=m.due_on,
                 key=f"research.milestone:{m.pk}:submit", region_code=m.project.region_id)
            for m in project_selectors.open_milestones_for_owner(user, today, days)]


def project_milestones_to_review(user, today) -> list[Todo]:
    """课题: submitted milestones the office reviews (no due date: as soon as possible)."""
    url = url_for_pk("research:project_detail")
    return [Todo(kind="research.project_review", title=f"评审课题{m.title}", object=m.project.title,
                 url=url(m.project_id), due=None, key=f"research.milestone:{m.pk}:review",
                 region_code=m.project.region_id)
            for m in project_selectors.submitted_for_office(user)]


def register_todo() -> None:
    # calls
    # projects
    register_todo_source("research.project_milestone", "课题节点", project_milestones_due,
                         roles=(Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.SCHOOL), list_url="research:project_list")
    register_todo_source("research.project_review", "课题评审", project_milestones_to_review, roles=(Role.OFFICE,),
                         list_url="research:project_list")
