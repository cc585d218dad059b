"""What quality registers with the lower layers, from its AppConfig.ready() (docs/architecture.md)."""

from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.core.registries import register_daily_job, register_page_section
from dudao.frameworks.sources import register_indicator_source
from dudao.quality import indicators
from dudao.quality.cockpit import register_cockpit
from dudao.quality.services.scores import pending_sweep
from dudao.quality.todo import register_todo
from dudao.quality.views.results import school_section
from dudao.quality.year import register_year

ACTION_LABELS = {
    "quality.round_create": "建立质量监测轮次",
    "quality.round_draw": "抽取“2+1”随机学科",
    "quality.round_publish": "发布质量监测结果",
    "quality.round_scored": "质量监测轮次成绩已导入",
    "quality.round_schools": "调整质量监测学校名单",
    "quality.scores_import": "导入学生成绩",
    "quality.external_upload": "上传国家（省、市）质量监测报告",
    "quality.findings_raise": "根据质量监测结果生成问题清单",
    "quality.reports_start": "生成质量监测报告",
    "quality.reports_retry": "重新生成质量监测报告",
}

POLICY_DEFAULTS = {
    "quality.pass_ratio": PolicyDefault(0.60, "合格线（占满分比例）", "DOMAIN.md §4b [MEM]"),
    "quality.excellent_ratio": PolicyDefault(0.85, "优秀线（占满分比例）", "DOMAIN.md §4b [MEM]"),
    "quality.low_ratio": PolicyDefault(0.40, "低分线（占满分比例）", "DOMAIN.md §4b [MEM]"),
    "quality.min_group_size": PolicyDefault(10, "学校、班级人数少于此数时不向学校展示其统计结果（仍计入全区）", "issue 19"),
    "quality.finding_pass_rate": PolicyDefault(60, "学校某学科合格率低于此值（%）时列入问题清单", "issue 19"),
}

# Data sources a framework check point can read (frameworks.sources): key → (label, resolver).
INDICATOR_SOURCES = {
    "quality.pass_rate": ("学业质量监测合格率（%）", indicators.pass_rate),
    "quality.mean": ("学业质量监测平均分", indicators.mean_score),
    "quality.value_added": ("学业质量监测增值评价（学校效应，分）", indicators.value_added_effect),
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    for key, (label, resolver) in INDICATOR_SOURCES.items():
        register_indicator_source(key, label, resolver, check=indicators.params_check)
    register_page_section("dashboard.school_detail", school_section)
    register_daily_job("quality_pending", pending_sweep, order=200)  # score files nobody confirmed
    register_year()  # plan links, calendar, key events, year figures, archive (dudao/quality/year.py)
    register_cockpit()  # the leader's cockpit and its map (dudao/quality/cockpit.py)
    register_todo()  # to-do items of the home pages and /api/v1/me/tasks (dudao/quality/todo.py)
