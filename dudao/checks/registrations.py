"""What checks registers with the lower layers, from its AppConfig.ready() (docs/architecture.md). Each area keeps
its own block in each dict and in register(): append inside your block only."""

from dudao.checks.cockpit import register_cockpit
from dudao.checks.todo import register_todo
from dudao.checks.views import fill as fill_views
from dudao.checks.year import register_year
from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.core.registries import register_page_section

ACTION_LABELS: dict[str, str] = {
    # rounds
    "checks.round_create": "创建专项检查",
    "checks.targets_add": "添加专项检查对象",
    # fill
    "checks.submit": "提交专项检查记录",
    "checks.fill_round_open": "开始专项检查",
    "checks.fill_round_closed": "结束专项检查",
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
    # fill
    register_page_section("zones.visit_detail", fill_views.visit_check_section)  # "check_section"
    # outputs
    # registry
    # annual
    # violations
    # requests
