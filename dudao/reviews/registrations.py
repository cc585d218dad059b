"""What reviews registers with the lower layers, from its AppConfig.ready() (docs/architecture.md)."""

from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.core.registries import register_page_section  # targets
from dudao.reviews.views.projects import target_members_section  # targets
from dudao.reviews.year import register_year

ACTION_LABELS: dict[str, str] = {
}

POLICY_DEFAULTS: dict[str, PolicyDefault] = {
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    register_year()
    register_page_section("inspections.target_detail", target_members_section)  # targets
