"""What planning registers with the lower layers, from its AppConfig.ready() (docs/architecture.md)."""

from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.core.registries import register_daily_job, register_year_lock
from dudao.planning.cockpit import register_cockpit
from dudao.planning.services.archive import year_locked_reason
from dudao.planning.services.chronicle import chronicle_daily
from dudao.planning.services.plans import plan_overdue_daily
from dudao.planning.todo import register_todo
from dudao.planning.year import register_year

ACTION_LABELS: dict[str, str] = {
    # 会议 (services/meetings.py)
    "planning.meeting_create": "登记会议",
    "planning.meeting_update": "修改会议",
    "planning.meeting_delete": "删除会议",
    "planning.minutes_set": "填写会议纪要",
    "planning.decision_add": "登记会议决定",
    "planning.decision_update": "修改会议决定",
    "planning.decision_delete": "删除会议决定",
    "planning.decision_to_task": "会议决定转为工作任务",
    "planning.decision_to_finding": "会议决定列入问题整改",
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
    # 行事历 (calendar)
    "calendar_feed.issue": "生成行事历订阅地址",
    # 大事记 (services/chronicle.py)
    "planning.chronicle_propose": "提出大事记建议",
    "planning.chronicle_accept": "采用大事记建议",
    "planning.chronicle_drop": "舍弃大事记建议",
    "planning.chronicle_restore": "恢复大事记建议",
    "planning.chronicle_create": "添加大事记",
    "planning.chronicle_update": "修改大事记",
    "planning.chronicle_delete": "删除大事记",
    # 督导档案 (services/archive.py)
    "planning.archive_export": "导出督导档案",
    "planning.archive_lock": "归档年度督导档案",
    "planning.archive_reopen": "重新开放已归档年度",
    # 简报 and 信息报送
    "briefing.create": "新建督导简报", "briefing.update": "修改督导简报标题", "briefing.section_add": "简报加入栏目",
    "briefing.section_update": "修改简报栏目", "briefing.section_move": "调整简报栏目顺序",
    "briefing.section_delete": "删除简报栏目", "briefing.issue": "印发督导简报", "briefing.publish": "公开督导简报",
    "submission.create": "登记信息报送", "submission.delete": "删除信息报送记录",
}

POLICY_DEFAULTS: dict[str, PolicyDefault] = {
    # 行事历 (calendar)
    "planning.school_entries_per_term": PolicyDefault(4, "每所学校每学期进校督导检查次数上限（严控督导频次）", "seed 004"),
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    register_daily_job("plan_overdue", plan_overdue_daily, order=300)  # 工作要点: overdue tasks → the owner's inbox
    register_daily_job("chronicle", chronicle_daily, order=300)  # 大事记 proposals from yesterday's key events
    register_year()  # plan links, calendar, key events, year figures, archive (dudao/planning/year.py)
    register_cockpit()  # the leader's cockpit and its map (dudao/planning/cockpit.py)
    register_todo()  # to-do items of the home pages and /api/v1/me/tasks (dudao/planning/todo.py)
    register_year_lock(year_locked_reason)  # 归档: refuse_if_archived in every app refuses a locked year
