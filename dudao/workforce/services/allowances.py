"""Writes of area allowances: 兼职督学劳务补贴. Keyword-only, atomic, audited; every status move checked by
ALLOWANCE_WORKFLOW (草稿 → 已复核 → 已批准; 已复核 may go back to 草稿) and logged as an AllowanceMonthTransition.

- compute: the office of the region computes a month that has ended from the part-time inspectors' records
  (selectors.month_records → allowance_engine.compute) and the rates in force (policy). Recomputing replaces the
  computed lines (the adjustments stay) and sends a reviewed month back to 草稿. Refused when a needed rate is not
  set, naming it.
- adjust: a manual line (amount ±, reason required) before approval; removing one likewise.
- review, return, approve: the office; once approved nothing changes any more (recompute, adjust, remove, delete
  are refused)."""

import datetime
import json
import re
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Sum
from django.utils import timezone

from dudao.core.audit import audit_record, snapshot
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.registries import refuse_if_archived
from dudao.core.roles import Role
from dudao.core.scope import scope_for
from dudao.people.models import Inspector
from dudao.regions.models import Region
from dudao.workforce import allowance_engine as engine
from dudao.workforce.models import (
    ALLOWANCE_WORKFLOW,
    AllowanceLine,
    AllowanceLineKind,
    AllowanceMonth,
    AllowanceMonthStatus,
    AllowanceMonthTransition,
)
from dudao.workforce.selectors import allowances as selectors

S = AllowanceMonthStatus
REASON_MAX = 255
ADJUST_MAX = Decimal("99999999.99")
EARLIEST_YEAR = 2000
_AMOUNT = re.compile(r"^-?\d{1,8}(\.\d{1,2})?$")

MONTH_FIELDS = ["region_id", "year", "month", "status", "inspectors", "total", "rates"]


def _require_office(actor, region_code: str, what: str) -> None:
    if not scope_for(actor).holds(region_code, Role.OFFICE):
        raise PermissionDenied(f"只有本区域的督导室可以{what}。")


def _user(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


def _locked(month: AllowanceMonth) -> AllowanceMonth:
    return AllowanceMonth.objects.select_for_update(of=("self",)).select_related("region").get(pk=month.pk)


def _refuse_if_approved(month: AllowanceMonth, what: str) -> None:
    if month.status == S.APPROVED:
        raise ApplicationError(f"{month.label}劳务补贴已批准，不能再{what}。如确需更正，请在下月补贴中以人工调整处理。")


def _move(month: AllowanceMonth, *, actor, to_status: str, note: str = "") -> None:
    ALLOWANCE_WORKFLOW.check(month.status, to_status)
    AllowanceMonthTransition.record(month, from_status=month.status, to_status=to_status, actor=actor, note=note)
    month.status = to_status


def _refresh_totals(month: AllowanceMonth) -> None:
    agg = AllowanceLine.objects.filter(allowance_month=month).aggregate(
        n_total=Sum("total"), n_people=Count("inspector", distinct=True))
    month.total = agg["n_total"] or Decimal(0)
    month.inspectors = agg["n_people"] or 0


def check_month(year, month, *, today: datetime.date | None = None) -> tuple[int, int]:
    """A month that has ended (year from 2000), as ints; else a Chinese refusal."""
    today = today or timezone.localdate()
    try:
        year, month = int(year), int(month)
    except (TypeError, ValueError):
        raise ApplicationError("请选择年份和月份。") from None
    if not 1 <= month <= 12 or not EARLIEST_YEAR <= year <= today.year:
        raise ApplicationError("年份或月份有误。")
    _first, last = engine.month_span(year, month)
    if last >= today:
        raise ApplicationError(f"{year}年{month}月尚未结束，月末之后才能计算该月劳务补贴。")
    return year, month


def check_rates(rates: engine.Rates) -> None:
    for name, label in [*engine.RATE_LABELS.items(), ("monthly_cap", "每人每月补贴上限")]:
        if getattr(rates, name) < 0:
            raise ApplicationError(f"补贴标准“{label}”设置有误（不能为负数或非数值），请在参数设置中更正。")
    if rates.half_day_minutes <= 0:
        raise ApplicationError("“半天在校时长（分钟）”设置有误，应为正整数，请在参数设置中更正。")


@transaction.atomic
def allowance_compute(*, actor, region: Region, year, month, today: datetime.date | None = None) -> AllowanceMonth:
    """Compute (or recompute, before approval) the month of a region. The computed lines are replaced in bulk;
    the adjustment lines stay."""
    if region is None:
        raise ApplicationError("请选择区划。")
    if len(region.code) != 6:
        raise ApplicationError("劳务补贴按区（县）、市或省计算，请选择相应区划。")
    _require_office(actor, region.code, "计算劳务补贴")
    year, month = check_month(year, month, today=today)
    first, last = engine.month_span(year, month)
    refuse_if_archived(region.code, first, f"{year}年{month}月的劳务补贴")
    rates = selectors.rates_for(region.code)
    check_rates(rates)
    existing = AllowanceMonth.objects.filter(region=region, year=year, month=month).first()
    if existing is not None:
        existing = _locked(existing)
        _refuse_if_approved(existing, "重新计算")
    records = selectors.month_records(region.code, year, month, today=today)
    missing = engine.missing_rates(rates, records)
    if missing:
        raise ApplicationError(f"{region.name}尚未设置以下劳务补贴标准，不能计算{year}年{month}月的补贴："
                               f"{'、'.join(missing)}。请先在参数设置中填写（0 表示未设置）。")
    lines = engine.compute(records, rates, first=first, last=last)
    now = timezone.now()
    before = snapshot(existing, MONTH_FIELDS)
    if existing is None:
        try:
            with transaction.atomic():
                target = AllowanceMonth.objects.create(region=region, year=year, month=month, rates=rates.as_dict(),
                                                       computed_at=now, computed_by=_user(actor))
        except IntegrityError:
            raise ApplicationError(f"{year}年{month}月的劳务补贴正由他人计算，请刷新后再试。") from None
        AllowanceMonthTransition.record(target, to_status=S.DRAFT, actor=actor, note="计算")
    else:
        target = existing
        if target.status == S.REVIEWED:
            _move(target, actor=actor, to_status=S.DRAFT, note="重新计算")
        else:
            AllowanceMonthTransition.record(target, from_status=target.status, to_status=target.status, actor=actor,
                                            note="重新计算")
        AllowanceLine.objects.filter(allowance_month=target, kind=AllowanceLineKind.COMPUTED).delete()
        target.rates, target.computed_at, target.computed_by = rates.as_dict(), now, _user(actor)
    _insert_lines(target, lines, actor=_user(actor), at=now)
    _refresh_totals(target)
    target.save()
    audit_record(actor=actor, action="workforce.allowance_compute", obj=target, region_code=region.code,
                 before=before, after={**snapshot(target, MONTH_FIELDS), "lines": len(lines), "records": len(records)})
    return target


COPY_FIELDS = ["allowance_month", "inspector", "kind", "visits", "half_days", "checks", "inspection_days", "trips",
               "visit_amount", "half_day_amount", "check_amount", "inspection_amount", "transport_amount", "cap_cut",
               "total", "detail", "reason", "created_by", "created_at"]


def _insert_lines(month: AllowanceMonth, lines: list[engine.Line], *, actor, at) -> None:
    """The computed lines in bulk: one COPY on PostgreSQL (a province's 8,000 lines with their JSON detail: an
    INSERT of that size spends its time quoting arrays), bulk_create elsewhere."""
    actor_id = getattr(actor, "pk", None)
    if connection.vendor == "postgresql":
        meta = AllowanceLine._meta
        quote = connection.ops.quote_name
        columns = ", ".join(quote(meta.get_field(f).column) for f in COPY_FIELDS)
        sql = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
            for line in lines:
                copy.write_row((month.pk, line.inspector_id, AllowanceLineKind.COMPUTED.value, line.visits,
                                line.half_days, line.checks, line.inspection_days, line.trips, line.visit_amount,
                                line.half_day_amount, line.check_amount, line.inspection_amount,
                                line.transport_amount, line.cap_cut, line.total,
                                json.dumps(line.detail, ensure_ascii=False), "", actor_id, at))
        return
    AllowanceLine.objects.bulk_create([AllowanceLine(
        allowance_month=month, inspector_id=line.inspector_id, kind=AllowanceLineKind.COMPUTED,
        visits=line.visits, half_days=line.half_days, checks=line.checks, inspection_days=line.inspection_days,
        trips=line.trips, visit_amount=line.visit_amount, half_day_amount=line.half_day_amount,
        check_amount=line.check_amount, inspection_amount=line.inspection_amount,
        transport_amount=line.transport_amount, cap_cut=line.cap_cut, total=line.total, detail=line.detail,
        created_by_id=actor_id) for line in lines], batch_size=2000)


def parse_amount(value) -> Decimal:
    """An adjustment amount in 元: ± up to 8 digits and 2 decimals, not zero."""
    text = str(value if value is not None else "").strip().replace("，", "").replace(",", "")
    if not text:
        raise ApplicationError("请填写调整金额。")
    if not _AMOUNT.match(text):
        raise ApplicationError("调整金额应为数字（元，最多两位小数，减少时填负数）。")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ApplicationError("调整金额应为数字。") from None
    if amount == 0:
        raise ApplicationError("调整金额不能为 0。")
    if abs(amount) > ADJUST_MAX:
        raise ApplicationError("调整金额过大。")
    return amount


@transaction.atomic
def allowance_adjust(*, actor, month: AllowanceMonth, inspector: Inspector | None, amount, reason: str) -> AllowanceLine:
    """A manual correction line for one part-time inspector of the region, with its reason. A reviewed month goes
    back to 草稿 (it must be reviewed again)."""
    month = _locked(month)
    _require_office(actor, month.region_id, "调整劳务补贴")
    _refuse_if_approved(month, "调整")
    if inspector is None or not selectors.part_time_inspectors(month.region_id).filter(pk=inspector.pk).exists():
        raise ApplicationError("请选择本区域的兼职督学。")
    amount = parse_amount(amount)
    reason = (reason or "").replace("\x00", "").strip()
    if not reason:
        raise ApplicationError("请填写调整原因。")
    if len(reason) > REASON_MAX:
        raise ApplicationError(f"调整原因不能超过 {REASON_MAX} 个字。")
    if month.total + amount < 0 or _person_total(month, inspector) + amount < 0:
        raise ApplicationError(f"调整后{inspector.name}本月补贴为负数，请核对调整金额。")
    line = AllowanceLine(allowance_month=month, inspector=inspector, kind=AllowanceLineKind.ADJUSTMENT, total=amount,
                         reason=reason, created_by=_user(actor))
    line.full_clean()
    line.save()
    if month.status == S.REVIEWED:
        _move(month, actor=actor, to_status=S.DRAFT, note=f"人工调整：{inspector.name} {amount} 元")
    _refresh_totals(month)
    month.save()
    audit_record(actor=actor, action="workforce.allowance_adjust", obj=line, region_code=month.region_id,
                 after={"month": month.pk, "inspector": inspector.pk, "amount": str(amount), "reason": reason})
    return line


def _person_total(month: AllowanceMonth, inspector: Inspector) -> Decimal:
    return AllowanceLine.objects.filter(allowance_month=month, inspector=inspector).aggregate(
        n=Sum("total"))["n"] or Decimal(0)


@transaction.atomic
def allowance_adjust_remove(*, actor, line: AllowanceLine) -> None:
    """Remove a manual line before approval; computed lines change only by recomputing."""
    month = _locked(line.allowance_month)
    _require_office(actor, month.region_id, "调整劳务补贴")
    _refuse_if_approved(month, "删除调整")
    if line.kind != AllowanceLineKind.ADJUSTMENT:
        raise ApplicationError("按记录计算的明细不能删除，请更正记录后重新计算，或添加人工调整。")
    if _person_total(month, line.inspector) - line.total < 0:
        raise ApplicationError(f"删除后{line.inspector.name}本月补贴为负数，请先删除其他调整。")
    before = snapshot(line, ["inspector_id", "total", "reason"])
    line.delete()
    if month.status == S.REVIEWED:
        _move(month, actor=actor, to_status=S.DRAFT, note="删除人工调整")
    _refresh_totals(month)
    month.save()
    audit_record(actor=actor, action="workforce.allowance_adjust_remove", obj=month, region_code=month.region_id,
                 before=before)


@transaction.atomic
def allowance_review(*, actor, month: AllowanceMonth, note: str = "") -> AllowanceMonth:
    month, before = _advance(actor=actor, month=month, to_status=S.REVIEWED, note=note, what="复核劳务补贴")
    audit_record(actor=actor, action="workforce.allowance_review", obj=month, region_code=month.region_id,
                 before=before, after=snapshot(month, MONTH_FIELDS))
    return month


@transaction.atomic
def allowance_return(*, actor, month: AllowanceMonth, note: str) -> AllowanceMonth:
    note = (note or "").replace("\x00", "").strip()
    if not note:
        raise ApplicationError("退回草稿请填写原因。")
    month, before = _advance(actor=actor, month=month, to_status=S.DRAFT, note=note, what="退回劳务补贴")
    audit_record(actor=actor, action="workforce.allowance_return", obj=month, region_code=month.region_id,
                 before=before, after=snapshot(month, MONTH_FIELDS))
    return month


@transaction.atomic
def allowance_approve(*, actor, month: AllowanceMonth, note: str = "") -> AllowanceMonth:
    month, before = _advance(actor=actor, month=month, to_status=S.APPROVED, note=note, what="批准劳务补贴")
    audit_record(actor=actor, action="workforce.allowance_approve", obj=month, region_code=month.region_id,
                 before=before, after=snapshot(month, MONTH_FIELDS))
    return month


def _advance(*, actor, month: AllowanceMonth, to_status: str, note: str, what: str) -> tuple[AllowanceMonth, dict]:
    """The move under a lock (two concurrent approvals: the second sees 已批准 and is refused)."""
    month = _locked(month)
    _require_office(actor, month.region_id, what)
    note = (note or "").replace("\x00", "").strip()[:REASON_MAX]
    if month.status == S.APPROVED:
        raise ApplicationError(f"{month.label}劳务补贴已批准，不能再{what[:2]}。")
    before = snapshot(month, MONTH_FIELDS)
    _move(month, actor=actor, to_status=to_status, note=note)
    if to_status == S.APPROVED:
        month.approved_at, month.approved_by = timezone.now(), _user(actor)
    month.save()
    return month, before


@transaction.atomic
def allowance_delete(*, actor, month: AllowanceMonth) -> None:
    """Discard a month before approval (its lines and log with it)."""
    month = _locked(month)
    _require_office(actor, month.region_id, "删除劳务补贴")
    _refuse_if_approved(month, "删除")
    before = snapshot(month, MONTH_FIELDS)
    audit_record(actor=actor, action="workforce.allowance_delete", obj=month, region_code=month.region_id,
                 before=before)
    month.delete()
