"""institutions views (issue 23): the list of 民办学校/幼儿园 and 校外培训机构 (filters, search, Excel, pages), the
edit page of one institution's registry fields, and its section on the school profile (dashboard.school_detail).
Thin: parse, call a read or schools.services.institution_save, render. The fund account is shown masked only."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from dudao.checks.models import InstitutionKind
from dudao.checks.selectors import institutions as selectors
from dudao.core.errors import ApplicationError
from dudao.core.forms import style_form
from dudao.core.listing import paginate, query_without_page, xlsx_response
from dudao.core.roles import Role
from dudao.core.tabular import read_import_file
from dudao.core.web import has_role, require_role
from dudao.schools.forms import ImportForm
from dudao.schools.institution_import import institutions_import, template_bytes
from dudao.schools.models import LicenceScope, School, WhitelistStatus
from dudao.schools.services import ACADEMIC_SUBJECTS, NON_ACADEMIC_SUBJECTS, institution_save, is_institution

READERS = (Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.SCHOOL)
WHITELIST_FILTERS = [*WhitelistStatus.choices, ("none", "未填写")]


def _yes_no(value) -> str:
    return "" if value is None else ("自有产权" if value else "租赁")


EXPORT = [
    ("机构名称", lambda r: r.school.name), ("学校标识码", lambda r: r.school.code), ("类别", lambda r: r.kind_label),
    ("所在乡镇（街道）", lambda r: r.school.region.name),
    ("办学许可证号", lambda r: r.profile.licence_no if r.profile else ""),
    ("发证机关", lambda r: r.profile.licence_authority if r.profile else ""),
    ("发证日期", lambda r: r.profile.licence_issued_on if r.profile else None),
    ("有效期至", lambda r: r.profile.licence_valid_until if r.profile else None),
    ("许可证状态", lambda r: r.state_label),
    ("办学范围", lambda r: r.profile.get_scope_kind_display() if r.profile else ""),
    ("培训科目（项目）", lambda r: "、".join(r.profile.subjects) if r.profile else ""),
    ("白名单状态", lambda r: r.profile.get_whitelist_display() if r.profile else ""),
    ("收费标准", lambda r: r.profile.fee_standard if r.profile else ""),
    ("资金监管银行", lambda r: r.profile.fund_bank if r.profile else ""),
    ("资金监管账户（脱敏）", lambda r: r.masked_account),
    ("保险", lambda r: r.profile.insurance if r.profile else ""),
    ("保险有效期至", lambda r: r.profile.insurance_valid_until if r.profile else None),
    ("举办者（法定代表人）", lambda r: r.profile.legal_representative if r.profile else ""),
    ("办学场所地址", lambda r: r.profile.premises_address if r.profile else ""),
    ("场所面积（平方米）", lambda r: float(r.profile.premises_area) if r.profile and r.profile.premises_area else None),
    ("场所产权", lambda r: _yes_no(r.profile.premises_owned) if r.profile else ""),
    ("最近年检结论", lambda r: r.annual_label), ("未办结违规（件）", lambda r: r.school.open_violations),
    ("预警", lambda r: "、".join(r.flag_labels)),
]


@login_required
@require_role(*READERS)
def institution_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in ("kind", "town", "flag", "whitelist", "q")}
    schools = selectors.institution_list(request.user, **filters)
    if request.GET.get("export") == "xlsx":
        return xlsx_response("民办学校与校外培训机构", "机构名录", EXPORT,
                             selectors.rows(schools.iterator(chunk_size=2000)))
    page, size = paginate(request, schools)
    return render(request, "checks/institutions_list.html", {
        "page": page, "size": size, "rows": selectors.rows(page.object_list), "query": query_without_page(request),
        "filters": filters, "kinds": InstitutionKind.choices, "towns": selectors.town_options(request.user),
        "flags": selectors.FLAG_FILTERS, "whitelists": WHITELIST_FILTERS,
        "filtered": any(filters.values()), "may_import": has_role(request.user, Role.OFFICE),
    })


class InstitutionForm(forms.Form):
    """Parses the edit page; institution_save validates (dates, scope and subjects, account digits, lengths)."""

    licence_no = forms.CharField(label="办学许可证号", required=False)
    licence_authority = forms.CharField(label="发证机关", required=False)
    licence_issued_on = forms.DateField(label="发证日期", required=False,
                                        widget=forms.DateInput(attrs={"type": "date"}))
    licence_valid_until = forms.DateField(label="有效期至", required=False,
                                          widget=forms.DateInput(attrs={"type": "date"}))
    scope_kind = forms.ChoiceField(label="办学范围", required=False, choices=[("", "未填写"), *LicenceScope.choices])
    subjects = forms.CharField(label="培训科目（项目）", required=False,
                               help_text="多个科目用顿号或逗号分隔。学科类：" + "、".join(ACADEMIC_SUBJECTS[:12])
                               + "；非学科类如：" + "、".join(NON_ACADEMIC_SUBJECTS[:8]) + "。")
    whitelist = forms.ChoiceField(label="白名单状态", required=False, choices=[("", "未填写"), *WhitelistStatus.choices])
    fee_standard = forms.CharField(label="收费标准", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    fund_bank = forms.CharField(label="资金监管银行", required=False)
    fund_account = forms.CharField(label="资金监管账户", required=False,
                                   widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}))
    fund_account_clear = forms.BooleanField(label="清除已登记的资金监管账户", required=False)
    insurance = forms.CharField(label="保险（险种、承保公司）", required=False)
    insurance_valid_until = forms.DateField(label="保险有效期至", required=False,
                                            widget=forms.DateInput(attrs={"type": "date"}))
    legal_representative = forms.CharField(label="举办者（法定代表人）", required=False)
    premises_address = forms.CharField(label="办学场所地址", required=False)
    premises_area = forms.CharField(label="场所面积（平方米）", required=False,
                                    widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    premises_owned = forms.ChoiceField(label="场所产权", required=False,
                                       choices=[("", "未填写"), ("yes", "自有产权"), ("no", "租赁")])

    def __init__(self, *args, masked_account: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["fund_account"]
        if masked_account:
            field.help_text = f"已登记：{masked_account}。留空则不修改；如需更换，请输入完整账号（8–30 位数字）。"
        else:
            field.help_text = "8–30 位数字。"
        style_form(self)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        clear = data.pop("fund_account_clear")
        if not data["fund_account"] and not clear:
            data.pop("fund_account")  # blank: keep the registered account (the page never shows it)
        owned = data.pop("premises_owned")
        data["premises_owned"] = {"yes": True, "no": False}.get(owned)
        return data


def _initial(school: School) -> dict:
    profile = selectors.profile_of(school)
    if profile is None:
        return {}
    initial = {name: getattr(profile, name) for name in (
        "licence_no", "licence_authority", "licence_issued_on", "licence_valid_until", "scope_kind", "whitelist",
        "fee_standard", "fund_bank", "insurance", "insurance_valid_until", "legal_representative",
        "premises_address", "premises_area")}
    initial["subjects"] = "、".join(profile.subjects)
    initial["premises_owned"] = {True: "yes", False: "no"}.get(profile.premises_owned, "")
    return initial


@login_required
@require_role(Role.OFFICE)
def institution_edit(request, school_pk: int):
    school = selectors.get_institution_for(request.user, school_pk)
    if not selectors.may_edit(request.user, school):
        raise Http404
    profile = selectors.profile_of(school)
    masked = profile.masked_account if profile else ""
    form = InstitutionForm(request.POST or None, initial=_initial(school), masked_account=masked)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                institution_save(actor=request.user, school=school, **form.service_fields())
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "登记信息已保存。")
                return redirect("dashboard:school_detail", pk=school.pk)
        status = 400
    return render(request, "checks/institutions_edit.html", {"school": school, "form": form,
                                                              "masked_account": masked}, status=status)


def school_section(request, school: School) -> dict:
    """The 民办机构登记信息 section of the school profile (a page section of dashboard.school_detail) for private
    schools, kindergartens and training institutions: registry fields (account masked), licence state, flags,
    links to edit, to the credit record, to 年检 and violations."""
    if not is_institution(school):
        return {}
    today = timezone.localdate()
    institution = selectors.get_institution_for(request.user, school.pk)
    row = selectors.rows([institution], today)[0]
    return {"institution_section": {"row": row, "profile": row.profile, "kind": row.kind_label,
                                    "may_edit": selectors.may_edit(request.user, school)}}


@login_required
@require_role(Role.OFFICE)
def institution_import(request):
    """All-or-nothing Excel import of registry fields keyed by 学校标识码 (schools.institution_import)."""
    form = ImportForm(request.POST or None, request.FILES or None)
    errors, summary, message = [], None, ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = institutions_import(actor=request.user, data=read_import_file(upload), filename=upload.name)
        except ApplicationError as exc:
            message, errors = exc.message, exc.errors
    status = 400 if message or form.errors else 200
    return render(request, "checks/institutions_import.html", {
        "form": form, "errors": errors[:500], "error_total": len(errors), "message": message, "summary": summary,
    }, status=status)


@login_required
@require_role(Role.OFFICE)
def institution_import_template(request):
    response = HttpResponse(template_bytes(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = ("attachment; filename*=UTF-8''"
                                       "%E6%9C%BA%E6%9E%84%E7%99%BB%E8%AE%B0%E4%BF%A1%E6%81%AF%E6%A8%A1%E6%9D%BF.xlsx")
    return response
