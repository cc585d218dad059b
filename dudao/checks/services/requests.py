"""因需督导 (issue 23): the office's menu (菜单式督导) and the requests schools and towns file on it.

Keyword-only, atomic, audited. A request's target (school or government unit) always comes from the requester's
own school/unit role, never from what a form names. The office of the request's region decides once: it accepts
with an outcome (a special visit by the 责任督学 or a named inspector, a one-target check round, an inspection
project) or declines with its reasons. A unit (乡镇/部门) has no 责任督学 and no school to check, so its request
can only be accepted as an inspection project (with a 政府单位 framework)."""

import datetime

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from dudao.checks.models import (
    REQUEST_WORKFLOW,
    CheckKind,
    CheckTarget,
    MenuTopic,
    RequestOutcome,
    RequestStatus,
    RequestTransition,
    SupervisionRequest,
    TargetStatus,
)
from dudao.checks.services.rounds import responsible_inspectors, round_create, targets_add
from dudao.core.audit import audit_record, snapshot
from dudao.core.dates import local_date
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import RoleAssignment
from dudao.core.roles import Role
from dudao.core.scope import region_prefix, require_office_for, scope_for
from dudao.core.services import Message, notify
from dudao.inspections import services as inspection_services
from dudao.inspections.models import InspectionKind
from dudao.people.models import Inspector, InspectorStatus
from dudao.regions.models import GovUnit, Region
from dudao.schools.models import School
from dudao.zones.models import Visit, VisitReason

TITLE_MAX = 128
TEXT_MAX = 2000
PREFERRED_AHEAD_DAYS = 366  # a preferred date more than a year ahead is a typing mistake
CHECK_DEFAULT_DAYS = 14  # a check round's window when the preferred dates are gone

# The checklist of a one-target check round made from a request (editable afterwards on the round page). When the
# rounds area's checklist library is merged, the integrator may draw it from there instead.
REQUEST_CHECKLIST = [
    {"text": "申请督导事项的相关制度健全、落实到位", "answer_kind": "yes_no", "finding_text": "申请督导事项相关制度不健全或落实不到位",
     "finding_category": "规范办学"},
    {"text": "学校提出的困难和问题已查明原因", "answer_kind": "yes_no", "finding_text": "学校反映的问题原因未查明，需进一步整改",
     "finding_category": "规范办学"},
    {"text": "现场查看情况与学校自查情况一致", "answer_kind": "yes_no", "finding_text": "现场情况与学校自查情况不一致",
     "finding_category": "规范办学", "photo_required": True},
    {"text": "督导意见与建议", "answer_kind": "text"},
]


def _clean_text(value, *, limit: int) -> str:
    return (value or "").replace("\x00", "").strip()[:limit]


def ancestor_codes(code: str) -> list[str]:
    """The region itself and every region above it (town → county → city → province), by GB/T 2260 code."""
    codes = {code}
    if len(code) > 6:
        codes.add(code[:6])
    codes.update({code[:4] + "00", code[:2] + "0000"})
    return sorted(codes)


def county_code(region_code: str) -> str:
    return region_code[:6]


def owned_targets(user) -> tuple[list[School], list[GovUnit]]:
    """The schools (school role) and units (unit role) the user may file a request for: their own, never an
    inspector's assigned schools."""
    rows = list(RoleAssignment.objects.filter(user=user, role__in=[Role.SCHOOL, Role.UNIT])
                .values_list("role", "school_id", "unit_id"))
    school_ids = {s for role, s, _u in rows if role == Role.SCHOOL and s}
    unit_ids = {u for role, _s, u in rows if role == Role.UNIT and u}
    return (list(School.objects.filter(pk__in=school_ids).order_by("code")),
            list(GovUnit.objects.filter(pk__in=unit_ids).order_by("code")))


def _require_office(actor, region_code: str) -> None:
    """The office of the region (the county or above), or an administrator."""
    require_office_for(actor, county_code(region_code), "只有本区县督导室可以处理督导申请。")


# ---- 菜单式督导 -----------------------------------------------------------------------------------------------

def _topic_fields(title, content, duration) -> dict:
    title = _clean_text(title, limit=TITLE_MAX)
    content = _clean_text(content, limit=TEXT_MAX)
    duration = _clean_text(duration, limit=64)
    if not title:
        raise ApplicationError("请填写督导主题。")
    if not content:
        raise ApplicationError("请填写督导内容（这项督导包括什么）。")
    return {"title": title, "content": content, "duration": duration}


@transaction.atomic
def topic_create(*, actor, region: Region, title: str, content: str, duration: str = "") -> MenuTopic:
    """A new active topic at the end of the region's menu."""
    require_office_for(actor, region.code, "只有本区划的督导室可以发布督导菜单。")
    fields = _topic_fields(title, content, duration)
    if MenuTopic.objects.filter(region=region, title=fields["title"]).exists():
        raise ApplicationError(f"督导菜单中已有“{fields['title']}”。")
    last = MenuTopic.objects.filter(region=region).aggregate(n=Max("order"))["n"] or 0
    topic = MenuTopic.objects.create(region=region, order=last + 1, **fields)
    audit_record(actor=actor, action="checks.topic_create", obj=topic, region_code=region.code,
                 after=snapshot(topic, ["title", "duration", "order"]))
    return topic


@transaction.atomic
def topic_update(*, actor, topic: MenuTopic, title: str, content: str, duration: str = "") -> MenuTopic:
    require_office_for(actor, topic.region_id, "只有本区划的督导室可以修改督导菜单。")
    fields = _topic_fields(title, content, duration)
    if MenuTopic.objects.filter(region_id=topic.region_id, title=fields["title"]).exclude(pk=topic.pk).exists():
        raise ApplicationError(f"督导菜单中已有“{fields['title']}”。")
    before = snapshot(topic, ["title", "content", "duration"])
    for name, value in fields.items():
        setattr(topic, name, value)
    topic.save(update_fields=list(fields))
    audit_record(actor=actor, action="checks.topic_update", obj=topic, region_code=topic.region_id, before=before,
                 after=snapshot(topic, ["title", "content", "duration"]))
    return topic


@transaction.atomic
def topic_set_active(*, actor, topic: MenuTopic, active: bool) -> MenuTopic:
    """Close a topic to new requests (requests already filed keep it) or open it again."""
    require_office_for(actor, topic.region_id, "只有本区划的督导室可以修改督导菜单。")
    if topic.active == active:
        raise ApplicationError("该主题已开放申请。" if active else "该主题已停止申请。")
    topic.active = active
    topic.save(update_fields=["active"])
    audit_record(actor=actor, action="checks.topic_activate" if active else "checks.topic_deactivate", obj=topic,
                 region_code=topic.region_id, after={"active": active})
    return topic


@transaction.atomic
def topic_move(*, actor, topic: MenuTopic, up: bool) -> MenuTopic:
    """Swap the topic with its neighbour above (up) or below in the region's menu; the menu is renumbered 1..n."""
    require_office_for(actor, topic.region_id, "只有本区划的督导室可以调整督导菜单。")
    menu = list(MenuTopic.objects.select_for_update().filter(region_id=topic.region_id).order_by("order", "id"))
    index = next(n for n, t in enumerate(menu) if t.pk == topic.pk)
    other = index - 1 if up else index + 1
    if other < 0 or other >= len(menu):
        raise ApplicationError("已在最前。" if up else "已在最后。")
    menu[index], menu[other] = menu[other], menu[index]
    for n, t in enumerate(menu, start=1):
        t.order = n
    MenuTopic.objects.bulk_update(menu, ["order"])
    audit_record(actor=actor, action="checks.topic_move", obj=topic, region_code=topic.region_id,
                 after={"up": up, "order": menu[other].order})
    return topic


# ---- filing a request --------------------------------------------------------------------------------------------

def check_preferred_dates(preferred_from, preferred_to, today: datetime.date) -> None:
    if preferred_from is None or preferred_to is None:
        raise ApplicationError("请填写希望督导的开始和结束日期。")
    if preferred_to < preferred_from:
        raise ApplicationError("希望结束日期不能早于开始日期。")
    if preferred_from < today:
        raise ApplicationError(f"希望开始日期不能早于今天（{today:%Y-%m-%d}）。")
    if preferred_to > today + datetime.timedelta(days=PREFERRED_AHEAD_DAYS):
        raise ApplicationError("希望督导的日期不能在一年以后。")


@transaction.atomic
def request_submit(*, actor, school: School | None = None, unit: GovUnit | None = None,
                   topic: MenuTopic | None = None, free_topic: str = "", reason: str,
                   preferred_from: datetime.date | None, preferred_to: datetime.date | None) -> SupervisionRequest:
    """A school user for its school, or a unit user for its unit, asks for supervision on an active menu topic of
    its region or on a topic of its own (exactly one of the two)."""
    if (school is None) == (unit is None):
        raise ApplicationError("请选择申请督导的学校或单位。")
    schools, units = owned_targets(actor)
    if school is not None and school.pk not in {s.pk for s in schools}:
        raise PermissionDenied("只能为本校提出督导申请。")
    if unit is not None and unit.pk not in {u.pk for u in units}:
        raise PermissionDenied("只能为本单位提出督导申请。")
    target = school if school is not None else unit
    # One at a time per target: a double submit waits here and then meets the first one's request.
    type(target).objects.select_for_update().filter(pk=target.pk).first()
    region_code = target.region_id
    free_topic = _clean_text(free_topic, limit=TITLE_MAX)
    if topic is not None and free_topic:
        raise ApplicationError("请在菜单主题和自拟主题中选择其一，不要同时填写。")
    if topic is None and not free_topic:
        raise ApplicationError("请选择督导菜单中的主题，或填写自拟主题。")
    if topic is not None:
        if topic.region_id not in ancestor_codes(region_code):
            raise ApplicationError("所选主题不在本地的督导菜单中。")
        if not topic.active:
            raise ApplicationError(f"督导主题“{topic.title}”已停止申请，请选择其他主题。")
    reason = _clean_text(reason, limit=TEXT_MAX)
    if not reason:
        raise ApplicationError("请填写申请理由与需求。")
    check_preferred_dates(preferred_from, preferred_to, timezone.localdate())
    open_same = SupervisionRequest.objects.filter(school=school, unit=unit, status=RequestStatus.SUBMITTED)
    open_same = open_same.filter(topic=topic) if topic is not None else open_same.filter(topic__isnull=True,
                                                                                         free_topic=free_topic)
    if open_same.exists():
        raise ApplicationError("同一主题的督导申请已提交，正在等待督导室处理，请勿重复提交。")
    request = SupervisionRequest.objects.create(
        school=school, unit=unit, region_code=region_code, topic=topic, free_topic=free_topic, reason=reason,
        preferred_from=preferred_from, preferred_to=preferred_to, submitted_by=actor)
    RequestTransition.record(request, to_status=RequestStatus.SUBMITTED, actor=actor)
    audit_record(actor=actor, action="checks.request_submit", obj=request, region_code=region_code,
                 after={"topic": topic.pk if topic else None, "free_topic": free_topic,
                        "preferred": [str(preferred_from), str(preferred_to)]})
    return request


# ---- the office's decision ---------------------------------------------------------------------------------------

def _locked(request: SupervisionRequest) -> SupervisionRequest:
    return SupervisionRequest.objects.select_for_update().get(pk=request.pk)


def _notify_requester(request: SupervisionRequest, title: str) -> None:
    notify(messages=[(Message(key=f"checks.request:{request.pk}:{request.status}", kind="checks.request",
                              title=title, body=request.decision_note[:500],
                              url=reverse("checks:request_detail", args=[request.pk])),
                      {request.submitted_by_id})])


def _window(request: SupervisionRequest, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The preferred dates while they are still ahead, else the next CHECK_DEFAULT_DAYS days."""
    if request.preferred_from and request.preferred_to and request.preferred_from >= today:
        return request.preferred_from, request.preferred_to
    return today, today + datetime.timedelta(days=CHECK_DEFAULT_DAYS)


def _check_inspector(inspector: Inspector, region_code: str) -> None:
    if inspector.status != InspectorStatus.ACTIVE:
        raise ApplicationError(f"督学{inspector.name}当前不在聘，不能承办督导。")
    county = county_code(region_code)
    if not (inspector.region_id.startswith(county) or county.startswith(region_prefix(inspector.region_id))):
        raise ApplicationError(f"督学{inspector.name}不是本区县聘任的督学，不能承办该督导。")


@transaction.atomic
def request_accept(*, actor, request: SupervisionRequest, outcome: str, inspector: Inspector | None = None,
                   due_on: datetime.date | None = None, framework=None, note: str = "") -> SupervisionRequest:
    """Accept once, with an outcome:
    visit — a 专项任务 visit by the school's 责任督学 (or the named inspector of the region), due on `due_on`;
    check — a one-target check round (the rounds contract), window the preferred dates or the next 14 days;
    inspection — an inspection project on the office's frozen `framework`, with the school or unit as its target."""
    _require_office(actor, request.region_code)
    request = _locked(request)
    REQUEST_WORKFLOW.check(request.status, RequestStatus.ACCEPTED)
    if outcome not in RequestOutcome.values:
        raise ApplicationError("请选择安排方式。")
    today = timezone.localdate()
    note = _clean_text(note, limit=TEXT_MAX)
    title = _clean_text(str(request), limit=TITLE_MAX - 20)
    county = Region.objects.get(code=county_code(request.region_code))
    if outcome in (RequestOutcome.VISIT, RequestOutcome.CHECK) and request.school_id is None:
        raise ApplicationError("乡镇（街道）和部门没有责任督学，也不能作为专项检查对象：请选择“立项督导评估”，"
                               "或不予受理并说明理由。")
    if inspector is not None:
        _check_inspector(inspector, request.region_code)
    if outcome == RequestOutcome.VISIT:
        if inspector is None:
            inspector = responsible_inspectors([request.school_id]).get(request.school_id)
            if inspector is None:
                raise ApplicationError("该校目前没有责任督学，请指定承办督学。")
        if due_on is None:
            raise ApplicationError("请填写计划完成日期。")
        if due_on < today:
            raise ApplicationError("计划完成日期不能早于今天。")
        request.inspector, request.due_on = inspector, due_on
    elif outcome == RequestOutcome.CHECK:
        starts_on, ends_on = _window(request, today)
        check_round = round_create(actor=actor, region=county, title=f"{title}（因需督导）", kind=CheckKind.OTHER,
                                   starts_on=starts_on, ends_on=ends_on, items=REQUEST_CHECKLIST,
                                   description=f"应{request.school.name}申请组织的专项检查。申请理由：{request.reason}")
        targets_add(actor=actor, round=check_round, schools=[request.school], inspector=inspector)
        request.check_round, request.due_on = check_round, ends_on
        request.inspector = CheckTarget.objects.get(round=check_round, school_id=request.school_id).inspector
    else:
        if framework is None:
            raise ApplicationError("立项督导评估须选择一个已定版的指标体系。")
        starts_on, ends_on = _window(request, today)
        if due_on is not None:
            if due_on < starts_on:
                raise ApplicationError("计划完成日期不能早于开始日期。")
            ends_on = due_on
        inspection = inspection_services.inspection_create(
            actor=actor, county=county, name=f"{title}（因需督导）", kind=InspectionKind.SPECIAL, framework=framework,
            year=starts_on.year, starts_on=starts_on, ends_on=ends_on)
        inspection_services.targets_add(actor=actor, inspection=inspection,
                                        schools=[request.school] if request.school_id else [],
                                        units=[request.unit] if request.unit_id else [])
        request.inspection, request.due_on = inspection, ends_on
    before = request.status
    request.status, request.outcome = RequestStatus.ACCEPTED, outcome
    request.decided_by, request.decided_at, request.decision_note = actor, timezone.now(), note
    request.save()
    RequestTransition.record(request, from_status=before, to_status=RequestStatus.ACCEPTED, actor=actor,
                             note=f"{RequestOutcome(outcome).label}" + (f"：{note}" if note else ""))
    audit_record(actor=actor, action="checks.request_accept", obj=request, region_code=request.region_code,
                 after={"outcome": outcome, "inspector": request.inspector_id, "due_on": str(request.due_on),
                        "round": request.check_round_id, "inspection": request.inspection_id})
    _notify_requester(request, f"督导申请已受理：{request}（{RequestOutcome(outcome).label}）")
    return request


@transaction.atomic
def request_decline(*, actor, request: SupervisionRequest, note: str) -> SupervisionRequest:
    _require_office(actor, request.region_code)
    request = _locked(request)
    REQUEST_WORKFLOW.check(request.status, RequestStatus.DECLINED)
    note = _clean_text(note, limit=TEXT_MAX)
    if not note:
        raise ApplicationError("不予受理须写明理由。")
    before = request.status
    request.status, request.decided_by, request.decided_at, request.decision_note = (
        RequestStatus.DECLINED, actor, timezone.now(), note)
    request.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    RequestTransition.record(request, from_status=before, to_status=RequestStatus.DECLINED, actor=actor, note=note)
    audit_record(actor=actor, action="checks.request_decline", obj=request, region_code=request.region_code,
                 after={"note": note[:200]})
    _notify_requester(request, f"督导申请不予受理：{request}")
    return request


# ---- done --------------------------------------------------------------------------------------------------------

def matching_visits(request: SupervisionRequest):
    """The visits that may close an accepted visit request: of its school, by its inspector, reason 专项任务, on or
    after the day it was accepted (newest first)."""
    if request.outcome != RequestOutcome.VISIT or request.inspector_id is None or request.decided_at is None:
        return Visit.objects.none()
    since = local_date(request.decided_at)
    return (Visit.objects.filter(school_id=request.school_id, inspector_id=request.inspector_id,
                                 reason=VisitReason.SPECIAL, started_at__date__gte=since)
            .order_by("-started_at", "-id"))


def _done(request: SupervisionRequest, *, actor, note: str) -> SupervisionRequest:
    before = request.status
    request.status, request.done_at = RequestStatus.DONE, timezone.now()
    request.save(update_fields=["status", "done_at", "visit"])
    RequestTransition.record(request, from_status=before, to_status=RequestStatus.DONE, actor=actor, note=note)
    _notify_requester(request, f"督导申请已完成督导：{request}")
    return request


@transaction.atomic
def request_link_visit(*, actor, request: SupervisionRequest, visit: Visit) -> SupervisionRequest:
    """关联督导纪实: the inspector given the request (or the office) names the visit that did it; the request is done."""
    request = _locked(request)
    is_inspector = request.inspector_id is not None and Inspector.objects.filter(
        pk=request.inspector_id, user_id=actor.pk).exists()
    if not is_inspector and not scope_for(actor).holds(county_code(request.region_code), Role.OFFICE):
        raise PermissionDenied("只有承办督学或本区县督导室可以关联督导纪实。")
    if request.outcome != RequestOutcome.VISIT:
        raise ApplicationError("只有“安排责任督学专项督导”的申请需要关联督导纪实。")
    REQUEST_WORKFLOW.check(request.status, RequestStatus.DONE)
    if not matching_visits(request).filter(pk=visit.pk).exists():
        raise ApplicationError("只能关联承办督学在受理之后对该校的“专项任务”督导纪实。")
    request.visit = visit
    _done(request, actor=actor, note=f"关联督导纪实：{visit}")
    audit_record(actor=actor, action="checks.request_link_visit", obj=request, region_code=request.region_code,
                 after={"visit": visit.pk})
    return request


@transaction.atomic
def request_mark_done(*, actor, request: SupervisionRequest, note: str = "") -> SupervisionRequest:
    """The office closes an accepted check or inspection request: a check one once its target is checked; an
    inspection one when the office judges the project done."""
    _require_office(actor, request.region_code)
    request = _locked(request)
    REQUEST_WORKFLOW.check(request.status, RequestStatus.DONE)
    note = _clean_text(note, limit=TEXT_MAX)
    if request.outcome == RequestOutcome.VISIT:
        raise ApplicationError("责任督学专项督导的申请，请由承办督学关联督导纪实后完成。")
    if request.outcome == RequestOutcome.CHECK:
        done = CheckTarget.objects.filter(round_id=request.check_round_id, school_id=request.school_id,
                                          status=TargetStatus.DONE).exists()
        if not done:
            raise ApplicationError("专项检查尚未完成对该校的检查，不能标记为已完成。")
    _done(request, actor=actor, note=note or "督导室确认已完成")
    audit_record(actor=actor, action="checks.request_done", obj=request, region_code=request.region_code,
                 after={"outcome": request.outcome, "note": note[:200]})
    return request
