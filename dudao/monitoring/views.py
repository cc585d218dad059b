"""评估监测 pages: the 优质均衡 county dashboard, its Excel export and 监测报告, and the statistics import."""

from urllib.parse import quote

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from dudao.core.errors import ApplicationError
from dudao.core.listing import xlsx_sheets_response
from dudao.core.models import Role
from dudao.core.scope import scope_for
from dudao.documents.render import render_pdf_bytes
from dudao.documents.selectors import render_docx
from dudao.monitoring import selectors, services
from dudao.monitoring.imports import stats_import, template_bytes


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
                       charts={"cv": selectors.cv_chart(report), "trend": selectors.balanced_trend(request.user, county),
                               "heat": {s: selectors.heatmap(report, s) for s in ("primary", "junior")}})
    return render(request, "monitoring/balanced.html", context)


def _report(request):
    _require_region_staff(request.user)
    _counties, county, years, year = _chosen(request)
    if county is None or year not in years:
        raise Http404("该县（区）该学年没有统计数据。")
    return selectors.balanced_report(request.user, county, year)


@login_required
def balanced_export(request):
    report = _report(request)
    t = selectors.report_tables(report)

    def cols(*pairs):
        return [(title, lambda row, key=key: row[key]) for title, key in pairs]

    return xlsx_sheets_response(f"{report.county.name}{report.year}学年优质均衡监测", [
        ("差异系数", cols(("学段", "stage"), ("指标", "indicator"), ("学校数", "schools"), ("县域均值", "mean"),
                          ("单位", "unit"), ("差异系数", "cv"), ("上限", "limit"), ("结果", "result")), t["cvs"]),
        ("学校指标", cols(("学校标识码", "code"), ("学校", "name"), ("学段", "stage"), ("在校生数", "students"),
                          ("达标项数", "met"), ("最低达标比例", "min_ratio"), ("结果", "result"), ("缺口", "gaps")),
         t["schools"]),
        ("差异系数达标方案", cols(("学段", "stage"), ("指标", "indicator"), ("学校标识码", "code"), ("学校", "name"),
                                 ("现值", "value"), ("补至", "level"), ("需增加", "addition"), ("单位", "unit"),
                                 ("现差异系数", "cv"), ("补足后差异系数", "cv_after")), t["fixes"]),
        ("差异贡献最大学校", cols(("学段", "stage"), ("指标", "indicator"), ("学校", "name"), ("现值", "value"),
                                  ("县域均值", "mean"), ("占差异比重", "share"), ("方向", "direction")), t["contributors"]),
        ("不参与计算学校", cols(("学校标识码", "code"), ("学校", "name"), ("原因", "reason")), t["excluded"]),
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
        context.update(result=result, form=form, tables=selectors.preschool_tables(result) if result else None)
    return render(request, "monitoring/preschool.html", context)
