"""What planning registers with the lower layers, from its AppConfig.ready() (docs/architecture.md)."""

from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.core.registries import register_year_lock
from dudao.planning.services.archive import year_locked_reason
from dudao.planning.year import register_year

ACTION_LABELS: dict[str, str] = {
    # 督导档案 (services/archive.py)
    "planning.archive_export": "导出督导档案",
    "planning.archive_lock": "归档年度督导档案",
    "planning.archive_reopen": "重新开放已归档年度",
    # 简报 and 信息报送
    "briefing.create": "新建督导简报", "briefing.update": "修改督导简报标题", "briefing.section_add": "简报加入栏目",
    "briefing.section_update": "修改简报栏目", "briefing.section_move": "调整简报栏目顺序",
    "briefing.section_delete": "删除简报栏目", "briefing.issue": "印发督导简报", "briefing.publish": "公开督导简报",
    "submission.create": "登记信息报送", "submission.delete": "删除信息报送记录",
}

POLICY_DEFAULTS: dict[str, PolicyDefault] = {
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    register_year()  # plan links, calendar, key events, year figures, archive (dudao/planning/year.py)
    register_year_lock(year_locked_reason)  # 归档: refuse_if_archived in every app refuses a locked year
