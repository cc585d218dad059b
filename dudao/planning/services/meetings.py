"""Writes of meetings (会议): a meeting with its attendees and agenda, its minutes (text, or a file that replaces
the link while the old StoredFile row stays), its decisions, and a decision turned into a plan task (through
plans.task_create) or a finding (through rectification's finding_raise, source 会议决定).

Only office staff of the meeting's region write; every write refuses a meeting of an archived year (the day of
`starts_at` in Beijing time) and is audited in its transaction. Attendees are resolved through the region's staff
and units, never taken as posted: a person or unit of another county is refused with a Chinese message."""

import datetime
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from dudao.core.audit import audit_record, snapshot
from dudao.core.dates import cn_date, local_date
from dudao.core.errors import ApplicationError
from dudao.core.registries import refuse_if_archived
from dudao.core.scope import require_office_for
from dudao.documents.models import FileKind
from dudao.documents.services import file_store
from dudao.planning.models import DecisionKind, Meeting, MeetingDecision, MeetingKind, PlanSection, PlanTask
from dudao.planning.selectors.meetings import region_schools, region_staff, region_units
from dudao.planning.services.plans import task_create
from dudao.rectification.models import FindingSource
from dudao.rectification.services import finding_raise
from dudao.regions.models import Region

WHAT = "会议"
TITLE_MAX = 200
PLACE_MAX = 200
HOST_MAX = 64
LABEL_MAX = 64
TEXT_MAX = 20_000
DECISION_MAX = 2_000
SOURCE_TYPE = "planning.decision"
FIELDS = ["kind", "title", "starts_at", "place", "host", "attendees_note", "agenda"]


def _text(value, what: str, limit: int, *, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ApplicationError(f"请填写{what}。")
    if len(text) > limit:
        raise ApplicationError(f"{what}过长（最多 {limit} 个字符）。")
    return text


def _starts_at(value) -> datetime.datetime:
    if not isinstance(value, datetime.datetime):
        raise ApplicationError("请填写会议开始时间。")
    if timezone.is_naive(value):  # a naive time is Beijing time (what the form's date-time input gives)
        value = timezone.make_aware(value)
    if not 2000 <= timezone.localtime(value).year <= 2100:
        raise ApplicationError("会议时间应在 2000 年到 2100 年之间。")
    return value


def _day(meeting: Meeting) -> datetime.date:
    return local_date(meeting.starts_at)


def _refuse_archived(meeting: Meeting) -> None:
    refuse_if_archived(meeting.region_id, _day(meeting), WHAT)


def _ids(values: Iterable) -> list:
    """Posted ids (or objects) as primary keys; anything that is not a whole number is refused."""
    ids = []
    for value in values or ():
        pk = str(getattr(value, "pk", value)).strip()
        # decimal digits short enough for a database integer (a longer one overflows inside `pk__in`)
        if not (pk.isdecimal() and len(pk) < 19):
            raise ApplicationError(f"参会人员或单位编号“{pk[:20]}”无效。")
        ids.append(int(pk))
    return list(dict.fromkeys(ids))


def _attendees(region: Region, users, units) -> tuple[list, list]:
    """The posted people and units, resolved inside the region; any other one is refused (none is named: it may
    lie outside what the actor may read)."""
    user_ids, unit_ids = _ids(users), _ids(units)
    people = list(region_staff(region.code).filter(pk__in=user_ids))
    if len(people) != len(user_ids):
        missing = sorted(set(user_ids) - {p.pk for p in people})
        raise ApplicationError(f"参会人员（编号 {'、'.join(map(str, missing))}）不是{region.name}的工作人员，不能选择。")
    found = list(region_units(region.code).filter(pk__in=unit_ids))
    if len(found) != len(unit_ids):
        missing = sorted(set(unit_ids) - {u.pk for u in found})
        raise ApplicationError(f"参会单位（编号 {'、'.join(map(str, missing))}）不属于{region.name}，不能选择。")
    return people, found


def _fields(*, kind, title, starts_at, place, host, attendees_note, agenda) -> dict:
    if kind not in MeetingKind.values:
        raise ApplicationError("请选择会议类型。")
    return {"kind": kind, "title": _text(title, "会议名称", TITLE_MAX, required=True),
            "starts_at": _starts_at(starts_at), "place": _text(place, "会议地点", PLACE_MAX),
            "host": _text(host, "主持人", HOST_MAX), "attendees_note": _text(attendees_note, "其他参会人员", TEXT_MAX),
            "agenda": _text(agenda, "会议议程", TEXT_MAX)}


def _audit_after(meeting: Meeting, people, units) -> dict:
    return snapshot(meeting, FIELDS) | {"attendee_users": sorted(p.pk for p in people),
                                        "attendee_units": sorted(u.pk for u in units)}


def meeting_create(*, actor, region: Region, kind: str, title: str, starts_at: datetime.datetime, place: str = "",
                   host: str = "", attendee_users: Iterable = (), attendee_units: Iterable = (),
                   attendees_note: str = "", agenda: str = "") -> Meeting:
    if not isinstance(region, Region):
        raise ApplicationError("请选择会议所属区域。")
    require_office_for(actor, region.code, "只有本区域督导室可以登记会议。")
    fields = _fields(kind=kind, title=title, starts_at=starts_at, place=place, host=host,
                     attendees_note=attendees_note, agenda=agenda)
    refuse_if_archived(region.code, local_date(fields["starts_at"]), WHAT)
    people, units = _attendees(region, attendee_users, attendee_units)
    with transaction.atomic():
        meeting = Meeting(region=region, created_by=actor, **fields)
        meeting.full_clean()
        meeting.save()
        meeting.attendee_users.set(people)
        meeting.attendee_units.set(units)
        audit_record(actor=actor, action="planning.meeting_create", obj=meeting, region_code=region.code,
                     after=_audit_after(meeting, people, units))
    return meeting


def meeting_update(*, actor, meeting: Meeting, kind: str, title: str, starts_at: datetime.datetime, place: str = "",
                   host: str = "", attendee_users: Iterable = (), attendee_units: Iterable = (),
                   attendees_note: str = "", agenda: str = "") -> Meeting:
    """Change a meeting (its region stays). Both the old and the new date must lie in a year still open."""
    require_office_for(actor, meeting.region_id, "只有本区域督导室可以修改会议。")
    fields = _fields(kind=kind, title=title, starts_at=starts_at, place=place, host=host,
                     attendees_note=attendees_note, agenda=agenda)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("region").get(pk=meeting.pk)
        _refuse_archived(meeting)
        refuse_if_archived(meeting.region_id, local_date(fields["starts_at"]), WHAT)
        people, units = _attendees(meeting.region, attendee_users, attendee_units)
        before = _audit_after(meeting, meeting.attendee_users.all(), meeting.attendee_units.all())
        for name, value in fields.items():
            setattr(meeting, name, value)
        meeting.full_clean()
        meeting.save()
        meeting.attendee_users.set(people)
        meeting.attendee_units.set(units)
        audit_record(actor=actor, action="planning.meeting_update", obj=meeting, region_code=meeting.region_id,
                     before=before, after=_audit_after(meeting, people, units))
    return meeting


def _carried(decision: MeetingDecision) -> str:
    """What a decision became, in words ("" while it is only recorded)."""
    if decision.finding_id:
        return "已列入问题整改"
    if PlanTask.objects.filter(decision=decision).exists():
        return "已转为工作任务"
    return ""


def meeting_delete(*, actor, meeting: Meeting) -> None:
    """Delete a meeting and its decisions, refused while any decision has become a task or a finding (those are
    tracked elsewhere and must keep their source)."""
    require_office_for(actor, meeting.region_id, "只有本区域督导室可以删除会议。")
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _refuse_archived(meeting)
        decisions = list(meeting.decisions.all())
        tasks = PlanTask.objects.filter(decision__in=decisions).count()
        findings = sum(1 for d in decisions if d.finding_id)
        if tasks or findings:
            parts = ([f"{tasks} 项已转为工作任务"] if tasks else []) + ([f"{findings} 项已列入问题整改"] if findings else [])
            raise ApplicationError(f"会议“{meeting.title}”的决定中有{'，'.join(parts)}，不能删除会议；"
                                   "这些任务和问题仍在跟踪，需保留其来源。")
        audit_record(actor=actor, action="planning.meeting_delete", obj=meeting, region_code=meeting.region_id,
                     before=snapshot(meeting, FIELDS) | {"decisions": [d.text for d in decisions]})
        meeting.delete()


def minutes_set(*, actor, meeting: Meeting, text: str | None = None, upload=None) -> Meeting:
    """Set the minutes' text (None: unchanged) and/or upload the minutes' file (a PDF or Office document, checked
    by content and size). A new file replaces the link; the old StoredFile row stays (evidence is never
    overwritten)."""
    require_office_for(actor, meeting.region_id, "只有本区域督导室可以填写会议纪要。")
    if text is None and upload is None:
        raise ApplicationError("请填写会议纪要或上传纪要文件。")
    minutes = _text(text, "会议纪要", TEXT_MAX) if text is not None else None
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("region").get(pk=meeting.pk)
        _refuse_archived(meeting)
        before = {"minutes": meeting.minutes, "minutes_file": meeting.minutes_file_id}
        if upload is not None:
            stored = file_store(actor=actor, upload=upload, kind=FileKind.DOCUMENT, region_code=meeting.region_id)
            meeting.minutes_file = stored
        if minutes is not None:
            meeting.minutes = minutes
        meeting.save(update_fields=["minutes", "minutes_file"])
        audit_record(actor=actor, action="planning.minutes_set", obj=meeting, region_code=meeting.region_id,
                     before=before, after={"minutes": meeting.minutes, "minutes_file": meeting.minutes_file_id})
    return meeting


def _due(value, what: str = "完成期限") -> datetime.date | None:
    if value in (None, ""):
        return None
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise ApplicationError(f"{what}应为日期。")
    return value


def _decision_fields(decision: MeetingDecision) -> dict:
    return snapshot(decision, ["meeting_id", "order", "text", "kind", "owner_label", "due_date", "finding_id"])


def decision_add(*, actor, meeting: Meeting, text: str, owner_label: str = "",
                 due_date: datetime.date | None = None) -> MeetingDecision:
    require_office_for(actor, meeting.region_id, "只有本区域督导室可以登记会议决定。")
    text = _text(text, "决定事项", DECISION_MAX, required=True)
    owner_label = _text(owner_label, "责任人或单位", LABEL_MAX)
    due_date = _due(due_date)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _refuse_archived(meeting)
        if due_date and due_date < _day(meeting):
            raise ApplicationError(f"完成期限不能早于会议日期（{cn_date(_day(meeting))}）。")
        last = meeting.decisions.order_by("-order").values_list("order", flat=True).first() or 0
        decision = MeetingDecision(meeting=meeting, order=last + 1, text=text, owner_label=owner_label,
                                   due_date=due_date)
        decision.full_clean()
        decision.save()
        audit_record(actor=actor, action="planning.decision_add", obj=decision, region_code=meeting.region_id,
                     after=_decision_fields(decision))
    return decision


def _locked_decision(decision: MeetingDecision) -> MeetingDecision:
    decision = MeetingDecision.objects.select_for_update().select_related("meeting", "meeting__region").get(
        pk=decision.pk)
    _refuse_archived(decision.meeting)
    return decision


def decision_update(*, actor, decision: MeetingDecision, text: str, owner_label: str = "",
                    due_date: datetime.date | None = None) -> MeetingDecision:
    """Edit a decision still only recorded; once it became a task or a finding, that record is edited instead."""
    require_office_for(actor, decision.meeting.region_id, "只有本区域督导室可以修改会议决定。")
    text = _text(text, "决定事项", DECISION_MAX, required=True)
    owner_label = _text(owner_label, "责任人或单位", LABEL_MAX)
    due_date = _due(due_date)
    with transaction.atomic():
        decision = _locked_decision(decision)
        if carried := _carried(decision):
            raise ApplicationError(f"该决定{carried}，不能再修改；请在对应的工作任务或整改问题中修改。")
        if due_date and due_date < _day(decision.meeting):
            raise ApplicationError(f"完成期限不能早于会议日期（{cn_date(_day(decision.meeting))}）。")
        before = _decision_fields(decision)
        decision.text, decision.owner_label, decision.due_date = text, owner_label, due_date
        decision.full_clean()
        decision.save()
        audit_record(actor=actor, action="planning.decision_update", obj=decision,
                     region_code=decision.meeting.region_id, before=before, after=_decision_fields(decision))
    return decision


def decision_delete(*, actor, decision: MeetingDecision) -> None:
    require_office_for(actor, decision.meeting.region_id, "只有本区域督导室可以删除会议决定。")
    with transaction.atomic():
        decision = _locked_decision(decision)
        if carried := _carried(decision):
            raise ApplicationError(f"该决定{carried}，不能删除。")
        audit_record(actor=actor, action="planning.decision_delete", obj=decision,
                     region_code=decision.meeting.region_id, before=_decision_fields(decision))
        decision.delete()


def decision_to_task(*, actor, decision: MeetingDecision, section: PlanSection, owner_user=None, owner_zone=None,
                     owner_label: str = "", due_date: datetime.date | None) -> PlanTask:
    """The decision as a task of a plan section of the meeting's region (plans.task_create checks the owner, the
    due date and the plan's own rules); a decision becomes one task or one finding, once."""
    require_office_for(actor, decision.meeting.region_id, "只有本区域督导室可以将会议决定转为工作任务。")
    if not isinstance(section, PlanSection):
        raise ApplicationError("请选择工作要点中的部分。")
    if due_date is None:
        raise ApplicationError("请填写完成期限。")
    due_date = _due(due_date)
    with transaction.atomic():
        decision = _locked_decision(decision)
        if carried := _carried(decision):
            raise ApplicationError(f"该决定{carried}，不能重复转办。")
        section = PlanSection.objects.select_related("plan").get(pk=section.pk)
        if section.plan.region_id != decision.meeting.region_id:
            raise ApplicationError("只能转为本区域工作要点中的任务。")
        task = task_create(actor=actor, section=section, text=decision.text, owner_user=owner_user,
                           owner_zone=owner_zone, owner_label=(owner_label or decision.owner_label or "").strip(),
                           due_date=due_date, decision=decision)
        before = _decision_fields(decision)
        decision.kind = DecisionKind.TASK
        decision.due_date = due_date
        decision.save(update_fields=["kind", "due_date"])
        audit_record(actor=actor, action="planning.decision_to_task", obj=decision,
                     region_code=decision.meeting.region_id, before=before,
                     after=_decision_fields(decision) | {"task": task.pk, "plan": section.plan_id})
    return task


def decision_to_finding(*, actor, decision: MeetingDecision, school=None, unit=None,
                        due_date: datetime.date | None, requirement: str = ""):
    """The decision as a finding (问题整改, source 会议决定) of one school or one government unit of the meeting's
    region, with a deadline; tracked in the ledger like any other finding."""
    require_office_for(actor, decision.meeting.region_id, "只有本区域督导室可以将会议决定列入问题整改。")
    if (school is None) == (unit is None):
        raise ApplicationError("请选择一所学校或一个政府单位作为整改对象（只能选一个）。")
    if due_date is None:
        raise ApplicationError("请填写整改期限。")
    due_date = _due(due_date, "整改期限")
    requirement = _text(requirement, "整改要求", TEXT_MAX)
    with transaction.atomic():
        decision = _locked_decision(decision)
        meeting = decision.meeting
        if carried := _carried(decision):
            raise ApplicationError(f"该决定{carried}，不能重复转办。")
        if due_date < _day(meeting):
            raise ApplicationError(f"整改期限不能早于会议日期（{cn_date(_day(meeting))}）。")
        region = meeting.region
        if school is not None:
            school = region_schools(region.code).filter(pk=getattr(school, "pk", school)).first()
            if school is None:
                raise ApplicationError(f"所选学校不属于{region.name}，不能列入本会议的整改问题。")
        if unit is not None:
            unit = region_units(region.code).filter(pk=getattr(unit, "pk", unit)).first()
            if unit is None:
                raise ApplicationError(f"所选单位不属于{region.name}，不能列入本会议的整改问题。")
        finding = finding_raise(
            actor=actor, source=FindingSource.MEETING, source_type=SOURCE_TYPE, source_id=str(decision.pk),
            description=decision.text, school=school, unit=unit, category_label=meeting.get_kind_display(),
            requirement=requirement or f"落实{meeting.title}（{cn_date(_day(meeting))}）决定事项。",
            responsible_person=decision.owner_label, due_date=due_date)
        before = _decision_fields(decision)
        decision.kind = DecisionKind.FINDING
        decision.finding = finding
        decision.due_date = due_date
        decision.save(update_fields=["kind", "finding", "due_date"])
        audit_record(actor=actor, action="planning.decision_to_finding", obj=decision, region_code=meeting.region_id,
                     before=before, after=_decision_fields(decision))
    return finding
