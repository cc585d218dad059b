"""What checks registers with the lower layers, from its AppConfig.ready() (docs/architecture.md). Each area keeps
its own block in each dict and in register(): append inside your block only."""

from dudao.checks.cockpit import register_cockpit
from dudao.checks.todo import register_todo
from dudao.checks.year import register_year
from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults

ACTION_LABELS: dict[str, str] = {
    # rounds
    "checks.round_create": "创建专项检查",
    "checks.targets_add": "添加专项检查对象",
    # fill
    "checks.submit": "提交专项检查记录",
    # outputs
    # registry
    "checks.institution_save": "修改民办机构登记信息",
    # annual
    "checks.annual_create": "创建年检",
    # violations
    "checks.violation_create": "登记违规行为",
    # requests
    "checks.request_submit": "提交督导申请",
    "checks.request_accept": "受理督导申请",
    "checks.request_decline": "不予受理督导申请",
    "checks.request_link_visit": "督导申请关联督导纪实",
    "checks.request_done": "督导申请完成督导",
    "checks.topic_create": "发布督导菜单主题",
    "checks.topic_update": "修改督导菜单主题",
    "checks.topic_deactivate": "停止督导菜单主题申请",
    "checks.topic_activate": "重新开放督导菜单主题",
    "checks.topic_move": "调整督导菜单顺序",
}

POLICY_DEFAULTS: dict[str, PolicyDefault] = {
    # rounds
    # fill
    # outputs
    # registry
    # annual
    # violations
    # requests
    "checks.request_answer_days": PolicyDefault(10, "督导室处理因需督导申请的期限（天，自提交之日起）", "因需督导 [LOCAL]"),
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    register_todo()
    register_cockpit()
    register_year()
    # rounds
    # fill
    # outputs
    # registry
    # annual
    # violations
    # requests
