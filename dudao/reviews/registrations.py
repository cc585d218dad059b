"""What reviews registers with the lower layers, from its AppConfig.ready() (docs/architecture.md)."""

from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.reviews.year import register_year

ACTION_LABELS: dict[str, str] = {
    # outputs
    "reviews.report_save": "保存自评报告",
    "reviews.report_draft": "生成自评报告初稿",
    "reviews.package_start": "生成印证材料包",
    "reviews.visit_add": "添加实地督查日程",
    "reviews.visit_update": "修改实地督查日程",
    "reviews.visit_delete": "删除实地督查日程",
    "reviews.problem_import": "导入上级反馈问题清单",
    "reviews.recheck_create": "发起复查",
}

POLICY_DEFAULTS: dict[str, PolicyDefault] = {
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    register_year()
