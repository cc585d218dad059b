"""What research registers with the lower layers, from its AppConfig.ready() (docs/architecture.md). Each area keeps
its own block in each dict and in register(): append inside your block only."""

from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.core.registries import register_daily_job
from dudao.research.services.projects import milestone_reminders_daily
from dudao.research.todo import register_todo
from dudao.research.year import register_year

ACTION_LABELS: dict[str, str] = {
    # calls
    "call.create": "创建征集评选",
    "call.update": "修改征集评选",
    "call.open": "发布征集",
    "call.reviewing": "征集评选进入评审",
    "call.rated": "评定征集评选结果",
    "call.reopen": "征集评选退回评审中",
    "call.published": "公布征集评选结果",
    "call.award_adjust": "调整作品奖项",
    "call.expert_assign": "指派评审专家",
    "call.expert_remove": "移出评审专家",
    "call.entry_submit": "提交征集作品",
    "call.entry_withdraw": "撤回征集作品",
    "call.score": "专家评分（征集作品）",
    "call.score_edit": "修改专家评分（征集作品）",
    "call.score_refused": "拒绝回避作品的评分",
    "call.anthology": "生成文集",
    "call.anthology_done": "文集生成完成",
    # projects
    "research.project_create": "课题立项",
    "research.project_member_add": "添加课题成员",
    "research.project_member_remove": "移出课题成员",
    "research.milestone_add": "增加课题节点",
    "research.milestone_submit": "提交课题节点材料",
    "research.milestone_pass": "课题节点评审通过",
    "research.milestone_return": "课题节点退回修改",
    "research.project_conclude": "课题结题鉴定",
    "research.project_extend": "课题延期结题",
    "research.project_terminate": "终止课题",
}

POLICY_DEFAULTS: dict[str, PolicyDefault] = {
    # calls
    "research.call_trim_min_experts": PolicyDefault(
        5, "征集评选：评分专家达到该人数时去掉一个最高分和一个最低分后取平均",
        "常见评审办法（去掉最高分、最低分）；少于该人数时取全部专家的平均分"),
    "research.call_deadline_soon_days": PolicyDefault(
        7, "征集评选：截止前多少天在待办中提醒可投稿人员", "工作台提醒（本系统默认）"),
    # projects
    "research.project_remind_days": PolicyDefault(7, "课题节点截止前提醒天数", "平台默认：课题过程管理"),
    "research.project_todo_days": PolicyDefault(30, "课题节点进入负责人待办的提前天数", "平台默认：课题过程管理"),
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    register_todo()
    register_year()
    # calls
    # projects
    register_daily_job("project_milestones", milestone_reminders_daily, order=300)  # 课题节点到期/逾期 → 负责人
