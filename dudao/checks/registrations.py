"""What checks registers with the lower layers, from its AppConfig.ready() (docs/architecture.md). Each area keeps
its own block in each dict and in register(): append inside your block only."""

from dudao.checks.cockpit import register_cockpit
from dudao.checks.todo import register_todo
from dudao.checks.views import rounds as rounds_views
from dudao.checks.year import register_year
from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.core.registries import register_page_section

ACTION_LABELS: dict[str, str] = {
    # rounds
    "checks.round_create": "创建专项检查",
    "checks.targets_add": "添加专项检查对象",
    "checks.round_update": "修改专项检查",
    "checks.round_open": "开始专项检查",
    "checks.round_close": "结束专项检查",
    "checks.round_reopen": "重新开始专项检查",
    "checks.target_reassign": "改派专项检查督学",
    "checks.target_remove": "移除专项检查对象",
    "checks.template_copy": "复制检查清单样例",
    "checks.template_save": "修改检查清单模板",
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
}

POLICY_DEFAULTS: dict[str, PolicyDefault] = {
    # rounds
    # fill
    # outputs
    # registry
    # annual
    # violations
    # requests
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    register_todo()
    register_cockpit()
    register_year()
    # rounds
    register_page_section("dashboard.school_detail", rounds_views.school_checks_section)  # "checks_section"
    # fill
    # outputs
    # registry
    # annual
    # violations
    # requests
