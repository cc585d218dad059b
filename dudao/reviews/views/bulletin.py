"""Views of reviews: bulletin (issue 21). Thin: parse, call a service or a read, render.

The 公报 list (year, status, search, Excel, pages; the office's form to create the year's 公报), one 公报 (its
text with a preview and the problems that block publishing, the 公报项目表 grouped by section with each line's
computed value, typed value, source and link), one POST view per write, the Word/PDF downloads and the table's
Excel export."""

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
from dudao.reviews.models import BulletinStatus
from dudao.reviews.selectors import bulletin as selectors
from dudao.reviews.services import bulletin as services

READERS = selectors.READERS
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

LIST_EXPORT = [
    ("年度", lambda b: b.year), ("区县", lambda b: b.region.name), ("标题", lambda b: b.title),
    ("文号", lambda b: b.number), ("状态", lambda b: b.get_status_display()), ("项目数", lambda b: b.field_count),
    ("人工修改项", lambda b: b.edited_count), ("发布时间", lambda b: b.published_at),
    ("撤回原因", lambda b: b.withdraw_reason), ("创建人", lambda b: person_name(b.created_by)),
]
FIELD_EXPORT = [
    ("序号", lambda f: f.position), ("部分", lambda f: f.section), ("字段名", lambda f: f.key),
    ("项目", lambda f: f.label), ("采用值", lambda f: f.value), ("单位", lambda f: f.unit),
    ("平台数据", lambda f: "" if f.manual else f.computed), ("已人工修改", lambda f: f.edited),
    ("手工添加", lambda f: f.manual), ("发布必填", lambda f: f.required), ("数据来源", lambda f: f.source),
    ("来源链接", lambda f: f.source_url),
]


def _attachment(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def _page(pk: int, anchor: str = "") -> str:
    return reverse("reviews:bulletin_detail", args=[pk]) + (f"#{anchor}" if anchor else "")


class CreateForm(forms.Form):
    region = forms.ChoiceField(label="区县")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=9999)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, r.name) for r in selectors.office_counties(user)]
        style_form(self)


@login_required
@require_role(*READERS)
def bulletin_list(request):
    filters = {k: request.GET.get(k, "").strip()[:100] for k in ("year", "status", "q")}
    rows = selectors.bulletin_list(request.user, **filters)
    if request.GET.get("export") == "xlsx":
        return xlsx_response("教育督导公报", "教育督导公报", LIST_EXPORT, rows.iterator(chunk_size=2000))
    page, size = paginate(request, rows)
    form = CreateForm(user=request.user, initial={"year": timezone.localdate().year - 1})
    return render(request, "reviews/bulletin_list.html", {
        "page": page, "size": size, "query": query_without_page(request), "filters": filters,
        "statuses": BulletinStatus.choices, "form": form, "can_create": bool(form.fields["region"].choices)})


@login_required
@require_POST
@require_role(Role.OFFICE)
def bulletin_create(request):
    form = CreateForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, "请选择区县并填写年度。")
        return redirect("reviews:bulletin_list")
    region = selectors.office_counties(request.user).filter(code=form.cleaned_data["region"]).first()
    try:
        if region is None:
            raise ApplicationError("请选择您所在督导室的区县。")
        bulletin = services.bulletin_create(actor=request.user, region=region, year=form.cleaned_data["year"])
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("reviews:bulletin_list")
    messages.success(request, "已新建公报，公报项目表已按平台数据填好，请核对后编辑正文。")
    return redirect("reviews:bulletin_detail", pk=bulletin.pk)


@login_required
@require_role(*READERS)
def bulletin_detail(request, pk: int):
    bulletin = selectors.get_bulletin_for(request.user, pk)
    fields = selectors.bulletin_fields(bulletin)
    editable = bulletin.status == BulletinStatus.DRAFT and selectors.may_edit(request.user, bulletin)
    return render(request, "reviews/bulletin_detail.html", {
        "bulletin": bulletin, "sections": selectors.field_sections(fields), "editable": editable,
        "can_withdraw": bulletin.status == BulletinStatus.PUBLISHED and selectors.may_edit(request.user, bulletin),
        "preview": selectors.paragraphs(selectors.filled_text(bulletin, fields)),
        "problems": selectors.problems(bulletin, fields), "field_count": len(fields),
        "edited_count": sum(1 for f in fields if f.edited)})


class BodyForm(forms.Form):
    title = forms.CharField(max_length=200)
    body = forms.CharField(max_length=services.MAX_BODY)


@login_required
@require_POST
@require_role(Role.OFFICE)
def bulletin_body(request, pk: int):
    bulletin = selectors.get_bulletin_for(request.user, pk)
    form = BodyForm(request.POST)
    attempt(request, lambda: services.body_update(actor=request.user, bulletin=bulletin, **form.cleaned_data)
            and "已保存标题和正文。", form=form, invalid=f"请填写标题（不超过 200 字）和正文（不超过 {services.MAX_BODY} 字）。")
    return redirect(_page(pk, "body"))


@login_required
@require_POST
@require_role(Role.OFFICE)
def bulletin_refresh(request, pk: int):
    bulletin = selectors.get_bulletin_for(request.user, pk)
    attempt(request, lambda: f"已重新提取平台数据：{services.bulletin_refresh(actor=request.user, bulletin=bulletin)} "
                             "项平台数据有变化（人工修改的值保持不变）。")
    return redirect(_page(pk, "fields"))


class ValueForm(forms.Form):
    value = forms.CharField(required=False, max_length=255)


@login_required
@require_POST
@require_role(Role.OFFICE)
def field_update(request, pk: int, field_pk: int):
    bulletin, field = selectors.get_field_for(request.user, pk, field_pk)
    form = ValueForm(request.POST)
    attempt(request, lambda: services.field_update(actor=request.user, bulletin=bulletin, field=field,
                                                   value=form.cleaned_data["value"]) and f"已保存“{field.label}”。",
            form=form, invalid="值不能超过 255 字。")
    return redirect(_page(pk, f"field-{field_pk}"))


@login_required
@require_POST
@require_role(Role.OFFICE)
def field_reset(request, pk: int, field_pk: int):
    bulletin, field = selectors.get_field_for(request.user, pk, field_pk)
    attempt(request, lambda: services.field_reset(actor=request.user, bulletin=bulletin, field=field)
            and f"“{field.label}”已恢复为平台数据。")
    return redirect(_page(pk, f"field-{field_pk}"))


class RequiredForm(forms.Form):
    required = forms.BooleanField(required=False)


@login_required
@require_POST
@require_role(Role.OFFICE)
def field_required(request, pk: int, field_pk: int):
    bulletin, field = selectors.get_field_for(request.user, pk, field_pk)
    form = RequiredForm(request.POST)
    attempt(request, lambda: services.field_required(actor=request.user, bulletin=bulletin, field=field,
                                                     required=form.cleaned_data["required"])
            and ("已设为发布必填。" if form.cleaned_data["required"] else "已取消发布必填。"), form=form)
    return redirect(_page(pk, f"field-{field_pk}"))


class FieldAddForm(forms.Form):
    key = forms.CharField(max_length=64)
    label = forms.CharField(required=False, max_length=128)
    unit = forms.CharField(required=False, max_length=16)
    value = forms.CharField(required=False, max_length=255)
    required = forms.BooleanField(required=False)


@login_required
@require_POST
@require_role(Role.OFFICE)
def field_add(request, pk: int):
    bulletin = selectors.get_bulletin_for(request.user, pk)
    form = FieldAddForm(request.POST)
    attempt(request, lambda: services.field_add(actor=request.user, bulletin=bulletin, **form.cleaned_data)
            and "已添加项目，可在正文中用 {{ " + form.cleaned_data["key"].strip() + " }} 引用。",
            form=form, invalid="请填写字段名（不超过 64 字）；项目名称不超过 128 字，单位不超过 16 字，值不超过 255 字。")
    return redirect(_page(pk, "fields"))


@login_required
@require_POST
@require_role(Role.OFFICE)
def field_delete(request, pk: int, field_pk: int):
    bulletin, field = selectors.get_field_for(request.user, pk, field_pk)
    attempt(request, lambda: services.field_delete(actor=request.user, bulletin=bulletin, field=field),
            "已删除该项目。")
    return redirect(_page(pk, "fields"))


@login_required
@require_POST
@require_role(Role.OFFICE)
def bulletin_publish(request, pk: int):
    bulletin = selectors.get_bulletin_for(request.user, pk)
    attempt(request, lambda: "已发布（" + services.bulletin_publish(actor=request.user, bulletin=bulletin).number
            + "），并已在结果公开页面公开。")
    return redirect(_page(pk))


class WithdrawForm(forms.Form):
    reason = forms.CharField(max_length=200)


@login_required
@require_POST
@require_role(Role.OFFICE)
def bulletin_withdraw(request, pk: int):
    bulletin = selectors.get_bulletin_for(request.user, pk)
    form = WithdrawForm(request.POST)
    attempt(request, lambda: services.bulletin_withdraw(actor=request.user, bulletin=bulletin,
                                                        reason=form.cleaned_data["reason"])
            and "已撤回：公开页面不再显示，公报恢复为草稿（文号保留）。", form=form, invalid="请填写撤回原因（不超过 200 字）。")
    return redirect(_page(pk))


@login_required
@require_role(*READERS)
def bulletin_download(request, pk: int, fmt: str):
    bulletin = selectors.get_bulletin_for(request.user, pk)
    if fmt == "docx":
        return _attachment(selectors.bulletin_docx(bulletin), DOCX, selectors.document_filename(bulletin, "docx"))
    if fmt == "pdf":
        return _attachment(selectors.bulletin_pdf(bulletin), "application/pdf",
                           selectors.document_filename(bulletin, "pdf"))
    raise Http404


@login_required
@require_role(*READERS)
def bulletin_fields_export(request, pk: int):
    bulletin = selectors.get_bulletin_for(request.user, pk)
    return xlsx_response(f"{bulletin.title}_公报项目表", "公报项目表", FIELD_EXPORT, selectors.bulletin_fields(bulletin))
