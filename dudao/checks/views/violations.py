"""Pages of 违规查处 and 诚信记录 (issue 23 item 4): the list (filters, search, Excel export), the register form (the
complaint or failed check item offered for the chosen institution), the case page with one POST view per move
(verify, unfounded, decide, close), the institution's credit record, and the section on the school page.
Thin: parse, call a service or a read, render; a refused input re-renders the form as typed with status 400."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dudao.checks.models import (
    CheckAnswer,
    CreditKind,
    ViolationKind,
    ViolationSource,
    ViolationStatus,
)
from dudao.checks.selectors import violations as selectors
from dudao.checks.services import violations as services
from dudao.core.display import person_name
from dudao.core.errors import ApplicationError
from dudao.core.forms import style_form
from dudao.core.listing import paginate, query_without_page, xlsx_response
from dudao.core.roles import Role
from dudao.core.scope import scope_for
from dudao.core.web import require_role
from dudao.rectification.models import DONE_STATUSES, DecisionForm
from dudao.regions.models import GovUnit
from dudao.zones.models import Complaint

VIOLATION_EXPORT = [
    ("编号", lambda v: v.pk), ("机构", lambda v: v.school.name), ("所在乡镇（街道）", lambda v: v.school.region.name),
    ("违规类型", lambda v: v.get_kind_display()), ("线索来源", lambda v: v.get_source_display()),
    ("来源说明", lambda v: v.source_note), ("发现日期", lambda v: v.found_on), ("违规事实", lambda v: v.description),
    ("状态", lambda v: v.get_status_display()), ("负责查处的部门", lambda v: v.responsible_unit.name if v.responsible_unit_id else ""),
    ("处理决定", lambda v: v.decision), ("处理方式", lambda v: "、".join(_penalty_labels(v.penalties))),
    ("罚没金额（元）", lambda v: str(v.confiscated_amount) if v.confiscated_amount is not None else ""),
    ("从业禁止年限", lambda v: v.ban_years), ("决定文号", lambda v: v.document_number), ("决定日期", lambda v: v.decided_on),
    ("整改状态", lambda v: v.finding.get_status_display() if v.finding_id else ""),
]

CREDIT_EXPORT = [
    ("日期", lambda e: e.on), ("类别", lambda e: e.get_kind_display()), ("性质", lambda e: "失信" if e.negative else "守信"),
    ("内容", lambda e: e.text), ("记录人", lambda e: person_name(e.created_by)), ("记录时间", lambda e: e.created_at),
]


def _penalty_labels(values) -> list[str]:
    labels = dict(DecisionForm.choices)
    return [labels.get(v, v) for v in values or []]


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RegisterForm(forms.Form):
    school = forms.TypedChoiceField(label="机构（民办学校、幼儿园或校外培训机构）", coerce=int)
    kind = forms.ChoiceField(label="违规类型", choices=[("", "请选择")] + ViolationKind.choices)
    source = forms.ChoiceField(label="线索来源", choices=[("", "请选择")] + ViolationSource.choices)
    found_on = forms.DateField(label="发现日期", widget=DATE_WIDGET)
    source_note = forms.CharField(label="来源说明（其他部门移送时填写移送部门和文号）", required=False,
                                  max_length=services.NOTE_MAX)
    description = forms.CharField(label="违规事实", max_length=services.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = [("", "请选择")] + [
            (s.pk, f"{s.name}（{s.region.name}）") for s in selectors.register_institutions(user)]
        style_form(self)


class VerifyForm(forms.Form):
    verification = forms.CharField(label="核查情况", max_length=services.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    responsible_unit = forms.TypedChoiceField(label="负责查处的部门（核查属实时选择）", coerce=int, required=False)

    def __init__(self, *args, violation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_unit"].choices = [("", "请选择")] + [
            (u.pk, u.name) for u in services.responsible_units(violation.region_code)]
        style_form(self)


class DecideForm(forms.Form):
    decision = forms.CharField(label="处理决定", max_length=services.TEXT_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    penalties = forms.MultipleChoiceField(label="处理方式", required=False, widget=forms.CheckboxSelectMultiple,
                                          choices=[(str(p), p.label) for p in services.PENALTY_CHOICES])
    confiscated_amount = forms.CharField(label="罚没金额（元）", required=False, max_length=20,
                                         help_text="选择“罚没违法所得”时填写，最多两位小数")
    ban_years = forms.IntegerField(label="从业禁止年限（年）", required=False, help_text="选择“从业禁止”时填写，1–10 年",
                                   min_value=services.BAN_YEARS[0], max_value=services.BAN_YEARS[1])
    document_number = forms.CharField(label="决定文号", required=False, max_length=services.DOCNO_MAX)
    decided_on = forms.DateField(label="决定日期", widget=DATE_WIDGET)
    requirement = forms.CharField(label="整改要求（列入问题台账，由整改通知书流程跟踪）", max_length=services.TEXT_MAX,
                                  widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_form(self)


def _form_message(form) -> str:
    return "输入有误：" + "；".join(f"{form.fields[k].label if k in form.fields else ''}：{v[0]}"
                                  for k, v in form.errors.items())


def _int(value) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) < 12 else None


# ---- list ----------------------------------------------------------------------------------------------

def _sees_region(user) -> bool:
    scope = scope_for(user)
    return scope.everything or bool(scope.region_prefixes)


@login_required
@require_role()
def violation_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in ("status", "kind", "source", "school", "town", "q")}
    rows = selectors.violation_list(request.user, **filters)
    if request.GET.get("export") == "xlsx":
        return xlsx_response("违规查处", "违规查处", VIOLATION_EXPORT, rows.iterator(chunk_size=2000))
    page, size = paginate(request, rows)
    return render(request, "checks/violations_list.html", {
        "page": page, "size": size, "query": query_without_page(request), "filters": filters,
        "statuses": ViolationStatus.choices, "kinds": ViolationKind.choices, "sources": ViolationSource.choices,
        "towns": selectors.town_choices(request.user), "institutions": selectors.institution_choices(request.user),
        "can_register": selectors.may_register_any(request.user),
        # the empty state must not say "nothing registered" to someone who sees only part of the region's cases
        "sees_region": _sees_region(request.user),
        "filtered": any(filters.values())})


# ---- register ------------------------------------------------------------------------------------------

def _source_choices(request, school_pk: int | None) -> dict:
    """The chosen institution's complaints and failed check items, for the source pickers."""
    school = selectors.register_institutions(request.user).filter(pk=school_pk).first() if school_pk else None
    if school is None:
        return {"source_school": None, "complaints": [], "answers": []}
    return {"source_school": school, "complaints": list(selectors.source_complaints(request.user, school)[:100]),
            "answers": list(selectors.source_answers(school)[:100])}


def _register_page(request, form, message: str = ""):
    data = request.POST if request.method == "POST" else request.GET
    context = {"form": form, "message": message, "picked_complaint": data.get("complaint", ""),
               "picked_answer": data.get("check_answer", "")}
    context |= _source_choices(request, _int(data.get("school")))
    return render(request, "checks/violations_form.html", context, status=400 if message else 200)


@login_required
@require_role()
def violation_create(request):
    initial = {"found_on": timezone.localdate()}
    if _int(request.GET.get("school")):
        initial["school"] = _int(request.GET.get("school"))
    if request.GET.get("source") in ViolationSource.values:
        initial["source"] = request.GET["source"]
    form = RegisterForm(request.POST or None, user=request.user, initial=initial)
    if not form.fields["school"].choices[1:]:
        messages.error(request, "您所在区划没有可登记的民办学校、幼儿园或校外培训机构，或您无权登记违规行为。")
        return redirect("checks:violation_list")
    message = ""
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            school = selectors.register_institutions(request.user).filter(pk=data["school"]).first()
            complaint_pk, answer_pk = _int(request.POST.get("complaint")), _int(request.POST.get("check_answer"))
            try:
                violation = services.violation_register(
                    actor=request.user, school=school, source=data["source"], kind=data["kind"],
                    description=data["description"], found_on=data["found_on"], source_note=data["source_note"],
                    complaint=Complaint.objects.visible_to(request.user).filter(pk=complaint_pk).first() if complaint_pk else None,
                    check_answer=CheckAnswer.objects.select_related("submission__target").filter(pk=answer_pk).first()
                    if answer_pk else None)
            except ApplicationError as exc:
                message = exc.message
            else:
                messages.success(request, f"已登记{violation.school.name}的违规行为，请督导室核查。")
                return redirect("checks:violation_detail", pk=violation.pk)
        else:
            message = _form_message(form)
    return _register_page(request, form, message)


@login_required
@require_role()
def violation_sources(request):
    """The source pickers for the institution chosen on the register form (htmx fragment)."""
    context = _source_choices(request, _int(request.GET.get("school")))
    context |= {"picked_complaint": request.GET.get("complaint", ""), "picked_answer": request.GET.get("check_answer", "")}
    return render(request, "checks/_violations_sources.html", context)


# ---- the case ------------------------------------------------------------------------------------------

def _detail(request, violation, *, verify_form=None, decide_form=None, message: str = "", status: int = 200):
    actions = selectors.violation_actions(request.user, violation)
    scope = scope_for(request.user)
    staff = scope.everything or scope.covers_region(violation.region_code)
    if verify_form is None and actions & {ViolationStatus.VERIFIED, ViolationStatus.UNFOUNDED}:
        verify_form = VerifyForm(violation=violation)
    if decide_form is None and ViolationStatus.DECIDED in actions:
        decide_form = DecideForm(initial={"decided_on": timezone.localdate()})
    return render(request, "checks/violations_detail.html", {
        "v": violation, "actions": actions, "verify_form": verify_form, "decide_form": decide_form,
        "message": message, "transitions": selectors.transitions(violation), "staff": staff,
        "penalty_labels": _penalty_labels(violation.penalties),
        "decides_as": services.decides_as(request.user, violation) if ViolationStatus.DECIDED in actions else "",
        "credit_entries": list(violation.credit.all()),
        # 办结 is offered only once the decision's finding is rectified (the service refuses it before)
        "rectified": violation.finding is not None and violation.finding.status in DONE_STATUSES,
    }, status=status)


@login_required
def violation_detail(request, pk: int):
    return _detail(request, selectors.get_violation_for(request.user, pk))


def _refuse_without_the_role(user, violation, *, decide: bool = False) -> None:
    """404 (as for a role without the page, core.web.ensure_role) before any form is read, for a reader of the case
    (a leader, the institution, an inspector) who may not make the move at all: verify/unfounded/close are the
    office's, decide the responsible department's (or the office's). Nothing is written either way."""
    allowed = services.decides_as(user, violation) if decide else scope_for(user).holds(violation.region_code,
                                                                                        Role.OFFICE)
    if not allowed:
        raise Http404


def _verify_move(request, pk: int, unfounded: bool):
    violation = selectors.get_violation_for(request.user, pk)
    _refuse_without_the_role(request.user, violation)
    form = VerifyForm(request.POST, violation=violation)
    if not form.is_valid():
        return _detail(request, violation, verify_form=form, message=_form_message(form), status=400)
    data = form.cleaned_data
    try:
        if unfounded:
            services.violation_unfounded(actor=request.user, violation=violation, verification=data["verification"])
        else:
            unit = GovUnit.objects.filter(pk=data["responsible_unit"]).first() if data["responsible_unit"] else None
            services.violation_verify(actor=request.user, violation=violation, verification=data["verification"],
                                      responsible_unit=unit)
    except ApplicationError as exc:
        return _detail(request, violation, verify_form=form, message=exc.message, status=400)
    messages.success(request, "已记录核查结果：经核查不属实，本案结束。" if unfounded else "已核查属实，已交负责查处的部门作出处理决定。")
    return redirect("checks:violation_detail", pk=pk)


@login_required
@require_POST
def violation_verify(request, pk: int):
    return _verify_move(request, pk, unfounded=False)


@login_required
@require_POST
def violation_unfounded(request, pk: int):
    return _verify_move(request, pk, unfounded=True)


@login_required
@require_POST
def violation_decide(request, pk: int):
    violation = selectors.get_violation_for(request.user, pk)
    _refuse_without_the_role(request.user, violation, decide=True)
    form = DecideForm(request.POST)
    if not form.is_valid():
        return _detail(request, violation, decide_form=form, message=_form_message(form), status=400)
    data = form.cleaned_data
    try:
        services.violation_decide(
            actor=request.user, violation=violation, decision=data["decision"], requirement=data["requirement"],
            penalties=data["penalties"], decided_on=data["decided_on"], confiscated_amount=data["confiscated_amount"],
            ban_years=data["ban_years"], document_number=data["document_number"])
    except ApplicationError as exc:
        return _detail(request, violation, decide_form=form, message=exc.message, status=400)
    messages.success(request, "处理决定已保存，整改问题已列入问题台账，并已记入该机构的诚信记录。")
    return redirect("checks:violation_detail", pk=pk)


@login_required
@require_POST
def violation_close(request, pk: int):
    violation = selectors.get_violation_for(request.user, pk)
    _refuse_without_the_role(request.user, violation)
    try:
        services.violation_close(actor=request.user, violation=violation)
    except ApplicationError as exc:
        return _detail(request, violation, message=exc.message, status=400)
    messages.success(request, "整改已完成，本案已办结。")
    return redirect("checks:violation_detail", pk=pk)


# ---- 诚信记录 ----------------------------------------------------------------------------------------------

@login_required
def credit_record(request, school_pk: int):
    school = selectors.get_credit_school_for(request.user, school_pk)
    kind = request.GET.get("kind", "").strip()
    entries = selectors.credit_entries(school)
    if kind in CreditKind.values:
        entries = entries.filter(kind=kind)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(f"{school.name}_诚信记录", "诚信记录", CREDIT_EXPORT, entries.iterator(chunk_size=2000))
    page, size = paginate(request, entries)
    return render(request, "checks/violations_credit.html", {
        "school": school, "page": page, "size": size, "query": query_without_page(request), "kind": kind,
        "kinds": CreditKind.choices, "summary": selectors.credit_summary(school, timezone.localdate()),
        "violations": selectors.school_violations(request.user, school)[:20]})


# ---- the school page's section ----------------------------------------------------------------------------

def violations_section(request, school) -> dict:
    """违规查处与诚信记录 on the school page (dashboard.school_detail): only for 民办/培训 institutions."""
    if not services.is_institution(school):
        return {}
    return {"violations_section": {
        "violations": list(selectors.school_violations(request.user, school)[:10]),
        "summary": selectors.credit_summary(school, timezone.localdate()),
        "can_read_credit": selectors.may_read_credit(request.user, school),
        "can_register": services.may_register(request.user, school)}}
