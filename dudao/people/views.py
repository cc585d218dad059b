"""Inspector registry and expert pool pages: lists (filter, export), detail, forms, import."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dudao.core.errors import ApplicationError
from dudao.core.forms import style_form
from dudao.core.listing import paginate, query_without_page, xlsx_response
from dudao.core.models import Role
from dudao.core.policy import policy_value
from dudao.core.registries import page_sections
from dudao.core.scope import owns, scope_for
from dudao.core.tabular import read_import_file
from dudao.core.web import ensure_role, has_role, require_role
from dudao.people import selectors, services
from dudao.people.forms import (
    ExpertForm,
    InspectorForm,
    RenewForm,
    ReviewForm,
    StatusForm,
    SupervisorEndForm,
    SupervisorForm,
    TrainingForm,
)
from dudao.people.imports import people_import as run_import
from dudao.people.imports import template_bytes
from dudao.people.models import ExpertCategory, InspectorKind, InspectorSource, InspectorStatus
from dudao.regions.selectors import region_list
from dudao.schools.forms import ImportForm
from dudao.schools.models import School

INSPECTOR_FILTERS = ("region", "kind", "source", "status", "q")
INSPECTOR_EXPORT = [
    ("督学证号", lambda i: i.card_no), ("姓名", lambda i: i.name), ("性别", lambda i: i.gender),
    ("联系电话", lambda i: i.phone), ("工作单位", lambda i: i.employer), ("职务/职称", lambda i: i.position),
    ("类别", lambda i: i.get_kind_display()), ("来源", lambda i: i.get_source_display()),
    ("聘任地区代码", lambda i: i.region_id), ("聘任地区", lambda i: i.region.name),
    ("本人所在学校标识码", lambda i: i.home_school.code if i.home_school else ""),
    ("退休日期", lambda i: i.retirement_date), ("首次聘任日期", lambda i: i.appointed_on),
    ("本届聘期开始", lambda i: i.term_start), ("连续聘任届数", lambda i: i.term_no),
    ("状态", lambda i: i.get_status_display()), ("本年培训学时", lambda i: float(i.training_hours)),
]
EXPERT_EXPORT = [
    ("专家编号", lambda e: e.id_key), ("姓名", lambda e: e.name), ("联系电话", lambda e: e.phone),
    ("工作单位", lambda e: e.employer), ("职称/职务", lambda e: e.title), ("专业领域", lambda e: e.get_categories_display()),
    ("入库地区代码", lambda e: e.region_id), ("是否在库", lambda e: e.is_active),
]


@login_required
def inspector_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in INSPECTOR_FILTERS}
    inspectors = selectors.inspector_list(request.user, **filters)
    if request.GET.get("export") == "xlsx":
        return xlsx_response("督学名录", "督学", INSPECTOR_EXPORT, inspectors.iterator(chunk_size=2000))
    page, size = paginate(request, inspectors)
    return render(request, "people/inspector_list.html", {
        "page": page, "size": size, "query": query_without_page(request), "filters": filters,
        "regions": region_list(request.user), "kinds": InspectorKind.choices, "sources": InspectorSource.choices,
        "statuses": InspectorStatus.choices, "can_edit": has_role(request.user, Role.OFFICE),
        "training_min": policy_value("people.training_hours_min", filters["region"]),
    })


@login_required
def inspector_detail(request, pk: int):
    inspector = selectors.get_inspector_for(request.user, pk)
    year = timezone.localdate().year
    return render(request, "people/inspector_detail.html", {
        "inspector": inspector, "term": selectors.term_status(inspector),
        "training": selectors.training_summary(inspector, year), "trainings": inspector.trainings.all()[:50],
        "reviews": inspector.reviews.all(),
        **page_sections("people.inspector_detail", request, inspector),  # zones: "assignments"
        "can_edit": has_role(request.user, Role.OFFICE),
        "status_form": style_form(StatusForm()), "renew_form": style_form(RenewForm()),
        "training_form": style_form(TrainingForm()), "review_form": style_form(ReviewForm(initial={"year": year - 1})),
    })


@login_required
@require_role(Role.OFFICE)
def inspector_edit(request, pk: int | None = None):
    inspector = selectors.get_inspector_for(request.user, pk) if pk else None
    form = InspectorForm(request.POST or None, request.FILES or None, instance=inspector, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.inspector_save(
                actor=request.user, inspector=selectors.get_inspector_for(request.user, pk) if pk else None,
                photo=form.cleaned_data.get("photo_upload"), **form.service_fields())
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "督学信息已保存。")
            return redirect("people:inspector_detail", pk=saved.pk)
    return render(request, "people/inspector_edit.html", {"form": form, "inspector": inspector})


def _action(request, pk: int, form_class, call):
    ensure_role(request.user, Role.OFFICE)
    inspector = selectors.get_inspector_for(request.user, pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[k].label}：{v[0]}" for k, v in form.errors.items()
                                         if k in form.fields) or "输入有误。")
    else:
        try:
            message = call(inspector, form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, message)
    return redirect("people:inspector_detail", pk=pk)


@login_required
@require_POST
def inspector_status(request, pk: int):
    def call(inspector, data):
        services.inspector_set_status(actor=request.user, inspector=inspector, **data)
        return f"{inspector.name}已变更为“{InspectorStatus(data['status']).label}”。"
    return _action(request, pk, StatusForm, call)


@login_required
@require_POST
def inspector_renew(request, pk: int):
    def call(inspector, data):
        services.inspector_renew_term(actor=request.user, inspector=inspector, term_start=data["term_start"])
        return f"已续聘，现为第 {inspector.term_no} 届。"
    return _action(request, pk, RenewForm, call)


@login_required
@require_POST
def training_add(request, pk: int):
    def call(inspector, data):
        services.training_add(actor=request.user, inspector=inspector, **data)
        return "培训记录已登记。"
    return _action(request, pk, TrainingForm, call)


@login_required
@require_POST
def review_add(request, pk: int):
    def call(inspector, data):
        services.review_record(actor=request.user, inspector=inspector, **data)
        return "年度考核结果已录入。" + ("考核不合格，该督学已退出并结束挂牌。" if data["grade"] == "fail" else "")
    return _action(request, pk, ReviewForm, call)


@login_required
def expert_list(request):
    if not (has_role(request.user, Role.OFFICE) or scope_for(request.user).has_role(Role.LEADER)):
        raise Http404
    filters = {k: request.GET.get(k, "").strip() for k in ("region", "category", "q", "active")}
    experts = selectors.expert_list(request.user, **filters)
    if request.GET.get("export") == "xlsx":
        return xlsx_response("专家库", "专家", EXPERT_EXPORT, experts.iterator(chunk_size=2000))
    page, size = paginate(request, experts)
    return render(request, "people/expert_list.html", {
        "page": page, "size": size, "query": query_without_page(request), "filters": filters,
        "regions": region_list(request.user), "categories": ExpertCategory.choices, "can_edit": has_role(request.user, Role.OFFICE),
    })


@login_required
@require_role(Role.OFFICE)
def expert_edit(request, pk: int | None = None):
    expert = selectors.get_expert_for(request.user, pk) if pk else None
    form = ExpertForm(request.POST or None, instance=expert, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.expert_save(actor=request.user, expert=selectors.get_expert_for(request.user, pk) if pk else None,
                                 **form.service_fields())
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "专家信息已保存。")
            return redirect("people:expert_list")
    return render(request, "people/expert_edit.html", {"form": form, "expert": expert})


@login_required
@require_role(Role.OFFICE)
def people_import(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    errors, summary, message = [], None, ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            summary = run_import(actor=request.user, data=read_import_file(upload), filename=upload.name)
        except ApplicationError as exc:
            message, errors = exc.message, exc.errors
    return render(request, "people/import.html", {
        "form": form, "errors": errors[:500], "error_total": len(errors), "message": message, "summary": summary,
    }, status=400 if message else 200)


@login_required
@require_role(Role.OFFICE)
def import_template(request):
    response = HttpResponse(template_bytes(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E7%9D%A3%E5%AD%A6%E4%B8%8E%E4%B8%93%E5%AE%B6%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    return response


# ---- 学校督导管理员 ---------------------------------------------------------------------------------------------

SUPERVISOR_FILTERS = ("region", "school", "status", "q")
SUPERVISOR_EXPORT = [
    ("学校标识码", lambda s: s.school.code), ("学校", lambda s: s.school.name), ("姓名", lambda s: s.name),
    ("联系电话", lambda s: s.phone), ("职务", lambda s: s.position), ("任命日期", lambda s: s.appointed_on),
    ("状态", lambda s: "在任" if s.is_active else "已离任"), ("离任日期", lambda s: s.ended_on),
    ("登录账号", lambda s: s.user.username if s.user_id else ""),
    ("本年培训学时", lambda s: float(s.training_hours)),
]


def _supervisor_reader(user) -> None:
    """Region staff (office, leader) and school users; others have no such page."""
    scope = scope_for(user)
    if not (scope.everything or scope.region_prefixes or scope.has_role(Role.SCHOOL)):
        raise Http404


def _manageable_schools(user):
    scope = scope_for(user)
    if scope.everything or scope.has_role(Role.OFFICE):
        return School.objects.visible_to(user).only("id", "name", "code").order_by("code")
    return School.objects.filter(pk__in=[s for s in scope.school_ids if owns(user, school_id=s)]).only(
        "id", "name", "code").order_by("code")


@login_required
def supervisor_list(request):
    _supervisor_reader(request.user)
    filters = {k: request.GET.get(k, "").strip() for k in SUPERVISOR_FILTERS}
    supervisors = selectors.supervisor_list(request.user, **filters)
    if request.GET.get("export") == "xlsx":
        return xlsx_response("学校督导管理员", "学校督导管理员", SUPERVISOR_EXPORT, supervisors.iterator(chunk_size=2000))
    page, size = paginate(request, supervisors)
    return render(request, "people/supervisor_list.html", {
        "page": page, "size": size, "query": query_without_page(request), "filters": filters,
        "can_add": _manageable_schools(request.user).exists(),
        "training_min": policy_value("people.training_hours_min", filters["region"]),
        "cap": policy_value("people.school_supervisors_max", filters["region"]),
    })


@login_required
def supervisor_detail(request, pk: int):
    supervisor = selectors.get_supervisor_for(request.user, pk)
    year = timezone.localdate().year
    return render(request, "people/supervisor_detail.html", {
        "supervisor": supervisor, "training": selectors.training_summary(supervisor, year),
        "trainings": selectors.trainings_of(supervisor),
        "can_manage": selectors.supervisor_may_manage(request.user, supervisor.school),
        "can_train": scope_for(request.user).holds(supervisor.school.region_id, Role.OFFICE),
        "training_form": style_form(TrainingForm()), "end_form": style_form(SupervisorEndForm()),
    })


@login_required
def supervisor_edit(request, pk: int | None = None):
    supervisor = selectors.get_supervisor_for(request.user, pk) if pk else None
    schools = _manageable_schools(request.user)
    if supervisor is None and not schools.exists():
        raise Http404
    if supervisor is not None and not selectors.supervisor_may_manage(request.user, supervisor.school):
        raise Http404
    initial = {}
    if supervisor is not None:
        initial = {f: getattr(supervisor, f) for f in services.SUPERVISOR_FIELDS}
    elif request.GET.get("school", "").isdigit():
        initial["school"] = int(request.GET["school"])
    form = SupervisorForm(request.POST or None, initial=initial, schools=schools, supervisor=supervisor)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        school = data.pop("school", None)
        try:
            saved = services.supervisor_save(actor=request.user, school=school, supervisor=supervisor, **data)
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, "学校督导管理员已保存。")
            return redirect("people:supervisor_detail", pk=saved.pk)
    return render(request, "people/supervisor_edit.html", {"form": form, "supervisor": supervisor})


@login_required
@require_POST
def supervisor_end(request, pk: int):
    supervisor = selectors.get_supervisor_for(request.user, pk)
    form = SupervisorEndForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写离任日期和离任原因。")
    else:
        try:
            services.supervisor_end(actor=request.user, supervisor=supervisor, **form.cleaned_data)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{supervisor.name}已离任，其账号的本校学校角色已按记录收回。")
    return redirect("people:supervisor_detail", pk=pk)


def _training_for(request, person, **trainee):
    form = TrainingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[k].label}：{v[0]}" for k, v in form.errors.items()
                                         if k in form.fields) or "输入有误。")
        return
    try:
        services.training_add(actor=request.user, **trainee, **form.cleaned_data)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已为{person.name}登记培训记录。")


@login_required
@require_POST
def supervisor_training_add(request, pk: int):
    supervisor = selectors.get_supervisor_for(request.user, pk)
    _training_for(request, supervisor, supervisor=supervisor)
    return redirect("people:supervisor_detail", pk=pk)


@login_required
def expert_detail(request, pk: int):
    expert = selectors.get_expert_for(request.user, pk)
    year = timezone.localdate().year
    return render(request, "people/expert_detail.html", {
        "expert": expert, "training": selectors.training_summary(expert, year),
        "trainings": selectors.trainings_of(expert), "can_edit": has_role(request.user, Role.OFFICE),
        "training_form": style_form(TrainingForm()),
    })


@login_required
@require_POST
def expert_training_add(request, pk: int):
    expert = selectors.get_expert_for(request.user, pk)
    _training_for(request, expert, expert=expert)
    return redirect("people:expert_detail", pk=pk)


def school_supervisors_section(request, school) -> dict:
    """The school page's 学校督导管理员 (page section "dashboard.school_detail")."""
    return {"supervisors_section": {
        "supervisors": selectors.school_supervisors(school),
        "can_manage": selectors.supervisor_may_manage(request.user, school),
        "cap": policy_value("people.school_supervisors_max", school.region_id),
    }}
