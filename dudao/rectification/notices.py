"""Writes of the rectification workflow: 整改通知书 (issue, acknowledge, report, verify or return), 督办单 and
the office's own edits of findings. Each is one transaction with its audit record and transition rows.

Workflow (declared once, models.NOTICE_WORKFLOW): 已下发 → 已签收 → 整改中 → 已提交整改报告 → 核查通过, or back to
整改中 when the verifier returns it with reasons. The deadline job (rectification.jobs) reminds, escalates
overdue notices to a 督办单 and proposes 约谈; it shares `order_create` with the office's manual action.
"""

import datetime

from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils import timezone

from dudao.core.audit import audit_record, audit_records, snapshot
from dudao.core.dates import cn_date, local_date
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import Role
from dudao.core.policy import PolicyTable, policy_value
from dudao.core.registries import refuse_if_archived, responsible_users_of_school
from dudao.core.scope import require_office_for, scope_for
from dudao.core.selectors import office_users_by_region, office_users_for, users_of_schools, users_of_units
from dudao.core.services import Message, counter_take, notify
from dudao.documents import files
from dudao.documents.services import file_record
from dudao.rectification.models import (
    ACTIVE_NOTICE,
    DONE_STATUSES,
    NOTICE_WORKFLOW,
    Finding,
    FindingReport,
    FindingStatus,
    NoticeStatus,
    NoticeTransition,
    OrderStatus,
    RectificationNotice,
    SupervisionOrder,
)
from dudao.regions.models import GovUnit, Region, UnitKind

MEASURES_MAX = 5000  # characters per finding in a 整改报告


def _move(notice: RectificationNotice, to: str, *, actor, note: str = "", event: str = "", at=None) -> None:
    NOTICE_WORKFLOW.check(notice.status, to)
    NoticeTransition.record(notice, from_status=notice.status, to_status=to, event=event, actor=actor, at=at, note=note)
    notice.status = to


def _locked(notice: RectificationNotice) -> RectificationNotice:
    return RectificationNotice.objects.select_for_update(of=("self",)).select_related("school", "unit").get(pk=notice.pk)


def _county_name(region_code: str) -> str:
    return Region.objects.filter(code=region_code[:6]).values_list("name", flat=True).first() or region_code[:6]


def _target_users(notice) -> set[int]:
    if notice.school_id:
        return users_of_schools([notice.school_id]).get(notice.school_id, set())
    return users_of_units([notice.unit_id]).get(notice.unit_id, set())


def _require_target(actor, notice) -> None:
    scope = scope_for(actor)
    ok = (notice.school_id in scope.school_ids and scope.has_role(Role.SCHOOL)) or (
        notice.unit_id in scope.unit_ids and scope.has_role(Role.UNIT))
    if not ok:
        raise PermissionDenied("只有被督导的学校或单位可以办理本项。")


def _require_verifier(actor, notice) -> None:
    scope = scope_for(actor)
    if scope.holds(notice.region_code, Role.OFFICE):
        return
    if notice.school_id and scope.has_role(Role.INSPECTOR) and notice.school_id in scope.school_ids:
        return
    raise PermissionDenied("只有该校责任督学或督导室可以核查整改。")


# ---- findings (office edits) ------------------------------------------------------------------------------

EDITABLE = ("category_label", "severity", "description", "requirement", "responsible_person", "due_date")


@transaction.atomic
def finding_update(*, actor, finding: Finding, **fields) -> Finding:
    finding = Finding.objects.select_for_update(of=("self",)).get(pk=finding.pk)
    require_office_for(actor, finding.region_code, "您无权修改该问题。")
    if finding.status in DONE_STATUSES:
        raise ApplicationError("问题已办结，不能再修改；如需重新整改，请通过“回头看”重新打开。")
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ApplicationError(f"不能修改：{'、'.join(sorted(unknown))}")
    # 归档: what the finding says is filed with the year it was raised in; its loop (the deadline, the notice, the
    # report, verification, 督办) goes on, so a change of the due date alone stays allowed.
    if set(fields) - {"due_date"}:
        refuse_if_archived(finding.region_code, local_date(finding.raised_at), "问题")
    if not (fields.get("description", finding.description) or "").strip():
        raise ApplicationError("问题描述不能为空。")
    if fields.get("due_date") and fields["due_date"] < timezone.localdate() and fields["due_date"] != finding.due_date:
        raise ApplicationError("整改期限不能早于今天。")
    before = snapshot(finding, list(EDITABLE))
    for name, value in fields.items():
        setattr(finding, name, value)
    finding.full_clean()
    finding.save()
    audit_record(actor=actor, action="finding.update", obj=finding, region_code=finding.region_code, before=before,
                 after=snapshot(finding, list(EDITABLE)))
    return finding


# ---- 整改通知书 -------------------------------------------------------------------------------------------

@transaction.atomic
def notice_issue(*, actor, findings: list[Finding], due_date: datetime.date | None = None, days: int | None = None,
                 requirement: str = "") -> RectificationNotice:
    """One notice for one or many open findings of the same school or unit, with a deadline (date or days)."""
    if not findings:
        raise ApplicationError("请至少选择一个问题。")
    ids = [f.pk for f in findings]
    if len(set(ids)) != len(ids):
        raise ApplicationError("同一个问题不能在一份整改通知书中选择两次。")
    findings = list(Finding.objects.select_for_update(of=("self",)).filter(pk__in=ids).order_by("id"))
    first = findings[0]
    if any((f.school_id, f.unit_id) != (first.school_id, first.unit_id) for f in findings):
        raise ApplicationError("一份整改通知书只能发给同一所学校或同一个单位。")
    require_office_for(actor, first.region_code, "只有督导室可以下发整改通知书。")
    for f in findings:
        if f.status in DONE_STATUSES:
            raise ApplicationError(f"问题“{f}”已办结，不需要整改通知。")
        if f.notice_id and f.notice.status != NoticeStatus.CLOSED:
            raise ApplicationError(f"问题“{f}”已在整改通知书 {f.notice.number} 中。")
    today = timezone.localdate()
    if due_date is None:
        days = days if days is not None else int(policy_value("rectification.default_days", first.region_code))
        if days < 1:
            raise ApplicationError("整改期限至少 1 天。")
        due_date = today + datetime.timedelta(days=days)
    if due_date <= today:
        raise ApplicationError("整改期限必须晚于今天。")
    now = timezone.now()
    county = first.region_code[:6]
    seq = counter_take(f"notice:{county}:{today.year}")
    notice = RectificationNotice.objects.create(
        number=f"{_county_name(county)}督整〔{today.year}〕{seq}号", school_id=first.school_id, unit_id=first.unit_id,
        region_code=first.region_code, requirement=(requirement or "").strip(), due_date=due_date, issued_by=actor,
        issued_at=now)
    NoticeTransition.record(notice, to_status=NoticeStatus.ISSUED, actor=actor, at=now)
    Finding.objects.filter(pk__in=ids).update(notice=notice, due_date=due_date)
    audit_record(actor=actor, action="notice.issue", obj=notice, region_code=notice.region_code,
                 after={"number": notice.number, "findings": ids, "due_date": due_date.isoformat()})
    notify(messages=[(Message(f"notice:{notice.pk}:issued", "notice", f"收到整改通知书 {notice.number}",
                              f"共 {len(ids)} 个问题，整改期限 {cn_date(due_date)}。请签收并按期整改。",
                              f"/rectification/notices/{notice.pk}/"), _target_users(notice))])
    return notice


@transaction.atomic
def notice_acknowledge(*, actor, notice: RectificationNotice) -> RectificationNotice:
    notice = _locked(notice)
    _require_target(actor, notice)
    _move(notice, NoticeStatus.ACKNOWLEDGED, actor=actor)
    notice.save(update_fields=["status"])
    audit_record(actor=actor, action="notice.acknowledge", obj=notice, region_code=notice.region_code)
    return notice


@transaction.atomic
def notice_start(*, actor, notice: RectificationNotice) -> RectificationNotice:
    notice = _locked(notice)
    _require_target(actor, notice)
    _move(notice, NoticeStatus.RECTIFYING, actor=actor)
    notice.save(update_fields=["status"])
    audit_record(actor=actor, action="notice.start", obj=notice, region_code=notice.region_code)
    return notice


def notice_report(*, actor, notice: RectificationNotice, reports: dict[int, tuple[str, list]]) -> RectificationNotice:
    """The target's rectification report: for every finding of the notice, measures and at least one piece of
    evidence (uploads, checked by content). All or nothing."""
    notice = RectificationNotice.objects.get(pk=notice.pk)
    _require_target(actor, notice)
    NOTICE_WORKFLOW.check(notice.status, NoticeStatus.REPORTED)  # before any file is stored (checked again locked)
    finding_ids = set(notice.findings.values_list("pk", flat=True))
    missing = finding_ids - {fid for fid, (text, _uploads) in reports.items() if (text or "").strip()}
    if missing:
        raise ApplicationError(f"还有 {len(missing)} 个问题没有填写整改措施与成效。")
    if any(not uploads for fid, (_text, uploads) in reports.items() if fid in finding_ids):
        raise ApplicationError("每个问题都要上传整改佐证材料（照片或文件），没有佐证不能提交。")
    if set(reports) - finding_ids:
        raise ApplicationError("整改报告中有不属于本通知书的问题。")
    if any(len(text or "") > MEASURES_MAX for text, _uploads in reports.values()):
        raise ApplicationError(f"每个问题的整改措施与成效不超过 {MEASURES_MAX} 字。")
    checked = {fid: [files.check_and_write_evidence(f, region_code=notice.region_code) for f in uploads]
               for fid, (_t, uploads) in reports.items()}
    with transaction.atomic():
        notice = _locked(notice)
        _move(notice, NoticeStatus.REPORTED, actor=actor)
        now = timezone.now()
        notice.reported_at = now
        notice.verify_due_date = timezone.localdate() + datetime.timedelta(
            days=int(policy_value("rectification.verify_days", notice.region_code)))
        notice.file_due_date = add_workdays(timezone.localdate(), int(policy_value("rectification.file_workdays",
                                                                                   notice.region_code)))
        notice.filed_at = None
        notice.save(update_fields=["status", "reported_at", "verify_due_date", "file_due_date", "filed_at"])
        for fid, (text, _files) in reports.items():
            report = FindingReport.objects.create(finding_id=fid, notice=notice, measures=text.strip(),
                                                  submitted_by=actor, submitted_at=now)
            report.evidence.set([file_record(actor=actor, checked=c) for c in checked[fid]])
        audit_record(actor=actor, action="notice.report", obj=notice, region_code=notice.region_code,
                     after={"findings": sorted(finding_ids), "files": sum(len(v) for v in checked.values())})
        notify(messages=[(Message(f"notice:{notice.pk}:reported:{now:%Y%m%d%H%M%S}", "notice",
                                  f"{notice.target}提交了整改报告（{notice.number}）",
                                  f"请在 {cn_date(notice.verify_due_date)} 前核查。", f"/rectification/notices/{notice.pk}/"),
                          _verifiers(notice))])
    return notice


def add_workdays(day: datetime.date, n: int) -> datetime.date:
    """n working days (Monday to Friday) after day. Public holidays are not known here."""
    while n > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            n -= 1
    return day


@transaction.atomic
def notice_file(*, actor, notice: RectificationNotice) -> RectificationNotice:
    """The school's responsible inspector files the rectification report with the county office (备案)."""
    notice = _locked(notice)
    scope = scope_for(actor)
    if not (notice.school_id and scope.has_role(Role.INSPECTOR) and notice.school_id in scope.school_ids):
        raise PermissionDenied("只有该校责任督学可以将整改报告报督导室备案。")
    if notice.status not in (NoticeStatus.REPORTED, NoticeStatus.CLOSED) or notice.reported_at is None:
        raise ApplicationError("学校尚未提交整改报告，无需备案。")
    if notice.filed_at:
        raise ApplicationError("该整改报告已报督导室备案。")
    now = timezone.now()
    late = notice.file_due_date and timezone.localdate(now) > notice.file_due_date
    notice.filed_at = now
    notice.save(update_fields=["filed_at"])
    NoticeTransition.record(notice, from_status=notice.status, to_status=notice.status, event="file", actor=actor, at=now,
                            note="（超过报备期限）" if late else "")
    audit_record(actor=actor, action="notice.file", obj=notice, region_code=notice.region_code, after={"late": bool(late)})
    notify(messages=[(Message(f"notice:{notice.pk}:filed:{now:%Y%m%d%H%M%S}", "notice",
                              f"{notice.target}整改报告已报备（{notice.number}）", "",
                              f"/rectification/notices/{notice.pk}/"), office_users_for(notice.region_code))])
    return notice


def _verifiers(notice) -> set[int]:
    """The office staff over the target and, for a school, its current responsible inspectors (挂牌)."""
    users = set(office_users_for(notice.region_code))
    if notice.school_id:
        users |= responsible_users_of_school(notice.school_id)  # zones registers the responsible inspectors
    return users


@transaction.atomic
def notice_verify(*, actor, notice: RectificationNotice, accepted: bool, note: str = "",
                  on_site: bool = False) -> RectificationNotice:
    """核查: accept (findings closed) or return with reasons (back to 整改中). Nobody verifies a report they wrote."""
    notice = _locked(notice)
    if notice.reports.filter(submitted_by=actor).exists():
        raise PermissionDenied("不能核查自己提交的整改报告。")
    _require_verifier(actor, notice)
    note = (note or "").strip()
    if not accepted and not note:
        raise ApplicationError("退回整改须写明理由。")
    how = "实地核查" if on_site else "书面核查"
    now = timezone.now()
    if accepted:
        _move(notice, NoticeStatus.CLOSED, actor=actor, note=f"{how}通过。{note}".strip(), event="verify")
        notice.closed_at, notice.verifier = now, actor
        notice.findings.exclude(status__in=DONE_STATUSES).update(
            status=FindingStatus.CLOSED, closed_at=now, closed_on_time=ExpressionWrapper(
                Q(due_date__isnull=True) | Q(due_date__gte=timezone.localdate(now)), output_field=BooleanField()))
        SupervisionOrder.objects.filter(notice=notice).exclude(status=OrderStatus.CLOSED).update(status=OrderStatus.CLOSED)
    else:
        _move(notice, NoticeStatus.RECTIFYING, actor=actor, note=f"{how}退回：{note}", event="return")
        notice.verifier = actor
    notice.save()
    audit_record(actor=actor, action="notice.verify" if accepted else "notice.return", obj=notice,
                 region_code=notice.region_code, after={"accepted": accepted, "on_site": on_site, "note": note})
    title = f"整改通知书 {notice.number} 核查通过" if accepted else f"整改通知书 {notice.number} 被退回，请继续整改"
    notify(messages=[(Message(f"notice:{notice.pk}:verified:{now:%Y%m%d%H%M%S}", "notice", title, note,
                              f"/rectification/notices/{notice.pk}/"), _target_users(notice))])
    return notice


# ---- 督办单 ---------------------------------------------------------------------------------------------------

def department_for(notice, *, school=None, unit=None, table=None, cache: dict | None = None) -> GovUnit | None:
    """The competent department (主管部门) a 督办单 goes to. A region policy may name one by unit code;
    otherwise a school's own 主管部门, else the county's education authority; for a government unit, the
    county (district) government. `cache` lets a batch share the unit lookups."""
    table = table or PolicyTable(["rectification.school_department", "rectification.unit_department"])
    cache = {} if cache is None else cache
    county = notice.region_code[:6]
    if notice.school_id:
        school = school or notice.school
        code = table.get("rectification.school_department", notice.region_code)
        if not code and school.competent_unit_id:
            return school.competent_unit
        key = ("code", code) if code else ("education", county)
    else:
        code = table.get("rectification.unit_department", notice.region_code)
        key = ("code", code) if code else ("government", county)
    if key not in cache:
        units = GovUnit.objects.order_by("code")
        cache[key] = (units.filter(code=code) if code else units.filter(region_id=county, **(
            {"is_education_authority": True} if key[0] == "education" else {"kind": UnitKind.GOVERNMENT}))).first()
    return cache[key]


def order_create(*, actor, notice: RectificationNotice, department: GovUnit, now=None) -> SupervisionOrder | None:
    """Write the 督办单 of an overdue notice, once: returns None when the notice already has one."""
    made = orders_create(actor=actor, pairs=[(notice, department)], now=now)
    return made[0] if made else None


def orders_create(*, actor, pairs: list[tuple[RectificationNotice, GovUnit]], now=None) -> list[SupervisionOrder]:
    """Write the 督办单 of many overdue notices in a bounded number of queries (the deadline job's batches):
    numbers per county from one counter take, deadlines from one policy read, the transition and audit rows
    and the notifications to the department, the target and the office. Notices that already have a 督办单
    are skipped. Called inside the caller's transaction, which holds the notices."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    done = set(SupervisionOrder.objects.filter(notice_id__in=[n.pk for n, _d in pairs]).values_list("notice_id", flat=True))
    pairs = [(n, d) for n, d in pairs if n.pk not in done]
    if not pairs:
        return []
    table = PolicyTable(["rectification.order_days"])
    by_county: dict[str, list] = {}
    for pair in pairs:
        by_county.setdefault(pair[0].region_code[:6], []).append(pair)
    names = dict(Region.objects.filter(code__in=list(by_county)).values_list("code", "name"))
    orders = []
    for county, items in by_county.items():
        first = counter_take(f"order:{county}:{today.year}", count=len(items))
        for k, (notice, department) in enumerate(items):
            due = today + datetime.timedelta(days=int(table.get("rectification.order_days", notice.region_code)))
            orders.append(SupervisionOrder(
                number=f"{names.get(county, county)}督办〔{today.year}〕{first + k}号", notice=notice,
                department=department, region_code=notice.region_code, issued_at=now, due_date=due))
    SupervisionOrder.objects.bulk_create(orders, batch_size=1000)
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    NoticeTransition.objects.bulk_create([NoticeTransition(
        notice=o.notice, from_status=o.notice.status, to_status=o.notice.status, event="order", actor=actor_obj, at=now,
        note=f"逾期未整改，向{o.department.name}下达督办单 {o.number}，督办期限 {cn_date(o.due_date)}。")
        for o in orders], batch_size=1000)
    audit_records(actor=actor, action="order.issue", items=[(o, o.region_code, {
        "notice": o.notice.number, "department": o.department.code, "due_date": o.due_date.isoformat()}) for o in orders])
    departments = users_of_units({o.department_id for o in orders})
    schools = users_of_schools({o.notice.school_id for o in orders if o.notice.school_id})
    units = users_of_units({o.notice.unit_id for o in orders if o.notice.unit_id})
    offices = office_users_by_region({o.region_code for o in orders})
    messages = []
    for o in orders:
        notice, url = o.notice, f"/rectification/orders/{o.pk}/"
        target_users = schools.get(notice.school_id, set()) if notice.school_id else units.get(notice.unit_id, set())
        messages += [
            (Message(f"order:{o.pk}:issued", "order", f"督办单 {o.number}：{notice.target}整改逾期",
                     f"{notice.target}未在 {cn_date(notice.due_date)} 前完成整改通知书 {notice.number} 的整改。"
                     f"请督促落实，并于 {cn_date(o.due_date)} 前反馈。", url), departments.get(o.department_id, set())),
            (Message(f"order:{o.pk}:target", "order", f"整改逾期，已向主管部门下达督办单 {o.number}",
                     f"整改通知书 {notice.number} 已逾期。", f"/rectification/notices/{notice.pk}/"), target_users),
            (Message(f"order:{o.pk}:office", "order", f"已下达督办单 {o.number}（{notice.target}）", "", url),
             offices[o.region_code]),
        ]
    notify(at=now, messages=messages)
    return orders


@transaction.atomic
def order_issue(*, actor, notice: RectificationNotice) -> SupervisionOrder:
    """The office presses an overdue notice by hand (the job does the same each day)."""
    notice = _locked(notice)
    require_office_for(actor, notice.region_code, "只有督导室可以下达督办单。")
    if notice.status not in ACTIVE_NOTICE or notice.due_date >= timezone.localdate():
        raise ApplicationError("该整改通知书未逾期（或已提交整改报告），不能下达督办单。")
    department = department_for(notice)
    if department is None:
        raise ApplicationError("未找到该对象的主管部门，请先在学校信息中设置主管部门，或在政策参数中指定。")
    order = order_create(actor=actor, notice=notice, department=department)
    if order is None:
        raise ApplicationError("该整改通知书已下达过督办单。")
    RectificationNotice.objects.filter(pk=notice.pk, escalated_at__isnull=True).update(escalated_at=order.issued_at)
    return order


@transaction.atomic
def order_respond(*, actor, order: SupervisionOrder, response: str) -> SupervisionOrder:
    """The competent department signs for a 督办单 and records what it did to press the rectification."""
    order = SupervisionOrder.objects.select_for_update().get(pk=order.pk)
    scope = scope_for(actor)
    if not (scope.has_role(Role.UNIT) and order.department_id in scope.unit_ids):
        raise PermissionDenied("只有被督办的主管部门可以签收督办单。")
    if order.status == OrderStatus.CLOSED:
        raise ApplicationError("督办单已办结。")
    response = (response or "").strip()
    if not response:
        raise ApplicationError("请填写督办落实情况。")
    order.status, order.response = OrderStatus.ACKNOWLEDGED, response
    order.acknowledged_by, order.acknowledged_at = actor, timezone.now()
    order.save()
    audit_record(actor=actor, action="order.respond", obj=order, region_code=order.region_code, after={"response": response})
    return order
