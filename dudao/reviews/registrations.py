"""What reviews registers with the lower layers, from its AppConfig.ready() (docs/architecture.md)."""

from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.reviews.year import register_year

ACTION_LABELS: dict[str, str] = {
    # bulletin
    "bulletin.create": "新建教育督导公报", "bulletin.refresh": "重新提取公报数据", "bulletin.field_update": "修改公报项目",
    "bulletin.field_reset": "恢复公报项目为平台数据", "bulletin.field_add": "添加公报项目", "bulletin.field_delete": "删除公报项目",
    "bulletin.field_required": "设置公报项目是否必填", "bulletin.body_update": "修改公报正文", "bulletin.publish": "发布教育督导公报",
    "bulletin.withdraw": "撤回教育督导公报",
}

POLICY_DEFAULTS: dict[str, PolicyDefault] = {
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    register_year()
