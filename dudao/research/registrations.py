"""What research registers with the lower layers, from its AppConfig.ready() (docs/architecture.md). Each area keeps
its own block in each dict and in register(): append inside your block only."""

from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.research.todo import register_todo
from dudao.research.year import register_year

ACTION_LABELS: dict[str, str] = {
    # calls
    # projects
}

POLICY_DEFAULTS: dict[str, PolicyDefault] = {
    # calls
    # projects
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    register_todo()
    register_year()
    # calls
    # projects
