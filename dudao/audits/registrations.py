"""What audits registers with the lower layers, from its AppConfig.ready() (docs/architecture.md). Each area keeps
its own block in each dict and in register(): append inside your block only."""

from dudao.audits.todo import register_todo
from dudao.audits.year import register_year
from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults

ACTION_LABELS: dict[str, str] = {
    # cases
}

POLICY_DEFAULTS: dict[str, PolicyDefault] = {
    # cases
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    register_todo()
    register_year()
    # cases
