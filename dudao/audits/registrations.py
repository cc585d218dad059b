"""What audits registers with the lower layers, from its AppConfig.ready() (docs/architecture.md). Each area keeps
its own block in each dict and in register(): append inside your block only."""

from dudao.audits.todo import register_todo
from dudao.audits.year import register_year
from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults

ACTION_LABELS: dict[str, str] = {
    # cases
    "audits.plan_create": "编制年度审计计划", "audits.plan_approve": "批准年度审计计划",
    "audits.case_create": "登记审计事项", "audits.case_update": "修改审计事项", "audits.case_start": "启动审计",
    "audits.case_close": "审计结案", "audits.team_add": "加入审计组成员", "audits.team_remove": "移出审计组成员",
    "audits.request_add": "提出审计资料清单", "audits.request_remove": "删除审计资料清单项",
    "audits.request_upload": "报送审计资料", "audits.finding_add": "登记审计发现问题",
    "audits.finding_remove": "删除审计发现问题", "audits.finding_raise": "审计发现问题转入整改",
    "audits.report_issue": "出具审计报告", "audits.report_publish": "公开审计报告",
    "audits.report_withdraw": "撤回公开的审计报告",
}

POLICY_DEFAULTS: dict[str, PolicyDefault] = {
    # cases
    "audits.plan_min": PolicyDefault(5, "年度审计计划：每年审计学校领导干部的最少人数", "工作计划000：每年审计5-10名离任或轮岗的学校领导干部"),
    "audits.plan_max": PolicyDefault(10, "年度审计计划：每年审计学校领导干部的最多人数", "工作计划000：每年审计5-10名离任或轮岗的学校领导干部"),
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    register_todo()
    register_year()
    # cases
