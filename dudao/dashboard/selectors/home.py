"""What each role's home page (工作台) shows: the to-do list grouped by urgency, the next 14 days of the 行事历,
and the few figures each role owns, read through the other apps' own scoped selectors so a figure equals what
the module's page shows. A user with several roles sees every role's part, once."""

import datetime
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from dudao.core.models import Role
from dudao.core.scope import scope_for
from dudao.dashboard.selectors.todos import TodoList, todo_list
from dudao.inspections.models import Inspection, Target
from dudao.inspections.services import SCORING_STAGES
from dudao.planning.selectors.calendar import calendar_items, shown, source_labels
from dudao.rectification import engine as rect_engine
from dudao.rectification.models import DONE_STATUSES, FindingStatus, OrderStatus
from dudao.rectification.selectors import finding_list, order_list
from dudao.regions.selectors import unit_list
from dudao.schools.selectors import school_list
from dudao.zones.selectors import frequency

UPCOMING_DAYS = 14
UPCOMING_SHOWN = 12
OWN_SHOWN = 10


@dataclass(frozen=True)
class Figure:
    label: str
    value: object  # None is shown as "—" (no data), never as 0
    unit: str = ""
    url: str = ""
    note: str = ""
    warn: bool = False  # drawn in red: something is late or short


@dataclass
class RolePart:
    """One role's block of figures and what its empty to-do list means."""

    role: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url)
    done_text: str = ""  # what "no to-dos" means for this role ("本月走访已全部完成")


def _inspector_part(user, today) -> RolePart:
    freq = frequency(user, today=today)
    schools = len(freq["rows"])
    url = reverse("zones:frequency")
    part = RolePart(Role.INSPECTOR, "督学：走访频次")
    if not schools:
        part.done_text = "暂无责任区学校；督导室分配挂牌责任区后，应走访的学校会出现在这里。"
        return part
    visited = sum(1 for r in freq["rows"] if r["freq"].month_visits)
    part.figures = [
        Figure("负责学校", schools, "所", reverse("zones:visit_list")),
        Figure("本月已走访", visited, "所", url, note=f"{freq['month'].year}年{freq['month'].month}月"),
        Figure("本月应走访未走访", freq["month_missing"], "所", url, warn=freq["month_missing"] > 0),
        Figure("本学期走访未达标", freq["semester_short"], "所", url, note=freq["semester"].label,
               warn=freq["semester_short"] > 0),
    ]
    part.links = [("填写督导纪实", reverse("zones:visit_new"))]
    part.done_text = ("本月应走访的学校已全部走访。" if not freq["month_missing"]
                      else f"本月还有 {freq['month_missing']} 所学校未走访，见“走访频次”。")
    return part


def _findings_tally(findings, today) -> rect_engine.Tally:
    """The same counts as the 整改统计 page (rectification.selectors.dashboard): one aggregate."""
    done = Q(status__in=DONE_STATUSES)
    row = findings.select_related(None).order_by().aggregate(
        total=Count("id"), done=Count("id", filter=done), on_time=Count("id", filter=done & Q(closed_on_time=True)),
        overdue=Count("id", filter=Q(status=FindingStatus.OPEN, due_date__lt=today)))
    return rect_engine.Tally(row["total"], row["done"], row["on_time"], row["overdue"])


def _school_part(user, today, scope) -> RolePart:
    tally = _findings_tally(finding_list(user).filter(school_id__in=scope.school_ids), today)
    rates = rect_engine.rates(tally)
    part = RolePart(Role.SCHOOL, "本校整改")
    url = reverse("rectification:ledger")
    part.figures = [
        Figure("待整改问题", rates["open"], "个", url, warn=False),
        Figure("其中已逾期", rates["overdue"], "个", url, warn=rates["overdue"] > 0),
        Figure("整改率", rates["rate"], "%", url, note="已整改 / 督导发现的问题"),
    ]
    part.done_text = ("本校没有需要签收、报告或阅读的事项；督导发现的问题均已整改。" if not rates["open"]
                      else "本校没有到期的待办；尚未整改的问题见“问题台账”。")
    return part


def _region_part(user, today, role: str, title: str) -> RolePart:
    """The office's (and the leader's) figures: schools, 整改率 and overdue findings of their scope."""
    tally = _findings_tally(finding_list(user), today)
    rates = rect_engine.rates(tally)
    url = reverse("rectification:dashboard")
    part = RolePart(role, title)
    part.figures = [
        Figure("学校（园）", school_list(user).count(), "所", reverse("schools:list")),
        # all years (the ledger's figures); the cockpit counts one year, so the notes say which this is
        Figure("整改率", rates["rate"], "%", url, note=f"历年累计：已整改 {rates['done']} / 发现 {rates['total']}"),
        Figure("按期整改率", rates["on_time_rate"], "%", url, note="历年累计：按期办结 / 已整改"),
        Figure("逾期未整改", rates["overdue"], "个", reverse("rectification:ledger"), warn=rates["overdue"] > 0,
               note="历年累计"),
    ]
    return part


def _office_part(user, today) -> RolePart:
    part = _region_part(user, today, Role.OFFICE, "督导室：问题整改")
    part.done_text = "没有待验收的整改报告、逾期未督办的通知书、待决定的约谈或滞后的计划任务。"
    return part


def _leader_part(user, today) -> RolePart:
    part = _region_part(user, today, Role.LEADER, "分管领导：全区概况")
    part.links = [("驾驶舱", reverse("dashboard:cockpit")), ("地图", reverse("dashboard:map"))]
    part.done_text = "没有等待您决定或阅读的事项；全区情况见驾驶舱。"
    return part


def _unit_part(user) -> RolePart:
    orders = order_list(user).select_related(None).order_by().aggregate(
        open=Count("id", filter=~Q(status=OrderStatus.CLOSED)),
        unsigned=Count("id", filter=Q(status=OrderStatus.ISSUED)))
    url = reverse("rectification:order_list")
    part = RolePart(Role.UNIT, "本单位督办")
    part.figures = [Figure("未办结督办单", orders["open"], "份", url),
                    Figure("其中待签收", orders["unsigned"], "份", url, warn=orders["unsigned"] > 0)]
    part.links = [("我的迎检任务", reverse("reviews:my_tasks"))]
    part.done_text = "没有待签收或待答复的督办单、迎检任务或材料补充要求。"
    return part


def _expert_part(user, todos: TodoList) -> RolePart:
    running = Inspection.objects.visible_to(user).filter(stage__in=SCORING_STAGES)
    assigned = Target.objects.filter(team__user=user, inspection__in=running).values("pk").distinct().count()
    waiting = sum(1 for r in todos.rows if r.todo.kind == "inspections.score") + sum(
        n.hidden for n in todos.notes if n.name == "inspections.score")
    part = RolePart(Role.EXPERT, "评估专家：评分进度")
    if not assigned:
        part.done_text = "目前没有正在评分的督导对象分配给您；督导室在督导评估项目中分配后，评分任务会出现在这里。"
        return part
    part.figures = [Figure("正在评分的督导对象", assigned, "个", reverse("inspections:list")),
                    Figure("已评完", assigned - waiting, "个", reverse("inspections:list"))]
    part.done_text = "分配给您的评分任务已全部完成。"
    return part


def _admin_part(user) -> RolePart:
    part = RolePart(Role.ADMIN, "系统管理")
    part.figures = [Figure("启用的账号", get_user_model().objects.filter(is_active=True).count(), "个",
                           reverse("core:users")),
                    Figure("学校（园）", school_list(user).count(), "所", reverse("schools:list"))]
    part.links = [("账号管理", reverse("core:users")), ("数据导入", reverse("schools:import")),
                  ("审计日志", reverse("core:audit"))]
    part.done_text = "系统管理员没有业务待办：督导工作的待办在督导室、督学、学校等账号的工作台。"
    return part


def role_parts(user, todos: TodoList, today: datetime.date) -> list[RolePart]:
    scope = scope_for(user)
    parts = []
    if scope.has_role(Role.OFFICE):
        parts.append(_office_part(user, today))
    if scope.has_role(Role.LEADER):
        parts.append(_leader_part(user, today))
    if scope.has_role(Role.INSPECTOR):
        parts.append(_inspector_part(user, today))
    if scope.has_role(Role.SCHOOL) and scope.school_ids:
        parts.append(_school_part(user, today, scope))
    if scope.has_role(Role.UNIT) and scope.unit_ids:
        parts.append(_unit_part(user))
    if scope.has_role(Role.EXPERT):
        parts.append(_expert_part(user, todos))
    if scope.has_role(Role.ADMIN) or user.is_superuser:
        parts.append(_admin_part(user))
    return parts


@dataclass(frozen=True)
class Upcoming:
    shown: object  # planning.selectors.calendar.Shown
    day: datetime.date  # the date that falls in the window: the start, or the end of something already running
    ends: bool  # True: a deadline (something running ends that day); False: it starts that day

    @property
    def weekday(self) -> str:
        return "周" + "一二三四五六日"[self.day.weekday()]


def upcoming(user, today: datetime.date) -> dict:
    """The 行事历's deadlines and events of the next 14 days: what starts in the window (a visit, a meeting, a
    survey), or ends in it (a rectification deadline, a plan task due). Something that runs through the whole
    window (a year-long plan task) is not "近期"; the calendar shows it."""
    end = today + datetime.timedelta(days=UPCOMING_DAYS - 1)
    soon = []
    for item in calendar_items(user, today, end):
        if today <= item.start <= end:
            soon.append((item.start, False, item))
        elif today <= item.end <= end:
            soon.append((item.end, True, item))
    soon.sort(key=lambda entry: (entry[0], entry[2].title, entry[2].key))
    labels = source_labels()
    first = soon[:UPCOMING_SHOWN]
    rows = [Upcoming(s, day, ends) for (day, ends, _item), s in zip(first, shown([e[2] for e in first], labels),
                                                                    strict=True)]
    return {"items": rows, "more": max(len(soon) - UPCOMING_SHOWN, 0), "end": end}


def home_page(user, today: datetime.date | None = None) -> dict:
    """Everything the 工作台 shows for the user."""
    today = today or timezone.localdate()
    scope = scope_for(user)
    todos = todo_list(user, today)
    parts = role_parts(user, todos, today)
    own_schools = list(school_list(user).filter(pk__in=scope.school_ids).select_related("region")
                       .order_by("name")[:OWN_SHOWN]) if scope.school_ids else []
    own_units = list(unit_list(user).filter(pk__in=scope.unit_ids).select_related("region")
                     .order_by("name")[:OWN_SHOWN]) if scope.unit_ids else []
    return {
        "today": today, "todos": todos, "groups": todos.groups(), "parts": parts,
        "done_texts": [p.done_text for p in parts if p.done_text],
        "upcoming": upcoming(user, today) if not scope.is_empty else None,
        "calendar_url": reverse("planning:calendar") if not scope.is_empty else "",
        "own_schools": own_schools, "own_units": own_units,
        "no_roles": not scope.roles, "no_scope": scope.is_empty,
        "user_roles": sorted({str(Role(r).label) for r in scope.roles}),
    }
