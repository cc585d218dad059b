"""What planning registers with the lower layers, from its AppConfig.ready() (docs/architecture.md)."""

from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.core.registries import register_daily_job
from dudao.planning.services.plans import plan_overdue_daily
from dudao.planning.year import register_year

ACTION_LABELS: dict[str, str] = {
    # 工作总结 (services/summary.py)
    "summary.request": "生成工作总结草稿",
    "summary.retry": "重新生成工作总结草稿",
    # 工作要点 (services/plans.py, services/outline.py)
    "planning.plan_create": "新建工作要点",
    "planning.plan_update": "修改工作要点",
    "planning.plan_delete": "删除工作要点草稿",
    "planning.plan_publish": "发布工作要点",
    "planning.plan_copy": "复制上年工作要点",
    "planning.plan_import": "导入工作要点大纲",
    "planning.section_create": "新增工作要点部分",
    "planning.section_update": "修改工作要点部分",
    "planning.section_delete": "删除工作要点部分",
    "planning.task_create": "新增工作任务",
    "planning.task_update": "修改工作任务",
    "planning.task_delete": "删除工作任务",
    "planning.task_progress": "填写工作任务进展",
    "planning.task_link_add": "关联工作任务",
    "planning.task_link_remove": "取消工作任务关联",
}

POLICY_DEFAULTS: dict[str, PolicyDefault] = {
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    register_daily_job("plan_overdue", plan_overdue_daily, order=300)  # 工作要点: overdue tasks → the owner's inbox
    register_year()  # plan links, calendar, key events, year figures, archive (dudao/planning/year.py)
