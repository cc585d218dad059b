"""Pages of area cases: the 内审 list (the year's plans, the cases, a school's document requests), the plan
actions and the case form. The case page and its one-POST-per-action views are in views/case_page.py. Thin:
parse, call a service or a read, render; a refused input shows its Chinese reason and changes nothing."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dudao.audits.models import AuditCase, AuditCaseStatus, AuditeePosition, AuditPlan, AuditReason
from dudao.audits.selectors import cases as selectors
from dudao.audits.services import cases as services
from dudao.core.errors import ApplicationError
from dudao.core.forms import style_form
from dudao.core.listing import paginate, query_without_page, xlsx_response
from dudao.core.roles import Role
from dudao.core.scope import get_visible_or_404, scope_for
from dudao.core.web import attempt, form_errors_text, require_role
from dudao.regions.models import Region
from dudao.schools.models import School

User = get_user_model()
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")

EXPORT = [
    ("编号", lambda c: c.pk), ("年度", lambda c: c.plan.year), ("被审计学校", lambda c: c.school.name),
    ("被审计人", lambda c: c.auditee_name), ("职务", lambda c: c.get_auditee_position_display()),
    ("审计类型", lambda c: c.get_reason_display()), ("任职起始", lambda c: c.term_from),
    ("任职截止", lambda c: c.term_to), ("审计期间起", lambda c: c.period_from), ("审计期间止", lambda c: c.period_to),
    ("状态", lambda c: c.get_status_display()), ("发现问题（个）", lambda c: c.n_findings),
    ("报告文号", lambda c: c.report_number), ("报告出具日期", lambda c: c.report_issued_on),
]


def int_or_none(value) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 12 else None


class CaseForm(forms.Form):
    # an integer, not a choice: a forged id of another district reaches the service, which refuses it in Chinese
    school = forms.IntegerField(label="被审计学校", widget=forms.Select())
    auditee_name = forms.CharField(label="被审计人姓名", max_length=services.NAME_MAX)
    auditee_position = forms.ChoiceField(label="职务", choices=[("", "请选择")] + AuditeePosition.choices)
    reason = forms.ChoiceField(label="审计类型", choices=[("", "请选择")] + AuditReason.choices)
    auditee_username = forms.CharField(label="被审计人登录账号（选填，用户名）", required=False, max_length=150,
                                       help_text="填写后，报告出具后被审计人可以登录查看本次审计")
    term_from = forms.DateField(label="任职起始", widget=DATE_WIDGET)
    term_to = forms.DateField(label="任职截止（任中审计可不填）", widget=DATE_WIDGET, required=False)
    period_from = forms.DateField(label="审计期间起", widget=DATE_WIDGET)
    period_to = forms.DateField(label="审计期间止", widget=DATE_WIDGET)
    fieldwork_from = forms.DateField(label="现场审计开始（选填）", widget=DATE_WIDGET, required=False)
    fieldwork_to = forms.DateField(label="现场审计结束（选填）", widget=DATE_WIDGET, required=False)

    def __init__(self, *args, region_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].widget.choices = [("", "请选择")] + [
            (s.pk, f"{s.name}（{s.region.name}）") for s in selectors.eligible_schools(region_code).select_related("region")]
        style_form(self)

    def service_kwargs(self) -> dict:
        """The form's values as the service's keywords; the school and the account looked up (unknown → refused)."""
        data = dict(self.cleaned_data)
        data["school"] = School.objects.filter(pk=data["school"]).first()
        if data["school"] is None:
            raise ApplicationError("所选学校不存在。")
        username = data.pop("auditee_username", "").strip()
        data["auditee_user"] = None
        if username:
            data["auditee_user"] = User.objects.filter(username=username).first()
            if data["auditee_user"] is None:
                raise ApplicationError(services.AUDITEE_OUTSIDE.format(username))
        return data


# ---- list ----------------------------------------------------------------------------------------------------


@login_required
def case_list(request):
    """Office and leaders: the year's plans and the cases; team members: their cases; school users: the document
    requests addressed to their school, and their school's cases once reported."""
    today = timezone.localdate()
    filters = {k: request.GET.get(k, "").strip() for k in ("status", "reason", "year", "q")}
    rows = selectors.case_list(request.user, **filters)
    if request.GET.get("export") == "xlsx":
        return xlsx_response("内审审计事项", "审计事项", EXPORT, rows.iterator(chunk_size=2000))
    page, size = paginate(request, rows)
    year = int_or_none(filters["year"]) or today.year
    office = selectors.is_office_reader(request.user)
    plans = list(selectors.plans(request.user, year)) if office else []
    scope = scope_for(request.user)
    for plan in plans:
        plan.warning = services.plan_warning(plan, plan.n_cases)
        plan.can_manage = scope.holds(plan.region_id, Role.OFFICE)
    requests = list(selectors.school_requests(request.user)[:200])
    return render(request, "audits/cases_list.html", {
        "page": page, "size": size, "query": query_without_page(request), "filters": filters,
        "statuses": AuditCaseStatus.choices, "reasons": AuditReason.choices, "year": year, "plans": plans,
        "office": office, "counties": list(selectors.office_counties(request.user)) if office else [],
        "plan_range": services.plan_range(plans[0].region_id) if plans else None,
        "school_requests": requests, "today": today, "filtered": any(filters.values())})


# ---- plan ----------------------------------------------------------------------------------------------------


@require_POST
@login_required
@require_role(Role.OFFICE)
def plan_create(request):
    region = Region.objects.filter(pk=(request.POST.get("region") or "")[:12]).first()
    attempt(request, lambda: services.plan_create(actor=request.user, region=region, year=request.POST.get("year"),
                                                  note=request.POST.get("note", "")), "年度审计计划已建立。")
    return redirect(f"{_list_url()}?year={int_or_none(request.POST.get('year')) or ''}")


@require_POST
@login_required
@require_role(Role.OFFICE)
def plan_approve(request, pk: int):
    plan = get_visible_or_404(AuditPlan.objects, request.user, pk=pk)
    attempt(request, lambda: services.plan_approve(actor=request.user, plan=plan,
                                                   deviation_reason=request.POST.get("deviation_reason", "")),
            "年度审计计划已批准。")
    return redirect(f"{_list_url()}?year={plan.year}")


def _list_url() -> str:
    return reverse("audits:case_list")


# ---- case form -----------------------------------------------------------------------------------------------


def _save_case(request, form, write):
    if not form.is_valid():
        return form_errors_text(form)
    try:
        return write(form.service_kwargs())
    except ApplicationError as exc:
        return exc.message


@login_required
@require_role(Role.OFFICE)
def case_create(request, plan_pk: int):
    plan = get_visible_or_404(AuditPlan.objects.select_related("region"), request.user, pk=plan_pk)
    if not scope_for(request.user).holds(plan.region_id, Role.OFFICE):
        raise_404()
    form = CaseForm(request.POST or None, region_code=plan.region_id)
    message = ""
    if request.method == "POST":
        result = _save_case(request, form, lambda kw: services.case_create(actor=request.user, plan=plan, **kw))
        if not isinstance(result, str):
            messages.success(request, "审计事项已登记。")
            return redirect("audits:case_detail", pk=result.pk)
        message = result
    return render(request, "audits/cases_form.html", {"form": form, "plan": plan, "message": message},
                  status=400 if message else 200)


@login_required
@require_role(Role.OFFICE)
def case_edit(request, pk: int):
    case = get_visible_or_404(AuditCase.objects.select_related("plan", "school", "auditee_user"), request.user, pk=pk)
    if not scope_for(request.user).holds(case.region_code, Role.OFFICE):
        raise_404()
    initial = {f: getattr(case, f) for f in ("auditee_name", "auditee_position", "reason", "term_from", "term_to",
                                             "period_from", "period_to", "fieldwork_from", "fieldwork_to")}
    initial.update(school=case.school_id, auditee_username=case.auditee_user.username if case.auditee_user else "")
    form = CaseForm(request.POST or None, region_code=case.region_code, initial=initial)
    message = ""
    if request.method == "POST":
        result = _save_case(request, form, lambda kw: services.case_update(actor=request.user, case=case, **kw))
        if not isinstance(result, str):
            messages.success(request, "审计事项已修改。")
            return redirect("audits:case_detail", pk=case.pk)
        message = result
    return render(request, "audits/cases_form.html", {"form": form, "plan": case.plan, "case": case,
                                                       "message": message}, status=400 if message else 200)


def raise_404():
    raise Http404("未找到该对象，或您无权查看。")
