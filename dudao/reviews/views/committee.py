"""Views of reviews: committee (issue 21). Thin: parse, call a service or a read, render.

The committee page (office and leaders of the county; the office creates the committee there and edits it), a
member's entry (duties with their check points, the unit's 督政 results), the coverage of a 督政 framework by the
duties, the 职责清单 exports (.xlsx, .docx), the import of members and duties, and 本单位职责 for a unit's users."""

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dudao.core.dates import cn_date
from dudao.core.errors import ApplicationError
from dudao.core.forms import style_form
from dudao.core.listing import paginate, query_without_page, xlsx_response, xlsx_sheets_response
from dudao.core.roles import Role
from dudao.core.scope import holds_role_in, scope_for
from dudao.core.tabular import read_import_file, write_template_workbook
from dudao.core.web import attempt, ensure_role, require_role
from dudao.documents.selectors import render_docx
from dudao.reviews.models import MemberRole
from dudao.reviews.selectors import committee as selectors
from dudao.reviews.services import committee as services

READERS = (Role.OFFICE, Role.LEADER)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

MEMBER_EXPORT = [
    ("顺序", lambda m: m.position), ("成员单位", lambda m: m.unit.name), ("单位编码", lambda m: m.unit.code),
    ("委员", lambda m: m.representative), ("职务", lambda m: m.post), ("委员会职务", lambda m: m.get_role_display()),
    ("状态", lambda m: "在任" if m.active else "已停用"), ("职责数", lambda m: m.duty_count),
]
DUTY_EXPORT = [
    ("成员单位", lambda r: r["member"].unit.name), ("委员会职务", lambda r: r["member"].get_role_display()),
    ("委员", lambda r: r["member"].representative), ("序号", lambda r: r["duty"].position),
    ("职责", lambda r: r["duty"].text),
    ("督政指标体系", lambda r: str(r["duty"].framework) if r["duty"].framework_id else ""),
    ("对应考查要点", lambda r: "；".join(r["points"])),
]
COVERAGE_EXPORT = [
    ("考查要点编码", lambda r: r.point.code), ("考查要点", lambda r: r.point.name),
    ("所属指标", lambda r: " · ".join(r.point.path)), ("承担单位", lambda r: "、".join(r.members)),
    ("覆盖情况", lambda r: "已覆盖" if r.covered else "无成员单位覆盖"),
]


class CommitteeForm(forms.Form):
    name = forms.CharField(label="名称", max_length=services.NAME_MAX)
    established_on = forms.DateField(label="成立日期", required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    rules = forms.CharField(label="工作规程", required=False, widget=forms.Textarea(attrs={"rows": 10}))
    rules_file = forms.FileField(label="工作规程文件（PDF 或 Word .docx，可选；上传后替换原文件链接）", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class MemberForm(forms.Form):
    representative = forms.CharField(label="委员", max_length=services.PERSON_MAX)
    post = forms.CharField(label="职务", max_length=services.PERSON_MAX, required=False)
    role = forms.ChoiceField(label="委员会职务", choices=MemberRole.choices, initial=MemberRole.MEMBER)
    position = forms.IntegerField(label="顺序", min_value=0, max_value=services.POSITION_MAX, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


class DutyForm(forms.Form):
    text = forms.CharField(label="职责", max_length=services.DUTY_MAX, widget=forms.Textarea(attrs={"rows": 2}))
    framework = forms.CharField(label="督政指标体系", required=False, max_length=12)


class ImportForm(forms.Form):
    file = forms.FileField(label="成员单位和职责清单（.xlsx/.xls/.ods）")
    framework = forms.CharField(label="对应的督政指标体系", required=False, max_length=12)


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
def committee(request):
    """The county's committee; a unit's users land on their own entry (本单位职责)."""
    if not selectors.readable_counties(request.user).exists():
        if scope_for(request.user).unit_ids:
            return redirect("reviews:committee_mine")
        raise Http404
    county = selectors.county_for(request.user, request.GET.get("region", "").strip())
    found = selectors.committee_of(request.user, county)
    office = holds_role_in(request.user, county.code, Role.OFFICE)
    context = {"county": county, "committee": found, "office": office,
               "counties": selectors.readable_counties(request.user).order_by("code")}
    if found is None:
        return render(request, "reviews/committee_page.html", context)
    filters = {k: request.GET.get(k, "").strip() for k in ("q", "role", "active")}
    rows = selectors.members(found, **filters)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(f"{found.name}成员单位", "成员单位", MEMBER_EXPORT, rows)
    page, size = paginate(request, rows)
    context |= {"page": page, "size": size, "query": query_without_page(request), "filters": filters,
                "roles": MemberRole.choices, "meetings": selectors.committee_meetings(request.user, found),
                "frameworks": selectors.duzheng_frameworks(found)}
    if office:
        context |= {"form": CommitteeForm(initial={"name": found.name, "established_on": found.established_on,
                                                   "rules": found.rules}),
                    "member_form": MemberForm(), "units": selectors.free_units(found)}
    return render(request, "reviews/committee_page.html", context)


@login_required
@require_POST
@require_role(Role.OFFICE)
def committee_create(request):
    county = selectors.readable_counties(request.user).filter(code=request.POST.get("region", "")).first()
    attempt(request, lambda: services.committee_create(actor=request.user, region=county),
            "已建立督导委员会，请填写成立日期和工作规程，并添加成员单位。")
    return redirect(reverse("reviews:committee") + (f"?region={county.code}" if county else ""))


def _page(committee) -> str:
    return reverse("reviews:committee") + f"?region={committee.region_id}"


@login_required
@require_POST
@require_role(Role.OFFICE)
def committee_edit(request, pk: int):
    found = selectors.get_committee_for(request.user, pk)
    form = CommitteeForm(request.POST, request.FILES)
    attempt(request, lambda: services.committee_update(
        actor=request.user, committee=found, name=form.cleaned_data["name"],
        established_on=form.cleaned_data["established_on"], rules=form.cleaned_data["rules"],
        rules_upload=form.cleaned_data.get("rules_file")), "督导委员会信息已保存。", form=form)
    return redirect(_page(found))


@login_required
@require_POST
@require_role(Role.OFFICE)
def member_add(request, pk: int):
    found = selectors.get_committee_for(request.user, pk)
    form = MemberForm(request.POST)
    attempt(request, lambda: services.member_add(
        actor=request.user, committee=found, unit=request.POST.get("unit", ""),
        representative=form.cleaned_data["representative"], post=form.cleaned_data["post"],
        role=form.cleaned_data["role"], position=form.cleaned_data["position"]), "已添加成员单位。", form=form)
    return redirect(_page(found))


@login_required
def member_detail(request, pk: int):
    member = selectors.get_member_for(request.user, pk)
    office = selectors.is_office(request.user, member.committee)
    framework = selectors.pick_framework(member.committee, request.GET.get("framework", "")) if office else None
    duties = selectors.member_duties(member)
    context = {"member": member, "committee": member.committee, "office": office, "duties": duties,
               "results": selectors.unit_results(request.user, member),
               "readable": selectors.readable_counties(request.user).filter(pk=member.committee.region_id).exists()}
    if office:
        context |= {"form": MemberForm(initial={"representative": member.representative, "post": member.post,
                                                "role": member.role, "position": member.position}),
                    "framework": framework, "frameworks": selectors.duzheng_frameworks(member.committee),
                    "groups": selectors.point_groups(framework)}
    return render(request, "reviews/committee_member.html", context)


def _member_page(member) -> str:
    return reverse("reviews:member_detail", args=[member.pk])


@login_required
@require_POST
@require_role(Role.OFFICE)
def member_edit(request, pk: int):
    member = selectors.get_member_for(request.user, pk)
    form = MemberForm(request.POST)
    attempt(request, lambda: services.member_update(
        actor=request.user, member=member, representative=form.cleaned_data["representative"],
        post=form.cleaned_data["post"], role=form.cleaned_data["role"],
        position=form.cleaned_data["position"] or 0), "成员单位信息已保存。", form=form)
    return redirect(_member_page(member))


@login_required
@require_POST
@require_role(Role.OFFICE)
def member_deactivate(request, pk: int):
    member = selectors.get_member_for(request.user, pk)
    attempt(request, lambda: services.member_set_active(actor=request.user, member=member, active=False),
            f"已停用成员单位“{member.unit.name}”，其职责记录保留。")
    return redirect(_member_page(member))


@login_required
@require_POST
@require_role(Role.OFFICE)
def member_activate(request, pk: int):
    member = selectors.get_member_for(request.user, pk)
    attempt(request, lambda: services.member_set_active(actor=request.user, member=member, active=True),
            f"已恢复成员单位“{member.unit.name}”。")
    return redirect(_member_page(member))


@login_required
@require_POST
@require_role(Role.OFFICE)
def member_delete(request, pk: int):
    member = selectors.get_member_for(request.user, pk)
    if attempt(request, lambda: services.member_delete(actor=request.user, member=member),
               f"已删除成员单位“{member.unit.name}”。"):
        return redirect(_page(member.committee))
    return redirect(_member_page(member))


@login_required
@require_POST
@require_role(Role.OFFICE)
def duty_add(request, pk: int):
    member = selectors.get_member_for(request.user, pk)
    form = DutyForm(request.POST)
    attempt(request, lambda: services.duty_add(
        actor=request.user, member=member, text=form.cleaned_data["text"], framework=form.cleaned_data["framework"],
        item_codes=request.POST.getlist("codes")), "已添加职责。", form=form)
    return redirect(_member_page(member) + "#duties")


@login_required
@require_POST
@require_role(Role.OFFICE)
def duty_edit(request, pk: int):
    duty = selectors.get_duty_for(request.user, pk)
    form = DutyForm(request.POST)
    attempt(request, lambda: services.duty_update(
        actor=request.user, duty=duty, text=form.cleaned_data["text"], framework=form.cleaned_data["framework"],
        item_codes=request.POST.getlist("codes")), "职责已保存。", form=form)
    return redirect(_member_page(duty.member) + "#duties")


@login_required
@require_POST
@require_role(Role.OFFICE)
def duty_delete(request, pk: int):
    duty = selectors.get_duty_for(request.user, pk)
    attempt(request, lambda: services.duty_delete(actor=request.user, duty=duty), "已删除职责。")
    return redirect(_member_page(duty.member) + "#duties")


@login_required
@require_POST
@require_role(Role.OFFICE)
def duty_up(request, pk: int):
    duty = selectors.get_duty_for(request.user, pk)
    attempt(request, lambda: services.duty_move(actor=request.user, duty=duty, step=-1), "已上移。")
    return redirect(_member_page(duty.member) + "#duties")


@login_required
@require_POST
@require_role(Role.OFFICE)
def duty_down(request, pk: int):
    duty = selectors.get_duty_for(request.user, pk)
    attempt(request, lambda: services.duty_move(actor=request.user, duty=duty, step=1), "已下移。")
    return redirect(_member_page(duty.member) + "#duties")


@login_required
@require_role(*READERS)
def coverage(request, pk: int):
    found = selectors.get_committee_for(request.user, pk)
    framework = selectors.pick_framework(found, request.GET.get("framework", ""))
    result = selectors.committee_coverage(found, framework) if framework else None
    if result is not None and request.GET.get("export") == "xlsx":
        return xlsx_response(f"{found.name}职责覆盖情况", "覆盖情况", COVERAGE_EXPORT, result.rows)
    only = request.GET.get("only") == "uncovered"
    rows = [r for r in result.rows if not r.covered] if result and only else (result.rows if result else [])
    return render(request, "reviews/committee_coverage.html", {
        "committee": found, "framework": framework, "frameworks": selectors.duzheng_frameworks(found),
        "result": result, "rows": rows, "only": only,
        "covered": len(result.rows) - len(result.uncovered) if result else 0,
        "share": round(result.share * 100) if result and result.share is not None else None})


def _duties_context(committee) -> dict:
    rows = selectors.duty_rows(committee)
    return {"title": f"{committee.name}成员单位职责清单", "committee": committee.name,
            "county": committee.region.name, "office": f"{committee.region.name}人民政府教育督导室",
            "generated_on": cn_date(timezone.localdate()), "count": len(rows),
            "members": len({r["member"].pk for r in rows}),
            "rows": [{"unit": r["member"].unit.name, "role": r["member"].get_role_display(),
                      "representative": r["member"].representative, "post": r["member"].post,
                      "no": r["duty"].position, "text": r["duty"].text, "points": "；".join(r["points"])}
                     for r in rows]}


@login_required
@require_role(*READERS)
def duties_xlsx(request, pk: int):
    found = selectors.get_committee_for(request.user, pk)
    return xlsx_sheets_response(f"{found.name}成员单位职责清单", [
        ("职责清单", DUTY_EXPORT, selectors.duty_rows(found)),
        ("成员单位", MEMBER_EXPORT, selectors.members(found, active="1"))])


@login_required
@require_role(*READERS)
def duties_docx(request, pk: int):
    found = selectors.get_committee_for(request.user, pk)
    context = _duties_context(found)
    return _attachment(render_docx("committee_duties", found.region_id, context), DOCX, f"{context['title']}.docx")


@login_required
@require_role(Role.OFFICE)
def committee_import(request, pk: int):
    found = selectors.get_committee_for(request.user, pk)
    if not selectors.is_office(request.user, found):
        raise Http404
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"committee": found, "form": style_form(form), "frameworks": selectors.duzheng_frameworks(found),
               "framework": selectors.pick_framework(found)}
    if request.method == "POST":
        if not form.is_valid():
            context["message"] = "请选择要导入的文件。"
        else:
            upload = form.cleaned_data["file"]
            try:
                result = services.committee_import(
                    actor=request.user, committee=found, data=read_import_file(upload), filename=upload.name or "",
                    framework=form.cleaned_data["framework"])
            except ApplicationError as exc:
                context |= {"message": exc.message, "errors": exc.errors[:500], "error_total": len(exc.errors)}
            else:
                messages.success(request, f"导入成功：新增成员单位 {result.created} 个，更新 {result.updated} 个；"
                                          f"{result.members_with_duties} 个单位的职责清单已替换为文件中的 {result.duties} 项职责。")
                return redirect(_page(found))
    return render(request, "reviews/committee_import.html", context, status=400 if context.get("message") else 200)


@login_required
@require_role(Role.OFFICE)
def committee_import_template(request):
    data = write_template_workbook(services.SPECS, closing_note="“职责清单”表中列出的单位，其原有职责将被文件中的职责替换。")
    return _attachment(data, XLSX, "督导委员会成员单位和职责清单导入模板.xlsx")


@login_required
def committee_mine(request):
    """本单位职责: the member entries of the user's own units, read-only."""
    ensure_role(request.user, Role.UNIT)
    members = list(selectors.own_members(request.user))
    for member in members:
        member.duty_list = selectors.with_points(list(member.duties.all()))
        member.results = selectors.unit_results(request.user, member)
    return render(request, "reviews/committee_mine.html", {"members": members})
