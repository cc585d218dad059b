"""Writes of area appointments: 督学聘任、公示、聘书与督学证、公开验证. Keyword-only, atomic, audited.

The steps in order (APPOINTMENT_WORKFLOW refuses any other): the county office opens a 选聘批次 → schools (for
their staff), towns (their government unit's users) and the office recommend candidates → the office runs the
资格审核 (appointments_engine over the policy numbers in force) → a flagged candidate is refused, or passed by the
county's 督导室负责人 (AppointmentHead) with a recorded reason and an explicit confirmation → 公示 on the public
results page for `workforce.publicity_workdays` working days, objections recorded and handled (an upheld one
withdraws the candidate) → 任命 with 文号 and 聘期 after the 公示 has ended with no objection open: each passed
candidate becomes a people.Inspector (inspector_save) or renews one (inspector_renew_term), and gets a
certificate whose random key the 督学证's QR code carries."""

import datetime

from django.db import transaction
from django.utils import timezone

from dudao.core.audit import audit_record, snapshot
from dudao.core.dates import cn_date
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import RoleAssignment
from dudao.core.policy import PolicyTable
from dudao.core.roles import Role
from dudao.core.scope import require_office_for, scope_for
from dudao.core.services import counter_take
from dudao.people import engine as people_engine
from dudao.people import services as people_services
from dudao.people.models import Inspector, InspectorKind, InspectorSource, InspectorStatus
from dudao.rectification.followup import publication_publish, publication_withdraw
from dudao.rectification.models import PublicationKind
from dudao.rectification.notices import add_workdays
from dudao.regions.models import GovUnit, Region, RegionLevel
from dudao.schools.models import School
from dudao.workforce import appointments_engine as engine
from dudao.workforce.models import (
    APPOINTMENT_WORKFLOW,
    CANDIDATE_WORKFLOW,
    AppointmentBatch,
    AppointmentCandidate,
    AppointmentHead,
    AppointmentObjection,
    AppointmentStatus,
    AppointmentTransition,
    CandidateRecommender,
    CandidateStatus,
    CandidateTransition,
    InspectorCertificate,
)
from dudao.workforce.models.appointments import IN_RUNNING, PASSED
from dudao.zones.models import Assignment

TEXT_MAX = 2000
RULE_KEYS = {
    "age_max": "workforce.appointment_age_max", "retired_years_max": "zones.retired_years_max",
    "fulltime_min": "zones.fulltime_share_min", "retired_parttime_max": "zones.retired_parttime_share_max",
    "max_terms": "people.parttime_max_terms",
}
CANDIDATE_FIELDS = ("name", "gender", "birth_date", "phone", "employer", "position", "kind", "source",
                    "home_school", "retirement_date", "reason")


def _text(value, limit: int = TEXT_MAX) -> str:
    return (value or "").replace("\x00", "").strip()[:limit]


def _require_office(actor, batch_or_code) -> None:
    code = batch_or_code if isinstance(batch_or_code, str) else batch_or_code.region_code
    require_office_for(actor, code, "只有本区县督导室可以办理督学聘任。")


def _locked(batch: AppointmentBatch) -> AppointmentBatch:
    return AppointmentBatch.objects.select_for_update().get(pk=batch.pk)


def _move_batch(actor, batch: AppointmentBatch, to: str, note: str = "") -> None:
    APPOINTMENT_WORKFLOW.check(batch.status, to)
    AppointmentTransition.record(batch, from_status=batch.status, to_status=to, actor=actor, note=note)
    batch.status = to


def _move_candidate(actor, candidate: AppointmentCandidate, to: str, note: str = "") -> None:
    CANDIDATE_WORKFLOW.check(candidate.status, to)
    CandidateTransition.record(candidate, from_status=candidate.status, to_status=to, actor=actor, note=note)
    candidate.status = to


def rules_for(region_code: str) -> engine.Rules:
    table = PolicyTable(RULE_KEYS.values())
    return engine.Rules(
        age_max=int(table.get(RULE_KEYS["age_max"], region_code)),
        retired_years_max=float(table.get(RULE_KEYS["retired_years_max"], region_code)),
        fulltime_min=float(table.get(RULE_KEYS["fulltime_min"], region_code)),
        retired_parttime_max=float(table.get(RULE_KEYS["retired_parttime_max"], region_code)),
        max_terms=int(table.get(RULE_KEYS["max_terms"], region_code)))


def is_head(user, region_code: str) -> bool:
    """The county's designated 督导室负责人 (an administrator is not: the exception is a person's decision)."""
    return AppointmentHead.objects.filter(user_id=user.pk, ended_at__isnull=True,
                                          region_code=region_code[:6]).exists() and scope_for(user).holds(
        region_code, Role.OFFICE)


# ---- 督导室负责人 --------------------------------------------------------------------------------------------

@transaction.atomic
def head_designate(*, actor, region: Region, user) -> AppointmentHead:
    """An administrator records who the county's office head is (the office says so in writing); the previous
    designation ends. The head must hold the office role of that county."""
    if not scope_for(actor).everything:
        raise PermissionDenied("只有系统管理员可以根据督导室的书面通知指定督导室负责人。")
    if region.level != RegionLevel.COUNTY:
        raise ApplicationError("督导室负责人按县（区）指定。")
    if not RoleAssignment.objects.filter(user=user, role=Role.OFFICE, region_id=region.code).exists():
        raise ApplicationError("负责人须持有该县（区）督导室角色。")
    current = AppointmentHead.objects.select_for_update().filter(region=region, ended_at__isnull=True)
    if current.filter(user=user).exists():
        raise ApplicationError("该用户已是督导室负责人。")
    current.update(ended_at=timezone.now())
    head = AppointmentHead.objects.create(region=region, region_code=region.code, user=user, designated_by=actor)
    audit_record(actor=actor, action="appointment.head", obj=head, region_code=region.code,
                 after={"user": user.get_full_name() or user.username})
    return head


# ---- 选聘批次 ----------------------------------------------------------------------------------------------------

@transaction.atomic
def batch_create(*, actor, region: Region, title: str, term_years: int | None = None,
                 note: str = "") -> AppointmentBatch:
    if region.level != RegionLevel.COUNTY:
        raise ApplicationError("选聘批次由县（区）督导室发起，请选择县（区）。")
    _require_office(actor, region.code)
    title = _text(title, 128)
    if not title:
        raise ApplicationError("请填写批次名称，例如“2026年兼职督学选聘”。")
    max_years = int(PolicyTable(["people.parttime_term_years"]).get("people.parttime_term_years", region.code))
    term_years = max_years if term_years is None else term_years
    if not 1 <= int(term_years) <= max_years:
        raise ApplicationError(f"聘期应在 1 到 {max_years} 年之间。")
    batch = AppointmentBatch.objects.create(region=region, region_code=region.code, title=title,
                                            term_years=int(term_years), note=_text(note), created_by=actor)
    AppointmentTransition.record(batch, to_status=batch.status, actor=actor, note="发起选聘")
    audit_record(actor=actor, action="appointment.create", obj=batch, region_code=region.code,
                 after=snapshot(batch, ["title", "term_years"]))
    return batch


def recommender_options(user, batch: AppointmentBatch) -> dict[str, list]:
    """What the user may recommend as: their own schools in the county (school role), their town governments
    in the county (unit role on a town's unit), the office (office role over the county)."""
    rows = list(RoleAssignment.objects.filter(user=user, role__in=[Role.SCHOOL, Role.UNIT])
                .values_list("role", "school_id", "unit_id"))
    school_ids = {s for role, s, _u in rows if role == Role.SCHOOL and s}
    unit_ids = {u for role, _s, u in rows if role == Role.UNIT and u}
    county = batch.region_code[:6]
    return {
        "schools": list(School.objects.filter(pk__in=school_ids, region__code__startswith=county).order_by("code")),
        "units": list(GovUnit.objects.filter(pk__in=unit_ids, region__code__startswith=county,
                                             region__level=RegionLevel.TOWN).order_by("code")),
        "office": scope_for(user).holds(batch.region_code, Role.OFFICE),
    }


def _candidate_problems(batch, fields: dict, today: datetime.date) -> None:
    if not fields["name"]:
        raise ApplicationError("请填写姓名。")
    if fields["gender"] not in ("男", "女"):
        raise ApplicationError("请选择性别。")
    if not fields["phone"]:
        raise ApplicationError("请填写联系电话。")
    if not fields["employer"]:
        raise ApplicationError("请填写工作单位。")
    if fields["kind"] not in InspectorKind.values:
        raise ApplicationError("请选择专职或兼职。")
    if fields["source"] not in InspectorSource.values:
        raise ApplicationError("请选择人员来源。")
    birth = fields["birth_date"]
    if not isinstance(birth, datetime.date) or not (today.year - 100 < birth.year and birth < today):
        raise ApplicationError("出生日期不合理，请核对。")
    retirement = fields["retirement_date"]
    if fields["source"] == InspectorSource.RETIRED and retirement is None:
        raise ApplicationError("来源为“退休人员”的须填写退休日期。")
    if retirement is not None and retirement <= birth:
        raise ApplicationError("退休日期应晚于出生日期。")
    if fields["source"] == InspectorSource.RETIRED and retirement > today:
        raise ApplicationError("退休日期晚于今天，来源不能是“退休人员”。")
    home = fields["home_school"]
    if home is not None and not home.region_id.startswith(batch.region_code[:6]):
        raise ApplicationError("本人所在学校不在本区县。")


@transaction.atomic
def candidate_recommend(*, actor, batch: AppointmentBatch, as_recommender: str, school: School | None = None,
                        unit: GovUnit | None = None, renewing: Inspector | None = None,
                        **fields) -> AppointmentCandidate:
    """One candidate, while the batch is 推荐中. A school recommends its own staff (their school is the
    recommending school); a town recommends through its government unit; the office may nominate anyone, and
    proposes the renewal of its serving part-time inspectors."""
    batch = _locked(batch)
    if batch.status != AppointmentStatus.RECOMMENDING:
        raise ApplicationError(f"选聘批次当前为“{batch.get_status_display()}”，推荐已截止。")
    options = recommender_options(actor, batch)
    today = timezone.localdate()
    values = {k: fields.get(k) for k in CANDIDATE_FIELDS}
    for key in ("name", "gender", "phone", "employer", "position", "kind", "source"):
        values[key] = _text(values[key], 128)
    values["name"], values["phone"], values["position"] = values["name"][:64], values["phone"][:32], values["position"][:64]
    values["reason"] = _text(values["reason"])
    unknown = set(fields) - set(CANDIDATE_FIELDS)
    if unknown:
        raise ApplicationError(f"不能填写字段：{'、'.join(sorted(unknown))}")
    kwargs = {"recommender": as_recommender}
    if as_recommender == CandidateRecommender.SCHOOL:
        if school is None or school not in options["schools"]:
            raise PermissionDenied("学校只能推荐本校的教职工。")
        values["home_school"] = school  # the school's own staff: the recusal uses it
        kwargs["recommender_school"] = school
    elif as_recommender == CandidateRecommender.TOWN:
        if unit is None or unit not in options["units"]:
            raise PermissionDenied("只有本区县乡镇（街道）政府的用户可以以乡镇名义推荐。")
        kwargs["recommender_unit"] = unit
    elif as_recommender == CandidateRecommender.OFFICE:
        if not options["office"]:
            raise PermissionDenied("只有本区县督导室可以提名。")
    else:
        raise ApplicationError("请选择推荐方式。")
    if renewing is not None:
        if as_recommender != CandidateRecommender.OFFICE:
            raise PermissionDenied("续聘由督导室提名。")
        if not renewing.region_id.startswith(batch.region_code[:6]):
            raise ApplicationError("续聘的督学不在本区县。")
        if AppointmentCandidate.objects.filter(batch=batch, renewing=renewing, status__in=IN_RUNNING).exists():
            raise ApplicationError(f"{renewing.name}已在本批次的续聘名单中。")
        # the record is the truth for a renewal: what the register says, not what is typed
        values.update(name=renewing.name, gender=renewing.gender or values["gender"], phone=renewing.phone,
                      employer=renewing.employer or values["employer"], position=renewing.position,
                      kind=renewing.kind, source=renewing.source, home_school=renewing.home_school,
                      retirement_date=renewing.retirement_date)
    _candidate_problems(batch, values, today)
    duplicate = AppointmentCandidate.objects.filter(batch=batch, name=values["name"], birth_date=values["birth_date"],
                                                    status__in=IN_RUNNING)
    if duplicate.exists():
        raise ApplicationError(f"{values['name']}（{cn_date(values['birth_date'])}出生）已在本批次的推荐名单中。")
    candidate = AppointmentCandidate(batch=batch, region_code=batch.region_code, recommended_by=actor,
                                     renewing=renewing, **kwargs, **values)
    candidate.full_clean(exclude=["flags"])
    candidate.save()
    CandidateTransition.record(candidate, to_status=candidate.status, actor=actor,
                               note=f"{candidate.get_recommender_display()}：{candidate.recommender_name}")
    audit_record(actor=actor, action="appointment.recommend", obj=candidate, region_code=batch.region_code,
                 after={"batch": batch.title, "recommender": candidate.recommender_name,
                        "renewing": renewing.pk if renewing else None})
    return candidate


@transaction.atomic
def candidate_withdraw(*, actor, candidate: AppointmentCandidate, reason: str) -> AppointmentCandidate:
    """The recommender (or the office) takes a recommendation back before the 资格审核."""
    candidate = AppointmentCandidate.objects.select_for_update().get(pk=candidate.pk)
    if candidate.recommended_by_id != actor.pk:
        _require_office(actor, candidate.region_code)
    if candidate.status != CandidateStatus.RECOMMENDED:
        raise ApplicationError("资格审核开始后不能撤回推荐；公示期间有异议的请登记异议。")
    reason = _text(reason, 500)
    if not reason:
        raise ApplicationError("撤回推荐须写明原因。")
    _move_candidate(actor, candidate, CandidateStatus.WITHDRAWN, reason)
    candidate.decision_note = reason
    candidate.save(update_fields=["status", "decision_note"])
    audit_record(actor=actor, action="appointment.withdraw", obj=candidate, region_code=candidate.region_code,
                 after={"reason": reason})
    return candidate


def _facts(batch: AppointmentBatch, candidates: list[AppointmentCandidate], today: datetime.date):
    county = batch.region_code[:6]
    roster = [engine.RosterFact(pk, kind == InspectorKind.FULL_TIME, retirement) for pk, kind, retirement in
              Inspector.objects.filter(status=InspectorStatus.ACTIVE, region__code__startswith=county)
              .values_list("pk", "kind", "retirement_date")]
    renewing_ids = [c.renewing_id for c in candidates if c.renewing_id]
    serving: dict[int, set[int]] = {}
    for inspector_id, school_id in Assignment.objects.current().filter(inspector_id__in=renewing_ids).values_list(
            "inspector_id", "school_id"):
        serving.setdefault(inspector_id, set()).add(school_id)
    facts = []
    for c in candidates:
        r = c.renewing
        facts.append(engine.CandidateFact(
            key=c.pk, name=c.name, full_time=c.kind == InspectorKind.FULL_TIME, birth_date=c.birth_date,
            retirement_date=c.retirement_date, home_school_id=c.home_school_id, renewing_id=c.renewing_id,
            renewing_full_time=bool(r and r.kind == InspectorKind.FULL_TIME),
            renewing_active=bool(r and r.status == InspectorStatus.ACTIVE),
            renewing_term_no=r.term_no if r else 0,
            renewing_school_ids=frozenset(serving.get(c.renewing_id, ()))))
    return roster, facts


def batch_preview(batch: AppointmentBatch, today: datetime.date | None = None):
    """The 资格审核 as it would come out now (the batch page shows it before the office runs it)."""
    today = today or timezone.localdate()
    candidates = list(batch.candidates.filter(status__in=IN_RUNNING).select_related("renewing"))
    roster, facts = _facts(batch, candidates, today)
    return engine.review(roster, facts, rules=rules_for(batch.region_code), today=today)


@transaction.atomic
def batch_review(*, actor, batch: AppointmentBatch) -> AppointmentBatch:
    """推荐截止, 资格审核: each candidate is checked against the rules in force; no flag → 审核通过, a flag →
    不符合条件待定 (refused, or passed by the office head with a reason)."""
    batch = _locked(batch)
    _require_office(actor, batch)
    today = timezone.localdate()
    candidates = list(batch.candidates.select_for_update(of=("self",)).filter(status=CandidateStatus.RECOMMENDED)
                      .select_related("renewing"))
    APPOINTMENT_WORKFLOW.check(batch.status, AppointmentStatus.REVIEWING)
    if not candidates:
        raise ApplicationError("本批次还没有候选人，不能进行资格审核。")
    roster, facts = _facts(batch, candidates, today)
    flags, shares = engine.review(roster, facts, rules=rules_for(batch.region_code), today=today)
    counts = {"qualified": 0, "flagged": 0}
    for c in candidates:
        c.flags = [f.as_dict() for f in flags[c.pk]]
        to = CandidateStatus.FLAGGED if c.flags else CandidateStatus.QUALIFIED
        _move_candidate(actor, c, to, "；".join(f["message"] for f in c.flags))
        c.save(update_fields=["flags", "status"])
        counts["flagged" if c.flags else "qualified"] += 1
    _move_batch(actor, batch, AppointmentStatus.REVIEWING,
                f"审核通过 {counts['qualified']} 人，不符合条件 {counts['flagged']} 人")
    batch.save(update_fields=["status"])
    audit_record(actor=actor, action="appointment.review", obj=batch, region_code=batch.region_code,
                 after={**counts, "fulltime_share": round(shares.fulltime_share, 4),
                        "retired_share": round(shares.retired_share, 4)})
    return batch


@transaction.atomic
def candidate_except(*, actor, candidate: AppointmentCandidate, reason: str, confirmed: bool) -> AppointmentCandidate:
    """破格通过: only the county's 督导室负责人, with a written reason and an explicit confirmation; never for a
    hard rule (the third term, a renewal of someone not serving part-time)."""
    candidate = AppointmentCandidate.objects.select_for_update().get(pk=candidate.pk)
    _require_office(actor, candidate.region_code)
    if not is_head(actor, candidate.region_code):
        raise PermissionDenied("不符合条件的候选人只有督导室负责人可以同意通过；请报负责人审批。")
    if candidate.status != CandidateStatus.FLAGGED:
        raise ApplicationError(f"候选人当前为“{candidate.get_status_display()}”，无需破格通过。")
    if candidate.hard_flags:
        raise ApplicationError("以下条件不得破格：" + "；".join(f["message"] for f in candidate.hard_flags))
    reason = _text(reason)
    if len(reason) < 10:
        raise ApplicationError("请写明同意通过的理由（不少于 10 个字），理由将存档。")
    if not confirmed:
        raise ApplicationError("请勾选确认：本人以督导室负责人身份同意该候选人通过资格审核。")
    _move_candidate(actor, candidate, CandidateStatus.EXCEPTED, reason)
    candidate.exception_reason, candidate.exception_by, candidate.exception_at = reason, actor, timezone.now()
    candidate.save(update_fields=["status", "exception_reason", "exception_by", "exception_at"])
    audit_record(actor=actor, action="appointment.except", obj=candidate, region_code=candidate.region_code,
                 after={"reason": reason, "flags": [f["code"] for f in candidate.flags]})
    return candidate


@transaction.atomic
def candidate_refuse(*, actor, candidate: AppointmentCandidate, reason: str) -> AppointmentCandidate:
    candidate = AppointmentCandidate.objects.select_for_update().get(pk=candidate.pk)
    _require_office(actor, candidate.region_code)
    if candidate.batch.status != AppointmentStatus.REVIEWING:
        raise ApplicationError("只能在资格审核阶段作出审核不通过的决定。")
    reason = _text(reason)
    if not reason:
        raise ApplicationError("审核不通过须写明理由。")
    _move_candidate(actor, candidate, CandidateStatus.REFUSED, reason)
    candidate.decision_note = reason
    candidate.save(update_fields=["status", "decision_note"])
    audit_record(actor=actor, action="appointment.refuse", obj=candidate, region_code=candidate.region_code,
                 after={"reason": reason})
    return candidate


# ---- 公示 ------------------------------------------------------------------------------------------------------

def publicity_text(batch: AppointmentBatch, candidates: list[AppointmentCandidate], start: datetime.date,
                   end: datetime.date, region_name: str, contact: str = "") -> tuple[str, str]:
    """The 公示 as published: name, gender, employer, position, kind — no phone, birth date or home school."""
    lines = [f"根据《督学管理暂行办法》和督学选聘工作安排，经单位推荐、资格审核，拟聘任以下 {len(candidates)} 名同志为"
             f"{region_name}督学，聘期 {batch.term_years} 年，现予公示。", ""]
    for n, c in enumerate(candidates, 1):
        kind = "续聘" if c.renewing_id else "新聘"
        lines.append(f"{n}. {c.name}，{c.gender}，{c.employer}{('，' + c.position) if c.position else ''}，"
                     f"{c.get_kind_display()}督学（{kind}）")
    lines += ["", f"公示时间：{cn_date(start)}至{cn_date(end)}。",
              "公示期间，如对拟聘人选有异议，请以书面或电话方式向区教育督导室反映。反映情况应实事求是，"
              "署真实姓名并提供联系方式，以便核实；匿名反映的，请提供具体事实。"]
    if contact:
        lines.append(f"受理异议：{contact}")
    return f"{region_name}{batch.title}拟聘人选公示", "\n".join(lines)


@transaction.atomic
def batch_publish(*, actor, batch: AppointmentBatch, contact: str) -> AppointmentBatch:
    """公示: refused while a flagged candidate is undecided or when no one passed, or without the telephone or
    address where objections are received (the public cannot object otherwise)."""
    batch = _locked(batch)
    _require_office(actor, batch)
    contact = _text(contact, 120)
    if not contact:
        raise ApplicationError("请填写受理异议的电话或地址（例如：区教育督导室，电话 0000-12345678），公示中须写明。")
    APPOINTMENT_WORKFLOW.check(batch.status, AppointmentStatus.PUBLICITY)
    undecided = list(batch.candidates.filter(status__in=[CandidateStatus.FLAGGED, CandidateStatus.RECOMMENDED])
                     .values_list("name", flat=True))
    if undecided:
        raise ApplicationError(f"还有 {len(undecided)} 名候选人资格审核未定（{'、'.join(undecided[:5])}），"
                               "请先作出通过或不通过的决定。")
    passed = list(batch.candidates.filter(status__in=PASSED).order_by("id"))
    if not passed:
        raise ApplicationError("没有通过资格审核的候选人，不能公示。")
    today = timezone.localdate()
    days = int(PolicyTable(["workforce.publicity_workdays"]).get("workforce.publicity_workdays", batch.region_code))
    end = add_workdays(today, days - 1) if today.weekday() < 5 else add_workdays(today, days)
    title, body = publicity_text(batch, passed, today, end, batch.region.name, contact)
    publication = publication_publish(actor=actor, kind=PublicationKind.PUBLICITY, region_code=batch.region_code,
                                      title=title, body=body)
    batch.publication, batch.publicity_start, batch.publicity_end = publication, today, end
    _move_batch(actor, batch, AppointmentStatus.PUBLICITY, f"公示至{cn_date(end)}")
    batch.save(update_fields=["publication", "publicity_start", "publicity_end", "status"])
    audit_record(actor=actor, action="appointment.publish", obj=batch, region_code=batch.region_code,
                 after={"candidates": len(passed), "start": str(today), "end": str(end)})
    return batch


@transaction.atomic
def objection_record(*, actor, candidate: AppointmentCandidate, objector: str, content: str,
                     received_on: datetime.date, contact: str = "") -> AppointmentObjection:
    """An objection received during the 公示 (by letter, telephone or in person), typed by the office."""
    batch = _locked(candidate.batch)
    _require_office(actor, batch)
    if batch.status != AppointmentStatus.PUBLICITY:
        raise ApplicationError("只有公示期间可以登记异议。")
    candidate = AppointmentCandidate.objects.get(pk=candidate.pk)
    if candidate.status not in PASSED:
        raise ApplicationError("该候选人不在公示名单中。")
    if not batch.publicity_start <= received_on <= min(batch.publicity_end, timezone.localdate()):
        raise ApplicationError(f"收到日期应在公示期内（{cn_date(batch.publicity_start)}至{cn_date(batch.publicity_end)}）"
                               "且不晚于今天。")
    objector, content = _text(objector, 64), _text(content)
    if not objector:
        raise ApplicationError("请填写反映人（匿名反映的填“匿名”）。")
    if not content:
        raise ApplicationError("请填写异议内容。")
    objection = AppointmentObjection.objects.create(
        batch=batch, candidate=candidate, region_code=batch.region_code, objector=objector,
        contact=_text(contact, 64), received_on=received_on, content=content, recorded_by=actor)
    audit_record(actor=actor, action="appointment.objection", obj=objection, region_code=batch.region_code,
                 object_repr=f"{candidate.name}：{objector}", after={"received_on": str(received_on)})
    return objection


@transaction.atomic
def objection_handle(*, actor, objection: AppointmentObjection, handling: str, upheld: bool) -> AppointmentObjection:
    """The office's finding on an objection; an upheld one withdraws the candidate from the batch."""
    objection = AppointmentObjection.objects.select_for_update().get(pk=objection.pk)
    batch = _locked(objection.batch)
    _require_office(actor, batch)
    if objection.is_handled:
        raise ApplicationError("该异议已处理。")
    if batch.status != AppointmentStatus.PUBLICITY:
        raise ApplicationError("只有任命前可以处理公示异议。")
    handling = _text(handling)
    if not handling:
        raise ApplicationError("请写明核查处理情况。")
    objection.handling, objection.upheld = handling, bool(upheld)
    objection.handled_by, objection.handled_at = actor, timezone.now()
    objection.save(update_fields=["handling", "upheld", "handled_by", "handled_at"])
    candidate = AppointmentCandidate.objects.select_for_update().get(pk=objection.candidate_id)
    if upheld and candidate.status in PASSED:
        _move_candidate(actor, candidate, CandidateStatus.WITHDRAWN, f"公示异议成立：{handling}")
        candidate.decision_note = f"公示异议成立：{handling}"
        candidate.save(update_fields=["status", "decision_note"])
    audit_record(actor=actor, action="appointment.objection_handle", obj=objection, region_code=batch.region_code,
                 object_repr=f"{candidate.name}：{objection.objector}", after={"upheld": bool(upheld)})
    return objection


# ---- 任命 ------------------------------------------------------------------------------------------------------

def _card_no(county: str, year: int) -> str:
    """督学证号: county code, year, and the next number of the county's row-locked sequence."""
    n = counter_take(f"workforce.card:{county}:{year}")
    return f"{county}{year}{n:04d}"


@transaction.atomic
def batch_appoint(*, actor, batch: AppointmentBatch, doc_no: str, term_start: datetime.date) -> AppointmentBatch:
    """任命: after the 公示 has ended with every objection handled. Each passed candidate becomes an inspector (or
    is renewed) with a certificate, in this one transaction: a refusal for any of them appoints no one."""
    batch = _locked(batch)
    _require_office(actor, batch)
    APPOINTMENT_WORKFLOW.check(batch.status, AppointmentStatus.APPOINTED)
    today = timezone.localdate()
    if today <= batch.publicity_end:
        raise ApplicationError(f"公示期至{cn_date(batch.publicity_end)}，公示期满后方可任命。")
    open_objections = batch.objections.filter(upheld__isnull=True).count()
    if open_objections:
        raise ApplicationError(f"还有 {open_objections} 条公示异议未处理，请先核查处理。")
    doc_no = _text(doc_no, 64)
    if not doc_no:
        raise ApplicationError("请填写任命文件的文号，例如“某教督〔2026〕5号”。")
    if AppointmentBatch.objects.filter(region_code=batch.region_code, doc_no=doc_no).exclude(pk=batch.pk).exists():
        raise ApplicationError(f"文号“{doc_no}”已被其他选聘批次使用。")
    if not isinstance(term_start, datetime.date) or term_start > today:
        raise ApplicationError("聘期开始日期不能晚于今天（任命文件印发后再办理任命）。")
    if term_start < batch.publicity_end:
        raise ApplicationError("聘期开始日期不能早于公示结束。")
    passed = list(batch.candidates.select_for_update(of=("self",)).filter(status__in=PASSED).select_related("renewing")
                  .order_by("id"))
    if not passed:
        raise ApplicationError("公示名单中已没有可任命的候选人。")
    term_end = people_engine.add_years(term_start, batch.term_years) - datetime.timedelta(days=1)
    for c in passed:
        if c.renewing_id:
            inspector = people_services.inspector_renew_term(actor=actor, inspector=c.renewing, term_start=term_start)
        else:
            inspector = people_services.inspector_save(
                actor=actor, card_no=_card_no(batch.region_code[:6], term_start.year), name=c.name, gender=c.gender,
                phone=c.phone, employer=c.employer, position=c.position, kind=c.kind, source=c.source,
                region_id=batch.region_code, home_school_id=c.home_school_id, retirement_date=c.retirement_date,
                appointed_on=term_start, term_start=term_start, term_no=1,
                note=f"{batch.title}，{doc_no}")
        c.inspector = inspector
        _move_candidate(actor, c, CandidateStatus.APPOINTED, doc_no)
        c.save(update_fields=["inspector", "status"])
        InspectorCertificate.objects.create(inspector=inspector, candidate=c, region_code=batch.region_code,
                                            doc_no=doc_no, term_start=term_start, term_end=term_end)
    batch.doc_no, batch.term_start, batch.term_end, batch.appointed_on = doc_no, term_start, term_end, today
    _move_batch(actor, batch, AppointmentStatus.APPOINTED, doc_no)
    batch.save(update_fields=["doc_no", "term_start", "term_end", "appointed_on", "status"])
    audit_record(actor=actor, action="appointment.appoint", obj=batch, region_code=batch.region_code,
                 after={"doc_no": doc_no, "term_start": str(term_start), "appointed": len(passed),
                        "renewed": sum(1 for c in passed if c.renewing_id)})
    return batch


@transaction.atomic
def batch_cancel(*, actor, batch: AppointmentBatch, reason: str) -> AppointmentBatch:
    """Stop a batch before 任命; its 公示, if published, is withdrawn from the public page."""
    batch = _locked(batch)
    _require_office(actor, batch)
    reason = _text(reason, 200)
    if not reason:
        raise ApplicationError("撤销选聘批次须写明原因。")
    APPOINTMENT_WORKFLOW.check(batch.status, AppointmentStatus.CANCELLED)
    if batch.publication_id and not batch.publication.withdrawn_at:
        publication_withdraw(actor=actor, item=batch.publication, reason=f"选聘批次撤销：{reason}")
    _move_batch(actor, batch, AppointmentStatus.CANCELLED, reason)
    batch.save(update_fields=["status"])
    audit_record(actor=actor, action="appointment.cancel", obj=batch, region_code=batch.region_code,
                 after={"reason": reason})
    return batch
