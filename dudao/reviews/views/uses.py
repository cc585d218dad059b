"""Views of reviews: the 结果运用 register (issue 21 item 4). The register (filters, search, pages, Excel export),
recording a use (pick an issued result, say who used it, for what, when, with the document), a use's page, its
edit and delete, the annual export per using unit (.xlsx and .docx "督导结果运用情况"), and the section the school
and unit profiles show. Thin: parse, call a service or a read, render."""

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dudao.core.dates import cn_date
from dudao.core.display import person_name
from dudao.core.errors import ApplicationError
from dudao.core.forms import style_form
from dudao.core.listing import paginate, query_without_page, xlsx_response
from dudao.core.roles import Role
from dudao.core.web import require_role
from dudao.documents.selectors import render_docx
from dudao.reviews import results
from dudao.reviews.models import UsePurpose
from dudao.reviews.selectors import uses as selectors
from dudao.reviews.services import uses as services

READERS = (Role.OFFICE, Role.LEADER, Role.UNIT, Role.SCHOOL)
RECORDERS = (Role.OFFICE, Role.UNIT)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

USE_EXPORT = [
    ("编号", lambda u: u.pk), ("结果类型", lambda u: results.kind_label(u.result_kind)),
    ("督导结果", lambda u: u.result_label), ("结果年度", lambda u: u.result_year),
    ("学校或单位", lambda u: str(u.school or u.unit or "")), ("运用单位", lambda u: u.user_name),
    ("运用方式", lambda u: u.get_purpose_display()), ("运用日期", lambda u: u.used_on),
    ("运用情况", lambda u: u.decision), ("文件文号", lambda u: u.document_number),
    ("相关文件", lambda u: u.document.original_name if u.document_id else ""),
    ("登记人", lambda u: person_name(u.recorded_by)), ("登记时间", lambda u: u.recorded_at),
]


class UseForm(forms.Form):
    user_unit = forms.ChoiceField(label="运用单位", required=False)
    user_name = forms.CharField(label="其他运用单位名称（不在列表中时填写，如 区纪委监委）", max_length=services.NAME_MAX,
                                required=False)
    purpose = forms.ChoiceField(label="运用方式", choices=[("", "请选择")] + UsePurpose.choices)
    used_on = forms.DateField(label="运用日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    decision = forms.CharField(label="运用情况（作出的决定）", max_length=services.DECISION_MAX,
                               widget=forms.Textarea(attrs={"rows": 4}))
    document_number = forms.CharField(label="文件文号", max_length=services.NUMBER_MAX, required=False)
    document = forms.FileField(label="相关文件（PDF、Word .docx 或图片，可选）", required=False)

    def __init__(self, *args, user, office: bool, **kwargs):
        super().__init__(*args, **kwargs)
        units = selectors.unit_choices(user)
        self.fields["user_unit"].choices = ([("", "请选择（或在下方填写名称）")] if office else []) + [
            (str(u.pk), u.name) for u in units]
        if not office:
            del self.fields["user_name"]
        style_form(self)


class DeleteForm(forms.Form):
    reason = forms.CharField(label="删除理由", max_length=services.REASON_MAX)


def _filters(request) -> dict:
    return {k: request.GET.get(k, "").strip()[:100] for k in
            ("year", "user_unit", "purpose", "kind", "school", "unit", "q")}


def _year(value) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdecimal() and 2000 <= int(text) <= 2100 else None


@login_required
@require_role(*READERS)
def use_list(request):
    filters = _filters(request)
    uses = selectors.use_list(request.user, **filters)
    if request.GET.get("export") == "xlsx":
        return xlsx_response("督导结果运用", "结果运用", USE_EXPORT, uses.iterator(chunk_size=2000))
    page, size = paginate(request, uses)
    return render(request, "reviews/uses_list.html", {
        "page": page, "size": size, "query": query_without_page(request), "filters": filters,
        "years": selectors.use_years(request.user), "units": selectors.using_units(request.user),
        "purposes": UsePurpose.choices, "kinds": results.KIND_CHOICES, "can_record": selectors.can_record(request.user),
        "reminders": selectors.open_reminders(request.user)})


def _form_page(request, form, *, use=None, result=None, picks=(), search=None, message: str = ""):
    return render(request, "reviews/uses_form.html", {
        "form": form, "use": use, "result": result, "picks": picks, "search": search or {}, "message": message,
        "kinds": results.KIND_CHOICES}, status=400 if message else 200)


def _message(form) -> str:
    return "输入有误：" + "；".join(f"{form.fields[k].label if k in form.fields else ''}：{v[0]}"
                                  for k, v in form.errors.items())


@login_required
@require_role(*RECORDERS)
def use_create(request):
    """Pick a result (kind, search, year → at most 50 issued results) and record its use."""
    if not selectors.can_record(request.user):
        raise Http404
    source = request.POST if request.method == "POST" else request.GET
    search = {"kind": source.get("kind", "").strip()[:64], "q": source.get("q", "").strip()[:100],
              "year": source.get("year", "").strip()[:4]}
    picked = source.get("result", "").strip()[:100]
    if picked and not search["kind"]:
        search["kind"] = picked.rpartition(":")[0]
    result = results.resolve_key(picked) if picked else None
    if result is not None and not results.may_pick(request.user, result):
        result = None  # another county's result: not even its label is shown (the service refuses it too)
    picks = results.pickable(request.user, search["kind"], q=search["q"], year=_year(search["year"])) \
        if search["kind"] else []
    office = bool(results.office_counties(request.user))
    form = UseForm(request.POST or None, request.FILES or None, user=request.user, office=office,
                   initial={"used_on": timezone.localdate()})
    message = ""
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                use = services.use_record(
                    actor=request.user, result_key=picked, purpose=data["purpose"], used_on=data["used_on"],
                    decision=data["decision"], user_unit=data["user_unit"], user_name=data.get("user_name", ""),
                    document_number=data["document_number"], upload=data["document"])
            except ApplicationError as exc:
                message = exc.message
            else:
                messages.success(request, f"已登记“{use.user_name}”对该结果的运用。")
                return redirect("reviews:use_detail", pk=use.pk)
        else:
            message = _message(form)
    return _form_page(request, form, result=result, picks=picks, search=search, message=message)


@login_required
@require_role(*READERS)
def use_detail(request, pk: int):
    use = selectors.get_use_for(request.user, pk)
    office = selectors.is_office_of(request.user, use.region_id)
    return render(request, "reviews/uses_detail.html", {
        "use": use, "office": office, "can_edit": services.may_edit(request.user, use),
        "kind_label": results.kind_label(use.result_kind), "result": results.resolve(use.result_kind, use.result_id),
        "delete_form": DeleteForm() if office else None})


@login_required
@require_role(*RECORDERS)
def use_edit(request, pk: int):
    use = selectors.get_use_for_edit(request.user, pk)
    office = selectors.is_office_of(request.user, use.region_id)
    initial = {"user_unit": str(use.user_unit_id or ""), "user_name": "" if use.user_unit_id else use.user_name,
               "purpose": use.purpose, "used_on": use.used_on, "decision": use.decision,
               "document_number": use.document_number}
    form = UseForm(request.POST or None, request.FILES or None, user=request.user, office=office, initial=initial)
    message = ""
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.use_update(
                    actor=request.user, use=use, purpose=data["purpose"], used_on=data["used_on"],
                    decision=data["decision"], user_unit=data["user_unit"], user_name=data.get("user_name", ""),
                    document_number=data["document_number"], upload=data["document"])
            except ApplicationError as exc:
                message = exc.message
            else:
                messages.success(request, "结果运用记录已保存。")
                return redirect("reviews:use_detail", pk=use.pk)
        else:
            message = _message(form)
    return _form_page(request, form, use=use, message=message)


@require_POST
@login_required
@require_role(Role.OFFICE)
def use_delete(request, pk: int):
    use = selectors.get_use_for(request.user, pk)
    form = DeleteForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写删除理由。")
        return redirect("reviews:use_detail", pk=use.pk)
    try:
        services.use_delete(actor=request.user, use=use, reason=form.cleaned_data["reason"])
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("reviews:use_detail", pk=use.pk)
    messages.success(request, "已删除该结果运用记录。")
    return redirect("reviews:use_list")


@login_required
@require_role(*READERS)
def use_annual(request):
    """The annual export's index: per using unit, the year's uses by purpose, with .xlsx and .docx links."""
    year = _year(request.GET.get("year")) or timezone.localdate().year - 1
    return render(request, "reviews/uses_annual.html", {
        "year": year, "groups": selectors.annual_groups(request.user, year),
        "years": sorted(set(selectors.use_years(request.user)) | {year}, reverse=True)})


def annual_context(rows: list, *, name: str, year: int, office: str) -> dict:
    labels = dict(UsePurpose.choices)
    by_purpose: dict[str, int] = {}
    for use in rows:
        by_purpose[labels.get(use.purpose, use.purpose)] = by_purpose.get(labels.get(use.purpose, use.purpose), 0) + 1
    return {
        "title": f"{name}{year}年度督导结果运用情况", "unit": name, "year": str(year), "office": office,
        "generated_on": cn_date(timezone.localdate()), "total": len(rows),
        "summary": "；".join(f"{label} {n} 次" for label, n in by_purpose.items()) or "无",
        "uses": [{"no": i, "result": u.result_label, "owner": str(u.school or u.unit or ""),
                  "purpose": u.get_purpose_display(), "date": cn_date(u.used_on), "decision": u.decision,
                  "number": u.document_number or "—"} for i, u in enumerate(rows, 1)],
    }


@login_required
@require_role(*READERS)
def use_annual_export(request):
    """One using unit's uses of a year, as .xlsx or as the Word document 督导结果运用情况 (sandboxed template)."""
    year = _year(request.GET.get("year"))
    if year is None:
        raise Http404
    unit_text = request.GET.get("unit", "").strip()
    unit_id = int(unit_text) if unit_text.isdecimal() and len(unit_text) < 12 else None
    name = request.GET.get("name", "").strip()[:services.NAME_MAX]
    if unit_id is None and not name:
        raise Http404
    rows = list(selectors.annual_uses(request.user, year, unit_id=unit_id, name=name)[:5000])
    if not rows:
        raise Http404
    label = rows[0].user_name
    if request.GET.get("format") == "docx":
        region = rows[0].region
        try:
            data = render_docx("result_uses", region.code, annual_context(
                rows, name=label, year=year, office=f"{region.name}人民政府教育督导室"))
        except ApplicationError as exc:
            messages.error(request, exc.message)
            return redirect(f"{reverse('reviews:use_annual')}?year={year}")
        response = HttpResponse(data, content_type=DOCX)
        filename = f"{label}{year}年度督导结果运用情况_{timezone.localdate():%Y%m%d}.docx"
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
        return response
    return xlsx_response(f"{label}{year}年度督导结果运用情况", "结果运用", USE_EXPORT, rows)


def profile_section(request, obj, *, school=None, unit=None) -> dict:
    uses = list(selectors.owner_uses(request.user, school=school, unit=unit)[:selectors.SECTION_MAX])
    return {"result_uses_section": {"uses": uses, "kind_labels": dict(results.KIND_CHOICES),
                                    "school": school, "unit": unit}}


def school_section(request, school) -> dict:
    """The "督导结果运用" section of the school profile (page section of dashboard.school_detail)."""
    return profile_section(request, school, school=school)


def unit_section(request, unit) -> dict:
    """The "督导结果运用" section of the unit profile (page section of dashboard.unit_detail)."""
    return profile_section(request, unit, unit=unit)


def target_section(request, target) -> dict:
    """The uses of an inspection target's result, on the target page (page section of inspections.target_detail;
    rendered here because inspections may not name reviews' templates)."""
    if not target.level:
        return {}
    uses = list(selectors.result_uses(request.user, kind="inspections.target", result_id=target.pk)[:selectors.SECTION_MAX])
    section = {"uses": uses, "result_key": f"inspections.target:{target.pk}", "can_record": selectors.can_record(request.user)}
    return {"result_uses_html": render_to_string("reviews/uses_section.html", {"result_uses_section": section},
                                                 request=request)}
