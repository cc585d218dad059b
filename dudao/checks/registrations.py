"""What checks registers with the lower layers, from its AppConfig.ready() (docs/architecture.md). Each area keeps
its own block in each dict and in register(): append inside your block only."""

from dudao.checks.cockpit import register_cockpit
from dudao.checks.todo import register_todo
from dudao.checks.views import annual as annual_views
from dudao.checks.views import fill as fill_views
from dudao.checks.views import institutions as institution_views
from dudao.checks.views import rounds as rounds_views
from dudao.checks.views.violations import violations_section
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
    "checks.summary_save": "修改专项检查领导摘要",
    "checks.bulletin_publish": "发布专项检查通报",
    # registry
    "checks.institution_save": "修改民办机构登记信息",
    # annual
    "checks.annual_create": "创建年检",
    "checks.annual_requirement_add": "添加年检材料要求",
    "checks.annual_requirement_remove": "删除年检材料要求",
    "checks.annual_requirement_toggle": "修改年检材料是否必交",
    "checks.annual_open": "开始年检填报",
    "checks.annual_close": "结束年检填报",
    "checks.annual_upload": "上传年检材料",
    "checks.annual_save": "暂存年检自查报告",
    "checks.annual_submit": "提交年检自查报告",
    "checks.annual_assign": "安排年检评审人",
    "checks.annual_return": "退回年检报告补正",
    "checks.annual_score": "年检评分",
    "checks.annual_result": "评定年检结论",
    "checks.annual_publish": "公布年检结果",
    # violations
    "checks.violation_create": "登记违规行为",
    "checks.violation_verify": "核查违规行为（属实）",
    "checks.violation_unfounded": "核查违规行为（不属实）",
    "checks.violation_decide": "违规行为处理决定",
    "checks.violation_close": "违规查处整改办结",
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
    "checks.report_photo_cap": PolicyDefault(30, "专项检查报告照片附件最多列出的照片张数（其余注明“另有 N 张未列出”）", "平台默认"),
    # registry
    "checks.licence_warning_days": PolicyDefault(60, "办学许可证到期前多少天起提示“即将到期”（天）", "issue 23"),
    # annual
    # violations
    "checks.violation_rectify_days": PolicyDefault(30, "违规查处作出处理决定后的整改期限（天）", "本平台默认，可按地区调整"),
    "checks.violation_decide_days": PolicyDefault(15, "违规行为核查属实后负责部门作出处理决定的期限（自发现之日起，天）", "本平台默认，可按地区调整"),
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
    register_page_section("dashboard.school_detail", rounds_views.school_checks_section)  # "checks_section"
    # fill
    register_page_section("zones.visit_detail", fill_views.visit_check_section)  # "check_section"
    # outputs
    # registry
    register_page_section("dashboard.school_detail", institution_views.school_section)  # "institution_section"
    # annual
    register_page_section("dashboard.school_detail", annual_views.school_section)  # "annual_section"
    # violations
    register_page_section("dashboard.school_detail", violations_section)  # "violations_section"
    # requests
