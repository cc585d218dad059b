"""What checks registers with the lower layers, from its AppConfig.ready() (docs/architecture.md). Each area keeps
its own block in each dict and in register(): append inside your block only."""

from dudao.checks.cockpit import register_cockpit
from dudao.checks.todo import register_todo
from dudao.checks.views import institutions as institution_views
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
    "checks.summary_save": "修改专项检查领导摘要",
    "checks.bulletin_publish": "发布专项检查通报",
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
    "checks.report_photo_cap": PolicyDefault(30, "专项检查报告照片附件最多列出的照片张数（其余注明“另有 N 张未列出”）", "平台默认"),
    # registry
    "checks.licence_warning_days": PolicyDefault(60, "办学许可证到期前多少天起提示“即将到期”（天）", "issue 23"),
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
    # outputs
    # registry
    register_page_section("dashboard.school_detail", institution_views.school_section)  # "institution_section"
    # annual
    # violations
    # requests
