"""What documents registers with the lower layers, from its AppConfig.ready() (docs/architecture.md)."""

from dudao.core.models import register_action_labels

ACTION_LABELS = {
    "document.template_upload": "上传文书模板",
    "document.template_refused": "拒绝上传不安全或有误的文书模板",
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
