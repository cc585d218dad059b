"""挂牌督导 pages: zones and assignments, coverage, compliance, visit frequency, workload, cross-supervision,
visit records (tablet form, detail, sign-off), complaints, plaques and the zone report."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dudao.core.errors import ApplicationError
from dudao.core.forms import attempt
from dudao.core.listing import paginate, query_without_page, xlsx_response
from dudao.core.models import Role
from dudao.core.policy import policy_value
from dudao.core.registries import page_sections
from dudao.core.web import has_role, require_role
from dudao.documents.decorators import document_errors
from dudao.documents.render import render_pdf_bytes
from dudao.documents.selectors import render_docx, thumbnail_data_uri
from dudao.people.models import InspectorStatus
from dudao.people.selectors import inspector_for_user
from dudao.regions.selectors import region_list
from dudao.schools.selectors import get_school_for
from dudao.zones import engine, selectors, services
from dudao.zones.forms import (
    FOLLOW_UPS,
    RATINGS,
    AssignForm,
    ComplaintActionForm,
    ComplaintForm,
    CrossPlanForm,
    EndAssignmentForm,
    VisitForm,
    ZoneForm,
    new_client_id,
    visit_payload,
)
from dudao.zones.models import (
    METHODS,
    ROUTINE_ITEMS,
    ComplaintKind,
    ComplaintStatus,
    VisitReason,
    VisitStatus,
)
from dudao.zones.public import qr_svg, school_public_url
from dudao.zones.reports import zone_report_context

# ---- zones and assignments -----------------------------------------------------------------------

@login_required
def zone_list(request):
    form = ZoneForm(request.POST or None, user=request.user) if has_role(request.user, Role.OFFICE) else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            zone = services.zone_save(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"责任区“{zone.name}”已创建。")
            return redirect("zones:zone_detail", pk=zone.pk)
    region = request.GET.get("region", "").strip()
    zones = selectors.zone_list(request.user, region=region)
    return render(request, "zones/zone_list.html", {"zones": zones, "form": form, "region": region,
                                                    "regions": region_list(request.user)})


@login_required
def zone_detail(request, pk: int):
    zone = selectors.get_zone_for(request.user, pk)
    can_edit = has_role(request.user, Role.OFFICE)
    form = AssignForm(request.POST or None, user=request.user, zone=zone) if can_edit else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.assignment_set(actor=request.user, zone=zone, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "挂牌已保存。")
            return redirect("zones:zone_detail", pk=pk)
    today = timezone.localdate()
    return render(request, "zones/zone_detail.html", {
        "zone": zone, "assignments": selectors.zone_assignments(zone), "form": form, "can_edit": can_edit,
        "end_form": EndAssignmentForm(), "this_month": today.strftime("%Y-%m"),
        "semester": engine.semester_of(today),
    })


@login_required
def zone_edit(request, pk: int):
    zone = selectors.get_zone_for(request.user, pk)
    if not has_role(request.user, Role.OFFICE):
        raise Http404
    initial = {"code": zone.code, "name": zone.name, "region": zone.region, "lead": zone.lead, "note": zone.note}
    form = ZoneForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.zone_save(actor=request.user, zone=zone, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "责任区已保存。")
            return redirect("zones:zone_detail", pk=pk)
    return render(request, "zones/zone_edit.html", {"zone": zone, "form": form})


@login_required
def school_supervision(request, school_pk: int):
    """One school's 挂牌 record: responsible inspectors now and before, and its recent visits."""
    school = get_school_for(request.user, school_pk)
    return render(request, "zones/school_supervision.html", {
        "school": school, "history": selectors.assignment_history(request.user, school),
        "visits": selectors.visit_list(request.user, school_id=school.pk)[:20],
    })


@login_required
@require_POST
@require_role(Role.OFFICE)
def assignment_end(request, pk: int):
    assignment = selectors.assignment_list(request.user).filter(pk=pk).select_related("school").first()
    if assignment is None:
        raise Http404
    form = EndAssignmentForm(request.POST)
    if form.is_valid():
        try:
            services.assignment_end(actor=request.user, assignment=assignment, **form.cleaned_data)
            messages.success(request, "已结束挂牌。")
        except ApplicationError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "请填写结束日期和原因。")
    return redirect("zones:zone_detail", pk=assignment.zone_id)


@login_required
@require_role(Role.OFFICE, Role.LEADER)
def coverage(request):
    region = request.GET.get("region", "").strip()
    data = selectors.coverage(request.user, region=region)
    page = Paginator(data["uncovered"], 100).get_page(request.GET.get("page"))
    return render(request, "zones/coverage.html", {**data, "page": page, "region": region,
                                                   "regions": region_list(request.user), "query": query_without_page(request)})


@login_required
@require_role(Role.OFFICE, Role.LEADER)
def compliance(request):
    region = request.GET.get("region", "").strip()
    counties = selectors.compliance(request.user, region=region)
    chosen = request.GET.get("county") or (counties[0]["code"] if len(counties) == 1 else "")
    detail = next((c for c in counties if c["code"] == chosen), None)
    return render(request, "zones/compliance.html", {"counties": counties, "detail": detail, "region": region,
                                                     "regions": region_list(request.user)})


@login_required
@require_role()
def frequency(request):
    region = request.GET.get("region", "").strip()
    data = selectors.frequency(request.user, region=region)
    show = request.GET.get("show", "overdue")
    rows = data["overdue"] if show == "overdue" else data["rows"]
    if request.GET.get("export") == "xlsx":
        return xlsx_response("走访频次", "走访频次", [
            ("学校标识码", lambda r: r["code"]), ("学校名称", lambda r: r["name"]), ("所在乡镇", lambda r: r["region__name"]),
            ("责任督学", lambda r: r["inspectors"]), ("本月督导次数", lambda r: r["freq"].month_visits),
            ("本月要求", lambda r: r["freq"].month_required), ("本学期督导次数", lambda r: r["freq"].semester_visits),
            ("本学期要求", lambda r: r["freq"].semester_required),
            ("最近一次督导", lambda r: timezone.localtime(r["last_visit"]).date() if r["last_visit"] else "无"),
        ], rows)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(request, "zones/frequency.html", {**data, "page": page, "show": show, "region": region,
                                                    "regions": region_list(request.user), "query": query_without_page(request)})


@login_required
@require_role()
def workload(request):
    today = timezone.localdate()
    semester = engine.semester_of(today)
    region = request.GET.get("region", "").strip()
    rows = selectors.workload(request.user, region=region, start=semester.start, end=min(semester.end, today))
    if request.GET.get("export") == "xlsx":
        return xlsx_response("督学工作量", "工作量", [
            ("督学", lambda r: r["name"]), ("类别", lambda r: r["kind"]),
            ("负责学校（所）", lambda r: r["schools"]), ("督导次数", lambda r: r["visits"]),
            ("督导学校（所）", lambda r: r["visited_schools"]), ("在校时长（小时）", lambda r: r["hours"]),
            ("发现问题（个）", lambda r: r["raised"]), ("已处理问题（个）", lambda r: r["closed"]),
        ], rows)
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(request, "zones/workload.html", {"page": page, "semester": semester, "region": region,
                                                   "regions": region_list(request.user), "query": query_without_page(request)})


@login_required
@require_role(Role.OFFICE, Role.LEADER)
def cross(request):
    form = CrossPlanForm(request.POST or None, user=request.user) if has_role(request.user, Role.OFFICE) else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.cross_plan_create(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "交叉督导已安排。")
            return redirect("zones:cross")
    semester = engine.semester_of(timezone.localdate())
    return render(request, "zones/cross.html", {
        "semester": semester, "rows": selectors.cross_status(request.user, semester=semester), "form": form,
        "plans": selectors.cross_plan_list(request.user, semester=semester.key)})


# ---- visits ------------------------------------------------------------------------------------------

VISIT_FILTERS = ("region", "reason", "status", "q", "date_from", "date_to")


def _parse_date(text: str):
    try:
        return timezone.datetime.strptime(text, "%Y-%m-%d").date() if text else None
    except ValueError:
        return None


@login_required
def visit_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in VISIT_FILTERS}
    visits = selectors.visit_list(request.user, region=filters["region"], reason=filters["reason"],
                                  status=filters["status"], q=filters["q"], date_from=_parse_date(filters["date_from"]),
                                  date_to=_parse_date(filters["date_to"]))
    if request.GET.get("export") == "xlsx":
        return xlsx_response("督导纪实", "督导纪实", [
            ("督导日期", lambda v: timezone.localtime(v.started_at).strftime("%Y-%m-%d")),
            ("到校", lambda v: timezone.localtime(v.started_at).strftime("%H:%M")),
            ("离校", lambda v: timezone.localtime(v.ended_at).strftime("%H:%M")), ("学校", lambda v: v.school.name),
            ("督学", lambda v: v.inspector.name), ("督导类型", lambda v: v.get_reason_display()),
            ("督导事项", lambda v: "、".join(v.item_labels())), ("督导纪实", lambda v: v.narrative),
            ("亮点与经验", lambda v: v.highlights), ("状态", lambda v: v.get_status_display()),
        ], visits.iterator(chunk_size=2000))
    page, size = paginate(request, visits)
    return render(request, "zones/visit_list.html", {
        "page": page, "size": size, "filters": filters, "query": query_without_page(request),
        "regions": region_list(request.user), "reasons": VisitReason.choices, "statuses": VisitStatus.choices,
        "inspector": inspector_for_user(request.user)})


def visit_form_context(request, form, inspector, errors=None, choices=None):
    """The visit form's context, public so that a page extending zones/visit_form.html (checks' checklist
    filling) renders the same form; `choices` replaces the school, campus and companion choices."""
    choices = choices if choices is not None else selectors.visit_form_choices(request.user, inspector)
    return {"form": form, "inspector": inspector, **choices, "methods": METHODS, "items": ROUTINE_ITEMS, "follow_ups": FOLLOW_UPS,
            "ratings": RATINGS, "errors": errors or [],
            # a GET may name the school (a to-do's link: ?school=<id>), as a failed POST names what was chosen
            "posted": request.POST if request.method == "POST" else request.GET,
            "posted_items": request.POST.getlist("items"), "posted_companions": request.POST.getlist("companions"),
            "max_mb": policy_value("files.max_upload_mb")}


@login_required
def visit_new(request):
    inspector = inspector_for_user(request.user)
    if inspector is None or inspector.status != InspectorStatus.ACTIVE:
        raise Http404
    if request.method != "POST":
        today = timezone.localdate()
        reason = request.GET.get("reason", "")
        form = VisitForm(initial={"client_id": new_client_id(), "date": today.isoformat(),
                                  **({"reason": reason} if reason in VisitReason.values else {})})
        return render(request, "zones/visit_form.html", visit_form_context(request, form, inspector))
    form = VisitForm(request.POST)
    errors = []
    if form.is_valid():
        try:
            school, campus = selectors.visit_target(inspector, school_id=form.cleaned_data["school"],
                                                    campus_id=form.cleaned_data.get("campus"))
            companions = selectors.visit_companions(ids=request.POST.getlist("companions"))
            visit, created = services.visit_submit(
                actor=request.user, inspector=inspector, school=school, campus=campus, companions=companions,
                photos=request.FILES.getlist("photos"), **visit_payload(form, request.POST))
        except ApplicationError as exc:
            errors.append(exc.message)
        else:
            messages.success(request, "督导纪实已提交。" if created else "该督导纪实此前已提交成功（未重复保存）。")
            return redirect(reverse("zones:visit_detail", args=[visit.pk]) + "?saved=1")
    else:
        errors.extend(f"{form.fields[k].label if k in form.fields else ''}：{v[0]}" for k, v in form.errors.items())
    return render(request, "zones/visit_form.html", visit_form_context(request, form, inspector, errors), status=400)


@login_required
def visit_detail(request, pk: int):
    visit = selectors.get_visit_for(request.user, pk)
    can_sign = "sign" in selectors.visit_actions(request.user, visit)
    return render(request, "zones/visit_detail.html", {
        "visit": visit, "findings": selectors.visit_findings(visit), "can_sign": can_sign,
        "saved": request.GET.get("saved") == "1",
        **page_sections("zones.visit_detail", request, visit)})  # checks: "check_section"


@login_required
@require_POST
def visit_sign(request, pk: int):
    visit = selectors.get_visit_for(request.user, pk)
    try:
        services.visit_sign(actor=request.user, visit=visit, comment=request.POST.get("comment", ""))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已签收该督导纪实。")
    return redirect("zones:visit_detail", pk=pk)


@login_required
@require_POST
def visit_photo(request, pk: int):
    visit = selectors.get_visit_for(request.user, pk)
    upload = request.FILES.get("photo")
    try:
        if upload is None:
            raise ApplicationError("请选择照片。")
        services.visit_add_photo(actor=request.user, visit=visit, upload=upload)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "照片已添加。")
    return redirect("zones:visit_detail", pk=pk)


# ---- complaints ----------------------------------------------------------------------------------------

@login_required
@require_role()
def complaint_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in ("region", "status", "kind", "q")}
    complaints = selectors.complaint_list(request.user, **filters)
    page, size = paginate(request, complaints)
    return render(request, "zones/complaint_list.html", {
        "page": page, "size": size, "filters": filters, "query": query_without_page(request),
        "statuses": ComplaintStatus.choices, "kinds": ComplaintKind.choices, "can_edit": has_role(request.user, Role.OFFICE)})


@login_required
@require_role(Role.OFFICE)
def complaint_new(request):
    form = ComplaintForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = services.complaint_receive(actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, f"已登记，受理编号 {complaint.number}。")
            return redirect("zones:complaint_detail", pk=complaint.pk)
    return render(request, "zones/complaint_new.html", {"form": form})


@login_required
def complaint_detail(request, pk: int):
    complaint = selectors.get_complaint_for(request.user, pk)
    actions = selectors.complaint_actions(request.user, complaint)
    return render(request, "zones/complaint_detail.html", {
        "complaint": complaint, "actions": actions, "form": ComplaintActionForm(user=request.user),
        "show_person": selectors.may_see_complainant(request.user, complaint),
        "findings": selectors.complaint_findings(complaint)})


def _complaint_move(request, pk: int, to_status: str) -> HttpResponse:
    """One workflow move on a visible complaint (404 otherwise); the service refuses a move the user may not
    make now. The form's fields that do not belong to this move are ignored by the service."""
    complaint = selectors.get_complaint_for(request.user, pk)
    form = ComplaintActionForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, "输入有误：" + "；".join(v[0] for v in form.errors.values()))
        return redirect("zones:complaint_detail", pk=pk)
    data = form.cleaned_data
    finding = {"item": data["finding_item"], "description": data["verification"]} if data["raise_finding"] else None
    attempt(request, lambda: services.complaint_advance(
        actor=request.user, complaint=complaint, to_status=to_status, note=data["note"],
        assigned_to=data["assigned_to"], verification=data["verification"], substantiated=data["substantiated"],
        reply_channel=data["reply_channel"], reply_text=data["reply_text"], finding=finding), "办理结果已保存。")
    return redirect("zones:complaint_detail", pk=pk)


@login_required
@require_POST
def complaint_assign(request, pk: int):
    return _complaint_move(request, pk, ComplaintStatus.ASSIGNED)


@login_required
@require_POST
def complaint_verify(request, pk: int):
    return _complaint_move(request, pk, ComplaintStatus.VERIFIED)


@login_required
@require_POST
def complaint_reply(request, pk: int):
    return _complaint_move(request, pk, ComplaintStatus.REPLIED)


@login_required
@require_POST
def complaint_close(request, pk: int):
    return _complaint_move(request, pk, ComplaintStatus.CLOSED)


# ---- plaque and zone report -------------------------------------------------------------------------

def _pdf_response(data: bytes, filename: str, attachment: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"{'attachment' if attachment else 'inline'}; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
@require_role(Role.OFFICE, Role.LEADER)
def plaque_pdf(request, school_pk: int):
    """The gate plaque (挂牌公示牌) of a school: inspector, photo, phone, the 8 items, complaint phone, QR code."""
    school = get_school_for(request.user, school_pk)
    assignments = selectors.current_inspectors_of(school)
    if not assignments:
        messages.error(request, f"{school.name}尚未挂牌责任督学，不能生成公示牌。")
        return redirect("zones:coverage")
    url = request.build_absolute_uri(school_public_url(school))
    context = {"school": school, "assignments": [(a, thumbnail_data_uri(a.inspector.photo)) for a in assignments], "items": ROUTINE_ITEMS,
               "qr": qr_svg(url), "url": url, "phone": policy_value("zones.complaint_phone", school.region_id),
               "today": timezone.localdate()}
    return _pdf_response(render_pdf_bytes("zones/plaque.html", context), f"{school.name}_挂牌公示牌.pdf")


@login_required
@document_errors
@require_role(Role.OFFICE, Role.LEADER)
def zone_report(request, pk: int, fmt: str):
    zone = selectors.get_zone_for(request.user, pk)
    try:
        context = zone_report_context(request.user, zone, request.GET.get("period", "month"))
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect("zones:zone_detail", pk=pk)
    name = f"{zone.name}_{context['period']}_工作专报"
    if fmt == "docx":
        data = render_docx("zone_report", zone.region_id, context)
        response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name + '.docx')}"
        return response
    return _pdf_response(render_pdf_bytes("zones/zone_report.html", context), name + ".pdf")


