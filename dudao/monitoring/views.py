"""评估监测 pages: the 优质均衡 county dashboard, its Excel export and 监测报告, and the statistics import."""

from urllib.parse import quote

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from dudao.core.dates import cn_date
from dudao.core.errors import ApplicationError
from dudao.core.forms import form_error
from dudao.core.listing import xlsx_sheets_response
from dudao.core.models import Role
from dudao.core.scope import scope_for
from dudao.core.tabular import read_import_file
from dudao.core.web import attempt, ensure_role, require_role
from dudao.documents.decorators import document_errors
from dudao.documents.render import render_pdf_bytes
from dudao.documents.selectors import render_docx
from dudao.monitoring import selectors, services
from dudao.monitoring.imports import stats_import, template_bytes


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
@require_role(Role.OFFICE, Role.LEADER)
def balanced(request):
    counties, county, years, year = _chosen(request)
    context = {"counties": counties, "county": county, "years": years, "year": year}
    if county and year in years:
        report = selectors.balanced_report(request.user, county, year)
        trend = selectors.balanced_trend(request.user, county)
        context.update(trend_stages=selectors.trend_stages(trend), report=report, tables=selectors.report_tables(report),
                       guarantee=selectors.guarantee_section(request.user, county, year),
                       office=scope_for(request.user).everything or scope_for(request.user).has_role(Role.OFFICE),
                       charts={"cv": selectors.cv_chart(report), "trend": trend,
                               "heat": {s: selectors.heatmap(report, s) for s in ("primary", "junior")}})
    return render(request, "monitoring/balanced.html", context)


def _report(request):
    ensure_role(request.user, Role.OFFICE, Role.LEADER)
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
            "office": f"{report.county.name}人民政府教育督导室", "generated_on": cn_date(today),
            **selectors.report_tables(report)}


@login_required
@document_errors
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
@require_role(Role.OFFICE)
def stats_import_view(request):
    form = StatsImportForm(request.POST or None, request.FILES or None)
    result, message, errors = None, "", []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = stats_import(actor=request.user, data=read_import_file(upload), filename=upload.name,
                                  confirm=form.cleaned_data["confirm"])
        except ApplicationError as exc:
            message, errors = exc.message, exc.errors
    return render(request, "monitoring/import.html", {
        "form": form, "result": result, "message": message, "errors": errors[:500], "error_total": len(errors),
        "imports": selectors.recent_imports(request.user)}, status=400 if message else 200)


@login_required
@require_role(Role.OFFICE)
def stats_template(request):
    response = HttpResponse(template_bytes(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote('学校年度统计数据导入模板.xlsx')}"
    return response


class CountyInputsForm(forms.Form):
    population_3_5 = forms.IntegerField(label="全县 3—5 周岁常住人口数", required=False, min_value=1)
    recognition_rate = forms.FloatField(label="社会认可度（%）", required=False, min_value=0, max_value=100)


@login_required
@require_role(Role.OFFICE, Role.LEADER)
def preschool_view(request):
    counties, county, years, year = _chosen(request)
    context = {"counties": counties, "county": county, "years": years, "year": year,
               "can_edit": scope_for(request.user).everything or scope_for(request.user).has_role(Role.OFFICE)}
    if county and year in years:
        inputs = selectors.county_inputs(county, year)
        form = CountyInputsForm(request.POST or None, initial={
            "population_3_5": inputs.population_3_5 if inputs else None,
            "recognition_rate": inputs.recognition_rate if inputs else None})
        if request.method == "POST" and form.is_valid():
            if attempt(request, lambda: services.county_inputs_save(
                    actor=request.user, county=county, year=year, **form.cleaned_data), "县域监测数据已保存。"):
                return redirect(f"{request.path}?county={county.code}&year={year}")
        elif request.method == "POST":
            form_error(request, form)
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


@login_required
@require_role(Role.OFFICE)
def guarantee_evidence(request):
    """POST: the office's evidence for one material item; back to the dashboard with the outcome."""
    if request.method != "POST":
        raise Http404
    _counties, county, _years, year = _chosen(request)
    if county is None:
        raise Http404
    attempt(request, lambda: services.guarantee_evidence_save(
        actor=request.user, county=county, year=year, item=request.POST.get("item", ""),
        note=request.POST.get("note", ""), uploads=request.FILES.getlist("files")), "佐证材料已保存。")
    return redirect(f"{reverse('monitoring:balanced')}?county={county.code}&year={year}#guarantee")
