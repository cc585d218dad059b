"""What planning registers with the lower layers, from its AppConfig.ready() (docs/architecture.md)."""

from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.planning.year import register_year

ACTION_LABELS: dict[str, str] = {
    # 行事历 (calendar)
    "calendar_feed.issue": "生成行事历订阅地址",
}

POLICY_DEFAULTS: dict[str, PolicyDefault] = {
    # 行事历 (calendar)
    "planning.school_entries_per_term": PolicyDefault(4, "每所学校每学期进校督导检查次数上限（严控督导频次）", "seed 004"),
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    register_year()  # plan links, calendar, key events, year figures, archive (dudao/planning/year.py)
