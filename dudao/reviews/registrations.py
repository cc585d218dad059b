"""What reviews registers with the lower layers, from its AppConfig.ready() (docs/architecture.md)."""

from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.core.registries import register_daily_job, register_page_section
from dudao.reviews.services.uses import result_use_reminders
from dudao.reviews.views import uses as use_views
from dudao.reviews.year import register_year

ACTION_LABELS: dict[str, str] = {
    # uses
    "reviews.use_record": "登记督导结果运用",
    "reviews.use_update": "修改督导结果运用",
    "reviews.use_delete": "删除督导结果运用",
}

POLICY_DEFAULTS: dict[str, PolicyDefault] = {
    # uses
    "reviews.result_use_reminder_days": PolicyDefault(90, "不合格等督导结果出具后多少天仍未登记运用时提醒督导室（天）", "issue 21"),
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    register_year()
    # uses
    register_daily_job("result_use_reminders", result_use_reminders, order=300)  # 不合格结果 N 天未登记运用
    register_page_section("dashboard.school_detail", use_views.school_section)  # "result_uses_section"
    register_page_section("dashboard.unit_detail", use_views.unit_section)  # "result_uses_section"
