"""What reviews registers with the lower layers, from its AppConfig.ready() (docs/architecture.md)."""

from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.core.registries import register_daily_job
from dudao.reviews.services.upward import review_due_daily
from dudao.reviews.year import register_year

ACTION_LABELS: dict[str, str] = {
    # upward
    "reviews.review_create": "登记迎检",
    "reviews.review_update": "修改迎检",
    "reviews.review_move": "变更迎检状态",
    "reviews.indicators_import": "导入迎检指标",
    "reviews.assignments_create": "分配迎检指标",
    "reviews.assignment_update": "修改迎检分工",
    "reviews.assignment_delete": "删除迎检分工",
    "reviews.evidence_submit": "提交迎检材料",
    "reviews.evidence_accept": "采纳迎检材料",
    "reviews.evidence_return": "退回迎检材料",
    "reviews.self_score": "填写迎检自评得分",
}

POLICY_DEFAULTS: dict[str, PolicyDefault] = {
    # upward
    "reviews.evidence_max_files": PolicyDefault(10, "迎检材料每版最多上传文件数", "平台要求"),
    "reviews.evidence_file_mb": PolicyDefault(20, "迎检材料单个文件大小上限（MB）", "平台安全要求"),
    "reviews.statement_max_chars": PolicyDefault(2000, "迎检材料情况说明字数上限", "平台要求"),
    "reviews.due_remind_days": PolicyDefault(3, "迎检材料截止前提醒天数", "平台要求"),
    "reviews.assignment_max_days": PolicyDefault(366, "迎检分工提交期限最多在多少天之后", "平台要求"),
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    register_year()
    register_daily_job("review_due", review_due_daily, order=300)  # upward: 迎检 materials due / overdue
