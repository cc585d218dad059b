"""评估监测 pages: the 优质均衡 county dashboard, its Excel export and 监测报告, and the statistics import."""

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from dudao.core.errors import ApplicationError
from dudao.core.listing import xlsx_sheets_response
from dudao.core.models import Role
from dudao.core.scope import scope_for
from dudao.documents.render import render_pdf_bytes
from dudao.documents.selectors import render_docx
from dudao.monitoring import campaigns as campaigns_service
from dudao.monitoring import selectors, services
from dudao.monitoring.imports import stats_import, template_bytes
from dudao.monitoring.models import Campaign, CampaignKind
from dudao.regions.models import GovUnit
from dudao.schools.models import School


def _require_region_staff(user) -> None:
    scope = scope_for(user)
    if not (scope.everything or scope.has_role(Role.OFFICE, Role.LEADER)):
        raise Http404


def _require_office(user) -> None:
    scope = scope_for(user)
    if not (scope.everything or scope.has_role(Role.OFFICE)):
        raise Http404


def _chosen(request):
    """The county and year asked for (defaults: the first county with statistics, its latest year)."""
    counties = list(selectors.counties_visible(request.user))
    code = request.GET.get("county", "").strip()
    county = next((c for c in counties if c.code == code), None)
    if code and county is None:
        raise Http404("未找到该县（区），或您无权查看。")
    if county is None:
        county = next((c for c in counties if selectors.years_available(request.user, c.code)), None)
    years = selectors.years_available(request.user, county.code) if county else []
    try:
        year = int(request.GET.get("year") or (years[0] if years else 0))
    except ValueError:
        raise Http404("学年格式不正确。") from None
    return counties, county, years, year


@login_required
def balanced(request):
    _require_region_staff(request.user)
    counties, county, years, year = _chosen(request)
    context = {"counties": counties, "county": county, "years": years, "year": year}
    if county and year in years:
        report = selectors.balanced_report(request.user, county, year)
        context.update(report=report, tables=selectors.report_tables(report),
                       guarantee=selectors.guarantee_section(request.user, county, year),
                       office=scope_for(request.user).everything or scope_for(request.user).has_role(Role.OFFICE),
                       charts={"cv": selectors.cv_chart(report), "trend": selectors.balanced_trend(request.user, county),
                               "heat": {s: selectors.heatmap(report, s) for s in ("primary", "junior")}})
    return render(request, "monitoring/balanced.html", context)


def _report(request):
    _require_region_staff(request.user)
    _counties, county, years, year = _chosen(request)
    if county is None or year not in years:
        raise Http404("该县（区）该学年没有统计数据。")
    return selectors.balanced_report(request.user, county, year)


def _cols(*pairs):
    """Export columns from (Chinese title, key) pairs over the display rows of the selectors."""
    return [(title, lambda row, key=key: row[key]) for title, key in pairs]


@login_required
def balanced_export(request):
    report = _report(request)
    t = selectors.report_tables(report)

    return xlsx_sheets_response(f"{report.county.name}{report.year}学年优质均衡监测", [
        ("差异系数", _cols(("学段", "stage"), ("指标", "indicator"), ("学校数", "schools"), ("县域均值", "mean"),
                          ("单位", "unit"), ("差异系数", "cv"), ("上限", "limit"), ("结果", "result")), t["cvs"]),
        ("学校指标", _cols(("学校标识码", "code"), ("学校", "name"), ("学段", "stage"), ("在校生数", "students"),
                          ("达标项数", "met"), ("最低达标比例", "min_ratio"), ("结果", "result"), ("缺口", "gaps")),
         t["schools"]),
        ("差异系数达标方案", _cols(("学段", "stage"), ("指标", "indicator"), ("学校标识码", "code"), ("学校", "name"),
                                 ("现值", "value"), ("补至", "level"), ("需增加", "addition"), ("单位", "unit"),
                                 ("现差异系数", "cv"), ("补足后差异系数", "cv_after")), t["fixes"]),
        ("差异贡献最大学校", _cols(("学段", "stage"), ("指标", "indicator"), ("学校", "name"), ("现值", "value"),
                                  ("县域均值", "mean"), ("占差异比重", "share"), ("方向", "direction")), t["contributors"]),
        ("不参与计算学校", _cols(("学校标识码", "code"), ("学校", "name"), ("原因", "reason")), t["excluded"]),
    ])


def report_context(report) -> dict:
    today = timezone.localdate()
    return {"title": f"{report.county.name}{report.year}—{report.year + 1}学年义务教育优质均衡发展监测报告",
            "county": report.county.name, "year": f"{report.year}—{report.year + 1}学年",
            "office": f"{report.county.name}人民政府教育督导室", "generated_on": f"{today:%Y年%-m月%-d日}",
            **selectors.report_tables(report)}


@login_required
def balanced_document(request, fmt: str):
    report = _report(request)
    context = report_context(report)
    name = quote(f"{context['title']}.{fmt}")
    if fmt == "docx":
        response = HttpResponse(render_docx("balanced_report", report.county.code, context),
                                content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    else:
        response = HttpResponse(render_pdf_bytes("monitoring/balanced_report.html", context),
                                content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response


class StatsImportForm(forms.Form):
    file = forms.FileField(label="统计数据文件（.xlsx / .csv）")
    confirm = forms.BooleanField(label="我已核对上述数据提示，确认导入", required=False)


@login_required
def stats_import_view(request):
    _require_office(request.user)
    form = StatsImportForm(request.POST or None, request.FILES or None)
    result, message, errors = None, "", []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = stats_import(actor=request.user, data=upload.read(), filename=upload.name,
                                  confirm=form.cleaned_data["confirm"])
        except ApplicationError as exc:
            message, errors = exc.message, exc.errors
    return render(request, "monitoring/import.html", {
        "form": form, "result": result, "message": message, "errors": errors[:500], "error_total": len(errors),
        "imports": selectors.recent_imports(request.user)}, status=400 if message else 200)


@login_required
def stats_template(request):
    _require_office(request.user)
    response = HttpResponse(template_bytes(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('学校年度统计数据导入模板.xlsx')}"
    return response


class CountyInputsForm(forms.Form):
    population_3_5 = forms.IntegerField(label="全县 3—5 周岁常住人口数", required=False, min_value=1)
    recognition_rate = forms.FloatField(label="社会认可度（%）", required=False, min_value=0, max_value=100)


@login_required
def preschool_view(request):
    _require_region_staff(request.user)
    counties, county, years, year = _chosen(request)
    context = {"counties": counties, "county": county, "years": years, "year": year,
               "can_edit": scope_for(request.user).everything or scope_for(request.user).has_role(Role.OFFICE)}
    if county and year in years:
        inputs = selectors.county_inputs(county, year)
        form = CountyInputsForm(request.POST or None, initial={
            "population_3_5": inputs.population_3_5 if inputs else None,
            "recognition_rate": inputs.recognition_rate if inputs else None})
        if request.method == "POST" and form.is_valid():
            try:
                services.county_inputs_save(actor=request.user, county=county, year=year, **form.cleaned_data)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "县域监测数据已保存。")
                return redirect(f"{request.path}?county={county.code}&year={year}")
        elif request.method == "POST":
            messages.error(request, "输入有误：" + "；".join(v[0] for v in form.errors.values()))
        result = selectors.preschool_report(request.user, county, year)
        if result and request.GET.get("export") == "xlsx":
            tables = selectors.preschool_tables(result)
            return xlsx_sheets_response(f"{county.name}{year}学年学前普及普惠监测", [
                ("县域指标", _cols(("指标", "label"), ("本县", "value"), ("标准", "limit"), ("结果", "status")), tables["cards"]),
                ("各幼儿园", _cols(("幼儿园", "name"), ("性质", "kind"), ("在园幼儿（人）", "children"), ("师幼比", "ratio"),
                                   ("持证/专任教师", "certified"), ("超额班级", "oversized"), ("生均面积（㎡/人）", "space"),
                                   ("需补足", "needs")), tables["rows"])])
        context.update(result=result, form=form, tables=selectors.preschool_tables(result) if result else None)
    return render(request, "monitoring/preschool.html", context)


# ---- 创建 campaigns ----------------------------------------------------------------------------------------------

class CampaignForm(forms.Form):
    kind = forms.ChoiceField(label="创建类型", choices=CampaignKind.choices,
                             widget=forms.Select(attrs={"class": "form-select"}))
    name = forms.CharField(label="名称", max_length=128)
    target_year = forms.IntegerField(label="迎接国家评估认定年份", min_value=2000, max_value=2100)


class TaskForm(forms.Form):
    title = forms.CharField(label="任务", max_length=255)
    owner = forms.ChoiceField(label="责任单位（学校）", widget=forms.Select(attrs={"class": "form-select"}))
    measures = forms.CharField(label="措施", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    deadline = forms.DateField(label="完成时限", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, county_code: str, **kwargs):
        super().__init__(*args, **kwargs)
        units = GovUnit.objects.filter(region__code__startswith=county_code).order_by("code")
        schools = School.objects.filter(region__code__startswith=county_code).exclude(
            school_type="training").order_by("code")
        self.fields["owner"].choices = [("", "请选择")] + [
            ("政府单位", [(f"unit:{u.pk}", u.name) for u in units]),
            ("学校", [(f"school:{s.pk}", s.name) for s in schools])]
        self._units = {f"unit:{u.pk}": u for u in units}
        self._schools = {f"school:{s.pk}": s for s in schools}

    def owner_kwargs(self) -> dict:
        key = self.cleaned_data["owner"]
        return {"unit": self._units.get(key), "school": self._schools.get(key)}


def _form_error(request, form) -> None:
    messages.error(request, "输入有误：" + "；".join(f"{form.fields[k].label if k in form.fields else ''}{v[0]}"
                                                 for k, v in form.errors.items()))


@login_required
def campaign_list(request):
    office = scope_for(request.user).everything or scope_for(request.user).has_role(Role.OFFICE)
    campaigns = list(selectors.campaign_list(request.user))
    if not campaigns and not office and scope_for(request.user).is_empty:
        raise Http404
    counties = list(selectors.counties_visible(request.user)) if office else []
    form = CampaignForm(request.POST or None)
    if request.method == "POST":
        county = next((c for c in counties if c.code == request.POST.get("county")), None)
        if not form.is_valid() or county is None:
            messages.error(request, "输入有误：请填写创建类型、县（区）、名称和年份。")
        else:
            try:
                campaign = campaigns_service.campaign_create(actor=request.user, county=county, **form.cleaned_data)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "创建工作已建立，请分解任务清单。")
                return redirect("monitoring:campaign_detail", pk=campaign.pk)
    return render(request, "monitoring/campaign_list.html", {
        "campaigns": campaigns, "form": form, "counties": counties, "office": office})


@login_required
def campaign_detail(request, pk: int):
    from dudao.core.scope import get_visible_or_404

    campaign = get_visible_or_404(Campaign.objects.select_related("county"), request.user, pk=pk)
    office = scope_for(request.user).everything or (
        scope_for(request.user).has_role(Role.OFFICE) and scope_for(request.user).covers_region(campaign.county_id))
    form = TaskForm(request.POST or None, county_code=campaign.county_id)
    if request.method == "POST":
        if not office:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                campaigns_service.task_add(actor=request.user, campaign=campaign, title=data["title"],
                                           measures=data["measures"], deadline=data["deadline"], **form.owner_kwargs())
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "任务已加入清单。")
                return redirect("monitoring:campaign_detail", pk=pk)
        else:
            _form_error(request, form)
    today = timezone.localdate()
    tasks = selectors.campaign_tasks(request.user, campaign)
    if request.GET.get("export") == "xlsx":
        return xlsx_sheets_response(campaign.name, [("任务清单", [
            ("任务", lambda t: t.title), ("责任单位（学校）", lambda t: str(t.owner)), ("措施", lambda t: t.measures),
            ("完成时限", lambda t: t.deadline.isoformat()), ("进度（%）", lambda t: t.progress),
            ("状态", lambda t: selectors.STATE_LABELS[t.state(today)]),
            ("完成日期", lambda t: t.done_at.isoformat() if t.done_at else "")], tasks)])
    return render(request, "monitoring/campaign_detail.html", {
        "campaign": campaign, "board": selectors.campaign_board(tasks, today), "tasks": tasks, "today": today,
        "form": form, "office": office, "labels": selectors.STATE_LABELS})


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label="进度（%）", min_value=0, max_value=100)
    note = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 3}))


@login_required
def task_detail(request, pk: int):
    task = selectors.task_for(request.user, pk)
    form = ProgressForm(request.POST or None, initial={"progress": task.progress})
    if request.method == "POST":
        if form.is_valid():
            try:
                campaigns_service.progress_report(
                    actor=request.user, task=task, today=timezone.localdate(), uploads=request.FILES.getlist("evidence"),
                    **form.cleaned_data)
            except ApplicationError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, "进展已报告。")
                return redirect("monitoring:task_detail", pk=pk)
        else:
            _form_error(request, form)
    return render(request, "monitoring/task_detail.html", {
        "task": task, "form": form, "can_report": campaigns_service.can_report(request.user, task) and not task.done_at,
        "updates": task.updates.select_related("reported_by").prefetch_related("evidence"),
        "state": selectors.STATE_LABELS[task.state(timezone.localdate())]})


@login_required
def guarantee_evidence(request):
    """POST: the office's evidence for one material item; back to the dashboard with the outcome."""
    if request.method != "POST":
        raise Http404
    _require_office(request.user)
    _counties, county, _years, year = _chosen(request)
    if county is None:
        raise Http404
    try:
        services.guarantee_evidence_save(actor=request.user, county=county, year=year, item=request.POST.get("item", ""),
                                         note=request.POST.get("note", ""), uploads=request.FILES.getlist("files"))
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "佐证材料已保存。")
    return redirect(f"{reverse('monitoring:balanced')}?county={county.code}&year={year}#guarantee")
