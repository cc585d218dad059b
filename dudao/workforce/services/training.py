"""Writes of area training: 培训活动、签到、结业与培训证书、40 学时达标. Keyword-only, atomic, audited.

Capacity holds under concurrency by a conditional update of the event's counter (`enrolled_count < capacity`, one
statement, so two last-seat requests cannot both pass), besides the database check enrolled_count ≤ capacity.
A sign-in is one row per (session, enrolment): a second scan, even a simultaneous one, meets the unique constraint
and answers "已签到" without changing anything. Closing an event locks its row, and each completed enrolment is
linked to the people.Training record it wrote (one-to-one), so a retried or reopened close writes nothing twice."""

import datetime
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from dudao.core.audit import audit_record, snapshot
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import RoleAssignment
from dudao.core.policy import PolicyTable, policy_value
from dudao.core.roles import Role
from dudao.core.scope import region_prefix, require_office_for, scope_for
from dudao.people.models import Expert, Inspector, SchoolSupervisor, Training
from dudao.workforce.models import (
    TRAINING_EVENT_WORKFLOW,
    TrainingAttendance,
    TrainingAudience,
    TrainingEnrolment,
    TrainingEnrolmentStatus,
    TrainingEvent,
    TrainingEventStatus,
    TrainingEventTransition,
    TrainingKind,
    TrainingLevel,
    TrainingSession,
    TrainingSignInVia,
)
from dudao.workforce.training_engine import in_window, meets_completion, signin_window

TOKEN_SALT = "dudao.workforce.training.signin"
SESSIONS_MAX = 60
CAPACITY_MAX = 100_000
EVENT_FIELDS = ["title", "level", "kind", "organizer", "starts_on", "ends_on", "is_online", "place", "hours",
                "credits", "audience", "capacity", "self_enrol", "completion_percent", "description"]


# ---- events ------------------------------------------------------------------------------------------------------

def _decimal(value, label: str, *, maximum: int = 999) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ApplicationError(f"{label}须为数字。") from None
    if not number.is_finite() or number < 0 or number > maximum:
        raise ApplicationError(f"{label}须在 0 到 {maximum} 之间。")
    if number != number.quantize(Decimal("0.1")):
        raise ApplicationError(f"{label}最多保留一位小数。")
    return number


def _clean_event(data: dict, *, region_code: str) -> dict:
    title = str(data.get("title") or "").replace("\x00", "").strip()
    if not title:
        raise ApplicationError("请填写培训名称。")
    if len(title) > 200:
        raise ApplicationError("培训名称不超过 200 字。")
    if data.get("level") not in TrainingLevel.values:
        raise ApplicationError("请选择培训级别（国家级、省级、市级、区级）。")
    if data.get("kind") not in TrainingKind.values:
        raise ApplicationError("请选择培训类别。")
    starts_on, ends_on = data.get("starts_on"), data.get("ends_on")
    if not isinstance(starts_on, datetime.date) or not isinstance(ends_on, datetime.date):
        raise ApplicationError("请填写培训的开始日期和结束日期。")
    if ends_on < starts_on:
        raise ApplicationError("结束日期不能早于开始日期。")
    if ends_on - starts_on > datetime.timedelta(days=366):
        raise ApplicationError("一次培训活动不超过一年。")
    hours = _decimal(data.get("hours", ""), "学时")
    if hours <= 0:
        raise ApplicationError("学时须大于 0。")
    credits = _decimal(data.get("credits") or 0, "学分")
    audience = [a for a in TrainingAudience.values if a in set(data.get("audience") or [])]
    if not audience:
        raise ApplicationError("请至少选择一类培训对象。")
    if len(set(data.get("audience") or [])) != len(audience):
        raise ApplicationError("培训对象不在可选范围内。")
    try:
        capacity = int(data.get("capacity"))
    except (TypeError, ValueError):
        raise ApplicationError("名额须为整数。") from None
    if not 1 <= capacity <= CAPACITY_MAX:
        raise ApplicationError(f"名额须在 1 到 {CAPACITY_MAX} 之间。")
    percent = data.get("completion_percent")
    if percent in (None, ""):
        percent = policy_value("workforce.training_completion_percent", region_code)
    try:
        percent = int(percent)
    except (TypeError, ValueError):
        raise ApplicationError("结业要求须为 1 到 100 的整数（百分比）。") from None
    if not 1 <= percent <= 100:
        raise ApplicationError("结业要求须为 1 到 100 的整数（百分比）。")
    is_online = bool(data.get("is_online"))
    place = str(data.get("place") or "").replace("\x00", "").strip()[:200]
    if not is_online and not place:
        raise ApplicationError("线下培训请填写培训地点。")
    return {"title": title, "level": data["level"], "kind": data["kind"],
            "organizer": str(data.get("organizer") or "").replace("\x00", "").strip()[:128],
            "starts_on": starts_on, "ends_on": ends_on, "is_online": is_online, "place": place, "hours": hours,
            "credits": credits, "audience": audience, "capacity": capacity, "self_enrol": bool(data.get("self_enrol")),
            "completion_percent": percent,
            "description": str(data.get("description") or "").replace("\x00", "").strip()[:5000]}


@transaction.atomic
def event_create(*, actor, region, data: dict) -> TrainingEvent:
    require_office_for(actor, region.code, "只有本地区督导室可以组织培训活动。")
    fields = _clean_event(data, region_code=region.code)
    event = TrainingEvent.objects.create(region=region, created_by=actor if actor.is_authenticated else None,
                                         **fields)
    TrainingEventTransition.record(event, to_status=TrainingEventStatus.DRAFT, actor=actor)
    audit_record(actor=actor, action="workforce.training_event_create", obj=event, region_code=region.code,
                 after=snapshot(event, EVENT_FIELDS))
    return event


@transaction.atomic
def event_update(*, actor, event: TrainingEvent, data: dict) -> TrainingEvent:
    event = TrainingEvent.objects.select_for_update().get(pk=event.pk)
    require_office_for(actor, event.region_id, "只有本地区督导室可以修改培训活动。")
    if event.status == TrainingEventStatus.CLOSED:
        raise ApplicationError("培训活动已结束，不能修改；如需更正请先重新开放。")
    fields = _clean_event(data, region_code=event.region_id)
    if fields["capacity"] < event.enrolled_count:
        raise ApplicationError(f"名额不能少于已报名人数（{event.enrolled_count} 人）。")
    before = snapshot(event, EVENT_FIELDS)
    for name, value in fields.items():
        setattr(event, name, value)
    event.save()
    audit_record(actor=actor, action="workforce.training_event_update", obj=event, region_code=event.region_id,
                 before=before, after=snapshot(event, EVENT_FIELDS))
    return event


@transaction.atomic
def session_add(*, actor, event: TrainingEvent, title: str, starts_at: datetime.datetime,
                ends_at: datetime.datetime) -> TrainingSession:
    event = TrainingEvent.objects.select_for_update().get(pk=event.pk)
    require_office_for(actor, event.region_id, "只有本地区督导室可以安排培训场次。")
    if event.status == TrainingEventStatus.CLOSED:
        raise ApplicationError("培训活动已结束，不能再添加场次。")
    title = str(title or "").replace("\x00", "").strip()
    if not title:
        raise ApplicationError("请填写场次内容。")
    if not isinstance(starts_at, datetime.datetime) or not isinstance(ends_at, datetime.datetime):
        raise ApplicationError("请填写场次的开始和结束时间。")
    if ends_at <= starts_at:
        raise ApplicationError("场次结束时间须晚于开始时间。")
    first, last = (timezone.localtime(starts_at).date(), timezone.localtime(ends_at).date())
    if first < event.starts_on or last > event.ends_on:
        raise ApplicationError(f"场次须在培训日期（{event.starts_on}—{event.ends_on}）之内。")
    if event.sessions.count() >= SESSIONS_MAX:
        raise ApplicationError(f"一个培训活动最多 {SESSIONS_MAX} 个场次。")
    session = TrainingSession.objects.create(event=event, title=title[:200], starts_at=starts_at, ends_at=ends_at)
    audit_record(actor=actor, action="workforce.training_session_add", obj=session, region_code=event.region_id,
                 after=snapshot(session))
    return session


@transaction.atomic
def session_delete(*, actor, session: TrainingSession) -> None:
    event = TrainingEvent.objects.select_for_update().get(pk=session.event_id)
    require_office_for(actor, event.region_id, "只有本地区督导室可以删除培训场次。")
    if event.status == TrainingEventStatus.CLOSED:
        raise ApplicationError("培训活动已结束，不能删除场次。")
    if session.attendances.exists():
        raise ApplicationError("该场次已有人签到，不能删除。")
    audit_record(actor=actor, action="workforce.training_session_delete", obj=session, region_code=event.region_id,
                 before=snapshot(session))
    session.delete()


@transaction.atomic
def event_transition(*, actor, event: TrainingEvent, to: str, note: str = "") -> tuple[TrainingEvent, int]:
    """Move the event; closing completes it (returns how many records it wrote into files)."""
    event = TrainingEvent.objects.select_for_update().get(pk=event.pk)
    require_office_for(actor, event.region_id, "只有本地区督导室可以变更培训活动状态。")
    TRAINING_EVENT_WORKFLOW.check(event.status, to)
    note = str(note or "").replace("\x00", "").strip()
    if TRAINING_EVENT_WORKFLOW.is_backward(event.status, to) and not note:
        raise ApplicationError("重新开放已结束的培训活动须填写理由。")
    if to == TrainingEventStatus.OPEN and not event.sessions.exists():
        raise ApplicationError("请先安排至少一个培训场次，再开放报名。")
    before = event.status
    written = 0
    event.status = to
    if to == TrainingEventStatus.CLOSED:
        event.closed_at = timezone.now()
    event.save(update_fields=["status", "closed_at"])
    TrainingEventTransition.record(event, from_status=before, to_status=to, actor=actor, note=note)
    audit_record(actor=actor, action="workforce.training_event_transition", obj=event, region_code=event.region_id,
                 before={"status": before}, after={"status": to, "note": note})
    if to == TrainingEventStatus.CLOSED:
        written = _complete(actor=actor, event=event)
    return event, written


def _file_kwargs(enrolment: TrainingEnrolment) -> dict | None:
    if enrolment.inspector_id:
        return {"inspector_id": enrolment.inspector_id}
    if enrolment.expert_id:
        return {"expert_id": enrolment.expert_id}
    if enrolment.supervisor_id:
        return {"supervisor_id": enrolment.supervisor_id}
    return None  # office staff: no file, completion stays on the enrolment


def _complete(*, actor, event: TrainingEvent) -> int:
    """Apply the completion rule (inside event_transition's lock). Each completed enrolment gets one certificate
    number and, for inspectors, experts and 学校督导管理员, one people.Training record; enrolments already linked
    keep theirs. An existing record of the same person, date and title (typed in by hand) is linked, not
    duplicated. Returns the number of records written."""
    total = event.sessions.count()
    rows = list(event.enrolments.filter(status=TrainingEnrolmentStatus.ENROLLED)
                .annotate(n_attended=Count("attendances")).order_by("id"))
    numbered = {e.certificate_no for e in event.enrolments.exclude(certificate_no="")}
    seq = len(numbered)
    written = 0
    completed_ids = []
    for enrolment in rows:
        if not meets_completion(enrolment.n_attended, total, event.completion_percent):
            continue
        completed_ids.append(enrolment.pk)
        changed = []
        if not enrolment.completed:
            enrolment.completed = True
            changed.append("completed")
        if not enrolment.certificate_no:
            seq += 1
            enrolment.certificate_no = f"{event.ends_on.year}-{event.pk:04d}-{seq:03d}"
            changed.append("certificate_no")
        person = _file_kwargs(enrolment)
        if person is not None and enrolment.training_id is None:
            record, created = Training.objects.get_or_create(
                **person, date=event.ends_on, title=event.title[:200],
                defaults={"organizer": event.organizer or event.region.name, "hours": event.hours,
                          "credits": event.credits})
            if created or not TrainingEnrolment.objects.filter(training=record).exists():
                enrolment.training = record
                changed.append("training")
                written += int(created)
        if changed:
            enrolment.save(update_fields=changed)
    audit_record(actor=actor, action="workforce.training_complete", obj=event, region_code=event.region_id,
                 after={"sessions": total, "completed": len(completed_ids), "records_written": written,
                        "percent": event.completion_percent})
    return written


# ---- enrolment ---------------------------------------------------------------------------------------------------

def _person_region(person) -> str:
    if isinstance(person, Inspector | Expert):
        return person.region_id
    if isinstance(person, SchoolSupervisor):
        return person.school.region_id
    return ""


def _person_kwargs(person) -> tuple[str, dict]:
    if isinstance(person, Inspector):
        return TrainingAudience.INSPECTOR, {"inspector": person}
    if isinstance(person, Expert):
        return TrainingAudience.EXPERT, {"expert": person}
    if isinstance(person, SchoolSupervisor):
        return TrainingAudience.SUPERVISOR, {"supervisor": person}
    if isinstance(person, get_user_model()):
        return TrainingAudience.STAFF, {"staff": person}
    raise ApplicationError("报名对象须为督学、专家、学校督导管理员或督导室工作人员。")


def _staff_of(user, region_code: str) -> bool:
    prefix = region_prefix(region_code)
    return any(code.startswith(prefix) or prefix.startswith(region_prefix(code)) for code in
               RoleAssignment.objects.filter(user=user, role=Role.OFFICE).values_list("region_id", flat=True))


def _check_person(event: TrainingEvent, person) -> tuple[str, dict]:
    audience, kwargs = _person_kwargs(person)
    if audience not in event.audience:
        raise ApplicationError(f"本次培训的对象是{event.audience_labels}，不包括{TrainingAudience(audience).label}。")
    if audience == TrainingAudience.STAFF:
        if not person.is_active or not _staff_of(person, event.region_id):
            raise ApplicationError("只有本地区督导室的工作人员可以报名本次培训。")
        return audience, kwargs
    if not _person_region(person).startswith(region_prefix(event.region_id)):
        raise ApplicationError(f"{person}不在本次培训的主办地区（{event.region.name}）内。")
    if isinstance(person, Inspector) and not person.is_active:
        raise ApplicationError(f"{person}不是在岗督学，不能报名。")
    if isinstance(person, Expert | SchoolSupervisor) and not person.is_active:
        raise ApplicationError(f"{person}已不在库或已离任，不能报名。")
    return audience, kwargs


def own_person(user, event: TrainingEvent):
    """The user's own person for this event's audience: their inspector, expert or 学校督导管理员 record, or
    themself as office staff; None when they are none of the audience."""
    for audience, attr in ((TrainingAudience.INSPECTOR, "inspector"), (TrainingAudience.EXPERT, "expert_profile"),
                           (TrainingAudience.SUPERVISOR, "school_supervisor")):
        if audience in event.audience:
            person = getattr(user, attr, None)
            if person is not None:
                return person
    if TrainingAudience.STAFF in event.audience and _staff_of(user, event.region_id):
        return user
    return None


def _take_seat(event: TrainingEvent) -> None:
    """One seat by a conditional update: refused when full, whatever other requests do at the same moment."""
    taken = TrainingEvent.objects.filter(pk=event.pk, enrolled_count__lt=F("capacity")).update(
        enrolled_count=F("enrolled_count") + 1)
    if not taken:
        raise ApplicationError(f"本次培训名额已满（{event.capacity} 人），不能再报名。")


@transaction.atomic
def enrol(*, actor, event: TrainingEvent, person) -> TrainingEnrolment:
    """The office enrols someone of the audience in its scope, or a person enrols themself (when the event allows).
    A withdrawn enrolment is taken up again. Refused when the event is not open, full, or the person is outside
    the audience or the event's region."""
    event = TrainingEvent.objects.select_related("region").get(pk=event.pk)
    if event.status != TrainingEventStatus.OPEN:
        raise ApplicationError(f"培训活动{TRAINING_EVENT_WORKFLOW.label(event.status)}，不能报名。")
    audience, kwargs = _check_person(event, person)
    by_office = scope_for(actor).holds(event.region_id, Role.OFFICE)
    if not by_office:
        if own_person(actor, event) != person:
            raise PermissionDenied("只能为本人报名；为他人报名请联系督导室。")
        if not event.self_enrol:
            raise ApplicationError("本次培训由督导室统一报名，不接受本人报名。")
    existing = TrainingEnrolment.objects.select_for_update().filter(event=event, **kwargs).first()
    if existing is not None and existing.status == TrainingEnrolmentStatus.ENROLLED:
        raise ApplicationError(f"{existing.person_name}已报名本次培训。")
    _take_seat(event)
    if existing is not None:
        existing.status = TrainingEnrolmentStatus.ENROLLED
        existing.enrolled_by = actor
        existing.save(update_fields=["status", "enrolled_by"])
        enrolment = existing
    else:
        try:
            with transaction.atomic():
                enrolment = TrainingEnrolment.objects.create(event=event, enrolled_by=actor, **kwargs)
        except IntegrityError:
            raise ApplicationError("该人员已报名本次培训。") from None
    audit_record(actor=actor, action="workforce.training_enrol", obj=enrolment, region_code=event.region_id,
                 after={"event": event.pk, "audience": audience, "by_office": by_office})
    return enrolment


def enrol_many(*, actor, event: TrainingEvent, people: list) -> tuple[int, list[str]]:
    """The office enrols several people; each is its own step (one refused does not undo the others). Returns the
    number enrolled and the reasons of those refused."""
    done, refused = 0, []
    for person in people:
        try:
            enrol(actor=actor, event=event, person=person)
            done += 1
        except ApplicationError as exc:
            refused.append(f"{person}：{exc.message}")
    return done, refused


@transaction.atomic
def withdraw(*, actor, enrolment: TrainingEnrolment) -> TrainingEnrolment:
    enrolment = TrainingEnrolment.objects.select_for_update().select_related("event").get(pk=enrolment.pk)
    event = enrolment.event
    by_office = scope_for(actor).holds(event.region_id, Role.OFFICE)
    if not by_office and own_person(actor, event) != enrolment.person:
        raise PermissionDenied("只能退出本人的报名。")
    if event.status != TrainingEventStatus.OPEN:
        raise ApplicationError("培训活动不在报名中，不能退出。")
    if enrolment.status != TrainingEnrolmentStatus.ENROLLED:
        raise ApplicationError("该报名已退出。")
    if enrolment.attendances.exists() and not by_office:
        raise ApplicationError("已签到的报名不能自行退出，请联系督导室。")
    enrolment.status = TrainingEnrolmentStatus.WITHDRAWN
    enrolment.save(update_fields=["status"])
    TrainingEvent.objects.filter(pk=event.pk, enrolled_count__gt=0).update(enrolled_count=F("enrolled_count") - 1)
    audit_record(actor=actor, action="workforce.training_withdraw", obj=enrolment, region_code=event.region_id,
                 after={"event": event.pk, "by_office": by_office})
    return enrolment


# ---- QR sign-in --------------------------------------------------------------------------------------------------

def sign_in_token(session: TrainingSession) -> str:
    """The signed token the session's QR code carries; it names the session and expires (see token_max_age)."""
    return signing.dumps({"s": session.pk, "e": session.event_id}, salt=TOKEN_SALT, compress=False)


def token_max_age(region_code: str) -> int:
    """A code is shown for one rotation interval and accepted for two (so a scan just before it changes works)."""
    return 2 * int(policy_value("workforce.training_qr_rotate_seconds", region_code))


def _read_token(token: str, *, max_age: int) -> dict:
    token = str(token or "").strip()
    if not token or len(token) > 300:
        raise ApplicationError("签到二维码无效，请重新扫描现场的二维码。")
    try:
        data = signing.loads(token, salt=TOKEN_SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise ApplicationError("签到二维码已过期，请扫描屏幕上最新的二维码。") from None
    except signing.BadSignature:
        raise ApplicationError("签到二维码无效（不是本平台生成的二维码），请重新扫描现场的二维码。") from None
    if not isinstance(data, dict) or not isinstance(data.get("s"), int) or not isinstance(data.get("e"), int):
        raise ApplicationError("签到二维码无效，请重新扫描现场的二维码。")
    return data


def token_session(token: str) -> TrainingSession:
    """The session a token names, checked for signature only (the phone page shows what the person signs in to);
    sign_in() checks everything."""
    data = _read_token(token, max_age=10 ** 9)
    session = TrainingSession.objects.select_related("event", "event__region").filter(pk=data["s"]).first()
    if session is None or session.event_id != data["e"]:
        raise ApplicationError("签到二维码对应的场次不存在。")
    return session


def sign_in(*, actor, token: str, event_id: int | None = None, session_id: int | None = None,
            now: datetime.datetime | None = None) -> tuple[TrainingAttendance, bool]:
    """Sign the logged-in user (never anyone named in the request) in to the session the token names. Returns the
    attendance and whether it is new; a second scan returns the first one unchanged ("已签到").

    Refused: forged or expired token, a token of another event than `event_id` (the API's path), outside the
    session's window, the event not open, the user not enrolled. A user of the audience who is not enrolled is
    enrolled on the spot when the event accepts self-enrolment and has room (as on the enrolment page)."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("请先登录再签到。")
    now = now or timezone.now()
    session = token_session(token)
    event = session.event
    policy = PolicyTable(["workforce.training_qr_rotate_seconds", "workforce.training_signin_early_minutes",
                          "workforce.training_signin_late_minutes"])
    _read_token(token, max_age=2 * int(policy.get("workforce.training_qr_rotate_seconds", event.region_id)))
    if event_id is not None and event.pk != event_id:
        raise ApplicationError("该二维码不是本培训活动的签到码。")
    if session_id is not None and session.pk != session_id:
        raise ApplicationError("该二维码不是本场次的签到码，请扫描本场次现场的二维码。")
    if event.status != TrainingEventStatus.OPEN:
        raise ApplicationError(f"培训活动{TRAINING_EVENT_WORKFLOW.label(event.status)}，不能签到。")
    window = signin_window(session.starts_at, session.ends_at,
                           early_minutes=int(policy.get("workforce.training_signin_early_minutes", event.region_id)),
                           late_minutes=int(policy.get("workforce.training_signin_late_minutes", event.region_id)))
    if not in_window(now, window):
        opens, closes = (timezone.localtime(w).strftime("%m月%d日 %H:%M") for w in window)
        raise ApplicationError(f"不在签到时间内：本场次签到时间为 {opens} 至 {closes}（北京时间）。")
    mine = (Q(inspector__user=actor) | Q(expert__user=actor) | Q(supervisor__user=actor) | Q(staff=actor))
    enrolment = (TrainingEnrolment.objects.filter(mine, event=event, status=TrainingEnrolmentStatus.ENROLLED)
                 .order_by("id").first())
    if enrolment is None:
        person = own_person(actor, event)
        if person is None:
            raise ApplicationError(f"您不是本次培训的培训对象（{event.audience_labels}），不能签到。")
        if not event.self_enrol:
            raise ApplicationError("您未报名本次培训，不能签到；本次培训由督导室统一报名。")
        enrolment = enrol(actor=actor, event=event, person=person)
    existing = TrainingAttendance.objects.filter(session=session, enrolment=enrolment).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            attendance = TrainingAttendance.objects.create(session=session, enrolment=enrolment, at=now,
                                                           via=TrainingSignInVia.QR)
            audit_record(actor=actor, action="workforce.training_sign_in", obj=attendance,
                         region_code=event.region_id, after={"session": session.pk, "enrolment": enrolment.pk})
    except IntegrityError:
        return TrainingAttendance.objects.get(session=session, enrolment=enrolment), False
    return attendance, True


@transaction.atomic
def attendance_record(*, actor, session: TrainingSession, enrolment: TrainingEnrolment,
                      at: datetime.datetime | None = None) -> TrainingAttendance:
    """督导室补登: the office records a sign-in for someone who could not scan (audited with the office's name), at
    the time they came (`at`, default now; never in the future)."""
    event = TrainingEvent.objects.select_for_update().get(pk=session.event_id)
    require_office_for(actor, event.region_id, "只有本地区督导室可以补登签到。")
    if enrolment.event_id != event.pk or enrolment.status != TrainingEnrolmentStatus.ENROLLED:
        raise ApplicationError("该人员未报名本次培训。")
    if event.status != TrainingEventStatus.OPEN:
        raise ApplicationError("培训活动不在报名中，不能补登签到。")
    if session.starts_at > timezone.now():
        raise ApplicationError("场次尚未开始，不能补登签到。")
    if TrainingAttendance.objects.filter(session=session, enrolment=enrolment).exists():
        raise ApplicationError(f"{enrolment.person_name}已签到本场次。")
    now = timezone.now()
    if at is not None and at > now:
        raise ApplicationError("签到时间不能晚于现在。")
    attendance = TrainingAttendance.objects.create(session=session, enrolment=enrolment, at=at or now,
                                                   via=TrainingSignInVia.OFFICE, recorded_by=actor)
    audit_record(actor=actor, action="workforce.training_sign_in", obj=attendance, region_code=event.region_id,
                 after={"session": session.pk, "enrolment": enrolment.pk, "via": "office"})
    return attendance
