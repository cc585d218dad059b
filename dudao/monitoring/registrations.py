"""What monitoring registers with the lower layers, from its AppConfig.ready() (docs/architecture.md)."""

from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.core.registries import register_daily_job
from dudao.monitoring.campaigns import overdue_to_findings_daily
from dudao.monitoring.cockpit import register_cockpit
from dudao.monitoring.engine import DEFAULT_CV_LIMITS, DEFAULT_SPLIT_WEIGHTS, DEFAULT_STANDARDS
from dudao.monitoring.guarantee import DEFAULT_LIMITS as GUARANTEE_LIMITS
from dudao.monitoring.preschool import DEFAULT_LIMITS as PRESCHOOL_LIMITS
from dudao.monitoring.preschool import DEFAULT_SPACE as PRESCHOOL_SPACE
from dudao.monitoring.todo import register_todo
from dudao.monitoring.year import register_year

ACTION_LABELS = {
    "monitoring.campaign_create": "建立监测工作",
    "monitoring.task_add": "分派监测任务",
    "monitoring.task_progress": "更新监测任务进度",
    "monitoring.county_inputs": "填报县级监测数据",
    "monitoring.guarantee_evidence": "上传保障指标佐证",
    "monitoring.stats_import": "导入监测统计数据",
}


POLICY_DEFAULTS = {
    "monitoring.balanced_standards": PolicyDefault(DEFAULT_STANDARDS, "优质均衡资源配置 7 项指标标准（小学、初中）", "DOMAIN.md §1.1 教督〔2017〕6号 [OK]"),
    "monitoring.balanced_cv_limits": PolicyDefault(DEFAULT_CV_LIMITS, "优质均衡校际差异系数上限（小学、初中）", "DOMAIN.md §1.1 [OK]"),
    "monitoring.balanced_min_met": PolicyDefault(6, "每所学校至少达标的资源指标项数", "DOMAIN.md §1.1 [OK]"),
    "monitoring.balanced_floor_ratio": PolicyDefault(0.85, "未达标指标不得低于标准的比例", "DOMAIN.md §1.1 [OK]"),
    "monitoring.split_weights": PolicyDefault(DEFAULT_SPLIT_WEIGHTS, "一贯制、完全中学资源拆分权重（小学:初中:高中）", "DOMAIN.md §1.1 [1]"),
    "monitoring.teaching_point_min_students": PolicyDefault(50, "参与计算的教学点最少在校生数", "DOMAIN.md §1 [1]"),
    "monitoring.guarantee_limits": PolicyDefault(GUARANTEE_LIMITS, "优质均衡政府保障与教育质量数值标准（规模、班额、专用教室、交流轮岗、持证率、巩固率、社会认可度）", "DOMAIN.md §1.2—1.4 [OK]/[MEM]"),
    "monitoring.preschool_limits": PolicyDefault(PRESCHOOL_LIMITS, "学前普及普惠：毛入园率、普惠覆盖率、公办园占比、班额达标率下限", "DOMAIN.md §2 [OK]（河南毛入园率 90% [LOCAL]）"),
    "monitoring.preschool_children_per_teacher": PolicyDefault(15, "幼儿园每名专任教师对应幼儿数上限", "DOMAIN.md §2 S11 [1]"),
    "monitoring.preschool_space": PolicyDefault(PRESCHOOL_SPACE, "幼儿园生均户外场地、活动室、园舍建筑面积（㎡）", "DOMAIN.md §2 S11 [1]"),
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    # Before rectification's deadlines (order 100): today's findings are in the ledger first.
    register_daily_job("campaign", overdue_to_findings_daily, order=10)
    register_year()  # plan links, calendar, key events, year figures, archive (dudao/monitoring/year.py)
    register_cockpit()  # the leader's cockpit and its map (dudao/monitoring/cockpit.py)
    register_todo()  # to-do items of the home pages and /api/v1/me/tasks (dudao/monitoring/todo.py)
