"""What surveys registers with the lower layers, from its AppConfig.ready() (docs/architecture.md)."""

from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.surveys.cockpit import register_cockpit
from dudao.surveys.todo import register_todo
from dudao.surveys.year import register_year

ACTION_LABELS = {
    "survey.questionnaire_create": "新建问卷",
    "survey.questionnaire_edit": "修改问卷",
    "survey.questionnaire_publish": "发布问卷",
    "survey.questionnaire_version": "问卷新版本",
    "survey.round_create": "发起满意度调查",
    "survey.round_close": "结束满意度调查",
    "survey.codes_generate": "生成调查码",
    "survey.response_exclude": "剔除问卷答卷",
    "survey.flagged_exclude": "剔除可疑答卷",
}


POLICY_DEFAULTS = {
    "surveys.satisfied_min": PolicyDefault(3, "满意度计为“满意”的最低等级（5 非常满意 … 1 非常不满意；3 即含基本满意）", "DOMAIN.md §1.4 [MEM]"),
    "surveys.severe_margin": PolicyDefault(0.15, "满意率低于达标线超过此幅度（如 0.15 即 15 个百分点）的，转成的问题记为较重",
                                           "平台默认"),
    "surveys.min_responses": PolicyDefault(10, "学校答卷少于此数时不公布该校结果", "平台默认（防止识别个人）"),
    "surveys.responses_per_ip_hour": PolicyDefault(200, "同一网络地址每小时可提交答卷数", "平台安全要求"),
    "surveys.burst_identical": PolicyDefault(5, "同一地址短时间内提交相同答卷达到此数即标记为疑似异常", "平台安全要求"),
    "surveys.burst_seconds": PolicyDefault(120, "识别集中提交相同答卷的时间窗口（秒）", "平台安全要求"),
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    register_year()  # plan links, calendar, key events, year figures, archive (dudao/surveys/year.py)
    register_cockpit()  # the leader's cockpit and its map (dudao/surveys/cockpit.py)
    register_todo()  # to-do items of the home pages and /api/v1/me/tasks (dudao/surveys/todo.py)
