"""What workforce registers with the lower layers, from its AppConfig.ready() (docs/architecture.md). Each area keeps
its own block in each dict and in register(): append inside your block only."""

from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.workforce.todo import register_todo
from dudao.workforce.year import register_year

ACTION_LABELS: dict[str, str] = {
    # training
    "workforce.training_event_create": "新建培训活动",
    "workforce.training_event_update": "修改培训活动",
    "workforce.training_event_transition": "培训活动状态变更",
    "workforce.training_session_add": "添加培训场次",
    "workforce.training_session_delete": "删除培训场次",
    "workforce.training_enrol": "培训报名",
    "workforce.training_withdraw": "退出培训",
    "workforce.training_sign_in": "培训签到",
    "workforce.training_complete": "培训结业并写入培训档案",
    # appointments
    # allowances
}

POLICY_DEFAULTS: dict[str, PolicyDefault] = {
    # training
    "workforce.training_completion_percent": PolicyDefault(
        80, "培训结业要求：签到场次占全部场次的百分比（每个培训活动可另行设定）", "督学培训管理要求"),
    "workforce.training_qr_rotate_seconds": PolicyDefault(
        60, "签到二维码刷新间隔（秒）；二维码在两个间隔内有效", "平台安全要求"),
    "workforce.training_signin_early_minutes": PolicyDefault(30, "场次开始前可提前签到的分钟数", "督学培训管理要求"),
    "workforce.training_signin_late_minutes": PolicyDefault(0, "场次结束后仍可签到的分钟数", "督学培训管理要求"),
    # appointments
    # allowances
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    register_todo()
    register_year()
    # training
    # appointments
    # allowances
