"""Reads of the rectification ledger, always scoped: findings (问题台账), notices, 督办单 and 约谈 proposals,
and a finding's timeline."""

import datetime
from dataclasses import dataclass

from django.core.cache import caches
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone

from dudao.core.display import person_name
from dudao.core.listing import filter_given
from dudao.core.models import Role
from dudao.core.scope import get_visible_or_404, region_prefix, scope_for
from dudao.rectification import engine
from dudao.rectification.followup import rectification_summary_text
from dudao.rectification.models import (
    ACTIVE_NOTICE,
    DONE_STATUSES,
    AccountabilityCase,
    Commendation,
    Finding,
    FindingSource,
    FindingStatus,
    NoticeStatus,
    Publication,
    RecheckRound,
    RectificationNotice,
    SupervisionOrder,
    Talk,
    TalkStatus,
)
from dudao.regions.models import GovUnit, Region
from dudao.schools.models import School, SchoolType


def finding_list(user, *, source: str = "", school_id: int | None = None, status: str = "") -> QuerySet[Finding]:
    qs = Finding.objects.visible_to(user).select_related("school", "unit")
    qs = filter_given(qs, source=source, school_id=school_id, status=status)
    return qs


def findings_from(source_type: str, source_ids) -> QuerySet[Finding]:
    """Findings raised by given source objects (callers have already scoped the sources)."""
    return Finding.objects.filter(source_type=source_type, source_id__in=[str(i) for i in source_ids])


# ---- 问题台账 -------------------------------------------------------------------------------------------------

LEDGER_CATEGORY_SECONDS = 600


def ledger_categories(user, chosen: str = "") -> list[str]:
    """The 类别 the ledger's filter offers: the labels of the findings the user can see (a few dozen; kept per
    process for a few minutes because a province holds millions of findings), plus the one chosen."""
    newest = Finding.objects.order_by("-id").values_list("id", flat=True).first() or 0  # a new finding: read again
    key = f"dudao:ledger-categories:{user.pk}:{newest}"
    labels = caches["local"].get(key)
    if labels is None:
        labels = sorted(set(Finding.objects.visible_to(user).exclude(category_label="")
                            .order_by().values_list("category_label", flat=True).distinct()[:500]))
        caches["local"].set(key, labels, LEDGER_CATEGORY_SECONDS)
    return labels if not chosen or chosen in labels else [*labels, chosen]


LEDGER_FILTERS = ("region", "q", "target", "source", "category", "status", "overdue")


def ledger(user, *, region: str = "", q: str = "", target: str = "", source: str = "", category: str = "",
           status: str = "", overdue: str = "", today: datetime.date | None = None) -> QuerySet[Finding]:
    """The ledger with its filters. `target` is "school" or "unit"; `overdue` any non-empty value."""
    today = today or timezone.localdate()
    qs = Finding.objects.visible_to(user).select_related("school", "unit", "notice")
    if region:
        qs = qs.filter(region_code__startswith=region)
    if target == "school":
        qs = qs.filter(school__isnull=False)
    elif target == "unit":
        qs = qs.filter(unit__isnull=False)
    if source:
        qs = qs.filter(source=source)
    if category:
        qs = qs.filter(Q(category=category) | Q(category_label__contains=category))
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.overdue(today)
    if q:
        # The school's and unit's names through id subqueries, not joins: the OR over joined tables made the
        # capped count join every finding in scope to schools and units (about 300 ms for a county of 20,000).
        qs = qs.filter(Q(description__contains=q) | Q(responsible_person__contains=q)
                       | Q(school__in=School.objects.filter(name__contains=q).values("pk"))
                       | Q(unit__in=GovUnit.objects.filter(name__contains=q).values("pk")))
    return qs.order_by("-raised_at", "-id")


def progress_label(finding: Finding, today: datetime.date) -> str:
    """进展 column: where the finding stands in the workflow, in one phrase."""
    if finding.status != FindingStatus.OPEN:
        return finding.get_status_display()
    notice = finding.notice
    if notice is None:
        late = finding.due_date and finding.due_date < today
        return "逾期未下发整改通知" if late else "待下发整改通知"
    text = notice.get_status_display()
    if notice.status in ACTIVE_NOTICE and notice.due_date < today:
        text += f"（已逾期{(today - notice.due_date).days}天）"
    if notice.escalated_at:
        text += "，已督办"
    return text


def get_finding_for(user, pk: int) -> Finding:
    return get_visible_or_404(Finding.objects.select_related("school", "unit", "notice", "raised_by"), user, pk=pk)


@dataclass
class Event:
    at: datetime.datetime
    label: str
    who: str = ""
    note: str = ""
    url: str = ""


def _name(user) -> str:
    return person_name(user)


def finding_timeline(finding: Finding) -> list[Event]:
    """Everything that happened to one finding, oldest first: raised, notice steps (with the job's reminders
    and escalations), reports, 督办单, 约谈 proposals."""
    events = [Event(finding.raised_at, f"提出问题（{finding.get_source_display()}）", _name(finding.raised_by))]
    notice = finding.notice
    if notice is not None:
        url = f"/rectification/notices/{notice.pk}/"
        for t in notice.transitions.select_related("actor").exclude(to_status=NoticeStatus.REPORTED, event=""):
            # (the report itself is listed below, with its measures and evidence)
            label = f"下发整改通知书 {notice.number}" if not t.from_status else t.label
            events.append(Event(t.at, label, _name(t.actor), t.note, url))
        for r in finding.reports.select_related("submitted_by").prefetch_related("evidence"):
            events.append(Event(r.submitted_at, "提交整改报告", _name(r.submitted_by),
                                f"{r.measures}（佐证 {len(r.evidence.all())} 份）", url))
        order = SupervisionOrder.objects.filter(notice=notice).select_related("department", "acknowledged_by").first()
        if order is not None and order.acknowledged_at:
            events.append(Event(order.acknowledged_at, f"主管部门{order.department.name}签收督办单",
                                _name(order.acknowledged_by), order.response, f"/rectification/orders/{order.pk}/"))
    for item in finding.rechecks.select_related("round", "checked_by"):
        events.append(Event(item.round.drawn_at, "抽中回头看", _name(item.round.drawn_by) if item.round.drawn_by_id else "",
                            f"随机种子 {item.round.seed}", f"/rectification/rechecks/{item.round_id}/"))
        if item.checked_at:
            events.append(Event(item.checked_at, item.get_result_display(), _name(item.checked_by), item.note))
    for talk in finding.talks.all():
        events.append(Event(talk.proposed_at, "建议约谈", "系统", talk.reason, "/rectification/talks/"))
    if finding.closed_at and notice is None:  # closed through a notice: its 核查通过 says so already
        events.append(Event(finding.closed_at, finding.get_status_display(), ""))

    return sorted(events, key=lambda e: e.at)


def issuable(user, ids) -> list[Finding]:
    """Open findings, visible to the user, not in an active notice: what may go into a new notice."""
    return list(Finding.objects.visible_to(user).filter(pk__in=ids, status=FindingStatus.OPEN).filter(
        Q(notice__isnull=True) | Q(notice__status=NoticeStatus.CLOSED)).select_related("school", "unit").order_by("id"))


# ---- 整改通知书, 督办单, 约谈 ---------------------------------------------------------------------------------------

def notice_list(user, *, status: str = "", overdue: str = "", q: str = "",
                today: datetime.date | None = None) -> QuerySet[RectificationNotice]:
    today = today or timezone.localdate()
    qs = RectificationNotice.objects.visible_to(user).select_related("school", "unit")
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(status__in=ACTIVE_NOTICE, due_date__lt=today)
    if q:
        qs = qs.filter(Q(number__contains=q) | Q(school__name__contains=q) | Q(unit__name__contains=q))
    return qs


def get_notice_for(user, pk: int) -> RectificationNotice:
    return get_visible_or_404(RectificationNotice.objects.select_related("school", "unit", "issued_by", "verifier"),
                              user, pk=pk)


def notice_actions(user, notice: RectificationNotice, today: datetime.date | None = None) -> set[str]:
    """Which buttons the notice page shows this user (the services check again)."""
    today = today or timezone.localdate()
    scope = scope_for(user)
    is_target = (notice.school_id in scope.school_ids and scope.has_role(Role.SCHOOL)) or (
        notice.unit_id in scope.unit_ids and scope.has_role(Role.UNIT))
    office = scope.holds(notice.region_code, Role.OFFICE)
    verifier = office or (bool(notice.school_id) and scope.has_role(Role.INSPECTOR) and notice.school_id in scope.school_ids)
    actions = set()
    if is_target and notice.status == NoticeStatus.ISSUED:
        actions.add("acknowledge")
    if is_target and notice.status == NoticeStatus.ACKNOWLEDGED:
        actions.add("start")
    if is_target and notice.status in (NoticeStatus.ACKNOWLEDGED, NoticeStatus.RECTIFYING):
        actions.add("report")
    if verifier and notice.status == NoticeStatus.REPORTED:
        actions.add("verify")
    inspector = bool(notice.school_id) and scope.has_role(Role.INSPECTOR) and notice.school_id in scope.school_ids
    if inspector and notice.reported_at and not notice.filed_at:
        actions.add("file")
    if office and notice.status in ACTIVE_NOTICE and notice.due_date < today and not has_order(notice):
        actions.add("order")
    return actions


def talk_actions(user, talk: Talk) -> set[str]:
    """Which buttons the talk page shows this user: the office of the talk's region records it or decides
    against it while it is proposed (the services check again)."""
    scope = scope_for(user)
    office = scope.holds(talk.region_code, Role.OFFICE)
    return {"hold", "dismiss"} if office and talk.status == TalkStatus.PROPOSED else set()


def has_order(notice: RectificationNotice) -> bool:
    return SupervisionOrder.objects.filter(notice_id=notice.pk).exists()


def notice_reports(notice: RectificationNotice):
    return notice.reports.select_related("finding", "submitted_by").prefetch_related("evidence").order_by(
        "-submitted_at", "finding_id")


def order_list(user, *, status: str = "") -> QuerySet[SupervisionOrder]:
    qs = SupervisionOrder.objects.visible_to(user).select_related("notice__school", "notice__unit", "department")
    if status:
        qs = qs.filter(status=status)
    return qs


def get_order_for(user, pk: int) -> SupervisionOrder:
    return get_visible_or_404(SupervisionOrder.objects.select_related(
        "notice__school", "notice__unit", "department", "acknowledged_by"), user, pk=pk)


def may_respond(user, order: SupervisionOrder) -> bool:
    scope = scope_for(user)
    return scope.has_role(Role.UNIT) and order.department_id in scope.unit_ids and order.status != "closed"


def talk_list(user, *, status: str = "") -> QuerySet[Talk]:
    qs = Talk.objects.visible_to(user).select_related("school", "unit").prefetch_related("findings")
    if status:
        qs = qs.filter(status=status)
    return qs


# ---- dashboard ---------------------------------------------------------------------------------------------

CHILD_LENGTH = {0: 2, 2: 4, 4: 6, 6: 9}  # province → city → county → town; a town's rows stay towns


def _child_length(user, region: str) -> int:
    """Group "by region" one level below what is being looked at: the filter, else the user's own region."""
    if region:
        return CHILD_LENGTH.get(len(region_prefix(region)), 9)
    scope = scope_for(user)
    if scope.everything or not scope.region_prefixes:
        return 2
    return CHILD_LENGTH.get(min(len(p) for p in scope.region_prefixes), 9)


DASHBOARD_GROUPS = ("region", "school_type", "source", "category")


def dashboard(user, *, group: str = "region", region: str = "", today: datetime.date | None = None) -> dict:
    """Rates by a grouping, overdue list, escalations this month and a 12-month trend, all for the user's scope."""
    today = today or timezone.localdate()
    qs = Finding.objects.visible_to(user)
    if region:
        qs = qs.filter(region_code__startswith=region)
    done = Q(status__in=DONE_STATUSES)
    on_time = done & Q(closed_on_time=True)  # decided when closed: no per-row date arithmetic here
    key = {"region": Substr("region_code", 1, _child_length(user, region)), "school_type": F("school__school_type"),
           "source": F("source"), "category": F("category_label")}[group if group in DASHBOARD_GROUPS else "region"]
    rows = qs.annotate(k=key).values("k").annotate(
        total=Count("id"), done=Count("id", filter=done), on_time=Count("id", filter=on_time),
        overdue=Count("id", filter=Q(status=FindingStatus.OPEN, due_date__lt=today))).order_by()
    tallies = {(r["k"] or ""): engine.Tally(r["total"], r["done"], r["on_time"], r["overdue"]) for r in rows}
    if group == "school_type":
        labels = dict(SchoolType.choices) | {"": "政府单位"}
    elif group == "source":
        labels = dict(FindingSource.choices)
    elif group == "category":
        labels = {}
    else:
        codes = {k: k.ljust(6, "0") for k in tallies}  # prefixes "99", "9901" name regions "990000", "990100"
        names = dict(Region.objects.filter(code__in=set(codes.values())).values_list("code", "name"))
        labels = {k: names.get(code, k) for k, code in codes.items()}
    months = engine.months_back(today.year, today.month)
    tz = timezone.get_current_timezone()
    bounds = [datetime.datetime(y, m, 1, tzinfo=tz) for y, m in months]
    bounds.append(datetime.datetime(today.year + (today.month == 12), today.month % 12 + 1, 1, tzinfo=tz))
    # One pass with a range count per month (no per-row date truncation, which SQLite does in Python).
    per_month = {}
    for name, field in (("raised", "raised_at"), ("closed", "closed_at")):
        for i in range(len(months)):
            per_month[f"{name}_{i}"] = Count("id", filter=Q(**{f"{field}__gte": bounds[i], f"{field}__lt": bounds[i + 1]}))
    window = qs.filter(Q(raised_at__gte=bounds[0]) | Q(closed_at__gte=bounds[0])).aggregate(**per_month)
    raised = {m: window[f"raised_{i}"] or 0 for i, m in enumerate(months)}
    closed = {m: window[f"closed_{i}"] or 0 for i, m in enumerate(months)}
    month_start = datetime.datetime(today.year, today.month, 1, tzinfo=timezone.get_current_timezone())
    orders = SupervisionOrder.objects.visible_to(user)
    talks = Talk.objects.visible_to(user)
    if region:
        orders, talks = orders.filter(region_code__startswith=region), talks.filter(region_code__startswith=region)
    return {
        "rows": engine.table(tallies, {k: str(v) for k, v in labels.items()}),
        "trend": engine.trend(raised, closed, months),
        "overdue": qs.overdue(today).select_related("school", "unit", "notice").order_by("due_date", "id")[:20],
        "orders_this_month": orders.filter(issued_at__gte=month_start).count(),
        "talks_this_month": talks.filter(proposed_at__gte=month_start).count(),
        "orders_open": orders.exclude(status="closed").count(),
    }


# ---- 约谈 and 问责 -----------------------------------------------------------------------------------------------

def get_talk_for(user, pk: int) -> Talk:
    return get_visible_or_404(Talk.objects.select_related("school", "unit", "record", "decided_by"), user, pk=pk)


def case_list(user, *, step: str = "", q: str = "") -> QuerySet:
    qs = AccountabilityCase.objects.visible_to(user).select_related("school", "unit")
    if step:
        qs = qs.filter(step=step)
    if q:
        qs = qs.filter(Q(number__contains=q) | Q(school__name__contains=q) | Q(unit__name__contains=q)
                       | Q(person_name__contains=q))
    return qs


def get_case_for(user, pk: int):
    return get_visible_or_404(AccountabilityCase.objects.select_related("school", "unit", "talk"), user, pk=pk)


def case_steps(case):
    return case.steps.select_related("document", "actor").order_by("on", "id")


def target_by_code(user, code: str):
    """(school, unit) for a school code or unit code the user may see; (None, None) if neither."""
    code = (code or "").strip()
    school = School.objects.visible_to(user).filter(code=code).first()
    if school:
        return school, None
    return None, GovUnit.objects.visible_to(user).filter(code=code).first()


# ---- a target's record (问题与表彰) --------------------------------------------------------------------------------

def get_target_for(user, kind: str, pk: int):
    """The school or unit whose record is asked for, if the user may see it."""
    model = {"school": School, "unit": GovUnit}.get(kind)
    if model is None:
        raise Http404
    return get_visible_or_404(model.objects.all(), user, pk=pk)


def target_record(user, kind: str, target, today: datetime.date | None = None) -> dict:
    """Problems next to commendations: what a school or unit has been told to fix, how it went, and what it was
    recognised for. Accountability cases only for region staff."""
    today = today or timezone.localdate()
    where = {"school": target} if kind == "school" else {"unit": target}
    findings = Finding.objects.filter(**where)
    counts = dict(findings.values_list("status").annotate(n=Count("id")).order_by())
    scope = scope_for(user)
    region_staff = scope.everything or scope.has_role(Role.OFFICE, Role.LEADER)
    return {
        "counts": {"total": sum(counts.values()), "open": counts.get(FindingStatus.OPEN, 0),
                   "done": sum(counts.get(s, 0) for s in DONE_STATUSES),
                   "overdue": findings.overdue(today).count()},
        "open_findings": findings.filter(status=FindingStatus.OPEN).select_related("notice").order_by("due_date", "id")[:50],
        "notices": RectificationNotice.objects.filter(**where).order_by("-issued_at")[:20],
        "talks": Talk.objects.filter(**where).order_by("-proposed_at")[:20],
        "cases": AccountabilityCase.objects.filter(**where).order_by("-filed_on")[:20] if region_staff else [],
        "commendations": Commendation.objects.filter(**where),
    }


# ---- 回头看 and 结果公开 ------------------------------------------------------------------------------------------

def recheck_list(user) -> QuerySet:
    return RecheckRound.objects.visible_to(user).select_related("drawn_by").annotate(
        failed=Count("items", filter=Q(items__result="failed")), pending=Count("items", filter=Q(items__result="pending"))
    ).order_by("-drawn_at", "-id")  # newest first; an unordered queryset pages unpredictably


def get_recheck_for(user, pk: int):
    return get_visible_or_404(RecheckRound.objects.select_related("drawn_by"), user, pk=pk)


def recheck_items(round_):
    return round_.items.select_related("finding__school", "finding__unit", "checked_by")


def publication_list(user) -> QuerySet:
    return Publication.objects.visible_to(user).select_related("published_by")


def get_publication_for(user, pk: int):
    return get_visible_or_404(Publication.objects.all(), user, pk=pk)


def public_publications(*, region: str = "", kind: str = "") -> QuerySet:
    """What anyone may read: published and not withdrawn."""
    qs = Publication.objects.filter(withdrawn_at__isnull=True)
    qs = filter_given(qs, region_code__startswith=region, kind=kind)
    return qs.order_by("-published_at", "-id")


def rectification_summary_draft(user, region: str) -> tuple[str, str]:
    """Title and text of a 整改情况 publication from the user's dashboard figures, for the office to edit."""
    name = Region.objects.visible_to(user).filter(code__startswith=region).order_by("code").values_list(
        "name", flat=True).first() or ""
    return rectification_summary_text(dashboard(user)["rows"], name, timezone.localdate())
