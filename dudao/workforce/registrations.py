"""What workforce registers with the lower layers, from its AppConfig.ready() (docs/architecture.md). Each area keeps
its own block in each dict and in register(): append inside your block only."""

from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.workforce.todo import register_todo
from dudao.workforce.year import register_year

ACTION_LABELS: dict[str, str] = {
    # training
    "workforce.training_event_create": "新建培训活动",
    "workforce.training_event_update": "修改培训活动",
    "workforce.training_event_transition": "培训活动状态变更",
    "workforce.training_session_add": "添加培训场次",
    "workforce.training_session_delete": "删除培训场次",
    "workforce.training_enrol": "培训报名",
    "workforce.training_withdraw": "退出培训",
    "workforce.training_sign_in": "培训签到",
    "workforce.training_complete": "培训结业并写入培训档案",
    # appointments
    "appointment.head": "指定督导室负责人（破格审批）",
    "appointment.create": "发起督学选聘",
    "appointment.recommend": "推荐督学人选",
    "appointment.withdraw": "撤回督学推荐",
    "appointment.review": "督学选聘资格审核",
    "appointment.except": "破格通过资格审核",
    "appointment.refuse": "资格审核不通过",
    "appointment.publish": "发布督学聘任公示",
    "appointment.objection": "登记公示异议",
    "appointment.objection_handle": "处理公示异议",
    "appointment.appoint": "任命督学",
    "appointment.cancel": "撤销督学选聘",
    # allowances
    "workforce.allowance_compute": "计算劳务补贴",
    "workforce.allowance_adjust": "劳务补贴人工调整",
    "workforce.allowance_adjust_remove": "删除劳务补贴人工调整",
    "workforce.allowance_review": "复核劳务补贴",
    "workforce.allowance_return": "退回劳务补贴",
    "workforce.allowance_approve": "批准劳务补贴",
    "workforce.allowance_delete": "删除劳务补贴月度",
}

POLICY_DEFAULTS: dict[str, PolicyDefault] = {
    # training
    "workforce.training_completion_percent": PolicyDefault(
        80, "培训结业要求：签到场次占全部场次的百分比（每个培训活动可另行设定）", "督学培训管理要求"),
    "workforce.training_qr_rotate_seconds": PolicyDefault(
        60, "签到二维码刷新间隔（秒）；二维码在两个间隔内有效", "平台安全要求"),
    "workforce.training_signin_early_minutes": PolicyDefault(30, "场次开始前可提前签到的分钟数", "督学培训管理要求"),
    "workforce.training_signin_late_minutes": PolicyDefault(0, "场次结束后仍可签到的分钟数", "督学培训管理要求"),
    # appointments
    "workforce.appointment_age_max": PolicyDefault(65, "督学选聘年龄上限（周岁，退休人员退休不超过5年且身体健康）",
                                                   "督学基本任职条件 [LOCAL]"),
    "workforce.publicity_workdays": PolicyDefault(5, "督学聘任公示期（工作日）", "督学管理暂行办法：推荐→审核→公示→公布 [LOCAL]"),
    "workforce.card_checks_per_hour": PolicyDefault(60, "同一地址每小时查验督学证次数上限", "平台安全要求"),
    # allowances
    "workforce.allowance_visit": PolicyDefault(0, "兼职督学劳务补贴：每次督导纪实（元，0 表示未设置）", "区督导工作意见（seed 004）：“妥善解决兼职督学因教育督导工作产生的通信、交通、食宿、劳务等费用”，未规定金额"),
    "workforce.allowance_half_day": PolicyDefault(0, "兼职督学劳务补贴：督导纪实每半天在校（元，0 表示未设置）", "区督导工作意见（seed 004）：“妥善解决兼职督学因教育督导工作产生的通信、交通、食宿、劳务等费用”，未规定金额"),
    "workforce.allowance_check": PolicyDefault(0, "兼职督学劳务补贴：每次专项检查（元，0 表示未设置）", "区督导工作意见（seed 004）：“妥善解决兼职督学因教育督导工作产生的通信、交通、食宿、劳务等费用”，未规定金额"),
    "workforce.allowance_inspection_day": PolicyDefault(
        0, "兼职督学劳务补贴：督导评估实地督导每天（元，0 表示未设置）", "区督导工作意见（seed 004）：“妥善解决兼职督学因教育督导工作产生的通信、交通、食宿、劳务等费用”，未规定金额"),
    "workforce.allowance_transport": PolicyDefault(0, "兼职督学交通补贴：每次往返（元，0 表示不发）", "区督导工作意见（seed 004）：“妥善解决兼职督学因教育督导工作产生的通信、交通、食宿、劳务等费用”，未规定金额"),
    "workforce.allowance_monthly_cap": PolicyDefault(0, "兼职督学劳务补贴每人每月上限（元，0 表示不设上限）", "区督导工作意见（seed 004）：“妥善解决兼职督学因教育督导工作产生的通信、交通、食宿、劳务等费用”，未规定金额"),
    "workforce.allowance_half_day_minutes": PolicyDefault(240, "劳务补贴按半天计算时，半天的在校时长（分钟）", "平台约定：4 小时为半天"),
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    register_todo()
    register_year()
    # training
    # appointments
    # allowances
