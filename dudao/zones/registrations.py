"""What zones registers with the lower layers, from its AppConfig.ready() (docs/architecture.md)."""

from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.core.registries import register_hook, register_page_section, register_responsible_people
from dudao.core.scope import register_scope_source
from dudao.zones.cockpit import register_cockpit
from dudao.zones.selectors import inspector_assignments_section, inspector_scope, responsible_user_ids
from dudao.zones.services import assert_no_self_assignment, assignments_end_for_inspector
from dudao.zones.todo import register_todo
from dudao.zones.year import register_year

ACTION_LABELS = {
    "zone.create": "新增责任区",
    "zone.update": "修改责任区",
    "assignment.set": "挂牌责任督学",
    "assignment.end": "结束挂牌",
    "visit.submit": "提交督导纪实",
    "visit.photo": "补充督导照片",
    "visit.sign": "学校签收督导纪实",
    "cross.create": "安排交叉督导",
    "complaint.receive": "受理投诉举报",
    "complaint.advance": "办理投诉举报",
}


POLICY_DEFAULTS = {
    "zones.schools_per_inspector": PolicyDefault(5, "每名责任督学负责学校数上限", "挂牌督导办法 1:5 [OK]"),
    "zones.large_school_enrolment": PolicyDefault(2000, "大规模学校在校生数（1:1 配备）", "DOMAIN.md §4.5 [LOCAL]"),
    "zones.fulltime_share_min": PolicyDefault(0.30, "专职督学占比下限", "督导体制机制改革意见 [MEM]"),
    "zones.retired_parttime_share_max": PolicyDefault(0.40, "退休人员占兼职督学比例上限", "地方配备要求 [LOCAL]"),
    "zones.retired_years_max": PolicyDefault(5, "退休督学退休年限上限（年）", "地方配备要求 [LOCAL]"),
    "zones.zone_size_max": PolicyDefault(20, "每个督学责任区学校数上限", "DOMAIN.md §4.3（2012）"),
    "zones.visits_per_month_min": PolicyDefault(1, "每校每月责任督学走访次数下限", "挂牌督导办法 [OK]"),
    "zones.visits_per_semester_min": PolicyDefault(2, "每校每学期督导次数下限", "教育督导条例 §14"),
    "zones.vacation_months": PolicyDefault([2, 7, 8], "不要求月度走访的假期月份", "各地校历"),
    "zones.cross_visits_per_semester_min": PolicyDefault(1, "每个责任区每学期接受交叉督导次数下限", "seed 003"),
    "zones.visit_max_hours": PolicyDefault(16, "单次督导在校时长上限（小时，超出视为填错）", "平台默认"),
    "zones.complaint_phone": PolicyDefault("", "挂牌公示监督（投诉）电话", "本地设置"),
    "zones.public_complaints_per_hour": PolicyDefault(5, "公示页同一来源每小时可提交投诉数", "平台安全要求"),
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    register_scope_source(inspector_scope)
    register_responsible_people(responsible_user_ids)
    register_hook("inspector_saved", assert_no_self_assignment)
    register_hook("inspector_left", assignments_end_for_inspector)
    register_page_section("people.inspector_detail", inspector_assignments_section)
    register_year()  # plan links, calendar, key events, year figures, archive (dudao/zones/year.py)
    register_cockpit()  # the leader's cockpit and its map (dudao/zones/cockpit.py)
    register_todo()  # to-do items of the home pages and /api/v1/me/tasks (dudao/zones/todo.py)
