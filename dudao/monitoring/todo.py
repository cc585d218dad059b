"""What monitoring puts on people's to-do lists (工作台 and GET /api/v1/me/tasks). Registered by register_todo(),
called from registrations.register(). Each source runs a bounded number of queries, scoped by visible_to; see
dudao/inspections/todo.py for the shape.

Statistics imports leave nothing waiting: a file with warnings is refused until its uploader confirms it in the
same request (StatsImport keeps the warnings already confirmed), so there is no "import to confirm" item."""

from django.db.models import Q

from dudao.core.models import RoleAssignment
from dudao.core.registries import Todo, register_todo_source, url_for_pk
from dudao.core.roles import Role
from dudao.monitoring.models import CampaignTask


def campaign_tasks(user, today) -> list[Todo]:
    """创建任务: open tasks (not done) of 创建 campaigns whose responsible department or school is the user's own
    (a unit or school role): report progress, 100% with evidence completes it. Due: the task's 完成时限 (an
    overdue task also becomes a finding, which rectification lists)."""
    rows = list(RoleAssignment.objects.filter(user=user, role__in=[Role.SCHOOL, Role.UNIT])
                .values_list("school_id", "unit_id"))
    schools = {s for s, _u in rows if s}
    units = {u for _s, u in rows if u}
    if not (schools or units):
        return []
    tasks = (CampaignTask.objects.visible_to(user).filter(Q(school_id__in=schools) | Q(unit_id__in=units),
                                                          done_at__isnull=True)
             .select_related("campaign", "school", "unit").order_by("deadline", "pk"))
    url = url_for_pk("monitoring:task_detail")
    return [Todo(kind="monitoring.campaign_task", title=f"报告创建任务进展（{task.progress}%）",
                 object=f"{task.title} · {task.campaign.name}", url=url(task.pk), due=task.deadline,
                 key=f"monitoring.task:{task.pk}", region_code=task.region_code) for task in tasks]


def register_todo() -> None:
    register_todo_source("monitoring.campaign_task", "创建任务", campaign_tasks, roles=(Role.SCHOOL, Role.UNIT),
                         list_url="monitoring:campaign_list")
