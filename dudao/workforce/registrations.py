"""What workforce registers with the lower layers, from its AppConfig.ready() (docs/architecture.md). Each area keeps
its own block in each dict and in register(): append inside your block only."""

from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.workforce.todo import register_todo
from dudao.workforce.year import register_year

ACTION_LABELS: dict[str, str] = {
    # training
    # appointments
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
    # appointments
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
