"""What rectification registers with the lower layers, from its AppConfig.ready() (docs/architecture.md)."""

from dudao.core.models import register_action_labels
from dudao.core.policy import PolicyDefault, register_policy_defaults
from dudao.core.registries import register_daily_job
from dudao.rectification import jobs
from dudao.rectification.cockpit import register_cockpit
from dudao.rectification.todo import register_todo
from dudao.rectification.year import register_year

ACTION_LABELS = {
    "finding.raise": "登记问题",
    "finding.update": "修改问题",
    "notice.issue": "下发整改通知书",
    "notice.acknowledge": "签收整改通知书",
    "notice.start": "开始整改",
    "notice.report": "提交整改报告",
    "notice.verify": "核查通过",
    "notice.return": "退回整改",
    "order.issue": "下达督办单",
    "order.respond": "主管部门反馈督办落实情况",
    "notice.file": "督学将整改报告报督导室备案",
    "talk.propose": "建议约谈",
    "talk.hold": "记录约谈",
    "talk.dismiss": "不予约谈",
    "case.file": "问责立案",
    "case.investigated": "问责调查认定",
    "case.notified": "问责书面告知",
    "case.defended": "问责陈述申辩",
    "case.reviewed": "问责审定",
    "case.decided": "作出问责决定",
    "commendation.record": "登记激励表彰",
    "recheck.draw": "回头看抽样",
    "recheck.record": "记录回头看结果",
    "finding.reopen": "回头看未通过，重新整改",
    "publication.publish": "发布公开信息",
    "publication.withdraw": "撤回公开信息",
    "case.filed": "问责立案",
}


POLICY_DEFAULTS = {
    "rectification.default_days": PolicyDefault(30, "整改通知书默认整改期限（天）", "各地整改制度"),
    "rectification.remind_days_before": PolicyDefault(3, "整改期限前提醒天数", "平台默认"),
    "rectification.file_workdays": PolicyDefault(3, "督学将整改报告报督导室备案（工作日）", "DOMAIN.md §5 整改通知书"),
    "rectification.verify_days": PolicyDefault(30, "收到整改报告后核查期限（天）", "DOMAIN.md §5（晋江 30 天）"),
    "rectification.order_days": PolicyDefault(15, "督办单办理期限（天）", "平台默认"),
    "rectification.talk_overdue_findings": PolicyDefault(3, "同一对象一年内逾期问题达到此数建议约谈", "seed 004 约谈制度"),
    "rectification.severe_repeat_cases": PolicyDefault(2, "一年内被问责达到此次数即从重（次）", "DOMAIN.md §4.6 问责办法 [1]"),
    "rectification.investigation_days": PolicyDefault(60, "问责立案后调查认定期限（天）", "DOMAIN.md §4.6 问责办法"),
    "rectification.school_department": PolicyDefault("", "学校的督办主管部门（单位编码；空则取学校主管部门或县级教育行政部门）", "本地设置"),
    "rectification.unit_department": PolicyDefault("", "政府单位的督办主管部门（单位编码；空则取县（区）人民政府）", "本地设置"),
}


def _deadlines(*, now) -> dict[str, int]:
    """The notice deadlines (reminders, 督办单, 约谈 proposals); looked up at run time, so a patched job runs."""
    return jobs.run_deadlines(now=now)


def register() -> None:
    register_action_labels(ACTION_LABELS)
    register_policy_defaults(POLICY_DEFAULTS)
    register_daily_job("deadlines", _deadlines, order=100)
    register_year()  # plan links, calendar, key events, year figures, archive (dudao/rectification/year.py)
    register_cockpit()  # the leader's cockpit and its map (dudao/rectification/cockpit.py)
    register_todo()  # to-do items of the home pages and /api/v1/me/tasks (dudao/rectification/todo.py)
