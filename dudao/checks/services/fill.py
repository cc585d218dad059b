"""fill writes (issue 23): a filled checklist for one target, made inside a visit (督导纪实, reason 专项任务).

`check_submit` is the one path of the page and the tablet API. One transaction; idempotent by client id (the same
id again returns the stored submission and changes nothing); each failed item raises exactly one finding through
rectification's finding_raise: settled on the spot (follow_up on_site, the photo as evidence) or passed into the
notice flow (suggestion; report for a 一票否决 item)."""

import datetime
import uuid
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from dudao.checks.fill_engine import NUMBER, TEXT, YES_NO_VALUES, AnswerError, answer_fails, parse_number
from dudao.checks.models import (
    CheckAnswer,
    CheckItem,
    CheckRound,
    CheckSubmission,
    CheckTarget,
    RoundStatus,
    TargetStatus,
)
from dudao.core.audit import audit_record
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import Role
from dudao.core.scope import holds_role_in
from dudao.documents import files
from dudao.documents.models import FileKind
from dudao.documents.services import file_record
from dudao.people.models import Inspector, InspectorStatus
from dudao.people.selectors import inspector_for_user
from dudao.rectification.models import FollowUp
from dudao.rectification.services import finding_raise
from dudao.zones.models import VisitReason
from dudao.zones.services import VisitDraft, visit_already_recorded, visit_clean, visit_client_id, visit_write

SETTLE_ON_SITE = "on_site"  # 现场整改到位
SETTLE_NOTICE = "notice"  # 纳入整改通知
SETTLE_CHOICES = ((SETTLE_ON_SITE, "现场整改到位"), (SETTLE_NOTICE, "纳入整改通知"))
# What the caller may set of the visit; school, inspector, reason and client id come from the target.
VISIT_FIELDS = ("started_at", "ended_at", "methods", "items", "narrative", "campus", "companions", "topic",
                "highlights", "problems", "lessons", "photos")
NOTE_MAX = 2000


def _text(value, limit: int = NOTE_MAX) -> str:
    return str(value or "").replace("\x00", "").strip()[:limit]


@dataclass(frozen=True)
class CleanAnswer:
    item: CheckItem
    value: str
    number: object
    note: str
    failed: bool
    settle: str
    photo: object  # files.CheckedFile or None


def check_inspector(actor, target: CheckTarget, own: Inspector | None = None) -> Inspector:
    """The inspector who checked this target: the one assigned to it, recording it themselves (a target without
    one may be filled by any active inspector of the round's region), or the office of the round's region typing
    in the assigned inspector's paper checklist (as it may record a visit for them). Anyone else is refused.
    `own`: the actor's inspector when the caller has already read it (else it is read here)."""
    inspector = own or inspector_for_user(actor)
    if inspector is None or inspector.pk != target.inspector_id:
        if holds_role_in(actor, target.round.region_id, Role.OFFICE):
            if target.inspector is None:
                raise ApplicationError(f"{target.school.name}尚未安排检查督学，请先安排后再代为录入。")
            inspector = target.inspector
    if inspector is None:
        raise PermissionDenied("只有督学可以填写专项检查清单。")
    if target.inspector_id is not None:
        if target.inspector_id != inspector.pk:
            raise PermissionDenied(f"{target.school.name}由{target.inspector.name}负责检查，您不能提交该检查记录。")
    elif not inspector.region_id.startswith(target.round.region_id):
        raise PermissionDenied("该检查对象不在您所在区划的专项检查中。")
    if inspector.status != InspectorStatus.ACTIVE:
        raise ApplicationError(f"{inspector.name}目前状态为“{inspector.get_status_display()}”，不能填写检查清单。")
    return inspector


def _refuse_target(target: CheckTarget, check_round: CheckRound | None) -> None:
    if check_round is not None and target.round_id != check_round.pk:
        raise ApplicationError(f"{target.school.name}不是“{check_round.title}”的检查对象。")
    if target.round.status == RoundStatus.DRAFT:
        raise ApplicationError(f"“{target.round.title}”尚未开始，不能提交检查记录。")
    if target.round.status == RoundStatus.CLOSED:
        raise ApplicationError(f"“{target.round.title}”已结束，不能再提交检查记录。")
    if target.status == TargetStatus.DONE:
        raise ApplicationError(f"{target.school.name}已提交过本次专项检查的检查记录，每个检查对象只提交一次。")


def _clean_answers(items: list[CheckItem], answers: list[dict], answer_photos: dict, region_code: str) -> list:
    by_id = {item.pk: item for item in items}
    given: dict[int, dict] = {}
    for answer in answers or []:
        if not isinstance(answer, dict):
            raise ApplicationError("检查项结果格式有误。")
        try:
            item_id = int(answer.get("item"))
        except (TypeError, ValueError):
            raise ApplicationError("检查项结果缺少检查项编号。") from None
        if item_id not in by_id:
            raise ApplicationError(f"检查项 {item_id} 不属于本次专项检查。")
        if item_id in given:
            raise ApplicationError(f"检查项“{by_id[item_id].text[:30]}”填写了两次。")
        given[item_id] = answer
    photos = {}
    for key, upload in (answer_photos or {}).items():
        try:
            item_id = int(key)
        except (TypeError, ValueError):
            raise ApplicationError(f"照片对应的检查项编号无效：{str(key)[:20]}") from None
        if item_id not in by_id:
            raise ApplicationError(f"照片对应的检查项 {item_id} 不属于本次专项检查。")
        if upload:
            photos[item_id] = upload
    cleaned = []
    for n, item in enumerate(items, start=1):
        label = f"第 {n} 项“{item.text[:30]}”"
        answer = given.get(item.pk, {})
        value = _text(answer.get("value"), 4)
        note = _text(answer.get("note"))
        number = None
        raw_number = answer.get("number")
        if item.answer_kind == TEXT:
            value = ""
        elif value == "na":
            pass
        elif item.answer_kind == NUMBER:
            if raw_number is None or str(raw_number).strip() == "":
                raise ApplicationError(f"{label}尚未填写数值（不适用请选择“不适用”）。")
            try:
                number = parse_number(raw_number)
            except AnswerError as exc:
                raise ApplicationError(f"{label}填写的“{str(raw_number)[:20]}”{exc}。") from None
            value = ""
        elif value not in YES_NO_VALUES:
            raise ApplicationError(f"{label}尚未填写（是 / 否 / 不适用）。")
        failed = answer_fails(item.answer_kind, value=value, number=number, number_min=item.number_min,
                              number_max=item.number_max)
        settle = _text(answer.get("settle"), 16) if failed else ""
        if failed and settle not in (SETTLE_ON_SITE, SETTLE_NOTICE):
            raise ApplicationError(f"{label}不合格，请选择“现场整改到位”或“纳入整改通知”。")
        upload = photos.get(item.pk)
        if failed and item.photo_required and upload is None:
            raise ApplicationError(f"{label}不合格，须拍照留存。")
        if settle == SETTLE_ON_SITE and upload is None:
            raise ApplicationError(f"{label}选择了现场整改到位，须上传整改后的照片。")
        cleaned.append(CleanAnswer(item, value, number, note, failed, settle, upload))
    # Photos are checked (content, size) and written under their hash before any row is written.
    checked = {}
    for item_id, upload in photos.items():
        try:
            checked[item_id] = files.check_and_write(upload, kind=FileKind.IMAGE, region_code=region_code)
        except ApplicationError as exc:
            raise ApplicationError(f"检查项“{by_id[item_id].text[:30]}”的照片：{exc.message}") from None
    return [CleanAnswer(a.item, a.value, a.number, a.note, a.failed, a.settle, checked.get(a.item.pk))
            for a in cleaned]


def _visit_draft(*, client_id: uuid.UUID, inspector: Inspector, target: CheckTarget, visit: dict,
                 failed: int) -> VisitDraft:
    unknown = sorted(set(visit) - set(VISIT_FIELDS))
    if unknown:
        raise ApplicationError(f"督导纪实中不能指定：{'、'.join(unknown)}（学校、督学和督导类型由检查对象确定）。")
    fields = {k: v for k, v in visit.items() if k in VISIT_FIELDS}
    if "started_at" not in fields or "ended_at" not in fields:
        raise ApplicationError("请填写督导日期和到校、离校时间。")
    title = target.round.title
    fields["methods"] = fields.get("methods") or {"tour": 1}
    fields["items"] = list(fields.get("items") or ["special"])
    if "special" in fields["items"] and not _text(fields.get("topic")):
        fields["topic"] = title[:128]
    if not _text(fields.get("narrative")):
        fields["narrative"] = f"按“{title}”检查清单逐项检查，{failed} 项不合格。"
    fields["narrative"] = _text(fields["narrative"], 20000)
    return VisitDraft(client_id=client_id, inspector=inspector, school=target.school, reason=VisitReason.SPECIAL,
                      reason_note=title[:255], **fields)


def submission_for_client_id(client_id: uuid.UUID, target: CheckTarget) -> CheckSubmission | None:
    """The submission this client id already stored (a retry), or None; the id reused for another target is
    refused."""
    existing = CheckSubmission.objects.filter(client_id=client_id).first()
    if existing is not None and existing.target_id != target.pk:
        raise ApplicationError("该客户端编号已被另一检查对象的检查记录使用。")
    return existing


def _locked(target: CheckTarget) -> CheckTarget:
    """`target` with its status, inspector and round status as they are under the row lock (a fresh read with
    its round, school and inspector when the caller's copy lacks them or its inspector changed meanwhile)."""
    row = (CheckTarget.objects.select_for_update(of=("self",)).filter(pk=target.pk)
           .values("status", "inspector_id", "round_id", "round__status").get())
    cached = target._state.fields_cache
    if (row["inspector_id"] != target.inspector_id or row["round_id"] != target.round_id
            or not {"round", "school", "inspector"} <= cached.keys()):
        return CheckTarget.objects.select_related("round", "school", "inspector").get(pk=target.pk)
    target.status = row["status"]
    target.round.status = row["round__status"]
    return target


def outside_window(check_round: CheckRound, day: datetime.date) -> bool:
    return not (check_round.starts_on <= day <= check_round.ends_on)


@transaction.atomic
def check_submit(*, actor, target: CheckTarget, client_id, visit: dict, answers: list[dict],
                 answer_photos: dict | None = None, note: str = "", round: CheckRound | None = None,
                 inspector: Inspector | None = None) -> tuple[CheckSubmission, bool]:
    """Store a filled checklist for `target` with its visit (the VisitDraft fields in `visit`), answers
    ([{"item": id, "value": "yes|no|na", "number": ..., "note": "", "settle": "on_site|notice"}]) and photos
    ({item id: upload}). Returns (submission, created). A date outside the round's window is accepted and
    flagged (submission.outside_window). `round`, when given, must be the target's round. `inspector`, when given,
    is the actor's own inspector record as the caller read it (inspector_for_user), passed through to save a read."""
    client_id = visit_client_id(client_id)
    # One submission per target: the row lock makes a concurrent double submit wait and then see this one. The
    # caller's target (read with its round, school and inspector) is kept; only what a concurrent writer may have
    # changed is read again under the lock.
    target = _locked(target)
    existing = submission_for_client_id(client_id, target)
    if existing is not None:
        return existing, False
    inspector = check_inspector(actor, target, inspector)
    _refuse_target(target, round)
    items = list(CheckItem.objects.filter(round=target.round).order_by("order", "id"))
    cleaned = _clean_answers(items, answers, answer_photos or {}, target.school.region_id)
    failed = [a for a in cleaned if a.failed]
    draft = _visit_draft(client_id=client_id, inspector=inspector, target=target, visit=dict(visit or {}),
                         failed=len(failed))
    if visit_already_recorded(draft) is not None:
        raise ApplicationError("该客户端编号已被一条督导纪实使用，请刷新页面后重新填写。")
    recorded, _created = visit_write(actor=actor, visit=visit_clean(actor=actor, draft=draft))
    day = timezone.localtime(recorded.started_at).date()
    submission = CheckSubmission.objects.create(
        client_id=client_id, target=target, visit=recorded, inspector=inspector, submitted_by=actor,
        submitted_at=timezone.now(), outside_window=outside_window(target.round, day),
        failed_count=len(failed), veto_failed=any(a.item.veto for a in failed), note=_text(note))
    stored = {}
    for a in cleaned:
        if a.photo is not None and a.photo.sha256 not in stored:
            stored[a.photo.sha256] = file_record(actor=actor, checked=a.photo)
    rows = CheckAnswer.objects.bulk_create([CheckAnswer(
        submission=submission, item=a.item, value=a.value, number=a.number, note=a.note, failed=a.failed,
        photo=stored.get(a.photo.sha256) if a.photo is not None else None, settled_on_spot=a.settle == SETTLE_ON_SITE)
        for a in cleaned])
    submission.answer_rows = rows  # the rows in hand, in checklist order: the API answers from them
    failed_rows = [row for row in rows if row.failed]
    for row in failed_rows:
        row.finding = _raise_finding(actor=actor, target=target, answer=row, raised_at=recorded.started_at)
    if failed_rows:
        CheckAnswer.objects.bulk_update(failed_rows, ["finding"])
    target.status, target.done_at = TargetStatus.DONE, submission.submitted_at
    target.failed_count, target.veto_failed = submission.failed_count, submission.veto_failed
    target.save(update_fields=["status", "done_at", "failed_count", "veto_failed"])
    audit_record(actor=actor, action="checks.submit", obj=submission, region_code=target.region_code,
                 after={"client_id": str(client_id), "target_id": target.pk, "round_id": target.round_id,
                        "visit_id": recorded.pk, "answers": len(cleaned), "failed": len(failed),
                        "veto_failed": submission.veto_failed, "outside_window": submission.outside_window})
    return submission, True


def _raise_finding(*, actor, target: CheckTarget, answer: CheckAnswer, raised_at):
    item = answer.item
    if answer.settled_on_spot:
        follow_up = FollowUp.ON_SITE
    else:
        follow_up = FollowUp.REPORT if item.veto else FollowUp.SUGGESTION
    description = item.finding_text or item.text
    if answer.note:
        description = f"{description}：{answer.note}"
    return finding_raise(
        actor=actor, source="check", source_type="checks.checkanswer", source_id=str(answer.pk), school=target.school,
        category=item.finding_category[:48], category_label=item.finding_category or "专项检查",
        follow_up=follow_up, description=description[:2000], severity=min(max(int(item.severity or 1), 1), 3),
        requirement=f"{target.round.title}：{item.text}"[:500],
        evidence=[answer.photo] if answer.photo_id else (), raised_at=raised_at)
