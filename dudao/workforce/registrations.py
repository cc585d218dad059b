"""What workforce registers with the lower layers, from its AppConfig.ready() (docs/architecture.md). Each area keeps
its own block in each dict and in register(): append inside your block only."""

from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.workforce.todo import register_todo
from dudao.workforce.year import register_year

ACTION_LABELS: dict[str, str] = {
    # training
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
}

POLICY_DEFAULTS: dict[str, PolicyDefault] = {
    # training
    # appointments
    "workforce.appointment_age_max": PolicyDefault(65, "督学选聘年龄上限（周岁，退休人员退休不超过5年且身体健康）",
                                                   "督学基本任职条件 [LOCAL]"),
    "workforce.publicity_workdays": PolicyDefault(5, "督学聘任公示期（工作日）", "督学管理暂行办法：推荐→审核→公示→公布 [LOCAL]"),
    "workforce.card_checks_per_hour": PolicyDefault(60, "同一地址每小时查验督学证次数上限", "平台安全要求"),
    # allowances
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    register_todo()
    register_year()
    # training
    # appointments
    # allowances
