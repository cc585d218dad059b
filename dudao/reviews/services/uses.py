"""Writes of reviews: the 结果运用 register (issue 21 item 4). Keyword-only services, atomic, audited.

The county's office records a use for any unit (a government unit of the county, or a body named in words); a unit
user (区委组织部, 区人社局…) records only as its own unit and only for results of its unit's county. The result is
named by a registered kind and id (dudao.reviews.results) and must be issued; its label, county, year and owner
are copied onto the use as they read then. The recorder or the office edits a use; only the office deletes one,
with a reason kept in the audit log. The daily job "result_use_reminders" tells the county's office, once per
result, of a failing result with no use N days after it was issued."""

import datetime
import hashlib

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from dudao.core.audit import audit_record, snapshot
from dudao.core.dates import cn_date
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.policy import policy_value
from dudao.core.registries import refuse_if_archived
from dudao.core.roles import Role
from dudao.core.scope import scope_for
from dudao.core.selectors import office_users_for
from dudao.core.services import Message, notify
from dudao.documents import files
from dudao.documents.services import file_record
from dudao.regions.models import GovUnit, Region
from dudao.reviews import results
from dudao.reviews.models import ResultReminder, ResultUse, UsePurpose

WHAT = "结果运用"
NAME_MAX = 128
NUMBER_MAX = 64
DECISION_MAX = 5_000
REASON_MAX = 500
DOCUMENT_TYPES = {"application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                  *files.IMAGE_FORMATS.values()}
FIELDS = ["result_kind", "result_id", "result_label", "user_unit", "user_name", "purpose", "used_on", "decision",
          "document", "document_number"]
REMINDER_LIST_MAX = 20  # results named in one reminder; the rest are counted


def _text(value, what: str, limit: int, *, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ApplicationError(f"请填写{what}。")
    if len(text) > limit:
        raise ApplicationError(f"{what}过长（最多 {limit} 个字符）。")
    return text


def _unit(value) -> GovUnit | None:
    if value in (None, ""):
        return None
    if isinstance(value, GovUnit):
        return value
    text = str(value).strip()
    if not (text.isdecimal() and len(text) < 12):
        raise ApplicationError("运用单位编号无效。")
    found = GovUnit.objects.select_related("region").filter(pk=int(text)).first()
    if found is None:
        raise ApplicationError("运用单位不存在。")
    return found


def _is_office(actor, county: str) -> bool:
    return scope_for(actor).holds(county, Role.OFFICE)


def _user(actor, county: str, unit_value, name) -> tuple[GovUnit | None, str]:
    """The using unit: the office names any unit of the county (or a body in words); a unit user is its own unit,
    whatever was posted (another unit is refused, not silently replaced)."""
    unit = _unit(unit_value)
    name = _text(name, "运用单位名称", NAME_MAX)
    if _is_office(actor, county):
        if unit is not None and results.county_of_unit(unit) != county:
            raise ApplicationError("运用单位不属于该结果所在的县（区）。")
        if unit is None and not name:
            raise ApplicationError("请选择运用单位，或填写运用单位名称。")
        return unit, (unit.name if unit is not None else name)
    own = [u for u in results.own_units(actor) if results.county_of_unit(u) == county]
    if not own:
        raise PermissionDenied("只有该结果所在县（区）的督导室或本县（区）的单位用户可以登记结果运用。")
    if unit is None:
        if len(own) > 1:
            raise ApplicationError("您属于多个单位，请选择以哪个单位登记。")
        unit = own[0]
    if unit.pk not in {u.pk for u in own}:
        raise PermissionDenied("单位用户只能以本单位名义登记结果运用。")
    return unit, unit.name


def _used_on(value, result: results.Result) -> datetime.date:
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise ApplicationError("请填写运用日期。")
    if value > timezone.localdate():
        raise ApplicationError("运用日期不能晚于今天。")
    if value.year < 2000:
        raise ApplicationError("运用日期应在 2000 年以后。")
    if result.issued_on and value < result.issued_on:
        raise ApplicationError(f"运用日期不能早于结果出具日期（{cn_date(result.issued_on)}）。")
    return value


def _purpose(value) -> str:
    if value not in UsePurpose.values:
        raise ApplicationError("请选择运用方式。")
    return value


def _document(actor, upload, county: str):
    """A pdf, Word (.docx) or picture, checked by its content and size; stored before the transaction."""
    if upload is None:
        return None
    checked = files.check_and_write_evidence(upload, region_code=county)
    if checked.content_type not in DOCUMENT_TYPES:
        raise ApplicationError(f"文件“{checked.name}”不是 PDF、Word（.docx）文档或图片，不能作为运用文件。")
    return checked


def _resolve(result_key: str) -> results.Result:
    kind, _sep, pk = str(result_key or "").rpartition(":")
    if kind not in results.KINDS:
        raise ApplicationError("请选择督导结果的类型。")
    result = results.resolve(kind, pk)
    if result is None:
        raise ApplicationError("未找到该督导结果，或该结果尚未出具。")
    return result


def _notify_office(use: ResultUse, actor, verb: str) -> None:
    """A use recorded or changed by a unit reaches the county's office (the office's own writes do not)."""
    if _is_office(actor, use.region_id):
        return
    message = Message(key=f"result-use:{use.pk}:{verb}:{int(timezone.now().timestamp())}", kind="result_use",
                      title=f"{use.user_name}{verb}督导结果运用：{use.get_purpose_display()}",
                      body=f"{use.result_label}\n{use.decision[:200]}",
                      url=reverse("reviews:use_detail", args=[use.pk]))
    notify(messages=[(message, office_users_for(use.region_id))])


def use_record(*, actor, result_key: str, purpose: str, used_on: datetime.date, decision: str,
               user_unit=None, user_name: str = "", document_number: str = "", upload=None) -> ResultUse:
    """Record one use of an issued result ("kind:id")."""
    result = _resolve(result_key)
    if not results.reads_unpublished(actor, result):
        raise ApplicationError("该督导结果尚未公布，只有督导室可以登记其运用。")
    unit, name = _user(actor, result.county, user_unit, user_name)
    fields = {"purpose": _purpose(purpose), "used_on": _used_on(used_on, result),
              "decision": _text(decision, "运用情况", DECISION_MAX, required=True),
              "document_number": _text(document_number, "文件文号", NUMBER_MAX)}
    region = Region.objects.filter(code=result.county).first()
    if region is None:
        raise ApplicationError("该结果所在的县（区）不存在。")
    refuse_if_archived(result.county, fields["used_on"], WHAT)
    checked = _document(actor, upload, result.county)
    with transaction.atomic():
        use = ResultUse(region=region, result_kind=result.kind, result_id=result.id, result_label=result.label,
                        result_year=result.year, school_id=result.school_id, unit_id=result.unit_id, user_unit=unit,
                        user_name=name, recorded_by=actor, **fields)
        if checked is not None:
            use.document = file_record(actor=actor, checked=checked)
        use.full_clean()
        use.save()
        audit_record(actor=actor, action="reviews.use_record", obj=use, region_code=use.region_id,
                     after=snapshot(use, FIELDS))
        _notify_office(use, actor, "登记了")
    return use


def may_edit(actor, use: ResultUse) -> bool:
    """The county's office, or the recorder while they still hold the using unit."""
    if _is_office(actor, use.region_id):
        return True
    return use.recorded_by_id == getattr(actor, "pk", None) and use.user_unit_id in {
        u.pk for u in results.own_units(actor)}


def use_update(*, actor, use: ResultUse, purpose: str, used_on: datetime.date, decision: str, user_unit=None,
               user_name: str = "", document_number: str = "", upload=None) -> ResultUse:
    """Change a use (the result it is about stays). A new document replaces the link; the old file row stays."""
    if not may_edit(actor, use):
        raise PermissionDenied("只有登记人或督导室可以修改结果运用记录。")
    result = results.resolve(use.result_kind, use.result_id) or results.Result(
        use.result_kind, use.result_id, use.result_label, use.region_id, use.result_year, use.school_id, use.unit_id,
        "", False, None, "")
    unit, name = _user(actor, use.region_id, user_unit, user_name)
    fields = {"purpose": _purpose(purpose), "used_on": _used_on(used_on, result),
              "decision": _text(decision, "运用情况", DECISION_MAX, required=True),
              "document_number": _text(document_number, "文件文号", NUMBER_MAX), "user_unit": unit, "user_name": name}
    checked = _document(actor, upload, use.region_id)
    with transaction.atomic():
        use = ResultUse.objects.select_for_update().get(pk=use.pk)
        refuse_if_archived(use.region_id, use.used_on, WHAT)
        refuse_if_archived(use.region_id, fields["used_on"], WHAT)
        before = snapshot(use, FIELDS)
        for key, value in fields.items():
            setattr(use, key, value)
        if checked is not None:
            use.document = file_record(actor=actor, checked=checked)
        use.updated_by, use.updated_at = actor, timezone.now()
        use.full_clean()
        use.save()
        audit_record(actor=actor, action="reviews.use_update", obj=use, region_code=use.region_id, before=before,
                     after=snapshot(use, FIELDS))
        _notify_office(use, actor, "修改了")
    return use


def use_delete(*, actor, use: ResultUse, reason: str) -> None:
    """Delete a use recorded in error: the county's office only, with a reason (kept in the audit log)."""
    if not _is_office(actor, use.region_id):
        raise PermissionDenied("只有督导室可以删除结果运用记录。")
    reason = _text(reason, "删除理由", REASON_MAX, required=True)
    with transaction.atomic():
        use = ResultUse.objects.select_for_update().get(pk=use.pk)
        refuse_if_archived(use.region_id, use.used_on, WHAT)
        audit_record(actor=actor, action="reviews.use_delete", obj=use, region_code=use.region_id,
                     before=snapshot(use, FIELDS), after={"reason": reason})
        use.delete()


# ---- the daily reminder -----------------------------------------------------------------------------------

def _due(today: datetime.date) -> list[results.Result]:
    """Failing results issued at least N days ago (N per county), with no use recorded and never reminded."""
    days: dict[str, int] = {}
    found: list[results.Result] = []
    for kind in results.KINDS.values():
        for result in kind.failing():
            if result.issued_on is None:
                continue
            if result.county not in days:
                days[result.county] = int(policy_value("reviews.result_use_reminder_days", result.county))
            if result.issued_on + datetime.timedelta(days=days[result.county]) <= today:
                found.append(result)
    if not found:
        return []
    ids = {r.id for r in found}
    done = set(ResultUse.objects.filter(result_id__in=ids).values_list("result_kind", "result_id"))
    done |= set(ResultReminder.objects.filter(result_id__in=ids).values_list("result_kind", "result_id"))
    return [r for r in found if (r.kind, r.id) not in done]


def _reminder_message(county: str, claimed: list[results.Result], days: int) -> Message:
    lines = [f"· {r.label}（{cn_date(r.issued_on)}出具）" for r in claimed[:REMINDER_LIST_MAX]]
    if len(claimed) > REMINDER_LIST_MAX:
        lines.append(f"…等共 {len(claimed)} 项")
    digest = hashlib.sha256("|".join(sorted(r.key for r in claimed)).encode()).hexdigest()[:16]
    return Message(key=f"result-use-reminder:{county}:{digest}", kind="result_use_reminder",
                   title=f"{len(claimed)} 项不合格等督导结果出具满 {days} 天尚未登记运用",
                   body="以下督导结果出具后尚未登记结果运用，请督促相关单位运用并登记：\n" + "\n".join(lines),
                   url=reverse("reviews:use_list") + "#reminders")


def result_use_reminders(*, now: datetime.datetime | None = None) -> int:
    """The daily job "result_use_reminders": one inbox item per county to its office listing the failing results
    (不合格, the lowest level, a veto, a 问责 decision) that have no use N days (policy
    reviews.result_use_reminder_days) after they were issued. Safe to run twice or on two workers: a result is
    claimed by inserting its ResultReminder row (unique per result), only the rows this run inserted are listed,
    and the notification key is a digest of them. Returns how many results were reminded of."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    by_county: dict[str, list[results.Result]] = {}
    for result in _due(today):
        by_county.setdefault(result.county, []).append(result)
    regions = set(Region.objects.filter(code__in=list(by_county)).values_list("code", flat=True))
    reminded = 0
    for county, due in sorted(by_county.items()):
        if county not in regions:
            continue
        with transaction.atomic():
            ResultReminder.objects.bulk_create(
                [ResultReminder(region_id=county, result_kind=r.kind, result_id=r.id, result_label=r.label,
                                issued_on=r.issued_on, sent_at=now) for r in due], ignore_conflicts=True)
            ours = set(ResultReminder.objects.filter(region_id=county, sent_at=now, result_id__in={r.id for r in due})
                       .values_list("result_kind", "result_id"))
            claimed = [r for r in due if (r.kind, r.id) in ours]
            if not claimed:
                continue
            days = int(policy_value("reviews.result_use_reminder_days", county))
            notify(messages=[(_reminder_message(county, claimed, days), office_users_for(county))], at=now)
            reminded += len(claimed)
    return reminded
