"""What planning registers with the lower layers, from its AppConfig.ready() (docs/architecture.md)."""

from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.core.registries import register_daily_job
from dudao.planning.services.chronicle import chronicle_daily
from dudao.planning.year import register_year

ACTION_LABELS: dict[str, str] = {
    # 大事记 (services/chronicle.py)
    "planning.chronicle_propose": "提出大事记建议",
    "planning.chronicle_accept": "采用大事记建议",
    "planning.chronicle_drop": "舍弃大事记建议",
    "planning.chronicle_restore": "恢复大事记建议",
    "planning.chronicle_create": "添加大事记",
    "planning.chronicle_update": "修改大事记",
    "planning.chronicle_delete": "删除大事记",
}

POLICY_DEFAULTS: dict[str, PolicyDefault] = {
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    register_daily_job("chronicle", chronicle_daily, order=300)  # 大事记 proposals from yesterday's key events
    register_year()  # plan links, calendar, key events, year figures, archive (dudao/planning/year.py)
