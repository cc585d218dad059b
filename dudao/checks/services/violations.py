"""违规查处 of private schools and training institutions (issue 23 item 4): register, verify or find unfounded,
the responsible department's decision (penalties, a finding in the ledger, a 诚信记录 entry), close once the
finding is rectified. Keyword-only, atomic, audited; each move checked by VIOLATION_WORKFLOW and logged as a
ViolationTransition.

Who does what:
- register: the county office, or an active inspector (people.Inspector) appointed in that county: inspectors meet
  violations on visits, complaint checks and 专项检查, and the office still verifies what they register;
- verify / unfounded / close: the office of the institution's region (administrators anywhere);
- decide: a user of the responsible department (role unit on that GovUnit), or the office on its behalf (the
  transition note and the audit record say so)."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from dudao.checks.models import (
    VIOLATION_WORKFLOW,
    CheckAnswer,
    CreditEntry,
    CreditKind,
    Violation,
    ViolationKind,
    ViolationSource,
    ViolationStatus,
    ViolationTransition,
)
from dudao.core.audit import audit_record, snapshot
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.policy import policy_value
from dudao.core.roles import Role
from dudao.core.scope import owns, scope_for
from dudao.people.models import Inspector, InspectorStatus
from dudao.rectification.models import DONE_STATUSES, DecisionForm, Finding, FindingSource, FollowUp
from dudao.rectification.services import finding_raise
from dudao.regions.models import GovUnit, UnitKind
from dudao.schools.models import Ownership, School, SchoolType
from dudao.zones.models import Complaint

TEXT_MAX = 5000
NOTE_MAX = 255
DOCNO_MAX = 64
AMOUNT_MAX = Decimal("9999999999.99")  # max_digits=12, decimal_places=2
BAN_YEARS = (1, 10)
EARLIEST = datetime.date(2000, 1, 1)

D = DecisionForm
# The handling forms offered for a private operator (rectification.DecisionForm), in the order of the form.
PENALTY_CHOICES = [D.SELF_CHECK, D.TALK, D.CRITICISM, D.PUBLIC_CRITICISM, D.PENALTY, D.CONFISCATION, D.BAN, D.CREDIT]
# Handling that is a sanction (CreditKind.PENALTY); 责令检查 and 约谈 alone leave the entry a plain violation.
SANCTIONS = {D.CRITICISM, D.PUBLIC_CRITICISM, D.PENALTY, D.CONFISCATION, D.BAN, D.CREDIT}

SOURCE_TYPE = "checks.violation"


def is_institution(school: School) -> bool:
    """A 民办学校/幼儿园 or a 校外培训机构: the institutions this module supervises."""
    return school.school_type == SchoolType.TRAINING or school.ownership == Ownership.PRIVATE


def _text(value, *, label: str, required: bool = True, limit: int = TEXT_MAX) -> str:
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise ApplicationError(f"请填写{label}。")
    if len(value) > limit:
        raise ApplicationError(f"{label}不能超过 {limit} 个字。")
    return value


def _county(code: str) -> str:
    return code[:6]


def may_register(actor, school: School) -> bool:
    """The office of the institution's region, or an active inspector appointed in its county."""
    if scope_for(actor).holds(school.region_id, Role.OFFICE):
        return True
    return Inspector.objects.filter(user_id=getattr(actor, "pk", None), status=InspectorStatus.ACTIVE,
                                    region_id=_county(school.region_id)).exists()


def _require_office(actor, violation: Violation, what: str) -> None:
    if not scope_for(actor).holds(violation.region_code, Role.OFFICE):
        raise PermissionDenied(f"只有{violation.school.name}所在区划的督导室可以{what}。")


def _locked(violation: Violation) -> Violation:
    """The row again under a lock (two concurrent submits of one move: the second sees the first's status)."""
    locked = Violation.objects.select_for_update(of=("self",)).select_related("school", "responsible_unit").get(
        pk=violation.pk)
    return locked


def _move(violation: Violation, *, actor, to_status: str, note: str = "") -> None:
    VIOLATION_WORKFLOW.check(violation.status, to_status)
    ViolationTransition.record(violation, from_status=violation.status, to_status=to_status, actor=actor, note=note)
    violation.status = to_status


def _found_on(found_on) -> datetime.date:
    if not isinstance(found_on, datetime.date):
        raise ApplicationError("请填写发现日期。")
    if found_on > timezone.localdate():
        raise ApplicationError("发现日期不能晚于今天。")
    if found_on < EARLIEST:
        raise ApplicationError("发现日期有误。")
    return found_on


@transaction.atomic
def violation_register(*, actor, school: School, source: str, kind: str, description: str,
                       found_on: datetime.date, complaint: Complaint | None = None,
                       check_answer: CheckAnswer | None = None, source_note: str = "") -> Violation:
    """A violation in 已登记. The complaint (source 投诉举报) or the failed check item (专项检查) must be about the same
    institution; a 其他部门移送 names the department in source_note."""
    if school is None:
        raise ApplicationError("请选择机构。")
    if not is_institution(school):
        raise ApplicationError(f"{school.name}不是民办学校（幼儿园）或校外培训机构，不能登记违规查处。")
    if not may_register(actor, school):
        raise PermissionDenied(f"只有{school.name}所在区（县）的督导室或督学可以登记其违规行为。")
    if source not in ViolationSource.values:
        raise ApplicationError("请选择线索来源。")
    if kind not in ViolationKind.values:
        raise ApplicationError("请选择违规类型。")
    description = _text(description, label="违规事实")
    source_note = _text(source_note, label="来源说明（移送部门及文号）", required=source == ViolationSource.DEPARTMENT,
                        limit=NOTE_MAX)
    found_on = _found_on(found_on)
    if source == ViolationSource.COMPLAINT:
        if complaint is None:
            raise ApplicationError("线索来源为投诉举报时，请选择来源投诉。")
        if complaint.school_id != school.pk:
            raise ApplicationError(f"所选投诉反映的不是{school.name}，请选择该机构的投诉。")
    else:
        complaint = None
    if source == ViolationSource.CHECK:
        if check_answer is None:
            raise ApplicationError("线索来源为专项检查时，请选择不合格的检查项。")
        target = check_answer.submission.target
        if target.school_id != school.pk:
            raise ApplicationError(f"所选检查项不是对{school.name}的检查结果，请选择该机构的检查项。")
        if not check_answer.failed:
            raise ApplicationError("所选检查项检查结论为合格，不能作为违规线索。")
    else:
        check_answer = None
    violation = Violation(
        school=school, region_code=school.region_id, source=source, complaint=complaint, check_answer=check_answer,
        source_note=source_note, kind=kind, description=description, found_on=found_on,
        created_by=actor if getattr(actor, "is_authenticated", False) else None)
    violation.full_clean()
    violation.save()
    ViolationTransition.record(violation, to_status=ViolationStatus.REGISTERED, actor=actor)
    audit_record(actor=actor, action="checks.violation_create", obj=violation, region_code=violation.region_code,
                 after=snapshot(violation))
    return violation


def responsible_units(region_code: str):
    """The departments of the institution's county that may be made responsible (督导委员会成员单位)."""
    return GovUnit.objects.filter(kind=UnitKind.DEPARTMENT, region__code__startswith=_county(region_code)) \
        .order_by("-is_education_authority", "code")


@transaction.atomic
def violation_verify(*, actor, violation: Violation, verification: str, responsible_unit: GovUnit | None) -> Violation:
    """核查属实: the verification text and the department responsible for the decision."""
    violation = _locked(violation)
    _require_office(actor, violation, "核查违规行为")
    verification = _text(verification, label="核查情况")
    if responsible_unit is None:
        raise ApplicationError("请选择负责查处的部门。")
    if not responsible_units(violation.region_code).filter(pk=responsible_unit.pk).exists():
        raise ApplicationError(f"{responsible_unit.name}不是本区（县）的督导委员会成员单位，不能负责查处。")
    before = snapshot(violation)
    _move(violation, actor=actor, to_status=ViolationStatus.VERIFIED, note=f"负责查处的部门：{responsible_unit.name}")
    violation.verification = verification
    violation.verified_by = actor if getattr(actor, "is_authenticated", False) else None
    violation.verified_at = timezone.now()
    violation.responsible_unit = responsible_unit
    violation.save()
    audit_record(actor=actor, action="checks.violation_verify", obj=violation, region_code=violation.region_code,
                 before=before, after=snapshot(violation))
    return violation


@transaction.atomic
def violation_unfounded(*, actor, violation: Violation, verification: str) -> Violation:
    """经核查不属实: closes the case; nothing goes to the credit record."""
    violation = _locked(violation)
    _require_office(actor, violation, "核查违规行为")
    verification = _text(verification, label="核查情况")
    before = snapshot(violation)
    _move(violation, actor=actor, to_status=ViolationStatus.UNFOUNDED, note=verification[:200])
    violation.verification = verification
    violation.verified_by = actor if getattr(actor, "is_authenticated", False) else None
    violation.verified_at = timezone.now()
    violation.save()
    audit_record(actor=actor, action="checks.violation_unfounded", obj=violation, region_code=violation.region_code,
                 before=before, after=snapshot(violation))
    return violation


def decides_as(actor, violation: Violation) -> str:
    """"unit" for a user of the responsible department, "office" for the office deciding on its behalf, else ""."""
    if violation.responsible_unit_id and owns(actor, unit_id=violation.responsible_unit_id):
        return "unit"
    if scope_for(actor).holds(violation.region_code, Role.OFFICE):
        return "office"
    return ""


def _amount(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ApplicationError("罚没金额应为数字（元，最多两位小数）。") from None
    if not amount.is_finite() or amount <= 0:
        raise ApplicationError("罚没金额应大于 0 元。")
    if amount > AMOUNT_MAX:
        raise ApplicationError("罚没金额过大，请核对。")
    if amount != amount.quantize(Decimal("0.01")):
        raise ApplicationError("罚没金额最多保留两位小数（元、角、分）。")
    return amount.quantize(Decimal("0.01"))


def _credit_text(violation: Violation, labels: list[str], unit_name: str) -> str:
    parts = [f"{unit_name}对{violation.get_kind_display()}作出处理决定"]
    if violation.document_number:
        parts[0] += f"（{violation.document_number}）"
    parts.append("处理方式：" + ("、".join(labels) if labels else "责令整改"))
    if violation.confiscated_amount is not None:
        parts.append(f"罚没金额 {violation.confiscated_amount} 元")
    if violation.ban_years:
        parts.append(f"从业禁止 {violation.ban_years} 年")
    if D.CREDIT in violation.penalties:
        parts.append("依决定记入诚信记录")
    return "；".join(parts) + "。"


@transaction.atomic
def violation_decide(*, actor, violation: Violation, decision: str, requirement: str, penalties: list[str],
                     decided_on: datetime.date, confiscated_amount=None, ban_years: int | None = None,
                     document_number: str = "") -> Violation:
    """处理决定 of the responsible department: DECIDED, one finding in the ledger (source 违规查处, an open one that
    goes to the notice flow, due after checks.violation_rectify_days) and one negative 诚信记录 entry."""
    violation = _locked(violation)
    role = decides_as(actor, violation)
    if not role:
        unit = violation.responsible_unit.name if violation.responsible_unit_id else "负责查处的部门"
        raise PermissionDenied(f"本案由{unit}作出处理决定，您所在单位不是负责查处的部门。")
    VIOLATION_WORKFLOW.check(violation.status, ViolationStatus.DECIDED)
    decision = _text(decision, label="处理决定")
    requirement = _text(requirement, label="整改要求")
    document_number = _text(document_number, label="决定文号", required=False, limit=DOCNO_MAX)
    penalties = list(dict.fromkeys(penalties or []))
    unknown = [p for p in penalties if p not in PENALTY_CHOICES]
    if unknown:
        raise ApplicationError("处理方式有误，请从列出的处理方式中选择。")
    penalties = [p for p in PENALTY_CHOICES if p in penalties]  # the form's order
    amount = _amount(confiscated_amount)
    if D.CONFISCATION in penalties and amount is None:
        raise ApplicationError("选择“罚没违法所得”时请填写罚没金额。")
    if D.CONFISCATION not in penalties and amount is not None:
        raise ApplicationError("填写了罚没金额，但未选择“罚没违法所得”。")
    if D.BAN in penalties:
        if ban_years is None or not BAN_YEARS[0] <= ban_years <= BAN_YEARS[1]:
            raise ApplicationError(f"选择“从业禁止”时请填写禁止年限（{BAN_YEARS[0]}–{BAN_YEARS[1]} 年）。")
    elif ban_years is not None:
        raise ApplicationError("填写了从业禁止年限，但未选择“从业禁止”。")
    if not isinstance(decided_on, datetime.date):
        raise ApplicationError("请填写决定日期。")
    if decided_on > timezone.localdate():
        raise ApplicationError("决定日期不能晚于今天。")
    if decided_on < violation.found_on:
        raise ApplicationError("决定日期不能早于发现日期。")
    before = snapshot(violation)
    unit_name = violation.responsible_unit.name
    note = f"{unit_name}作出处理决定" if role == "unit" else f"督导室代{unit_name}录入处理决定"
    _move(violation, actor=actor, to_status=ViolationStatus.DECIDED, note=note)
    violation.decision = decision
    violation.penalties = [str(p) for p in penalties]
    violation.confiscated_amount = amount
    violation.ban_years = ban_years if D.BAN in penalties else None
    violation.document_number = document_number
    violation.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    violation.decided_on = decided_on
    finding = Finding.objects.filter(source_type=SOURCE_TYPE, source_id=str(violation.pk)).first()
    if finding is None:
        days = int(policy_value("checks.violation_rectify_days", violation.region_code))
        finding = finding_raise(
            actor=actor, source=FindingSource.VIOLATION, school=violation.school, source_type=SOURCE_TYPE,
            source_id=str(violation.pk), category=f"violation.{violation.kind}",
            category_label=violation.get_kind_display(), follow_up=FollowUp.SUGGESTION, severity=2,
            description=f"{violation.get_kind_display()}：{violation.description}"[:TEXT_MAX],
            requirement=requirement, due_date=decided_on + datetime.timedelta(days=days))
    violation.finding = finding
    violation.save()
    labels = [DecisionForm(p).label for p in penalties]
    sanction = bool(SANCTIONS.intersection(penalties))
    CreditEntry.objects.create(
        school=violation.school, region_code=violation.region_code,
        kind=CreditKind.PENALTY if sanction else CreditKind.VIOLATION, on=decided_on,
        text=_credit_text(violation, labels, unit_name), negative=True, violation=violation,
        created_by=actor if getattr(actor, "is_authenticated", False) else None)
    audit_record(actor=actor, action="checks.violation_decide", obj=violation, region_code=violation.region_code,
                 before=before, after=snapshot(violation) | {"decided_as": role})
    return violation


@transaction.atomic
def violation_close(*, actor, violation: Violation) -> Violation:
    """整改办结: only once the finding the decision raised is rectified (已整改, or settled on the spot)."""
    violation = _locked(violation)
    _require_office(actor, violation, "办结违规查处")
    VIOLATION_WORKFLOW.check(violation.status, ViolationStatus.CLOSED)
    finding = Finding.objects.filter(pk=violation.finding_id).first()
    if finding is None:
        raise ApplicationError("没有找到本案的整改问题，不能办结。")
    if finding.status not in DONE_STATUSES:
        raise ApplicationError(f"整改尚未完成（问题状态：{finding.get_status_display()}），不能办结。")
    before = snapshot(violation)
    _move(violation, actor=actor, to_status=ViolationStatus.CLOSED)
    violation.save()
    audit_record(actor=actor, action="checks.violation_close", obj=violation, region_code=violation.region_code,
                 before=before, after=snapshot(violation))
    return violation
