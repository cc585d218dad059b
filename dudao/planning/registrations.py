"""What planning registers with the lower layers, from its AppConfig.ready() (docs/architecture.md)."""

from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.planning.year import register_year

ACTION_LABELS: dict[str, str] = {
    # 会议 (services/meetings.py)
    "planning.meeting_create": "登记会议",
    "planning.meeting_update": "修改会议",
    "planning.meeting_delete": "删除会议",
    "planning.minutes_set": "填写会议纪要",
    "planning.decision_add": "登记会议决定",
    "planning.decision_update": "修改会议决定",
    "planning.decision_delete": "删除会议决定",
    "planning.decision_to_task": "会议决定转为工作任务",
    "planning.decision_to_finding": "会议决定列入问题整改",
}

POLICY_DEFAULTS: dict[str, PolicyDefault] = {
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    register_year()  # plan links, calendar, key events, year figures, archive (dudao/planning/year.py)
