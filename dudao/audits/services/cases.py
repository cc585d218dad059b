"""Writes of area cases: 审计计划、审计事项、审计组、资料、发现问题. Keyword-only, atomic, audited; the report, its
publication and the findings' 整改 are in services/reports.py.

Decisions (stated in the guide):
- the annual plan's number of leaders is checked against the policy range audits.plan_min–audits.plan_max (5–10,
  seed 000): the page warns while the plan is drafted; approving a plan outside the range needs a written reason
  (kept on the plan and in the audit log), it is not refused outright (a small district may have fewer departures);
- cases are added to a plan while it is 编制中; once approved the plan is fixed, and a case may start (实施中) only
  in an approved plan;
- the case text (auditee, term, period, fieldwork, findings, requests) may be edited until the report is issued;
  after that every edit is refused.
"""

import datetime
import re
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dudao.audits.models import (
    AUDIT_CASE_WORKFLOW,
    AuditCase,
    AuditCaseStatus,
    AuditCaseTransition,
    AuditDocRequest,
    AuditeePosition,
    AuditFinding,
    AuditFindingCategory,
    AuditPlan,
    AuditPlanStatus,
    AuditReason,
    AuditTeamMember,
    AuditTeamRole,
)
from dudao.core.audit import audit_record, snapshot
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import RoleAssignment
from dudao.core.policy import policy_value
from dudao.core.roles import Role
from dudao.core.scope import region_prefix, scope_for
from dudao.documents import files
from dudao.documents.services import file_record
from dudao.people.models import Expert, Inspector, InspectorStatus
from dudao.regions.models import Region
from dudao.schools.models import School

TEXT_MAX = 5000
TITLE_MAX = 200
NOTE_MAX = 500
NAME_MAX = 64
ORG_MAX = 128
AMOUNT_MAX = Decimal("999999999999.99")  # max_digits=14
AMOUNT_PATTERN = re.compile(r"[0-9]{1,12}(\.[0-9]{1,2})?")
EARLIEST = datetime.date(1980, 1, 1)
S = AuditCaseStatus


def _text(value, *, label: str, required: bool = True, limit: int = TEXT_MAX) -> str:
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise ApplicationError(f"请填写{label}。")
    if len(value) > limit:
        raise ApplicationError(f"{label}不能超过 {limit} 个字。")
    return value


def _date(value, *, label: str, required: bool = True) -> datetime.date | None:
    if value is None or value == "":
        if required:
            raise ApplicationError(f"请填写{label}。")
        return None
    if not isinstance(value, datetime.date):
        raise ApplicationError(f"{label}不是有效的日期。")
    if value < EARLIEST or value.year > 2100:
        raise ApplicationError(f"{label}有误。")
    return value


def plan_range(region_code: str) -> tuple[int, int]:
    return int(policy_value("audits.plan_min", region_code)), int(policy_value("audits.plan_max", region_code))


def plan_warning(plan: AuditPlan, count: int | None = None) -> str:
    """The warning shown while the number of planned leaders is outside the policy range ("" when inside)."""
    low, high = plan_range(plan.region_id)
    count = plan.cases.count() if count is None else count
    if count < low:
        return f"计划审计 {count} 名学校领导干部，少于每年 {low} 名的要求（{low}–{high} 名）。"
    if count > high:
        return f"计划审计 {count} 名学校领导干部，多于每年 {high} 名的安排（{low}–{high} 名）。"
    return ""


def require_office(actor, region_code: str, what: str) -> None:
    if not scope_for(actor).holds(region_code, Role.OFFICE):
        raise PermissionDenied(f"只有本区（县）督导室可以{what}。")


def _county(actor, region: Region | None) -> Region:
    if region is None or region.level != "county":
        raise ApplicationError("请选择区（县）。")
    require_office(actor, region.code, "编制本区（县）的审计计划")
    return region


# ---- plan ----------------------------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, actor, region: Region, year, note: str = "") -> AuditPlan:
    region = _county(actor, region)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ApplicationError("请填写计划年度。") from None
    this_year = timezone.localdate().year
    if not this_year - 1 <= year <= this_year + 1:
        raise ApplicationError(f"计划年度应为 {this_year - 1}–{this_year + 1} 年。")
    if AuditPlan.objects.filter(region=region, year=year).exists():
        raise ApplicationError(f"{region.name}{year}年度审计计划已存在。")
    plan = AuditPlan.objects.create(region=region, year=year, note=_text(note, label="计划说明", required=False),
                                    created_by=actor if getattr(actor, "is_authenticated", False) else None)
    audit_record(actor=actor, action="audits.plan_create", obj=plan, region_code=region.code, after=snapshot(plan))
    return plan


@transaction.atomic
def plan_approve(*, actor, plan: AuditPlan, deviation_reason: str = "") -> AuditPlan:
    plan = AuditPlan.objects.select_for_update().get(pk=plan.pk)
    require_office(actor, plan.region_id, "批准审计计划")
    if plan.status == AuditPlanStatus.APPROVED:
        raise ApplicationError("该计划已批准。")
    count = plan.cases.count()
    if count == 0:
        raise ApplicationError("计划中还没有审计事项，不能批准。")
    warning = plan_warning(plan, count)
    deviation_reason = _text(deviation_reason, label="超出范围的说明", required=False, limit=255)
    if warning and not deviation_reason:
        raise ApplicationError(warning + "如确需按此计划执行，请填写说明后再批准。")
    before = snapshot(plan)
    plan.status, plan.deviation_reason = AuditPlanStatus.APPROVED, deviation_reason if warning else ""
    plan.approved_by = actor if getattr(actor, "is_authenticated", False) else None
    plan.approved_at = timezone.now()
    plan.save()
    audit_record(actor=actor, action="audits.plan_approve", obj=plan, region_code=plan.region_id, before=before,
                 after={**snapshot(plan), "cases": count, "warning": warning})
    return plan


# ---- case ----------------------------------------------------------------------------------------------------


AUDITEE_OUTSIDE = "账号“{}”不是本区（县）的用户，不能作为被审计人账号。"


def _auditee_user(user, region_code: str):
    """The auditee's account reads the issued case: an account of the county (a role on one of its schools or inside
    it) or one with no role at all (a leader who has left); never another district's user or an administrator."""
    if user is None:
        return None
    if not user.is_active:
        raise ApplicationError("所选被审计人账号已停用。")
    prefix = region_prefix(region_code)
    inside = (Q(school__region__code__startswith=prefix) | Q(region__code__startswith=prefix)
              | Q(unit__region__code__startswith=prefix))
    if user.is_superuser or RoleAssignment.objects.filter(user_id=user.pk).exclude(inside).exists():
        raise ApplicationError(AUDITEE_OUTSIDE.format(user.username))
    return user


def _case_fields(*, school, auditee_name, auditee_position, term_from, term_to, reason, period_from, period_to,
                 fieldwork_from, fieldwork_to, region_code: str) -> dict:
    if school is None:
        raise ApplicationError("请选择被审计学校。")
    if not school.region_id.startswith(region_prefix(region_code)):
        raise ApplicationError(f"{school.name}不在本区（县），不能对其领导干部立项审计。")
    auditee_name = _text(auditee_name, label="被审计人姓名", limit=NAME_MAX)
    if auditee_position not in AuditeePosition.values:
        raise ApplicationError("请选择被审计人职务。")
    if reason not in AuditReason.values:
        raise ApplicationError("请选择审计类型（离任、轮岗或任中）。")
    term_from = _date(term_from, label="任职起始日期")
    term_to = _date(term_to, label="任职截止日期", required=reason != AuditReason.IN_OFFICE)
    if term_to and term_to < term_from:
        raise ApplicationError("任职截止日期不能早于任职起始日期。")
    period_from = _date(period_from, label="审计期间起")
    period_to = _date(period_to, label="审计期间止")
    if period_to < period_from:
        raise ApplicationError("审计期间止不能早于审计期间起。")
    if period_from < term_from or (term_to and period_to > term_to):
        raise ApplicationError("审计期间应在被审计人任职期间之内。")
    fieldwork_from = _date(fieldwork_from, label="现场审计开始日期", required=False)
    fieldwork_to = _date(fieldwork_to, label="现场审计结束日期", required=False)
    if bool(fieldwork_from) != bool(fieldwork_to):
        raise ApplicationError("现场审计开始、结束日期应同时填写。")
    if fieldwork_from and fieldwork_to < fieldwork_from:
        raise ApplicationError("现场审计结束日期不能早于开始日期。")
    return dict(school=school, auditee_name=auditee_name, auditee_position=auditee_position, term_from=term_from,
                term_to=term_to, reason=reason, period_from=period_from, period_to=period_to,
                fieldwork_from=fieldwork_from, fieldwork_to=fieldwork_to)


@transaction.atomic
def case_create(*, actor, plan: AuditPlan, school: School | None, auditee_name: str, auditee_position: str,
                term_from, term_to, reason: str, period_from, period_to, fieldwork_from=None, fieldwork_to=None,
                auditee_user=None) -> AuditCase:
    plan = AuditPlan.objects.select_for_update().get(pk=plan.pk)
    require_office(actor, plan.region_id, "登记审计事项")
    if plan.status != AuditPlanStatus.DRAFT:
        raise ApplicationError(f"{plan.year}年度审计计划已批准，不能再增加审计事项。")
    fields = _case_fields(school=school, auditee_name=auditee_name, auditee_position=auditee_position,
                          term_from=term_from, term_to=term_to, reason=reason, period_from=period_from,
                          period_to=period_to, fieldwork_from=fieldwork_from, fieldwork_to=fieldwork_to,
                          region_code=plan.region_id)
    case = AuditCase(plan=plan, region_code=plan.region_id, auditee_user=_auditee_user(auditee_user, plan.region_id),
                     created_by=actor if getattr(actor, "is_authenticated", False) else None, **fields)
    case.save()
    AuditCaseTransition.record(case, to_status=S.PLANNED, actor=actor)
    audit_record(actor=actor, action="audits.case_create", obj=case, region_code=case.region_code,
                 after=snapshot(case))
    return case


def locked(case: AuditCase) -> AuditCase:
    return AuditCase.objects.select_for_update(of=("self",)).select_related("school", "plan").get(pk=case.pk)


def require_editable(case: AuditCase) -> None:
    if case.is_issued:
        raise ApplicationError(f"审计报告已出具（{case.report_number}），审计事项内容已锁定，不能再修改。")


@transaction.atomic
def case_update(*, actor, case: AuditCase, school: School | None, auditee_name: str, auditee_position: str,
                term_from, term_to, reason: str, period_from, period_to, fieldwork_from=None, fieldwork_to=None,
                auditee_user=None) -> AuditCase:
    case = locked(case)
    require_office(actor, case.region_code, "修改审计事项")
    require_editable(case)
    fields = _case_fields(school=school, auditee_name=auditee_name, auditee_position=auditee_position,
                          term_from=term_from, term_to=term_to, reason=reason, period_from=period_from,
                          period_to=period_to, fieldwork_from=fieldwork_from, fieldwork_to=fieldwork_to,
                          region_code=case.region_code)
    if fields["school"].pk != case.school_id and case.status != S.PLANNED:
        raise ApplicationError("审计已开始实施，不能更换被审计学校。")
    before = snapshot(case)
    for name, value in fields.items():
        setattr(case, name, value)
    case.auditee_user = _auditee_user(auditee_user, case.region_code)
    case.save()
    _recusal_recheck(case)
    audit_record(actor=actor, action="audits.case_update", obj=case, region_code=case.region_code, before=before,
                 after=snapshot(case))
    return case


def move(case: AuditCase, *, actor, to_status: str, note: str = "") -> None:
    AUDIT_CASE_WORKFLOW.check(case.status, to_status)
    AuditCaseTransition.record(case, from_status=case.status, to_status=to_status, actor=actor, note=note)
    case.status = to_status


@transaction.atomic
def case_start(*, actor, case: AuditCase) -> AuditCase:
    """计划 → 实施中: the plan is approved and the team has a leader."""
    case = locked(case)
    require_office(actor, case.region_code, "启动审计")
    AUDIT_CASE_WORKFLOW.check(case.status, S.IN_PROGRESS)
    if case.plan.status != AuditPlanStatus.APPROVED:
        raise ApplicationError(f"{case.plan.year}年度审计计划尚未批准，不能启动审计。")
    if not case.team.filter(role=AuditTeamRole.LEADER).exists():
        raise ApplicationError("请先确定审计组组长，再启动审计。")
    before = snapshot(case)
    move(case, actor=actor, to_status=S.IN_PROGRESS)
    case.save()
    audit_record(actor=actor, action="audits.case_start", obj=case, region_code=case.region_code, before=before,
                 after=snapshot(case))
    return case


@transaction.atomic
def case_close(*, actor, case: AuditCase, note: str = "") -> AuditCase:
    case = locked(case)
    require_office(actor, case.region_code, "结案")
    note = _text(note, label="结案说明", required=False, limit=NOTE_MAX)
    before = snapshot(case)
    move(case, actor=actor, to_status=S.CLOSED, note=note)
    case.save()
    audit_record(actor=actor, action="audits.case_close", obj=case, region_code=case.region_code, before=before,
                 after=snapshot(case))
    return case


# ---- team and recusal ----------------------------------------------------------------------------------------


def recusal_reason(case: AuditCase, *, user=None, inspector: Inspector | None = None, name: str = "") -> str:
    """Why this person may not audit this case ("" if they may): they are the auditee, they work at the audited
    school (an inspector's home school), or they hold the school role for it."""
    school = case.school
    if user is not None and case.auditee_user_id and user.pk == case.auditee_user_id:
        return f"{name}是本次审计的被审计人，须回避。"
    if inspector is not None and inspector.home_school_id == school.pk:
        return f"{name}的本人所在学校是被审计学校{school.name}，须回避。"
    if user is not None and RoleAssignment.objects.filter(user_id=user.pk, role=Role.SCHOOL, school_id=school.pk).exists():
        return f"{name}是被审计学校{school.name}的学校用户，须回避。"
    return ""


def _recusal_recheck(case: AuditCase) -> None:
    """After the auditee or school changed: a member who now has a conflict is refused (the edit with them)."""
    for member in case.team.select_related("user", "inspector"):
        reason = recusal_reason(case, user=member.user, inspector=member.inspector, name=member.name)
        if reason:
            raise ApplicationError(f"修改后审计组成员{member.name}须回避：{reason}请先调整审计组。")


def team_candidates(case: AuditCase) -> dict:
    """Who may be added: office users of the county, its active inspectors, experts of the county or above."""
    county = case.region_code
    User = get_user_model()
    office_ids = RoleAssignment.objects.filter(role=Role.OFFICE, region__code__startswith=region_prefix(county)) \
        .values("user_id")
    return {
        "users": User.objects.filter(pk__in=office_ids, is_active=True).order_by("username"),
        "inspectors": Inspector.objects.filter(region__code__startswith=region_prefix(county),
                                               status=InspectorStatus.ACTIVE).order_by("name", "id"),
        "experts": Expert.objects.filter(is_active=True).filter(
            region_id__in=[county[:2] + "0000", county[:4] + "00", county]).order_by("name", "id"),
    }


@transaction.atomic
def team_add(*, actor, case: AuditCase, role: str, user=None, inspector: Inspector | None = None,
             expert: Expert | None = None, name: str = "", organisation: str = "") -> AuditTeamMember:
    case = locked(case)
    require_office(actor, case.region_code, "组建审计组")
    require_editable(case)
    if role not in AuditTeamRole.values:
        raise ApplicationError("请选择分工（组长或组员）。")
    picked = [x for x in (user, inspector, expert) if x is not None]
    typed = _text(name, label="姓名", required=False, limit=NAME_MAX)
    if len(picked) + bool(typed) != 1:
        raise ApplicationError("请选择一名督导室人员、督学或专家，或填写一名外聘审计人员的姓名（只选一项）。")
    candidates = team_candidates(case)
    organisation = _text(organisation, label="单位", required=False, limit=ORG_MAX)
    if user is not None:
        if not candidates["users"].filter(pk=user.pk).exists():
            raise ApplicationError("所选人员不是本区（县）督导室人员。")
        typed, organisation = user.get_full_name() or user.username, "督导室"
    elif inspector is not None:
        if not candidates["inspectors"].filter(pk=inspector.pk).exists():
            raise ApplicationError("所选督学不是本区（县）在聘督学。")
        user, typed, organisation = inspector.user, inspector.name, inspector.employer
    elif expert is not None:
        if not candidates["experts"].filter(pk=expert.pk).exists():
            raise ApplicationError("所选专家不在本区（县）或上级专家库中。")
        user, typed, organisation = expert.user, expert.name, expert.employer
    elif typed == case.auditee_name:
        raise ApplicationError(f"{typed}与被审计人同名，如确为被审计人须回避；外聘人员请填写全名以示区别。")
    reason = recusal_reason(case, user=user, inspector=inspector, name=typed)
    if reason:
        raise ApplicationError(reason)
    team = case.team.all()
    if (user is not None and team.filter(user=user).exists()) or (inspector and team.filter(inspector=inspector).exists()) \
            or (expert and team.filter(expert=expert).exists()) \
            or (not picked and team.filter(name=typed, user__isnull=True, inspector__isnull=True,
                                           expert__isnull=True).exists()):
        raise ApplicationError(f"{typed}已在审计组中。")
    if role == AuditTeamRole.LEADER and team.filter(role=AuditTeamRole.LEADER).exists():
        raise ApplicationError("审计组已有组长，请先移出原组长。")
    member = AuditTeamMember.objects.create(
        case=case, role=role, user=user, inspector=inspector, expert=expert, name=typed, organisation=organisation,
        added_by=actor if getattr(actor, "is_authenticated", False) else None)
    audit_record(actor=actor, action="audits.team_add", obj=case, region_code=case.region_code,
                 after={"member": typed, "role": role, "organisation": organisation})
    return member


@transaction.atomic
def team_remove(*, actor, member: AuditTeamMember) -> None:
    case = locked(member.case)
    require_office(actor, case.region_code, "调整审计组")
    require_editable(case)
    if member.role == AuditTeamRole.LEADER and case.status != S.PLANNED:
        raise ApplicationError("审计实施中不能移出组长，请先增加新组长人选后再调整。")
    member.delete()
    audit_record(actor=actor, action="audits.team_remove", obj=case, region_code=case.region_code,
                 before={"member": member.name, "role": member.role})


# ---- documents requested from the school ---------------------------------------------------------------------


def is_team_member(user, case: AuditCase) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and case.team.filter(user_id=user.pk).exists()


def may_work_on(actor, case: AuditCase) -> bool:
    """The county office, or a member of the team: requests and findings."""
    return scope_for(actor).holds(case.region_code, Role.OFFICE) or is_team_member(actor, case)


def _require_worker(actor, case: AuditCase, what: str) -> None:
    if not may_work_on(actor, case):
        raise PermissionDenied(f"只有督导室或本审计组成员可以{what}。")


@transaction.atomic
def request_add(*, actor, case: AuditCase, title: str, due_on, note: str = "") -> AuditDocRequest:
    case = locked(case)
    _require_worker(actor, case, "提出资料清单")
    require_editable(case)
    if case.status not in (S.PLANNED, S.IN_PROGRESS):
        raise ApplicationError("审计事项当前状态不能提出资料清单。")
    title = _text(title, label="所需资料", limit=TITLE_MAX)
    note = _text(note, label="说明", required=False, limit=NOTE_MAX)
    due_on = _date(due_on, label="报送期限")
    if due_on < timezone.localdate():
        raise ApplicationError("报送期限不能早于今天。")
    item = AuditDocRequest.objects.create(case=case, title=title, note=note, due_on=due_on,
                                          created_by=actor if getattr(actor, "is_authenticated", False) else None)
    audit_record(actor=actor, action="audits.request_add", obj=case, region_code=case.region_code,
                 after={"title": title, "due_on": due_on.isoformat()})
    return item


@transaction.atomic
def request_remove(*, actor, item: AuditDocRequest) -> None:
    case = locked(item.case)
    _require_worker(actor, case, "删除资料清单")
    require_editable(case)
    if item.file_id:
        raise ApplicationError("学校已报送该资料，不能删除该项。")
    item.delete()
    audit_record(actor=actor, action="audits.request_remove", obj=case, region_code=case.region_code,
                 before={"title": item.title})


def may_upload(actor, item: AuditDocRequest) -> bool:
    case = item.case
    owns_school = RoleAssignment.objects.filter(user_id=getattr(actor, "pk", None), role=Role.SCHOOL,
                                                school_id=case.school_id).exists()
    return owns_school or may_work_on(actor, case)


def request_upload(*, actor, item: AuditDocRequest, upload) -> AuditDocRequest:
    """The school (or the team on its behalf) hands in one requested document while the audit is 实施中. The file is
    checked and written before the transaction (documents.files.check_and_write)."""
    if not may_upload(actor, item):
        raise PermissionDenied("只有被审计学校的用户或本审计组成员可以报送资料。")
    if upload is None:
        raise ApplicationError("请选择要报送的文件。")
    checked = files.check_and_write(upload, kind="document", region_code=item.case.region_code)
    with transaction.atomic():
        case = locked(item.case)
        item = AuditDocRequest.objects.select_for_update().get(pk=item.pk)
        if case.status != S.IN_PROGRESS:
            raise ApplicationError(f"审计事项当前为“{case.get_status_display()}”，只有实施中才能报送资料。")
        before = {"file": item.file_id}
        item.file = file_record(actor=actor, checked=checked)
        item.uploaded_by = actor if getattr(actor, "is_authenticated", False) else None
        item.uploaded_at = timezone.now()
        item.save()
        audit_record(actor=actor, action="audits.request_upload", obj=case, region_code=case.region_code,
                     before=before, after={"title": item.title, "file": item.file_id, "sha256": checked.sha256})
    return item


# ---- findings ------------------------------------------------------------------------------------------------


def parse_amount(value) -> Decimal | None:
    """Yuan as typed: digits with at most two decimals (thousands commas allowed); a sign, an exponent, NaN or
    Infinity is refused."""
    value = str(value or "").strip().replace(",", "").replace("，", "")
    if not value:
        return None
    if not AMOUNT_PATTERN.fullmatch(value):
        raise ApplicationError("涉及金额应为不小于 0 的数字（元），最多两位小数。")
    amount = Decimal(value)
    if amount > AMOUNT_MAX:
        raise ApplicationError("涉及金额过大，请核对。")
    return amount


@transaction.atomic
def finding_add(*, actor, case: AuditCase, text: str, category: str, amount=None, severity=1) -> AuditFinding:
    case = locked(case)
    _require_worker(actor, case, "登记审计发现的问题")
    require_editable(case)
    if case.status != S.IN_PROGRESS:
        raise ApplicationError("审计实施中才能登记发现的问题。")
    text = _text(text, label="问题描述")
    if category not in AuditFindingCategory.values:
        raise ApplicationError("请选择问题类别。")
    try:
        severity = int(severity)
    except (TypeError, ValueError):
        severity = 0
    if severity not in (1, 2, 3):
        raise ApplicationError("请选择严重程度。")
    finding = AuditFinding.objects.create(case=case, text=text, category=category, amount=parse_amount(amount),
                                          severity=severity,
                                          created_by=actor if getattr(actor, "is_authenticated", False) else None)
    audit_record(actor=actor, action="audits.finding_add", obj=case, region_code=case.region_code,
                 after=snapshot(finding))
    return finding


@transaction.atomic
def finding_remove(*, actor, finding: AuditFinding) -> None:
    case = locked(finding.case)
    _require_worker(actor, case, "删除审计发现的问题")
    require_editable(case)
    finding.delete()
    audit_record(actor=actor, action="audits.finding_remove", obj=case, region_code=case.region_code,
                 before={"text": finding.text[:200]})
