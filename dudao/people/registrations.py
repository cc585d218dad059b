"""What people registers with the lower layers, from its AppConfig.ready() (docs/architecture.md)."""

from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.core.registries import register_page_section
from dudao.people.views import school_supervisors_section
from dudao.people.year import register_year

ACTION_LABELS = {
    "inspector.create": "新增督学",
    "inspector.update": "修改督学信息",
    "inspector.status": "督学状态变更",
    "inspector.renew": "督学续聘",
    "training.add": "登记培训",
    "review.record": "录入年度考核",
    "expert.create": "新增专家",
    "expert.update": "修改专家信息",
    "people.import": "督学与专家导入",
    "supervisor.create": "新增学校督导管理员",
    "supervisor.update": "修改学校督导管理员",
    "supervisor.end": "学校督导管理员离任",
}


POLICY_DEFAULTS = {
    "people.training_hours_min": PolicyDefault(40, "督学年度培训学时下限", "督学管理暂行办法 [OK]"),
    "people.parttime_term_years": PolicyDefault(3, "兼职督学每届聘期（年）", "教育督导条例 §6"),
    "people.parttime_max_terms": PolicyDefault(3, "兼职督学最多连任届数", "教育督导条例 §6"),
    "people.term_warning_days": PolicyDefault(180, "聘期届满提前提醒天数", "平台默认"),
    "people.school_supervisors_max": PolicyDefault(2, "每校学校督导管理员人数上限", "督导工作要点：加强学校督导管理员队伍建设（每校1至2名）"),
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    register_page_section("dashboard.school_detail", school_supervisors_section)  # "supervisors_section"
    register_year()  # plan links, calendar, key events, year figures, archive (dudao/people/year.py)
