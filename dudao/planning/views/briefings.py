"""Pages of 督导简报 and 信息报送: the 简报 list (year, status, search, Excel), the editor of one 简报 (its sections in
order with edit/move/delete, a material picker loaded with htmx, a free-text form, issue and publish), its Word and
PDF downloads; the 信息报送 log (filters, Excel) and its form. Thin: parse, call a service or a read, render."""

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dudao.core.display import person_name
from dudao.core.errors import ApplicationError
from dudao.core.forms import style_form
from dudao.core.listing import paginate, query_without_page, xlsx_response
from dudao.core.models import Role
from dudao.core.web import attempt, require_role
from dudao.documents.files import file_token
from dudao.planning.models import BriefingStatus, SectionKind, SubmissionKind
from dudao.planning.selectors import briefings as selectors
from dudao.planning.services import briefings as services

READERS = (Role.OFFICE, Role.LEADER)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

BRIEFING_EXPORT = [
    ("年度", lambda b: b.year), ("期号", lambda b: f"第{b.issue_no}期" if b.issue_no else ""),
    ("标题", lambda b: b.title), ("区域", lambda b: b.region.name), ("状态", lambda b: b.get_status_display()),
    ("栏目数", lambda b: b.section_count), ("印发时间", lambda b: b.issued_at),
    ("向社会公开", lambda b: "是" if b.public else "否"), ("创建人", lambda b: person_name(b.created_by)),
]
SUBMISSION_EXPORT = [
    ("报送日期", lambda s: s.sent_on), ("类型", lambda s: s.get_kind_display()), ("标题", lambda s: s.title),
    ("报送单位", lambda s: s.recipient_unit.name if s.recipient_unit_id else ""), ("报送对象", lambda s: s.recipient),
    ("关联简报", lambda s: (f"{s.briefing.year}年第{s.briefing.issue_no}期 {s.briefing.title}" if s.briefing_id else "")),
    ("文件", lambda s: s.file.original_name if s.file_id else ""), ("区域", lambda s: s.region.name),
    ("报送人", lambda s: person_name(s.sent_by)), ("备注", lambda s: s.note),
]


def _attachment(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _editor(pk: int) -> str:
    return reverse("planning:briefing_detail", args=[pk])


# ---- 简报 -----------------------------------------------------------------------------------------------------

class BriefingForm(forms.Form):
    region = forms.ChoiceField(label="区域")
    year = forms.IntegerField(label="年度")
    title = forms.CharField(label="标题", max_length=200)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, r.name) for r in selectors.office_regions(user)]
        style_form(self)


@login_required
@require_role(*READERS)
def briefing_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in ("year", "status", "q")}
    briefings = selectors.briefing_list(request.user, **filters)
    if request.GET.get("export") == "xlsx":
        return xlsx_response("督导简报", "督导简报", BRIEFING_EXPORT, briefings.iterator(chunk_size=2000))
    page, size = paginate(request, briefings)
    form = BriefingForm(user=request.user, initial={"year": timezone.localdate().year})
    return render(request, "planning/briefings_list.html", {
        "page": page, "size": size, "query": query_without_page(request), "filters": filters,
        "statuses": BriefingStatus.choices, "form": form, "can_create": bool(form.fields["region"].choices)})


@login_required
@require_POST
@require_role(Role.OFFICE)
def briefing_create(request):
    form = BriefingForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, "输入有误：请选择区域，填写年度和标题。")
        return redirect("planning:briefing_list")
    data = form.cleaned_data
    region = selectors.office_regions(request.user).filter(code=data["region"]).first()
    try:
        if region is None:
            raise ApplicationError("请选择您所在督导室的区域。")
        briefing = services.briefing_create(actor=request.user, region=region, year=data["year"], title=data["title"])
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("planning:briefing_list")
    messages.success(request, "已新建简报，请选用材料或撰写正文。")
    return redirect("planning:briefing_detail", pk=briefing.pk)


@login_required
@require_role(*READERS)
def briefing_detail(request, pk: int):
    briefing = selectors.get_briefing_for(request.user, pk)
    may_edit = selectors.may_edit(request.user, briefing.region_id)
    editable = briefing.status == BriefingStatus.DRAFT and may_edit
    sources = selectors.source_options()
    return render(request, "planning/briefings_detail.html", {
        "briefing": briefing, "sections": selectors.briefing_sections(briefing), "issue": selectors.issue_label(briefing),
        "editable": editable, "sources": sources, "kinds": dict(SectionKind.choices),
        "can_publish": briefing.status == BriefingStatus.ISSUED and not briefing.public and may_edit,
        "can_submit": briefing.status == BriefingStatus.ISSUED and may_edit,
        "submissions": briefing.submissions.select_related("recipient_unit").order_by("-sent_on", "-id"),
    })


@login_required
@require_role(Role.OFFICE)
def briefing_materials(request, pk: int):
    """The picker's list (an htmx partial, or a page of its own without JavaScript)."""
    briefing = selectors.get_briefing_for(request.user, pk)
    if not selectors.may_edit(request.user, briefing.region_id):
        raise Http404
    sources = {name: (label, kind) for name, label, kind in selectors.source_options()}
    source = request.GET.get("source", "")
    source = source if source in sources else next(iter(sources), "")
    q = request.GET.get("q", "").strip()
    items = selectors.material_choices(request.user, briefing, source, q) if source else []
    used = set(briefing.sections.exclude(source_key="").values_list("source_key", flat=True))
    start, end = services.material_span(briefing.year)
    partial = request.headers.get("HX-Request") == "true"
    return render(request, "planning/briefings_materials_part.html" if partial else "planning/briefings_materials.html", {
        "briefing": briefing, "items": items, "kind": sources.get(source, ("", ""))[1], "source": source,
        "label": sources.get(source, ("", ""))[0], "q": q, "used": used, "start": start, "end": end,
        "editable": briefing.status == BriefingStatus.DRAFT, "sources": selectors.source_options()})


class BriefingTitleForm(forms.Form):
    title = forms.CharField(max_length=200)


@login_required
@require_POST
@require_role(Role.OFFICE)
def briefing_update(request, pk: int):
    briefing = selectors.get_briefing_for(request.user, pk)
    form = BriefingTitleForm(request.POST)
    attempt(request, lambda: services.briefing_update(actor=request.user, briefing=briefing,
                                                      title=form.cleaned_data["title"]) and "已修改标题。",
            form=form, invalid="请填写标题（不超过 200 字）。")
    return redirect("planning:briefing_detail", pk=pk)


class SectionForm(forms.Form):
    kind = forms.ChoiceField(choices=SectionKind.choices)
    heading = forms.CharField(required=False, max_length=200)
    text = forms.CharField(required=False)
    source_key = forms.CharField(required=False, max_length=64)


@login_required
@require_POST
@require_role(Role.OFFICE)
def section_add(request, pk: int):
    briefing = selectors.get_briefing_for(request.user, pk)
    form = SectionForm(request.POST)

    def write():
        data = form.cleaned_data
        section = services.section_add(actor=request.user, briefing=briefing, kind=data["kind"],
                                       heading=data["heading"], text=data["text"], source_key=data["source_key"])
        return f"已加入栏目“{section.heading or section.text[:20]}”。"

    attempt(request, write, form=form, invalid="栏目内容有误：小标题不超过 200 字，并请选择内容来源。")
    return redirect(_editor(pk) + "#sections")


class SectionEditForm(forms.Form):
    heading = forms.CharField(required=False, max_length=200)
    text = forms.CharField(required=False)


@login_required
@require_POST
@require_role(Role.OFFICE)
def section_update(request, pk: int, section_pk: int):
    briefing, section = selectors.get_section_for(request.user, pk, section_pk)
    form = SectionEditForm(request.POST)
    attempt(request, lambda: services.section_update(
        actor=request.user, briefing=briefing, section=section, heading=form.cleaned_data["heading"],
        text=form.cleaned_data["text"]) and "已保存栏目。", form=form, invalid="小标题不能超过 200 字。")
    return redirect(_editor(pk) + f"#section-{section_pk}")


@login_required
@require_POST
@require_role(Role.OFFICE)
def section_move(request, pk: int, section_pk: int):
    briefing, section = selectors.get_section_for(request.user, pk, section_pk)
    direction = request.POST.get("direction", "")
    attempt(request, lambda: services.section_move(actor=request.user, briefing=briefing, section=section,
                                                   direction=direction) and "已调整栏目顺序。")
    return redirect(_editor(pk) + f"#section-{section_pk}")


@login_required
@require_POST
@require_role(Role.OFFICE)
def section_delete(request, pk: int, section_pk: int):
    briefing, section = selectors.get_section_for(request.user, pk, section_pk)
    attempt(request, lambda: services.section_delete(actor=request.user, briefing=briefing, section=section),
            "已删除栏目。")
    return redirect(_editor(pk) + "#sections")


@login_required
@require_POST
@require_role(Role.OFFICE)
def briefing_issue(request, pk: int):
    briefing = selectors.get_briefing_for(request.user, pk)

    def write():
        issued = services.briefing_issue(actor=request.user, briefing=briefing)
        return f"已印发：{issued.year}年第{issued.issue_no}期。印发后栏目不能再修改。"

    attempt(request, write)
    return redirect("planning:briefing_detail", pk=pk)


@login_required
@require_POST
@require_role(Role.OFFICE)
def briefing_publish(request, pk: int):
    briefing = selectors.get_briefing_for(request.user, pk)
    attempt(request, lambda: services.briefing_publish(actor=request.user, briefing=briefing),
            "已在结果公开页面发布（督导通报）。")
    return redirect("planning:briefing_detail", pk=pk)


@login_required
@require_role(*READERS)
def briefing_download(request, pk: int, fmt: str):
    briefing = selectors.get_briefing_for(request.user, pk)
    if fmt == "docx":
        return _attachment(selectors.briefing_docx(briefing), DOCX, selectors.document_filename(briefing, "docx"))
    if fmt == "pdf":
        return _attachment(selectors.briefing_pdf(briefing), "application/pdf", selectors.document_filename(briefing, "pdf"))
    raise Http404


# ---- 信息报送 ------------------------------------------------------------------------------------------------

class SubmissionFilterForm(forms.Form):
    kind = forms.ChoiceField(required=False, choices=[("", "全部类型"), *SubmissionKind.choices])
    year = forms.CharField(required=False, max_length=4)
    date_from = forms.DateField(required=False)
    date_to = forms.DateField(required=False)
    q = forms.CharField(required=False, max_length=100)


@login_required
@require_role(*READERS)
def submission_list(request):
    form = SubmissionFilterForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.submission_list(request.user, kind=filters.get("kind", ""), year=filters.get("year", ""),
                                     date_from=filters.get("date_from"), date_to=filters.get("date_to"),
                                     q=(filters.get("q") or "").strip())
    if request.GET.get("export") == "xlsx":
        return xlsx_response("信息报送", "信息报送", SUBMISSION_EXPORT, rows.iterator(chunk_size=2000))
    page, size = paginate(request, rows)
    for item in page:
        item.file_url = reverse("documents:file", args=[file_token(item.file_id)]) if item.file_id else ""
        item.deletable = selectors.may_delete_submission(request.user, item)
    return render(request, "planning/submissions_list.html", {
        "page": page, "size": size, "query": query_without_page(request), "filters": request.GET,
        "kinds": SubmissionKind.choices, "can_create": selectors.office_regions(request.user).exists(),
        "filter_error": "" if form.is_valid() else "筛选条件有误：日期请按 2026-03-06 的格式填写。"})


class SubmissionForm(forms.Form):
    region = forms.ChoiceField(label="区域")
    kind = forms.ChoiceField(label="类型", choices=SubmissionKind.choices)
    title = forms.CharField(label="标题", max_length=200)
    sent_on = forms.DateField(label="报送日期", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    recipient_unit = forms.ChoiceField(label="报送单位（本辖区单位）", required=False)
    recipient = forms.CharField(label="或报送对象（上级部门等）", required=False, max_length=200,
                                widget=forms.TextInput(attrs={"placeholder": "如：市教育督导室、区委办公室"}))
    briefing = forms.ChoiceField(label="关联简报（已印发）", required=False)
    upload = forms.FileField(label="文件（PDF、Word、Excel 等；关联简报时可不上传）", required=False)
    note = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = list(selectors.office_regions(user))
        self.fields["region"].choices = [(r.code, r.name) for r in regions]
        units, briefings = [("", "—")], [("", "—")]
        for region in regions:
            units += [(u.pk, f"{u.name}") for u in selectors.recipient_units(region.code)]
            briefings += [(b.pk, f"{b.year}年第{b.issue_no}期 {b.title}")
                          for b in selectors.issued_briefings(user, region.code)]
        self.fields["recipient_unit"].choices = units
        self.fields["briefing"].choices = briefings
        style_form(self)


@login_required
@require_role(Role.OFFICE)
def submission_create(request):
    initial = {"sent_on": timezone.localdate(), "kind": SubmissionKind.BRIEFING}
    if request.GET.get("briefing", "").isdigit():
        initial["briefing"] = request.GET["briefing"]
    form = SubmissionForm(request.POST or None, request.FILES or None, user=request.user, initial=initial)
    message = ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        region = selectors.office_regions(request.user).filter(code=data["region"]).first()
        try:
            if region is None:
                raise ApplicationError("请选择您所在督导室的区域。")
            unit = selectors.unit_for(region.code, data["recipient_unit"]) if data["recipient_unit"] else None
            if data["recipient_unit"] and unit is None:
                raise ApplicationError("报送单位不在本辖区内。")
            briefing = selectors.briefing_of(request.user, region.code, data["briefing"]) if data["briefing"] else None
            if data["briefing"] and briefing is None:
                raise ApplicationError("所选简报不属于本辖区或尚未印发。")
            item = services.submission_create(
                actor=request.user, region=region, kind=data["kind"], title=data["title"], sent_on=data["sent_on"],
                recipient_unit=unit, recipient=data["recipient"], briefing=briefing, upload=data["upload"],
                note=data["note"])
        except ApplicationError as exc:
            message = exc.message
        else:
            messages.success(request, f"已登记报送“{item.title}”。")
            return redirect("planning:submission_list")
    elif request.method == "POST":
        message = "输入有误：" + "；".join(f"{form.fields[k].label if k in form.fields else ''}：{v[0]}"
                                        for k, v in form.errors.items())
    return render(request, "planning/submissions_form.html", {"form": form, "message": message},
                  status=400 if message else 200)


@login_required
@require_POST
@require_role(Role.OFFICE)
def submission_delete(request, pk: int):
    item = selectors.get_submission_for(request.user, pk)
    attempt(request, lambda: services.submission_delete(actor=request.user, submission=item), "已删除报送记录。")
    return redirect("planning:submission_list")

