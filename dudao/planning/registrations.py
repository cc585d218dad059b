"""What planning registers with the lower layers, from its AppConfig.ready() (docs/architecture.md)."""

from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.planning.year import register_year

ACTION_LABELS: dict[str, str] = {
    # 工作总结 (services/summary.py)
    "summary.request": "生成工作总结草稿",
    "summary.retry": "重新生成工作总结草稿",
}

POLICY_DEFAULTS: dict[str, PolicyDefault] = {
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    register_year()  # plan links, calendar, key events, year figures, archive (dudao/planning/year.py)
