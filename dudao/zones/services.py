"""Writes of 挂牌督导: zones, assignments, visits, sign-off, cross-supervision plans and complaints.

Each service is keyword-only, atomic, validates with a Chinese message and writes one audit record.
"""

import datetime
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from dudao.core.audit import audit_record, snapshot
from dudao.core.dates import cn_date
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import Role
from dudao.core.policy import policy_value
from dudao.core.registries import refuse_if_archived
from dudao.core.scope import require_office_for, scope_for
from dudao.documents import files
from dudao.documents.models import FileKind
from dudao.documents.services import file_record, file_store
from dudao.people.models import Inspector, InspectorStatus
from dudao.people.selectors import inspector_recused
from dudao.rectification.models import FollowUp
from dudao.rectification.services import finding_raise
from dudao.regions.models import RegionLevel
from dudao.zones import engine
from dudao.zones.models import (
    COMPLAINT_WORKFLOW,
    METHOD_LABELS,
    ROUTINE_ITEM_LABELS,
    Assignment,
    Complaint,
    ComplaintChannel,
    ComplaintKind,
    ComplaintStatus,
    ComplaintTransition,
    CrossSupervision,
    LessonObservation,
    LessonRating,
    ReplyChannel,
    Visit,
    VisitFile,
    VisitReason,
    VisitStatus,
    Zone,
)
from dudao.zones.selectors import complaint_roles, may_sign_visit

FUTURE_TOLERANCE = datetime.timedelta(minutes=10)


def _require_office(actor, region_code: str) -> None:
    require_office_for(actor, region_code, "您无权管理该地区的责任区和挂牌督导。")


# ---- zones and assignments ---------------------------------------------------------------------

@transaction.atomic
def zone_save(*, actor, zone: Zone | None = None, code: str, name: str, region, lead: Inspector | None = None,
              note: str = "") -> Zone:
    creating = zone is None
    if not creating:
        _require_office(actor, zone.region_id)
    _require_office(actor, region.code)
    if region.level != RegionLevel.COUNTY:
        raise ApplicationError("责任区应设在县（区）。")
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise ApplicationError("责任区编码和名称不能为空。")
    if Zone.objects.filter(code=code).exclude(pk=getattr(zone, "pk", None)).exists():
        raise ApplicationError(f"责任区编码 {code} 已存在。")
    if lead is not None and (lead.status != InspectorStatus.ACTIVE or not region.code.startswith(lead.region_id[:6])):
        raise ApplicationError("牵头督学必须是本县（区）在岗督学。")
    if not creating and region.code != zone.region_id and zone.assignments.current().exists():
        raise ApplicationError("该责任区已有挂牌学校，不能改到其他县（区）；请先结束挂牌或新建责任区。")
    before = None if creating else snapshot(zone)
    zone = zone or Zone()
    zone.code, zone.name, zone.region, zone.lead, zone.note = code, name, region, lead, note
    zone.full_clean()
    zone.save()
    audit_record(actor=actor, action="zone.create" if creating else "zone.update", obj=zone,
                 region_code=region.code, before=before, after=snapshot(zone))
    return zone


def assert_no_self_assignment(inspector: Inspector) -> None:
    if inspector.home_school_id and Assignment.objects.current().filter(
            inspector=inspector, school_id=inspector.home_school_id).exists():
        raise ApplicationError(f"{inspector.name}目前是本人所在学校的责任督学，违反回避规定，请先调整挂牌。")


@transaction.atomic
def assignment_set(*, actor, zone: Zone, inspector: Inspector, school, campus=None,
                   started_on: datetime.date) -> Assignment:
    """Post an inspector at a school (or campus). Reassigning ends the previous current assignment."""
    _require_office(actor, school.region_id)
    if not school.region_id.startswith(zone.region_id):
        raise ApplicationError(f"{school.name}不在责任区“{zone.name}”所在的县（区）。")
    if inspector.status != InspectorStatus.ACTIVE:
        raise ApplicationError(f"{inspector.name}目前状态为“{inspector.get_status_display()}”，不能挂牌。")
    if not school.region_id.startswith(inspector.region_id[:6]) and not inspector.region_id.endswith("00"):
        raise ApplicationError(f"{inspector.name}的聘任地区不包含{school.name}。")
    if inspector_recused(inspector, school.pk):
        raise ApplicationError(f"回避：{inspector.name}在{school.name}工作，不能担任本校的责任督学。")
    if campus is not None and campus.school_id != school.pk:
        raise ApplicationError("所选校区不属于该学校。")
    if started_on > timezone.localdate() + datetime.timedelta(days=31):
        raise ApplicationError("挂牌日期不能晚于一个月以后。")
    current = Assignment.objects.current().select_for_update().filter(school=school)
    if campus is None:
        previous = list(current)
    else:
        if current.filter(campus__isnull=True).exists():
            raise ApplicationError(f"{school.name}已整体挂牌，如需按校区分别挂牌，请先结束整体挂牌。")
        previous = list(current.filter(campus=campus))
    if any(p.inspector_id == inspector.pk and p.zone_id == zone.pk for p in previous if p.campus_id == getattr(campus, "pk", None)):
        raise ApplicationError(f"{inspector.name}已是该{'校区' if campus else '学校'}的责任督学。")
    for old in previous:
        if old.started_on > started_on:
            raise ApplicationError("新的挂牌日期不能早于原挂牌日期。")
        old.ended_on, old.end_reason = started_on, f"调整为{inspector.name}"
        old.save(update_fields=["ended_on", "end_reason"])
    assignment = Assignment.objects.create(zone=zone, inspector=inspector, school=school, campus=campus,
                                           started_on=started_on, created_by=actor)
    audit_record(actor=actor, action="assignment.set", obj=assignment, region_code=school.region_id,
                 before={"ended": [p.pk for p in previous]}, after=snapshot(assignment))
    return assignment


@transaction.atomic
def assignment_end(*, actor, assignment: Assignment, date: datetime.date, reason: str) -> Assignment:
    _require_office(actor, assignment.school.region_id)
    if assignment.ended_on is not None:
        raise ApplicationError("该挂牌已经结束。")
    if not reason.strip():
        raise ApplicationError("请填写结束原因。")
    if date < assignment.started_on:
        raise ApplicationError("结束日期不能早于挂牌日期。")
    before = snapshot(assignment)
    assignment.ended_on, assignment.end_reason = date, reason.strip()
    assignment.save(update_fields=["ended_on", "end_reason"])
    audit_record(actor=actor, action="assignment.end", obj=assignment, region_code=assignment.school.region_id,
                 before=before, after=snapshot(assignment))
    return assignment


def assignments_end_for_inspector(*, actor, inspector: Inspector, date: datetime.date, reason: str) -> int:
    """Called by people.services when an inspector leaves active service (inside its transaction)."""
    return Assignment.objects.current().filter(inspector=inspector).update(
        ended_on=date, end_reason=reason[:255])


# ---- visits --------------------------------------------------------------------------------------

def _visit_actor_may_record(actor, inspector: Inspector) -> None:
    if inspector.user_id and inspector.user_id == actor.pk:
        return
    scope = scope_for(actor)
    if scope.holds(inspector.region_id[:6], Role.OFFICE):
        return
    raise PermissionDenied("只能由督学本人（或督导室代为）填写督导纪实。")


def _current_assignment(inspector: Inspector, school, day: datetime.date) -> Assignment | None:
    return (Assignment.objects.filter(inspector=inspector, school=school, started_on__lte=day)
            .exclude(ended_on__lt=day).select_related("zone").first())


def _school_zone(school, day: datetime.date) -> Zone | None:
    found = (Assignment.objects.filter(school=school, started_on__lte=day).exclude(ended_on__lt=day)
             .select_related("zone").first())
    return found.zone if found else None


def _clean_methods(methods: dict) -> dict:
    cleaned = {}
    for code, count in (methods or {}).items():
        if code not in METHOD_LABELS:
            raise ApplicationError(f"未知的督导方式：{code}")
        try:
            count = int(count or 0)
        except (TypeError, ValueError):
            raise ApplicationError(f"“{METHOD_LABELS[code]}”的次数应为整数。") from None
        if not 0 <= count <= 100:
            raise ApplicationError(f"“{METHOD_LABELS[code]}”的次数应在 0 到 100 之间。")
        if count:
            cleaned[code] = count
    if not cleaned:
        raise ApplicationError("请至少填写一种督导方式及次数。")
    return cleaned


def _clean_items(items) -> list[str]:
    items = list(dict.fromkeys(items or []))
    unknown = [i for i in items if i not in ROUTINE_ITEM_LABELS and i != "special"]
    if unknown:
        raise ApplicationError(f"未知的督导事项：{'、'.join(unknown)}")
    if not items:
        raise ApplicationError("请至少勾选一项督导事项。")
    return items


def validate_visit_time(school, started_at: datetime.datetime, ended_at: datetime.datetime) -> int:
    """Minutes on site, or a refusal: not in the future, not before the school existed, a sane duration."""
    now = timezone.now()
    if started_at > now + FUTURE_TOLERANCE or ended_at > now + FUTURE_TOLERANCE:
        raise ApplicationError("督导时间不能晚于当前时间。")
    if ended_at <= started_at:
        raise ApplicationError("离校时间必须晚于到校时间。")
    max_hours = int(policy_value("zones.visit_max_hours", school.region_id))
    if ended_at - started_at > datetime.timedelta(hours=max_hours):
        raise ApplicationError(f"在校时长超过 {max_hours} 小时，请检查到校、离校时间。")
    local_start = timezone.localtime(started_at)
    if school.founded_year and local_start.year < school.founded_year:
        raise ApplicationError(f"督导日期早于{school.name}的建校年份（{school.founded_year} 年）。")
    return int((ended_at - started_at).total_seconds() // 60)


@dataclass(frozen=True)
class VisitDraft:
    """A visit as submitted, by the page or the tablet API, before anything is checked."""

    client_id: object
    inspector: Inspector
    school: object
    started_at: datetime.datetime
    ended_at: datetime.datetime
    methods: dict
    items: list
    narrative: str
    campus: object = None
    companions: tuple = ()
    topic: str = ""
    highlights: str = ""
    reason: str = VisitReason.ASSIGNED
    reason_note: str = ""
    problems: tuple = ()
    lessons: tuple = ()
    photos: tuple = ()


@dataclass(frozen=True)
class CleanVisit:
    """A visit that passed every check: what visit_write stores, nothing left to refuse but a race."""

    client_id: uuid.UUID
    inspector: Inspector
    school: object
    campus: object
    zone: Zone | None
    cross_plan: CrossSupervision | None
    started_at: datetime.datetime
    ended_at: datetime.datetime
    minutes: int
    methods: dict
    items: list
    topic: str
    narrative: str
    highlights: str
    reason: str
    reason_note: str
    companions: list
    problems: list
    lessons: list
    photos: list  # documents.files.CheckedFile, already written under their hash


def visit_client_id(client_id) -> uuid.UUID:
    try:
        return uuid.UUID(str(client_id))
    except ValueError:
        raise ApplicationError("客户端编号无效。") from None


def visit_already_recorded(draft: VisitDraft) -> Visit | None:
    """The visit this client id already recorded (a retry on a flaky connection), or None; the id reused for
    another inspector or school is refused."""
    existing = Visit.objects.filter(client_id=visit_client_id(draft.client_id)).first()
    if existing is not None and (existing.inspector_id != draft.inspector.pk or existing.school_id != draft.school.pk):
        raise ApplicationError("该客户端编号已被另一条督导纪实使用。")
    return existing


def visit_clean(*, actor, draft: VisitDraft) -> CleanVisit:
    """Every check of a visit, in the order the refusals are read, or ApplicationError (in Chinese). Writes no
    row; the photos are decoded and written under their hash here, so slow work never holds the write lock."""
    inspector, school, campus, reason = draft.inspector, draft.school, draft.campus, draft.reason
    client_id = visit_client_id(draft.client_id)
    _visit_actor_may_record(actor, inspector)
    if inspector.status != InspectorStatus.ACTIVE:
        raise ApplicationError(f"{inspector.name}目前状态为“{inspector.get_status_display()}”，不能填写督导纪实。")
    if inspector_recused(inspector, school.pk):
        raise ApplicationError(f"回避：{inspector.name}在{school.name}工作，不能督导本校。")
    if campus is not None and campus.school_id != school.pk:
        raise ApplicationError("所选校区不属于该学校。")
    minutes = validate_visit_time(school, draft.started_at, draft.ended_at)
    day = timezone.localtime(draft.started_at).date()
    refuse_if_archived(school.region_id, day, "督导纪实")
    narrative = (draft.narrative or "").strip()
    if not narrative:
        raise ApplicationError("请填写督导纪实（督导过程与情况）。")
    methods, items = _clean_methods(draft.methods), _clean_items(draft.items)
    topic, reason_note = (draft.topic or "").strip(), (draft.reason_note or "").strip()
    if "special" in items and not topic:
        raise ApplicationError("勾选了专项督导事项，请填写本月专项督导内容。")
    if reason not in VisitReason.values:
        raise ApplicationError(f"未知的督导类型：{reason}")
    assignment = _current_assignment(inspector, school, day)
    if assignment is None and reason == VisitReason.ASSIGNED:
        raise ApplicationError(f"{school.name}不是{inspector.name}在 {cn_date(day)} 负责的学校；"
                               f"如为交叉督导、投诉核查或专项任务，请选择督导类型并说明。")
    if reason != VisitReason.ASSIGNED and not reason_note and reason != VisitReason.CROSS:
        raise ApplicationError("请说明本次督导的任务来源（如投诉编号、专项任务名称）。")
    companions = list(draft.companions)
    for companion in companions:
        if companion.pk == inspector.pk:
            raise ApplicationError("随行督学不能是本人。")
        if companion.status != InspectorStatus.ACTIVE:
            raise ApplicationError(f"随行督学{companion.name}不在岗。")
        if inspector_recused(companion, school.pk):
            raise ApplicationError(f"回避：随行督学{companion.name}在{school.name}工作。")
    problems = [_clean_problem(p) for p in draft.problems]
    lessons = [_clean_lesson(lesson) for lesson in draft.lessons]
    # Photos are checked before any row is written, so a bad photo saves nothing.
    checked = [files.check_and_write(p, kind=FileKind.IMAGE, region_code=school.region_id) for p in draft.photos]
    zone = assignment.zone if assignment else _school_zone(school, day)
    cross_plan = None
    if reason == VisitReason.CROSS:
        cross_plan = CrossSupervision.objects.filter(
            semester=engine.semester_of(day).key, host_zone=zone, inspectors=inspector).order_by("planned_on").first()
        if cross_plan is None and not reason_note:
            raise ApplicationError("未找到本学期安排您参加的交叉督导，请说明任务来源。")
    return CleanVisit(
        client_id=client_id, inspector=inspector, school=school, campus=campus, zone=zone, cross_plan=cross_plan,
        started_at=draft.started_at, ended_at=draft.ended_at, minutes=minutes, methods=methods, items=items,
        topic=topic, narrative=narrative, highlights=(draft.highlights or "").strip(), reason=reason,
        reason_note=reason_note, companions=companions, problems=problems, lessons=lessons, photos=checked)


@transaction.atomic
def visit_write(*, actor, visit: CleanVisit) -> tuple[Visit, bool]:
    """Store a checked visit with its companions, photos, lessons and problems (→ Findings) and its audit
    record, in one transaction. The same client id committed meanwhile by a concurrent request: that visit."""
    data, school = visit, visit.school
    try:
        with transaction.atomic():
            visit = Visit.objects.create(
                client_id=data.client_id, inspector=data.inspector, school=school, campus=data.campus, zone=data.zone,
                started_at=data.started_at, ended_at=data.ended_at, minutes_on_site=data.minutes,
                methods=data.methods, items=data.items, topic=data.topic, narrative=data.narrative,
                highlights=data.highlights, reason=data.reason, reason_note=data.reason_note,
                cross_plan=data.cross_plan, created_by=actor,
            )
    except IntegrityError:
        return Visit.objects.get(client_id=data.client_id), False
    if data.companions:
        visit.companions.add(*data.companions)
    for c in {c.sha256: c for c in data.photos}.values():  # the same photo twice is kept once
        VisitFile.objects.create(visit=visit, sha256=c.sha256, file=file_record(actor=actor, checked=c))
    LessonObservation.objects.bulk_create([LessonObservation(visit=visit, **lesson) for lesson in data.lessons])
    for problem in data.problems:
        finding_raise(actor=actor, source="visit", source_type="zones.visit", source_id=str(visit.pk), school=school,
                      category=problem["item"], category_label=str(ROUTINE_ITEM_LABELS.get(problem["item"], "专项督导事项")),
                      follow_up=problem["follow_up"], description=problem["description"],
                      requirement=problem.get("requirement", ""), severity=problem["severity"],
                      raised_at=data.started_at)
    audit_record(actor=actor, action="visit.submit", obj=visit, region_code=school.region_id,
                 after={**snapshot(visit, ["client_id", "inspector_id", "school_id", "started_at", "ended_at", "reason"]),
                        "problems": len(data.problems), "lessons": len(data.lessons), "photos": len(data.photos)})
    return visit, True


def visit_submit(*, actor, **draft) -> tuple[Visit, bool]:
    """Record a visit (the fields of VisitDraft) with its problems, lesson observations and photos: the one path
    of the page and the tablet API. Idempotent by client_id: the same id again returns the visit already
    recorded and changes nothing. Returns (visit, created)."""
    draft = VisitDraft(**draft)
    existing = visit_already_recorded(draft)
    if existing is not None:
        return existing, False
    return visit_write(actor=actor, visit=visit_clean(actor=actor, draft=draft))


SEVERITY_BY_FOLLOW_UP = {FollowUp.NONE: 1, FollowUp.ON_SITE: 1, FollowUp.SUGGESTION: 1, FollowUp.REPORT: 3,
                         FollowUp.CONSULT: 2}


def _clean_problem(problem: dict) -> dict:
    item = problem.get("item") or ""
    if item not in ROUTINE_ITEM_LABELS and item != "special":
        raise ApplicationError("每个问题都要选择所属督导事项。")
    follow_up = problem.get("follow_up") or ""
    if follow_up not in FollowUp.values:
        raise ApplicationError("每个问题都要选择处理方式。")
    description = (problem.get("description") or "").strip()
    if not description:
        raise ApplicationError("问题描述不能为空。")
    return {"item": item, "follow_up": follow_up, "description": description[:2000],
            "requirement": (problem.get("requirement") or "").strip(), "severity": SEVERITY_BY_FOLLOW_UP[follow_up]}


def _clean_lesson(lesson: dict) -> dict:
    values = {k: (lesson.get(k) or "").strip() for k in ("class_name", "subject", "teacher", "rating", "notes")}
    if not (values["class_name"] and values["subject"] and values["teacher"]):
        raise ApplicationError("听课记录须填写班级、学科和授课教师。")
    if values["rating"] not in LessonRating.values:
        raise ApplicationError("听课记录须选择评价等次。")
    for key in ("class_name", "subject", "teacher"):
        values[key] = values[key][:32]
    return values


@transaction.atomic
def visit_add_photo(*, actor, visit: Visit, upload, caption: str = "") -> tuple[VisitFile, bool]:
    """Add a photo to a recorded visit; the same photo twice is stored once (idempotent by SHA-256)."""
    _visit_actor_may_record(actor, visit.inspector)
    refuse_if_archived(visit.school.region_id, timezone.localtime(visit.started_at).date(), "督导纪实")
    if visit.status == VisitStatus.SIGNED:
        raise ApplicationError("学校已签收的督导纪实不能再添加照片。")
    stored = file_store(actor=actor, upload=upload, kind=FileKind.IMAGE, region_code=visit.school.region_id)
    found = VisitFile.objects.filter(visit=visit, sha256=stored.sha256).first()
    if found is not None:
        return found, False
    item = VisitFile.objects.create(visit=visit, file=stored, sha256=stored.sha256, caption=caption[:128])
    audit_record(actor=actor, action="visit.photo", obj=visit, region_code=visit.school.region_id,
                 after={"sha256": stored.sha256, "name": stored.original_name})
    return item, True


@transaction.atomic
def visit_sign(*, actor, visit: Visit, comment: str = "") -> Visit:
    """The school confirms it has read the record (签收) and may add its comment."""
    if not may_sign_visit(actor, visit):
        raise PermissionDenied("只有被督导学校的用户可以签收督导纪实。")
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    refuse_if_archived(visit.school.region_id, timezone.localtime(visit.started_at).date(), "督导纪实")
    if visit.status == VisitStatus.SIGNED:
        raise ApplicationError("该督导纪实已签收。")
    visit.status, visit.signed_by, visit.signed_at = VisitStatus.SIGNED, actor, timezone.now()
    visit.school_comment = (comment or "").strip()
    visit.save(update_fields=["status", "signed_by", "signed_at", "school_comment"])
    audit_record(actor=actor, action="visit.sign", obj=visit, region_code=visit.school.region_id,
                 after={"comment": visit.school_comment})
    return visit


# ---- cross-supervision ------------------------------------------------------------------------------

@transaction.atomic
def cross_plan_create(*, actor, visiting_zone: Zone, host_zone: Zone, planned_on: datetime.date, inspectors,
                      note: str = "") -> CrossSupervision:
    _require_office(actor, host_zone.region_id)
    _require_office(actor, visiting_zone.region_id)
    if visiting_zone.pk == host_zone.pk:
        raise ApplicationError("交叉督导的派出责任区和被督导责任区不能相同。")
    inspectors = list(inspectors)
    if not inspectors:
        raise ApplicationError("请选择参加交叉督导的督学。")
    home = set(Assignment.objects.current().filter(zone=visiting_zone).values_list("inspector_id", flat=True))
    home.add(visiting_zone.lead_id)
    strangers = [i.name for i in inspectors if i.pk not in home]
    if strangers:
        raise ApplicationError(f"{'、'.join(strangers)}不是派出责任区“{visiting_zone.name}”的督学。")
    plan = CrossSupervision.objects.create(
        semester=engine.semester_of(planned_on).key, visiting_zone=visiting_zone, host_zone=host_zone,
        planned_on=planned_on, note=note.strip(), created_by=actor)
    plan.inspectors.set(inspectors)
    audit_record(actor=actor, action="cross.create", obj=plan, object_repr=f"{visiting_zone.name}→{host_zone.name}",
                 region_code=host_zone.region_id, after={**snapshot(plan), "inspectors": [i.pk for i in inspectors]})
    return plan


# ---- complaints ---------------------------------------------------------------------------------------

def _next_number(day: datetime.date) -> str:
    prefix = f"TS{day:%Y%m%d}"
    last = Complaint.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
    seq = int(last[-4:]) + 1 if last else 1
    return f"{prefix}{seq:04d}"


def _responsible_inspector(school) -> Inspector | None:
    found = Assignment.objects.current().filter(school=school, inspector__status=InspectorStatus.ACTIVE).select_related(
        "inspector").order_by("campus_id").first()
    return found.inspector if found else None


@transaction.atomic
def complaint_receive(*, actor, school, kind: str, channel: str, content: str, complainant_name: str = "",
                      complainant_phone: str = "", submit_ip: str | None = None) -> Complaint:
    """Take in a complaint (public page: actor None) and hand it to the school's responsible inspector."""
    if actor is not None and getattr(actor, "is_authenticated", False):
        require_office_for(actor, school.region_id, "只有督导室可以登记投诉举报。")
    elif channel != ComplaintChannel.PUBLIC_PAGE:
        raise PermissionDenied("匿名提交只能来自挂牌公示页。")
    content = (content or "").strip()
    if len(content) < 5:
        raise ApplicationError("请具体描述反映的问题（至少 5 个字）。")
    if len(content) > 5000:
        raise ApplicationError("内容过长（最多 5000 字）。")
    if kind not in ComplaintKind.values or channel not in ComplaintChannel.values:
        raise ApplicationError("请选择反映类型。")
    phone = (complainant_phone or "").strip()
    if phone and not (phone.replace("-", "").replace(" ", "").isdigit() and 5 <= len(phone) <= 20):
        raise ApplicationError("联系电话格式不正确。")
    now = timezone.now()
    actor_user = actor if getattr(actor, "is_authenticated", False) else None
    for _attempt in range(5):
        try:
            with transaction.atomic():
                complaint = Complaint.objects.create(
                    number=_next_number(timezone.localdate()), school=school, kind=kind, channel=channel,
                    content=content, complainant_name=(complainant_name or "").strip()[:64],
                    complainant_phone=phone[:32], submit_ip=submit_ip, received_at=now, received_by=actor_user)
            break
        except IntegrityError:
            continue
    else:  # pragma: no cover - five clashes in a row
        raise ApplicationError("系统繁忙，请稍后再试。")
    ComplaintTransition.record(complaint, to_status=ComplaintStatus.RECEIVED, actor=actor_user,
                               note=str(ComplaintChannel(channel).label))
    inspector = _responsible_inspector(school)
    if inspector is not None:
        complaint.assigned_to, complaint.status = inspector, ComplaintStatus.ASSIGNED
        complaint.save(update_fields=["assigned_to", "status"])
        ComplaintTransition.record(complaint, from_status=ComplaintStatus.RECEIVED, to_status=ComplaintStatus.ASSIGNED,
                                   note=f"自动交办责任督学{inspector.name}")
    audit_record(actor=actor, action="complaint.receive", obj=complaint, region_code=school.region_id,
                 after={"number": complaint.number, "kind": kind, "channel": channel, "assigned_to": complaint.assigned_to_id})
    return complaint


@transaction.atomic
def complaint_advance(*, actor, complaint: Complaint, to_status: str, note: str = "", assigned_to=None,
                      verification: str = "", substantiated: bool | None = None, reply_channel: str = "",
                      reply_text: str = "", finding: dict | None = None) -> Complaint:
    """Move a complaint along its workflow; any move not declared in COMPLAINT_WORKFLOW is refused."""
    complaint = Complaint.objects.select_for_update(of=("self",)).select_related("school", "assigned_to").get(pk=complaint.pk)
    COMPLAINT_WORKFLOW.check(complaint.status, to_status)
    if not (complaint_roles(actor, complaint) & COMPLAINT_WORKFLOW.who(complaint.status, to_status)):
        raise PermissionDenied(f"您无权将该投诉变更为“{COMPLAINT_WORKFLOW.label(to_status)}”。")
    before = snapshot(complaint)
    now = timezone.now()
    if to_status == ComplaintStatus.ASSIGNED:
        if assigned_to is None or assigned_to.status != InspectorStatus.ACTIVE:
            raise ApplicationError("请选择在岗的承办督学。")
        if inspector_recused(assigned_to, complaint.school_id):
            raise ApplicationError(f"回避：{assigned_to.name}在被反映学校工作，不能承办。")
        complaint.assigned_to = assigned_to
        note = note or f"交办督学{assigned_to.name}"
    elif to_status == ComplaintStatus.VERIFIED:
        if not verification.strip() or substantiated is None:
            raise ApplicationError("请填写核实情况，并选择反映情况是否属实。")
        complaint.verification, complaint.substantiated, complaint.verified_at = verification.strip(), substantiated, now
        if finding:
            finding_raise(actor=actor, source="complaint", source_type="zones.complaint", source_id=str(complaint.pk),
                          school=complaint.school, category=finding.get("item", ""),
                          category_label=str(ROUTINE_ITEM_LABELS.get(finding.get("item", ""), "投诉反映问题")),
                          follow_up=finding.get("follow_up") or FollowUp.SUGGESTION,
                          description=finding.get("description") or verification, requirement=finding.get("requirement", ""))
    elif to_status == ComplaintStatus.REPLIED:
        if reply_channel not in ReplyChannel.values:
            raise ApplicationError("请选择答复方式。")
        if reply_channel != ReplyChannel.NONE and not reply_text.strip():
            raise ApplicationError("请填写答复内容。")
        if reply_channel == ReplyChannel.NONE and (complaint.complainant_phone or complaint.complainant_name):
            raise ApplicationError("反映人留有联系方式，应当答复。")
        complaint.reply_channel, complaint.reply_text, complaint.replied_at = reply_channel, reply_text.strip(), now
    elif to_status == ComplaintStatus.CLOSED:
        if complaint.status == ComplaintStatus.RECEIVED and not note.strip():
            raise ApplicationError("未经核实直接办结（如重复反映、不属于受理范围），须说明原因。")
        complaint.closed_at = now
    from_status = complaint.status
    complaint.status = to_status
    complaint.save()
    ComplaintTransition.record(complaint, from_status=from_status, to_status=to_status, actor=actor, note=note.strip(),
                               at=now)
    audit_record(actor=actor, action="complaint.advance", obj=complaint, region_code=complaint.school.region_id,
                 before=before, after=snapshot(complaint))
    return complaint
