"""What research registers with the lower layers, from its AppConfig.ready() (docs/architecture.md). Each area keeps
its own block in each dict and in register(): append inside your block only."""

from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
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
}

POLICY_DEFAULTS: dict[str, PolicyDefault] = {
    # calls
    "research.call_trim_min_experts": PolicyDefault(
        5, "征集评选：评分专家达到该人数时去掉一个最高分和一个最低分后取平均",
        "常见评审办法（去掉最高分、最低分）；少于该人数时取全部专家的平均分"),
    "research.call_deadline_soon_days": PolicyDefault(
        7, "征集评选：截止前多少天在待办中提醒可投稿人员", "工作台提醒（本系统默认）"),
    # projects
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    register_todo()
    register_year()
    # calls
    # projects
