"""工作要点 pages: the list (filters, search, Excel export, 新建 / 复制上年 / 导入大纲), the plan page (the tree with
derived statuses and completion by section, inline forms to add sections and tasks, publish with the refusal
list), the task page (edit, progress note, link picker, history) and one POST view per action. Thin: parse, call
a service or a read, render. Leaders read only; another county's plan is a 404."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from dudao.core.errors import ApplicationError
from dudao.core.forms import style_form
from dudao.core.listing import paginate, query_without_page, xlsx_response
from dudao.core.models import Role
from dudao.core.web import attempt, has_role, require_role
from dudao.planning.models import PlanStatus, TaskProgress, WorkArea, YearKind
from dudao.planning.selectors import plans as selectors
from dudao.planning.services import outline as outline_services
from dudao.planning.services import plans as services
from dudao.regions.models import Region, RegionLevel

PLAN_EXPORT = [
    ("编号", lambda p: p.pk), ("标题", lambda p: p.title), ("区域", lambda p: p.region.name),
    ("年度", lambda p: p.year_label), ("文号", lambda p: p.number or ""), ("状态", lambda p: p.get_status_display()),
    ("任务数", lambda p: p.task_count), ("发布时间", lambda p: p.published_at),
]


# ---- forms ---------------------------------------------------------------------------------------------------------

def _office_regions(user):
    return (Region.objects.visible_to(user, as_roles=(Role.OFFICE,))
            .filter(level__in=[RegionLevel.COUNTY, RegionLevel.TOWN]).order_by("code"))


class PlanForm(forms.Form):
    region = forms.ChoiceField(label="区域")
    year = forms.IntegerField(label="年度", help_text="学年度填起始年份，如 2026 表示 2026—2027 学年度")
    year_kind = forms.ChoiceField(label="年度类型", choices=YearKind.choices)
    title = forms.CharField(label="标题", max_length=128)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [(r.code, r.name) for r in _office_regions(user)]
        style_form(self)

    def region_obj(self) -> Region:
        return Region.objects.get(code=self.cleaned_data["region"])


class ImportForm(PlanForm):
    file = forms.FileField(label="大纲文件（Word .docx 或 Excel .xlsx）")


class CopyForm(forms.Form):
    plan = forms.ChoiceField(label="复制哪份工作要点")
    year = forms.IntegerField(label="新年度")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        plans = selectors.plan_list(user).filter(region__in=_office_regions(user))[:100]
        self.fields["plan"].choices = [(p.pk, f"{p.title}（{p.region.name}，{p.get_status_display()}）") for p in plans]
        style_form(self)


class SectionForm(forms.Form):
    title = forms.CharField(label="部分标题", max_length=200)
    area = forms.ChoiceField(label="工作领域", choices=WorkArea.choices)
    order = forms.IntegerField(label="序号", required=False, min_value=0, max_value=999)


class TaskForm(forms.Form):
    text = forms.CharField(label="工作任务", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.CharField(label="责任人或责任区", required=False)  # "u:<id>" | "z:<id>" | ""
    owner_label = forms.CharField(label="责任科室", required=False, max_length=64)
    months = forms.MultipleChoiceField(label="实施月份", required=False, choices=[(m, f"{m}月") for m in range(1, 13)],
                                       widget=forms.CheckboxSelectMultiple)
    due_date = forms.DateField(label="完成期限", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    section = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ProgressForm(forms.Form):
    progress = forms.ChoiceField(label="进展", choices=TaskProgress.choices)
    note = forms.CharField(label="进展说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


def _owner(plan, value: str):
    """The posted owner, resolved through the plan's own choices (never a bare id)."""
    value = (value or "").strip()
    if not value:
        return None, None
    kind, _sep, pk = value.partition(":")
    if not pk.isdecimal() or len(pk) > 18:
        raise ApplicationError("责任人无效。")
    if kind == "u" and int(pk) in selectors.office_staff_ids(plan.region_id):
        return get_user_model().objects.get(pk=int(pk)), None
    if kind == "z":
        zone = selectors.zone_model().objects.filter(pk=int(pk), region_id=plan.region_id).first()
        if zone is not None:
            return None, zone
    raise ApplicationError(f"责任人应为{plan.region.name}督导室的工作人员或本区县的督学责任区。")


def _task_values(plan, form) -> dict:
    data = form.cleaned_data
    user, zone = _owner(plan, data["owner"])
    return {"text": data["text"], "owner_user": user, "owner_zone": zone, "owner_label": data["owner_label"],
            "months": [int(m) for m in data["months"]], "due_date": data["due_date"]}


def _readers_or_owner(user) -> None:
    if not (has_role(user, Role.OFFICE, Role.LEADER) or selectors.tasks_for_owner(user)):
        raise Http404


# ---- pages -----------------------------------------------------------------------------------------------------

@login_required
def plan_list(request):
    _readers_or_owner(request.user)
    filters = {k: request.GET.get(k, "").strip() for k in ("year", "status", "q")}
    plans = selectors.plan_list(request.user, **filters)
    if request.GET.get("export") == "xlsx":
        return xlsx_response("工作要点", "工作要点", PLAN_EXPORT, plans)
    page, size = paginate(request, plans)
    return render(request, "planning/plans_list.html", {
        "page": page, "size": size, "query": query_without_page(request), "filters": filters,
        "statuses": PlanStatus.choices, "years": selectors.plan_years(request.user),
        "can_create": has_role(request.user, Role.OFFICE) and _office_regions(request.user).exists(),
        "my_tasks": selectors.tasks_for_owner(request.user)})


@login_required
@require_role(Role.OFFICE)
def plan_create(request):
    year = timezone.localdate().year
    form = PlanForm(request.POST or None, user=request.user,
                    initial={"year": year, "year_kind": YearKind.CALENDAR, "title": f"{year}年教育督导工作要点"})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=request.user, region=form.region_obj(), year=form.cleaned_data["year"],
                                        year_kind=form.cleaned_data["year_kind"], title=form.cleaned_data["title"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已新建工作要点草稿，请添加部分和工作任务。")
            return redirect("planning:plan_detail", pk=plan.pk)
    return render(request, "planning/plans_form.html", {"form": form, "heading": "新建工作要点"},
                  status=400 if form.is_bound else 200)


@login_required
@require_role(Role.OFFICE)
def plan_import(request):
    year = timezone.localdate().year
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user,
                      initial={"year": year, "year_kind": YearKind.CALENDAR, "title": f"{year}年教育督导工作要点"})
    message, errors = "", []
    if request.method == "POST" and form.is_valid():
        try:
            plan = outline_services.plan_import(
                actor=request.user, region=form.region_obj(), year=form.cleaned_data["year"],
                year_kind=form.cleaned_data["year_kind"], title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"])
        except ApplicationError as exc:
            message, errors = exc.message, exc.errors
        else:
            messages.success(request, f"已导入大纲：{plan.sections.count()} 个部分、{plan.tasks.count()} 项工作任务。"
                                      "请补全责任人和完成期限后发布。")
            return redirect("planning:plan_detail", pk=plan.pk)
    return render(request, "planning/plans_import.html", {"form": form, "message": message, "errors": errors[:50]},
                  status=400 if form.is_bound else 200)


OUTLINE_TEMPLATE = [("部分", lambda r: r[0]), ("工作任务", lambda r: r[1]), ("责任人", lambda r: r[2]),
                    ("月份", lambda r: r[3]), ("完成期限", lambda r: r[4])]


@login_required
@require_role(Role.OFFICE)
def plan_import_template(request):
    """The Excel outline with its five columns and two example rows (replace them before importing)."""
    year = timezone.localdate().year
    rows = [("扎实开展督政工作", "开展乡镇（街道）履行教育职责评价", "督政科", "9-11", f"{year}-11-30"),
            ("", "迎接市政府对区政府履行教育职责评价", "督政科", "5", f"{year}年5月")]
    return xlsx_response("工作要点大纲模板", "大纲", OUTLINE_TEMPLATE, rows)


@login_required
@require_role(Role.OFFICE)
def plan_copy(request):
    form = CopyForm(request.POST or None, user=request.user, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        source = selectors.plan_for(request.user, form.cleaned_data["plan"])
        try:
            plan = services.plan_copy(actor=request.user, plan=source, year=form.cleaned_data["year"])
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已复制为{plan.year_label}草稿：{plan.tasks.count()} 项工作任务，完成期限已顺延，"
                                      "关联和进展未复制。")
            return redirect("planning:plan_detail", pk=plan.pk)
    return render(request, "planning/plans_form.html", {"form": form, "heading": "复制上年工作要点"},
                  status=400 if form.is_bound else 200)


@login_required
@require_role(Role.OFFICE, Role.LEADER)
def plan_detail(request, pk: int):
    plan = selectors.plan_for(request.user, pk)
    today = timezone.localdate()
    office = selectors.is_office(request.user, plan)
    draft = plan.status == PlanStatus.DRAFT
    return render(request, "planning/plans_detail.html", {
        "plan": plan, "tree": selectors.plan_tree(plan, today), "office": office, "draft": draft, "today": today,
        "problems": services.publish_problems(plan) if draft else [],
        "owners": selectors.owner_choices(plan) if office else None, "areas": WorkArea.choices,
        "months": range(1, 13), "next_year": plan.year + 1})


@login_required
def task_detail(request, pk: int):
    task = selectors.task_for(request.user, pk)
    plan = task.plan
    reader = selectors.plans_visible(request.user).filter(pk=plan.pk).exists()
    office = selectors.is_office(request.user, plan)
    kind = request.GET.get("kind", "")
    q = request.GET.get("q", "").strip()[:50]
    rows = [r for s in selectors.plan_tree(plan, timezone.localdate()).sections for r in s.tasks if r.task.pk == task.pk]
    return render(request, "planning/plans_task.html", {
        "plan": plan, "task": task, "row": rows[0], "office": office, "reader": reader,
        "can_progress": services.may_set_progress(request.user, task), "draft": plan.status == PlanStatus.DRAFT,
        "progress_choices": TaskProgress.choices, "history": selectors.task_history(task),
        "owners": selectors.owner_choices(plan) if office else None, "sections": plan.sections.all(),
        "months": range(1, 13), "kinds": selectors.link_kind_choices(), "kind": kind, "q": q,
        "choices": selectors.link_object_choices(request.user, plan, kind, q) if office and kind else []})


# ---- actions ---------------------------------------------------------------------------------------------------

def _back(plan_pk: int, anchor: str = ""):
    return redirect(reverse("planning:plan_detail", args=[plan_pk]) + (f"#{anchor}" if anchor else ""))


@login_required
@require_POST
@require_role(Role.OFFICE)
def plan_publish(request, pk: int):
    plan = selectors.plan_for(request.user, pk)

    def write():
        published = services.plan_publish(actor=request.user, plan=plan)
        return f"已发布，文号：{published.number}。"

    attempt(request, write)
    return _back(pk)


@login_required
@require_POST
@require_role(Role.OFFICE)
def plan_delete(request, pk: int):
    plan = selectors.plan_for(request.user, pk)
    if attempt(request, lambda: services.plan_delete(actor=request.user, plan=plan), "已删除工作要点草稿。"):
        return redirect("planning:plan_list")
    return _back(pk)


@login_required
@require_POST
@require_role(Role.OFFICE)
def plan_copy_one(request, pk: int):
    plan = selectors.plan_for(request.user, pk)
    year = request.POST.get("year", "")
    try:
        copy = services.plan_copy(actor=request.user, plan=plan, year=year)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _back(pk)
    messages.success(request, f"已复制为{copy.year_label}草稿，完成期限已顺延，关联和进展未复制。")
    return _back(copy.pk)


@login_required
@require_POST
@require_role(Role.OFFICE)
def section_add(request, pk: int):
    plan = selectors.plan_for(request.user, pk)
    form = SectionForm(request.POST)
    attempt(request, lambda: services.section_create(
        actor=request.user, plan=plan, title=form.cleaned_data["title"], area=form.cleaned_data["area"],
        order=form.cleaned_data["order"]), "已添加部分。", form=form)
    return _back(pk)


@login_required
@require_POST
@require_role(Role.OFFICE)
def section_edit(request, pk: int):
    section = selectors.section_for(request.user, pk)
    form = SectionForm(request.POST)
    attempt(request, lambda: services.section_update(
        actor=request.user, section=section, title=form.cleaned_data["title"], area=form.cleaned_data["area"],
        order=form.cleaned_data["order"]), "已修改部分。", form=form)
    return _back(section.plan_id, f"section-{pk}")


@login_required
@require_POST
@require_role(Role.OFFICE)
def section_delete(request, pk: int):
    section = selectors.section_for(request.user, pk)
    attempt(request, lambda: services.section_delete(actor=request.user, section=section), "已删除部分及其任务。")
    return _back(section.plan_id)


@login_required
@require_POST
@require_role(Role.OFFICE)
def task_add(request, pk: int):
    section = selectors.section_for(request.user, pk)
    form = TaskForm(request.POST)
    attempt(request, lambda: services.task_create(actor=request.user, section=section,
                                                  **_task_values(section.plan, form)), "已添加工作任务。", form=form)
    return _back(section.plan_id, f"section-{pk}")


@login_required
@require_POST
@require_role(Role.OFFICE)
def task_edit(request, pk: int):
    task = selectors.task_for(request.user, pk)
    form = TaskForm(request.POST)

    def write():
        section_id = form.cleaned_data["section"]
        section = task.plan.sections.filter(pk=section_id).first() if section_id else None
        services.task_update(actor=request.user, task=task, section=section, **_task_values(task.plan, form))
        return "已保存工作任务。"

    attempt(request, write, form=form)
    return redirect("planning:task_detail", pk=pk)


@login_required
@require_POST
@require_role(Role.OFFICE)
def task_delete(request, pk: int):
    task = selectors.task_for(request.user, pk)
    if attempt(request, lambda: services.task_delete(actor=request.user, task=task), "已删除工作任务。"):
        return _back(task.plan_id)
    return redirect("planning:task_detail", pk=pk)


@login_required
@require_POST
def task_progress(request, pk: int):
    task = selectors.task_for(request.user, pk)
    form = ProgressForm(request.POST)
    attempt(request, lambda: services.task_progress_set(
        actor=request.user, task=task, progress=form.cleaned_data["progress"], note=form.cleaned_data["note"]),
        "已记录进展。", form=form)
    return redirect("planning:task_detail", pk=pk)


@login_required
@require_POST
@require_role(Role.OFFICE)
def task_link_add(request, pk: int):
    task = selectors.task_for(request.user, pk)
    attempt(request, lambda: services.task_link_add(actor=request.user, task=task, kind=request.POST.get("kind", ""),
                                                    object_id=request.POST.get("object_id", "")), "已关联。")
    return redirect("planning:task_detail", pk=pk)


@login_required
@require_POST
@require_role(Role.OFFICE)
def task_link_remove(request, pk: int):
    link = selectors.link_for(request.user, pk)
    attempt(request, lambda: services.task_link_remove(actor=request.user, link=link), "已取消关联。")
    return redirect("planning:task_detail", pk=link.task_id)
