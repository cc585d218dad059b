"""Pages of area allowances: 兼职督学劳务补贴. The month list (filters, search, Excel export) with the compute form,
the month page (lines with their records, adjustments, the log, one POST view per move), the finance sheet, and an
inspector's own lines. Thin: parse, call a service or a read, render."""

import io
from decimal import Decimal
from urllib.parse import quote

import xlsxwriter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dudao.core.display import person_name
from dudao.core.errors import ApplicationError
from dudao.core.listing import paginate, query_without_page, xlsx_response
from dudao.core.models import RoleAssignment
from dudao.core.roles import Role
from dudao.core.scope import get_visible_or_404, scope_for
from dudao.core.web import require_role
from dudao.people.models import Inspector
from dudao.regions.models import Region
from dudao.workforce.allowance_engine import RATE_LABELS
from dudao.workforce.models import (
    ALLOWANCE_WORKFLOW,
    AllowanceLine,
    AllowanceLineKind,
    AllowanceMonth,
    AllowanceMonthStatus,
    AllowanceMonthTransition,
)
from dudao.workforce.selectors import allowances as selectors
from dudao.workforce.services import allowances as services

STAFF = (Role.OFFICE, Role.LEADER)
S = AllowanceMonthStatus

MONTH_EXPORT = [
    ("区划", lambda m: m.region.name), ("月份", lambda m: m.label), ("状态", lambda m: m.get_status_display()),
    ("领取人数", lambda m: m.inspectors), ("合计（元）", lambda m: float(m.total)),
    ("计算时间", lambda m: timezone.localtime(m.computed_at).strftime("%Y-%m-%d %H:%M")),
    ("批准人", lambda m: person_name(m.approved_by) if m.approved_by_id else ""),
    ("批准时间", lambda m: timezone.localtime(m.approved_at).strftime("%Y-%m-%d %H:%M") if m.approved_at else ""),
]


def office_regions(user) -> list[Region]:
    """Where the user may compute: the regions of their office roles (administrators: every county)."""
    if scope_for(user).everything:
        return list(Region.objects.filter(level="county").order_by("code"))
    codes = RoleAssignment.objects.filter(user=user, role=Role.OFFICE, region__isnull=False).values("region_id")
    return [r for r in Region.objects.filter(code__in=codes).order_by("code") if len(r.code) == 6]


def _last_month() -> str:
    first = timezone.localdate().replace(day=1)
    last = first.toordinal() - 1
    day = first.fromordinal(last)
    return f"{day.year}-{day.month:02d}"


@login_required
@require_role(*STAFF)
def allowance_list(request):
    filters = {k: request.GET.get(k, "").strip()[:50] for k in ("status", "year", "q")}
    if filters["status"] not in S.values:
        filters["status"] = ""
    rows = selectors.month_list(request.user, **filters)
    if request.GET.get("export") == "xlsx":
        return xlsx_response("劳务补贴", "劳务补贴", MONTH_EXPORT, rows.iterator(chunk_size=500))
    page, size = paginate(request, rows)
    return render(request, "workforce/allowances_list.html", {
        "page": page, "size": size, "query": query_without_page(request), "filters": filters,
        "statuses": S.choices, "regions": office_regions(request.user), "default_month": _last_month(),
        "filtered": any(filters.values())})


def _parse_month(text: str) -> tuple[str, str]:
    text = (text or "").strip()
    year, _sep, month = text.partition("-")
    return year, month


@require_POST
@login_required
@require_role(Role.OFFICE)
def allowance_compute(request):
    region = Region.objects.filter(code=(request.POST.get("region") or "")[:12]).first()
    year, month = _parse_month(request.POST.get("month", ""))
    if region is None or not scope_for(request.user).covers_region(region.code):
        messages.error(request, "请选择您所在的区划。")
        return redirect("workforce:allowance_list")
    try:
        result = services.allowance_compute(actor=request.user, region=region, year=year, month=month)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("workforce:allowance_list")
    messages.success(request, f"已计算{region.name}{result.label}的劳务补贴：{result.inspectors} 人，合计 {result.total} 元。")
    return redirect("workforce:allowance_detail", pk=result.pk)


def _month(request, pk: int) -> AllowanceMonth:
    return get_visible_or_404(AllowanceMonth.objects.select_related("region", "approved_by", "computed_by"),
                              request.user, pk=pk)


@login_required
@require_role(*STAFF)
def allowance_detail(request, pk: int):
    month = _month(request, pk)
    q = request.GET.get("q", "").strip()[:50]
    page, size = paginate(request, selectors.month_lines(month, q=q))
    may_manage = scope_for(request.user).holds(month.region_id, Role.OFFICE)
    rates = [(label, month.rates.get(key, "0")) for key, label in RATE_LABELS.items()]
    rates += [("每人每月上限", month.rates.get("monthly_cap", "0")), ("半天在校时长（分钟）", month.rates.get("half_day_minutes", ""))]
    return render(request, "workforce/allowances_detail.html", {
        "m": month, "page": page, "size": size, "query": query_without_page(request), "q": q,
        "sums": selectors.month_sums(month), "rates": rates, "may_manage": may_manage,
        "next": ALLOWANCE_WORKFLOW.allowed_from(month.status),
        "transitions": AllowanceMonthTransition.history(month),
        "inspectors": _adjust_choices(month) if may_manage and month.status != S.APPROVED else None})


PICK_MAX = 300  # above this many part-time inspectors the adjustment form asks for the 督学证号 instead of a list


def _adjust_choices(month: AllowanceMonth) -> list | None:
    """The part-time inspectors to pick from (None: too many for a list, the form takes the 督学证号)."""
    rows = list(selectors.part_time_inspectors(month.region_id).order_by("name", "pk")
                .only("pk", "name", "employer", "card_no")[:PICK_MAX + 1])
    return rows if len(rows) <= PICK_MAX else None


@login_required
@require_role(*STAFF)
def allowance_export(request, pk: int):
    """The finance sheet (xlsxwriter): title row, 序号 姓名 身份 工作单位, counts, rates, amounts, 合计, blank 开户行/账号
    for finance to fill (the registry holds no bank details), 签领栏; a total row."""
    month = _month(request, pk)
    rows = selectors.finance_rows(month)
    r = month.rates
    heads = ["序号", "姓名", "身份", "工作单位", f"督导纪实（次）\n标准 {r.get('visit', 0)} 元", "金额",
             f"在校（半天）\n标准 {r.get('half_day', 0)} 元", "金额", f"专项检查（次）\n标准 {r.get('check', 0)} 元", "金额",
             f"督导评估（天）\n标准 {r.get('inspection_day', 0)} 元", "金额", f"交通（次）\n标准 {r.get('transport', 0)} 元", "金额",
             "超上限核减", "人工调整", "合计（元）", "开户行", "账号", "签领"]
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("劳务补贴发放表")
    title = book.add_format({"bold": True, "font_size": 14, "align": "center", "valign": "vcenter"})
    head = book.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True,
                            "bg_color": "#DDEBF7"})
    cell = book.add_format({"border": 1, "valign": "vcenter"})
    money = book.add_format({"border": 1, "num_format": "0.00"})
    bold_money = book.add_format({"border": 1, "num_format": "0.00", "bold": True})
    sheet.merge_range(0, 0, 0, len(heads) - 1,
                      f"{month.region.name}兼职督学劳务补贴发放表（{month.label}）", title)
    sheet.merge_range(1, 0, 1, len(heads) - 1,
                      f"状态：{month.get_status_display()}　批准人：{person_name(month.approved_by) if month.approved_by_id else '—'}"
                      f"　单位：元", cell)
    sheet.set_row(2, 36)
    for col, text in enumerate(heads):
        sheet.write_string(2, col, text, head)
        sheet.set_column(col, col, 14 if col > 2 else 8)
    sheet.set_column(3, 3, 24)
    sheet.set_column(19, 19, 16)
    totals = {f: Decimal(0) for f in ("visit_amount", "half_day_amount", "check_amount", "inspection_amount",
                                      "transport_amount", "cap_cut", "adjustment", "total")}
    row_no = 3
    for n, row in enumerate(rows, start=1):
        insp = row["inspector"]
        values = [n, insp.name, f"{insp.get_kind_display()}督学（{insp.get_source_display()}）", insp.employer,
                  row["visits"], row["visit_amount"], row["half_days"], row["half_day_amount"], row["checks"],
                  row["check_amount"], row["inspection_days"], row["inspection_amount"], row["trips"],
                  row["transport_amount"], -row["cap_cut"], row["adjustment"], row["total"], "", "", ""]
        for col, value in enumerate(values):
            if isinstance(value, Decimal):
                sheet.write_number(row_no, col, float(value), money)
            elif isinstance(value, int):
                sheet.write_number(row_no, col, value, cell)
            else:
                sheet.write_string(row_no, col, str(value), cell)
        for f in totals:
            totals[f] += row[f]
        row_no += 1
    sheet.merge_range(row_no, 0, row_no, 3, f"合计（{len(rows)} 人）", head)
    for col, f in [(5, "visit_amount"), (7, "half_day_amount"), (9, "check_amount"), (11, "inspection_amount"),
                   (13, "transport_amount"), (15, "adjustment"), (16, "total")]:
        sheet.write_number(row_no, col, float(totals[f]), bold_money)
    sheet.write_number(row_no, 14, -float(totals["cap_cut"]), bold_money)
    for col in (4, 6, 8, 10, 12, 17, 18, 19):
        sheet.write_blank(row_no, col, None, cell)
    sheet.write_string(row_no + 2, 0, "制表：　　　　　　复核：　　　　　　批准：　　　　　　财务：", None)
    book.close()
    stamp = timezone.localtime().strftime("%Y%m%d%H%M")
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"劳务补贴发放表_{month.region.name}_{month.year}{month.month:02d}_{stamp}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _office_month(request, pk: int) -> AllowanceMonth:
    """The month, for a move: 404 for a reader who is not the region's office (nothing is read from the form)."""
    month = _month(request, pk)
    if not scope_for(request.user).holds(month.region_id, Role.OFFICE):
        raise Http404
    return month


def _back(month):
    return redirect("workforce:allowance_detail", pk=month.pk)


@require_POST
@login_required
@require_role(Role.OFFICE)
def allowance_recompute(request, pk: int):
    month = _office_month(request, pk)
    try:
        month = services.allowance_compute(actor=request.user, region=month.region, year=month.year, month=month.month)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已重新计算：{month.inspectors} 人，合计 {month.total} 元。")
    return _back(month)


def _move_view(request, pk: int, service, success: str, **extra):
    month = _office_month(request, pk)
    try:
        service(actor=request.user, month=month, note=request.POST.get("note", ""), **extra)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, success)
    return _back(month)


@require_POST
@login_required
@require_role(Role.OFFICE)
def allowance_review(request, pk: int):
    return _move_view(request, pk, services.allowance_review, "已复核，请批准。")


@require_POST
@login_required
@require_role(Role.OFFICE)
def allowance_return(request, pk: int):
    return _move_view(request, pk, services.allowance_return, "已退回草稿。")


@require_POST
@login_required
@require_role(Role.OFFICE)
def allowance_approve(request, pk: int):
    return _move_view(request, pk, services.allowance_approve, "已批准，可导出发放表交财务。")


@require_POST
@login_required
@require_role(Role.OFFICE)
def allowance_delete(request, pk: int):
    month = _office_month(request, pk)
    try:
        services.allowance_delete(actor=request.user, month=month)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _back(month)
    messages.success(request, f"已删除{month.label}的劳务补贴计算结果。")
    return redirect("workforce:allowance_list")


@require_POST
@login_required
@require_role(Role.OFFICE)
def allowance_adjust(request, pk: int):
    month = _office_month(request, pk)
    raw = (request.POST.get("inspector") or "").strip()
    card = (request.POST.get("card_no") or "").strip()[:32]
    candidates = selectors.part_time_inspectors(month.region_id)
    inspector = (candidates.filter(pk=int(raw)).first() if raw.isdigit() and len(raw) < 12
                 else candidates.filter(card_no=card).first() if card else None)
    try:
        services.allowance_adjust(actor=request.user, month=month, inspector=inspector,
                                  amount=request.POST.get("amount", ""), reason=request.POST.get("reason", ""))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已为{inspector.name}添加人工调整。")
    return _back(month)


@require_POST
@login_required
@require_role(Role.OFFICE)
def allowance_adjust_remove(request, pk: int, line: int):
    month = _office_month(request, pk)
    row = AllowanceLine.objects.filter(allowance_month=month, pk=line).select_related("inspector").first()
    if row is None:
        raise Http404
    try:
        services.allowance_adjust_remove(actor=request.user, line=row)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已删除该人工调整。")
    return _back(month)


@login_required
@require_role(Role.INSPECTOR)
def allowance_mine(request):
    """An inspector's own lines, month by month (approved months say so)."""
    page, size = paginate(request, selectors.my_lines(request.user))
    inspector = Inspector.objects.filter(user=request.user).first()
    return render(request, "workforce/allowances_mine.html", {
        "page": page, "size": size, "query": query_without_page(request), "inspector": inspector,
        "adjustment": AllowanceLineKind.ADJUSTMENT})
