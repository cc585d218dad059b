"""What inspections registers with the lower layers, from its AppConfig.ready() (docs/architecture.md)."""

from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.inspections.cockpit import register_cockpit
from dudao.inspections.todo import register_todo
from dudao.inspections.year import register_year

ACTION_LABELS = {
    "inspection.batch_start": "批量生成督导意见书",
    "inspection.batch_retry": "重试批量生成督导意见书",
    "inspection.create": "建立督导项目",
    "inspection.targets": "添加督导对象",
    "inspection.team": "调整督导组",
    "inspection.advance": "督导项目转阶段",
    "inspection.notice_number": "设置督导通知文号",
    "inspection.score": "督导评分",
    "inspection.self_score": "自评评分",
    "inspection.materials": "提交自评材料",
    "inspection.materials_review": "审核自评材料",
    "inspection.leaf_evidence": "上传考查要点佐证",
    "inspection.opinion_save": "保存督导意见书",
    "inspection.followup": "安排回访督导",
    "inspection.appeal": "提出申辩",
    "inspection.appeal_respond": "答复申辩",
    "inspection.annual_levels": "年度考核按名额定等级",
}


POLICY_DEFAULTS = {
    "inspections.appeal_days": PolicyDefault(15, "督导意见反馈后申辩（复核）期限（天）", "DOMAIN.md §4.2 [LOCAL S30]"),
    "inspections.followup_months": PolicyDefault({"comprehensive": 12, "special": 6, "development": 12},
                                                 "出具意见书后安排回访的间隔（月，按督导类型）", "DOMAIN.md §4.2；seed 回访"),
    "inspections.concurrent_projects_max": PolicyDefault(3, "同一人同时参加进行中督导项目数提示线", "平台默认"),
    "inspections.annual_quota_excellent": PolicyDefault(0.30, "年度综合目标考核“优秀”比例上限（0—1，按排名向下取整）",
                                                        "issue 21；seed 000 年度综合目标考核"),
    "inspections.annual_quota_good": PolicyDefault(0.40, "年度综合目标考核“良好”比例上限（0—1）", "issue 21；平台默认"),
    "inspections.annual_min_share_excellent": PolicyDefault(0.0, "年度综合目标考核“优秀”比例下限（0—1，不能满足时说明原因）",
                                                            "平台默认"),
    "inspections.annual_pass_score": PolicyDefault(60, "年度综合目标考核合格分数线（低于此分为“不合格”，不占名额）", "平台默认"),
}


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    register_year()  # plan links, calendar, key events, year figures, archive (dudao/inspections/year.py)
    register_cockpit()  # the leader's cockpit and its map (dudao/inspections/cockpit.py)
    register_todo()  # to-do items of the home pages and /api/v1/me/tasks (dudao/inspections/todo.py)
