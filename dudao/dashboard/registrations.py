"""What dashboard registers with the lower layers, from its AppConfig.ready() (docs/architecture.md)."""

from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.core.registries import register_daily_job, register_hook, register_page_section
from dudao.dashboard.selectors.todos import forget_actors_count, navigation_section
from dudao.dashboard.services.cockpit import daily_snapshots

ACTION_LABELS: dict[str, str] = {
    # area "cockpit"
    "cockpit.export": "导出驾驶舱",
}

POLICY_DEFAULTS: dict[str, PolicyDefault] = {
    # area "home"
    "dashboard.todo_soon_days": PolicyDefault(3, "工作台待办“即将到期”的天数（到期日在今天起此天数内）", "issue 22"),
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    # area "home": the navigation's 待办 count
    register_page_section("core.navigation", navigation_section)
    register_hook("audited", forget_actors_count)
    # area "cockpit": the nightly snapshots of every province, city and county, after every other daily job
    register_daily_job("cockpit", daily_snapshots, order=1000)
