"""What reviews registers with the lower layers, from its AppConfig.ready() (docs/architecture.md)."""

from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.core.registries import register_daily_job, register_page_section
from dudao.reviews.cockpit import register_cockpit
from dudao.reviews.services.upward import review_due_daily
from dudao.reviews.services.uses import result_use_reminders
from dudao.reviews.todo import register_todo
from dudao.reviews.views import uses as use_views
from dudao.reviews.views.projects import target_members_section
from dudao.reviews.year import register_year

ACTION_LABELS: dict[str, str] = {
    # upward
    "reviews.review_create": "登记迎检",
    "reviews.review_update": "修改迎检",
    "reviews.review_move": "变更迎检状态",
    "reviews.indicators_import": "导入迎检指标",
    "reviews.assignments_create": "分配迎检指标",
    "reviews.assignment_update": "修改迎检分工",
    "reviews.assignment_delete": "删除迎检分工",
    "reviews.evidence_submit": "提交迎检材料",
    "reviews.evidence_accept": "采纳迎检材料",
    "reviews.evidence_return": "退回迎检材料",
    "reviews.self_score": "填写迎检自评得分",
    # outputs
    "reviews.report_save": "保存自评报告",
    "reviews.report_draft": "生成自评报告初稿",
    "reviews.package_start": "生成印证材料包",
    "reviews.visit_add": "添加实地督查日程",
    "reviews.visit_update": "修改实地督查日程",
    "reviews.visit_delete": "删除实地督查日程",
    "reviews.problem_import": "导入上级反馈问题清单",
    "reviews.recheck_create": "发起复查",
    # committee
    "reviews.committee_create": "建立督导委员会",
    "reviews.committee_update": "修改督导委员会",
    "reviews.committee_import": "导入督导委员会成员和职责",
    "reviews.member_add": "添加督导委员会成员单位",
    "reviews.member_update": "修改督导委员会成员单位",
    "reviews.member_deactivate": "停用督导委员会成员单位",
    "reviews.member_activate": "恢复督导委员会成员单位",
    "reviews.member_delete": "删除督导委员会成员单位",
    "reviews.duty_add": "添加成员单位职责",
    "reviews.duty_update": "修改成员单位职责",
    "reviews.duty_delete": "删除成员单位职责",
    "reviews.duty_move": "调整成员单位职责顺序",
    # rating
    "reviews.session_create": "创建述职评议",
    "reviews.session_update": "修改述职评议",
    "reviews.session_open": "开始述职评议",
    "reviews.session_close": "结束述职评议并汇总",
    "reviews.session_reopen": "重新开放述职评议",
    "reviews.session_publish": "公布述职评议结果",
    "reviews.session_unpublish": "撤回述职评议结果",
    "reviews.reporters_add": "添加述职单位",
    "reviews.reporter_remove": "移除述职单位",
    "reviews.reporter_move": "调整述职顺序",
    "reviews.report_upload": "上传述职报告",
    "reviews.rater_add": "添加评议人",
    "reviews.rater_remove": "移除评议人",
    "reviews.rater_reissue": "重新生成评议链接",
    "reviews.rating_save": "保存述职评议评分",
    "reviews.rating_submit": "提交述职评议评分",
    "reviews.findings_raise": "述职评议低分项列入问题整改",
    # bulletin
    "bulletin.create": "新建教育督导公报", "bulletin.refresh": "重新提取公报数据", "bulletin.field_update": "修改公报项目",
    "bulletin.field_reset": "恢复公报项目为平台数据", "bulletin.field_add": "添加公报项目", "bulletin.field_delete": "删除公报项目",
    "bulletin.field_required": "设置公报项目是否必填", "bulletin.body_update": "修改公报正文", "bulletin.publish": "发布教育督导公报",
    "bulletin.withdraw": "撤回教育督导公报",
    # uses
    "reviews.use_record": "登记督导结果运用",
    "reviews.use_update": "修改督导结果运用",
    "reviews.use_delete": "删除督导结果运用",
}

POLICY_DEFAULTS: dict[str, PolicyDefault] = {
    # upward
    "reviews.evidence_max_files": PolicyDefault(10, "迎检材料每版最多上传文件数", "平台要求"),
    "reviews.evidence_file_mb": PolicyDefault(20, "迎检材料单个文件大小上限（MB）", "平台安全要求"),
    "reviews.statement_max_chars": PolicyDefault(2000, "迎检材料情况说明字数上限", "平台要求"),
    "reviews.due_remind_days": PolicyDefault(3, "迎检材料截止前提醒天数", "平台要求"),
    "reviews.assignment_max_days": PolicyDefault(366, "迎检分工提交期限最多在多少天之后", "平台要求"),
    # rating
    "reviews.rating_min_raters": PolicyDefault(5, "述职评议每个述职单位的最少有效评议人数（不足时结果标注）", "平台默认"),
    "reviews.rating_low_threshold": PolicyDefault(0.6, "述职评议考查要点得分率低于此值列为低分项（可列入问题整改）", "平台默认"),
    "reviews.rating_requests_per_hour": PolicyDefault(3000, "述职评议评分页同一地址每小时请求上限（会场共用网络，宜宽松）", "平台安全要求"),
    "reviews.rating_bad_keys_per_hour": PolicyDefault(20, "述职评议评分页同一地址每小时无效链接次数上限（超过即暂停该地址）", "平台安全要求"),
    # uses
    "reviews.result_use_reminder_days": PolicyDefault(90, "不合格等督导结果出具后多少天仍未登记运用时提醒督导室（天）", "issue 21"),
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    register_year()  # plan links, calendar, key events, year figures, archive (dudao/reviews/year.py)
    register_cockpit()  # the leader's cockpit and its map (dudao/reviews/cockpit.py)
    register_todo()  # to-do items of the home pages and /api/v1/me/tasks (dudao/reviews/todo.py)
    register_daily_job("review_due", review_due_daily, order=300)  # 迎检 materials due / overdue → assignees
    register_daily_job("result_use_reminders", result_use_reminders, order=300)  # 不合格结果 N 天未登记运用 → office
    register_page_section("dashboard.school_detail", use_views.school_section)  # "result_uses_section"
    register_page_section("dashboard.unit_detail", use_views.unit_section)  # "result_uses_section"
    register_page_section("inspections.target_detail", target_members_section)  # a group's or project's schools
    register_page_section("inspections.target_detail", use_views.target_section)  # "result_uses_html"
