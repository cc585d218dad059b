"""What frameworks registers with the lower layers, from its AppConfig.ready() (docs/architecture.md)."""

from dudao.core.models import register_action_labels

ACTION_LABELS = {
    "framework.create": "新建指标体系",
    "framework.edit": "修改指标体系",
    "framework.freeze": "指标体系定版",
    "framework.version": "指标体系新版本",
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
