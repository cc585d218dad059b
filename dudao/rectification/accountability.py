"""Writes of 约谈, 问责 and 激励表彰: the office holds (or declines) a proposed talk and records it, its commitments
becoming Findings with deadlines; accountability cases go through the procedure of the 教育督导问责办法 in
order, and the decision's form must fit the target. 从重 (heavier handling) is computed from the history:
`rectification.severe_repeat_cases` (default two) or more decided cases against the same target in the year before filing.

Documents (约谈记录, 告知书, 决定书…) are checked and written before the transaction, recorded inside it.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from dudao.core.audit import audit_record, snapshot
from dudao.core.dates import cn_date
from dudao.core.errors import ApplicationError
from dudao.core.policy import policy_value
from dudao.core.scope import require_office_for
from dudao.core.selectors import users_of_schools, users_of_units
from dudao.core.services import Message, counter_take, notify
from dudao.documents import files
from dudao.documents.services import file_record
from dudao.rectification.models import (
    CASE_STEPS,
    FORMS_FOR,
    AccountabilityCase,
    CaseStep,
    CaseStepRecord,
    Commendation,
    Finding,
    FindingSource,
    SevereGround,
    Situation,
    Talk,
    TalkStatus,
    TargetKind,
)
from dudao.rectification.notices import _county_name
from dudao.rectification.services import finding_raise


def _document(upload, region_code):
    """Checked and written before the transaction (None when nothing was uploaded)."""
    return files.check_and_write_evidence(upload, region_code=region_code) if upload else None


def _not_future(day: datetime.date, what: str) -> None:
    if day > timezone.localdate():
        raise ApplicationError(f"{what}不能晚于今天。")


# ---- 约谈 ----------------------------------------------------------------------------------------------------

def talk_propose(*, actor, reason: str, findings: list[Finding]) -> Talk:
    """The office proposes a talk itself (the deadline job proposes the others)."""
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("请写明约谈事由。")
    if not findings:
        raise ApplicationError("请选择约谈涉及的问题。")
    first = findings[0]
    if any((f.school_id, f.unit_id) != (first.school_id, first.unit_id) for f in findings):
        raise ApplicationError("一次约谈只针对同一所学校或同一个单位。")
    require_office_for(actor, first.region_code, "只有督导室可以提出约谈。")
    now = timezone.now()
    with transaction.atomic():
        talk = Talk.objects.create(key=f"manual:{actor.pk}:{now:%Y%m%d%H%M%S%f}", school_id=first.school_id,
                                   unit_id=first.unit_id, region_code=first.region_code, reason=reason, proposed_at=now)
        talk.findings.set(findings)
        audit_record(actor=actor, action="talk.propose", obj=talk, region_code=talk.region_code, after={"reason": reason})
    return talk


def talk_hold(*, actor, talk: Talk, held_on: datetime.date, conducted_by: str, persons: str, content: str,
              recipients: str = "", commitments: list[tuple[str, datetime.date]] = (), record=None) -> Talk:
    """约谈记录: who talked to whom, when, about what; the commitments become Findings with their deadlines."""
    require_office_for(actor, talk.region_code, "只有督导室可以记录约谈。")
    if talk.status != TalkStatus.PROPOSED:
        raise ApplicationError(f"该约谈已{talk.get_status_display()}，不能再记录。")
    fields = {"约谈主持单位": conducted_by, "被约谈人": persons, "约谈内容": content}
    missing = [name for name, value in fields.items() if not (value or "").strip()]
    if missing:
        raise ApplicationError(f"请填写：{'、'.join(missing)}。")
    _not_future(held_on, "约谈日期")
    today = timezone.localdate()
    for text, due in commitments:
        if not (text or "").strip() or due is None:
            raise ApplicationError("每项整改承诺都要写明内容和完成期限。")
        if due <= today:
            raise ApplicationError(f"整改承诺“{text}”的完成期限必须晚于今天。")
    checked = _document(record, talk.region_code)
    with transaction.atomic():
        talk = Talk.objects.select_for_update(of=("self",)).select_related("school", "unit").get(pk=talk.pk)
        if talk.status != TalkStatus.PROPOSED:
            raise ApplicationError(f"该约谈已{talk.get_status_display()}，不能再记录。")
        talk.status, talk.held_on = TalkStatus.HELD, held_on
        talk.conducted_by, talk.persons, talk.content = conducted_by.strip(), persons.strip(), content.strip()
        talk.recipients, talk.decided_by, talk.decided_at = (recipients or "").strip(), actor, timezone.now()
        if checked:
            talk.record = file_record(actor=actor, checked=checked)
        talk.save()
        for text, due in commitments:
            finding = finding_raise(actor=actor, source=FindingSource.TALK, school=talk.school, unit=talk.unit,
                                    source_type="rectification.talk", source_id=str(talk.pk), description=text.strip(),
                                    requirement="约谈整改承诺，按期完成并报送佐证。", due_date=due, severity=2)
            talk.findings.add(finding)
        target_users = (users_of_schools([talk.school_id]).get(talk.school_id, set()) if talk.school_id
                        else users_of_units([talk.unit_id]).get(talk.unit_id, set()))
        notify(messages=[(Message(f"talk:{talk.pk}:held", "talk", f"约谈记录（{cn_date(held_on)}）",
                                  f"主持单位：{talk.conducted_by}。整改承诺 {len(commitments)} 项已纳入问题台账，请按期完成。",
                                  f"/rectification/record/{'school' if talk.school_id else 'unit'}/{talk.school_id or talk.unit_id}/"),
                          target_users)])
        audit_record(actor=actor, action="talk.hold", obj=talk, region_code=talk.region_code,
                     after=snapshot(talk, ["held_on", "conducted_by", "persons", "recipients"]) | {
                         "commitments": len(commitments)})
    return talk


@transaction.atomic
def talk_dismiss(*, actor, talk: Talk, reason: str) -> Talk:
    talk = Talk.objects.select_for_update().get(pk=talk.pk)
    require_office_for(actor, talk.region_code, "只有督导室可以决定是否约谈。")
    if talk.status != TalkStatus.PROPOSED:
        raise ApplicationError(f"该约谈已{talk.get_status_display()}。")
    if not (reason or "").strip():
        raise ApplicationError("不予约谈须写明理由。")
    talk.status, talk.dismiss_reason, talk.decided_by, talk.decided_at = (
        TalkStatus.DISMISSED, reason.strip(), actor, timezone.now())
    talk.save()
    audit_record(actor=actor, action="talk.dismiss", obj=talk, region_code=talk.region_code, after={"reason": reason})
    return talk


# ---- 问责 ----------------------------------------------------------------------------------------------------

def prior_cases(*, school_id, unit_id, person_name: str, before: datetime.date, exclude_pk=None) -> int:
    """Decided cases against the same target (the same person at the same place, or the place itself) in the
    365 days before `before`."""
    qs = AccountabilityCase.objects.filter(step=CaseStep.DECIDED, decided_on__gt=before - datetime.timedelta(days=365),
                                           decided_on__lte=before, school_id=school_id, unit_id=unit_id,
                                           person_name=person_name)
    if exclude_pk:
        qs = qs.exclude(pk=exclude_pk)
    return qs.count()


def _grounds(chosen, *, school_id, unit_id, person_name, on, region_code, exclude_pk=None) -> list[str]:
    grounds = [g for g in chosen if g in SevereGround.values and g != SevereGround.REPEAT]
    threshold = int(policy_value("rectification.severe_repeat_cases", region_code))
    if prior_cases(school_id=school_id, unit_id=unit_id, person_name=person_name, before=on,
                   exclude_pk=exclude_pk) >= threshold:
        grounds.append(SevereGround.REPEAT)
    return grounds


def case_file(*, actor, target_kind: str, situation: str, facts: str, filed_on: datetime.date, school=None, unit=None,
              person_name: str = "", person_post: str = "", findings=(), talk: Talk | None = None, grounds=(),
              document=None) -> AccountabilityCase:
    """立案. The investigation is due within the set number of days (default 60)."""
    if target_kind not in TargetKind.values:
        raise ApplicationError("请选择问责对象类别。")
    if situation not in Situation.values:
        raise ApplicationError("请选择《教育督导问责办法》规定的问责情形。")
    if (school is None) == (unit is None):
        raise ApplicationError("请选择被问责的学校或单位（个人问责也要注明其所在单位）。")
    person_name, person_post = (person_name or "").strip(), (person_post or "").strip()
    if target_kind == TargetKind.PERSON and not person_name:
        raise ApplicationError("对个人问责须填写被问责人姓名。")
    if target_kind == TargetKind.OPERATOR and (school is None or school.ownership != "private"):
        raise ApplicationError("对举办者的问责只适用于民办学校。")
    if not (facts or "").strip():
        raise ApplicationError("请写明问题事实。")
    _not_future(filed_on, "立案日期")
    region_code = school.region_id if school else unit.region_id
    require_office_for(actor, region_code, "只有督导室可以对本辖区立案问责。")
    if any((f.school_id, f.unit_id) != (getattr(school, "pk", None), getattr(unit, "pk", None)) for f in findings):
        raise ApplicationError("相关问题必须属于被问责的学校或单位。")
    checked = _document(document, region_code)
    days = int(policy_value("rectification.investigation_days", region_code))
    with transaction.atomic():
        county = region_code[:6]
        seq = counter_take(f"case:{county}:{filed_on.year}")
        case = AccountabilityCase.objects.create(
            number=f"{_county_name(county)}督问〔{filed_on.year}〕{seq}号", target_kind=target_kind, school=school,
            unit=unit, person_name=person_name, person_post=person_post, region_code=region_code, situation=situation,
            facts=facts.strip(), talk=talk, filed_on=filed_on, investigation_due=filed_on + datetime.timedelta(days=days),
            severe_grounds=_grounds(grounds, school_id=getattr(school, "pk", None), unit_id=getattr(unit, "pk", None),
                                    person_name=person_name, on=filed_on, region_code=region_code),
            created_by=actor)
        case.findings.set(findings)
        CaseStepRecord.objects.create(case=case, step=CaseStep.FILED, on=filed_on, note="立案", actor=actor,
                                      at=timezone.now(), document=file_record(actor=actor, checked=checked) if checked else None)
        audit_record(actor=actor, action="case.file", obj=case, region_code=region_code,
                     after=snapshot(case, ["target_kind", "situation", "filed_on", "severe_grounds"]))
    return case


def case_advance(*, actor, case: AccountabilityCase, step: str, on: datetime.date, note: str = "", document=None,
                 decision_form: str = "", decision_basis: str = "", effective_on: datetime.date | None = None,
                 grounds=()) -> AccountabilityCase:
    """Record the next step of the procedure, in order; the last one (决定) needs a form that fits the target,
    the facts and basis, and an effective date. A decision before the 陈述申辩 step is refused."""
    case = AccountabilityCase.objects.get(pk=case.pk)  # the state as stored, not as the caller last saw it
    require_office_for(actor, case.region_code, "只有督导室可以办理问责案件。")
    if step not in CASE_STEPS:
        raise ApplicationError("未知的办理环节。")
    if step == CaseStep.DECIDED and CASE_STEPS.index(case.step) < CASE_STEPS.index(CaseStep.DEFENDED):
        raise ApplicationError("被问责对象陈述申辩之前，不能作出问责决定。")
    if step != case.next_step:
        expected = CaseStep(case.next_step).label if case.next_step else "（已办结）"
        raise ApplicationError(f"办理环节须依次进行：当前为“{case.get_step_display()}”，下一步应为“{expected}”。")
    _not_future(on, "日期")
    last = case.steps.order_by("-on").values_list("on", flat=True).first()
    if last and on < last:
        raise ApplicationError(f"日期不能早于上一环节（{cn_date(last)}）。")
    if step == CaseStep.DEFENDED and not (note or "").strip():
        raise ApplicationError("请记录陈述申辩的情况（放弃申辩的也要注明）。")
    if step == CaseStep.DECIDED:
        if decision_form not in FORMS_FOR[case.target_kind]:
            allowed = "、".join(str(f.label) for f in FORMS_FOR[case.target_kind])
            raise ApplicationError(f"对{case.get_target_kind_display()}的问责方式只能是：{allowed}。")
        if not (decision_basis or "").strip():
            raise ApplicationError("问责决定须写明事实和依据。")
        if effective_on is None or effective_on < on:
            raise ApplicationError("请填写生效日期（不早于决定日期）。")
    checked = _document(document, case.region_code)
    with transaction.atomic():
        case = AccountabilityCase.objects.select_for_update().get(pk=case.pk)
        if step != case.next_step:
            raise ApplicationError("该案件已被他人办理到下一环节，请刷新后重试。")
        case.step = step
        if step == CaseStep.DECIDED:
            case.decision_form, case.decision_basis = decision_form, decision_basis.strip()
            case.decided_on, case.effective_on = on, effective_on
            # 从重 is judged again at the decision: history may have grown since filing.
            case.severe_grounds = _grounds(list(grounds) or case.severe_grounds, school_id=case.school_id,
                                           unit_id=case.unit_id, person_name=case.person_name, on=on,
                                           region_code=case.region_code, exclude_pk=case.pk)
        case.save()
        CaseStepRecord.objects.create(case=case, step=step, on=on, note=(note or "").strip(), actor=actor,
                                      at=timezone.now(), document=file_record(actor=actor, checked=checked) if checked else None)
        audit_record(actor=actor, action=f"case.{step}", obj=case, region_code=case.region_code,
                     after={"on": on.isoformat(), "note": note, "decision_form": decision_form,
                            "severe_grounds": case.severe_grounds})
    return case


# ---- 激励表彰 -----------------------------------------------------------------------------------------------------

def commendation_record(*, actor, title: str, reason: str, basis: str, awarded_by: str, awarded_on: datetime.date,
                        school=None, unit=None, person_name: str = "", person_post: str = "") -> Commendation:
    fields = {"表彰名称": title, "表彰事由": reason, "依据的督导结果": basis, "表彰单位": awarded_by}
    missing = [name for name, value in fields.items() if not (value or "").strip()]
    if missing:
        raise ApplicationError(f"请填写：{'、'.join(missing)}。")
    if (school is None) == (unit is None):
        raise ApplicationError("表彰必须对应一所学校或一个政府单位。")
    _not_future(awarded_on, "表彰日期")
    region_code = school.region_id if school else unit.region_id
    require_office_for(actor, region_code, "只有督导室可以登记本辖区的表彰。")
    with transaction.atomic():
        item = Commendation.objects.create(
            school=school, unit=unit, person_name=(person_name or "").strip(), person_post=(person_post or "").strip(),
            region_code=region_code, title=title.strip(), reason=reason.strip(), basis=basis.strip(),
            awarded_by=awarded_by.strip(), awarded_on=awarded_on, created_by=actor)
        audit_record(actor=actor, action="commendation.record", obj=item, region_code=region_code,
                     after=snapshot(item, ["title", "person_name", "basis", "awarded_on"]))
    return item
