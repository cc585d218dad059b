"""What checks registers with the lower layers, from its AppConfig.ready() (docs/architecture.md). Each area keeps
its own block in each dict and in register(): append inside your block only."""

from dudao.checks.cockpit import register_cockpit
from dudao.checks.todo import register_todo
from dudao.checks.views.violations import violations_section
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
    # outputs
    # registry
    "checks.institution_save": "修改民办机构登记信息",
    # annual
    "checks.annual_create": "创建年检",
    # violations
    "checks.violation_create": "登记违规行为",
    "checks.violation_verify": "核查违规行为（属实）",
    "checks.violation_unfounded": "核查违规行为（不属实）",
    "checks.violation_decide": "违规行为处理决定",
    "checks.violation_close": "违规查处整改办结",
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
    "checks.violation_rectify_days": PolicyDefault(30, "违规查处作出处理决定后的整改期限（天）", "本平台默认，可按地区调整"),
    "checks.violation_decide_days": PolicyDefault(15, "违规行为核查属实后负责部门作出处理决定的期限（自发现之日起，天）", "本平台默认，可按地区调整"),
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
    # outputs
    # registry
    # annual
    # violations
    register_page_section("dashboard.school_detail", violations_section)  # "violations_section"
    # requests
