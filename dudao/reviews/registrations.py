"""What reviews registers with the lower layers, from its AppConfig.ready() (docs/architecture.md)."""

from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.reviews.year import register_year

ACTION_LABELS: dict[str, str] = {
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
}

POLICY_DEFAULTS: dict[str, PolicyDefault] = {
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    register_year()
