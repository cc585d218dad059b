"""驾驶舱: the leader's one screen of cross-module figures, its drill-down and its exports (area: cockpit).
Office and leader users of a region (and administrators); anyone else gets the 404 of a missing page."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from dudao.core.listing import xlsx_sheets_response
from dudao.core.roles import Role
from dudao.core.web import require_role
from dudao.dashboard.selectors import cockpit as selectors
from dudao.dashboard.services import cockpit as services
from dudao.documents.render import render_pdf_bytes

READERS = (Role.OFFICE, Role.LEADER)


def _load(request):
    """The region and the year asked for (404 outside the user's scope), and the cockpit's data for them."""
    region = selectors.cockpit_region(request.user, request.GET.get("region", ""))
    year, valid = selectors.cockpit_year(request.GET.get("year"))
    if not valid:
        messages.warning(request, f"年度“{str(request.GET.get('year'))[:10]}”无效，已显示 {year} 年。")
    state = selectors.cockpit_state(region, year)
    queued = False
    if state.needs_background:
        queued = services.snapshot_request(region_code=region.code, year=year)
    return region, year, state, queued


def _base_context(request, region, year, state, queued) -> dict:
    return {"region": region, "year": year, "state": state, "queued": queued, "data": state.data,
            "updated": selectors.updated_text(state), "years": selectors.year_choices(),
            "regions": selectors.region_choices(request.user, region),
            "live_levels": selectors.LIVE_LEVELS, "query": f"region={region.code}&year={year}"}


@login_required
@require_safe
@require_role(*READERS)
def cockpit(request):
    region, year, state, queued = _load(request)
    context = _base_context(request, region, year, state, queued)
    if state.data is not None:
        context.update(sections=selectors.sections_view(state.data), compare=selectors.comparison(state.data),
                       trends=selectors.trends(region, year, state.data))
    context.update(map_region=region.code, map_year=year)
    return render(request, "dashboard/cockpit/cockpit.html", context)


@login_required
@require_safe
@require_role(*READERS)
def cockpit_metric(request, key: str):
    region, year, state, queued = _load(request)
    context = _base_context(request, region, year, state, queued)
    metric = None
    if state.data is not None:
        metric = selectors.find_metric(state.data, key)
        if metric is None:
            raise Http404("没有这个指标。")
        context.update(metric=selectors.metric_view(metric), rows=selectors.breakdown_rows(state.data, metric))
    context["key"] = key
    return render(request, "dashboard/cockpit/metric.html", context)


def _export_data(request):
    region, year, state, queued = _load(request)
    if state.data is None:
        messages.info(request, "驾驶舱数据正在后台计算，完成后即可导出，请稍后刷新。")
        return None, redirect(reverse("dashboard:cockpit") + f"?region={region.code}&year={year}")
    return (region, year, state), None


def _file_name(region, year, ext: str) -> str:
    return f"{region.name}{year}年教育督导驾驶舱.{ext}"


@login_required
@require_safe
@require_role(*READERS)
def cockpit_pdf(request):
    loaded, refused = _export_data(request)
    if refused:
        return refused
    region, year, state = loaded
    context = {"region": region, "year": year, "data": state.data, "sections": selectors.sections_view(state.data),
               "compare": selectors.comparison(state.data), "updated": selectors.updated_text(state),
               "generated": timezone.localtime().strftime("%Y-%m-%d %H:%M")}
    pdf = render_pdf_bytes("dashboard/cockpit/pdf.html", context)
    services.cockpit_exported(actor=request.user, region=region, year=year, fmt="PDF")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(_file_name(region, year, 'pdf'))}"
    return response


def _figure_columns():
    return [("板块", lambda m: m["section_title"]), ("指标", lambda m: m["label"]), ("本年", lambda m: m.get("value")),
            ("上年", lambda m: m.get("previous")), ("单位", lambda m: m.get("unit", "")),
            ("标准线", lambda m: m.get("limit")), ("越高越好", lambda m: bool(m.get("higher_is_better", True))),
            ("说明", lambda m: m.get("note", "")), ("数据来源", lambda m: m.get("source", ""))]


def _compare_columns(compare):
    columns = [("下级", lambda r: r["child"]["label"])]
    for i, m in enumerate(compare["columns"]):
        title = f"{m['label']}（{m['unit']}）" if m.get("unit") else m["label"]
        columns.append((title, lambda r, i=i: r["cells"][i]["value"]))
    return columns


@login_required
@require_safe
@require_role(*READERS)
def cockpit_xlsx(request):
    loaded, refused = _export_data(request)
    if refused:
        return refused
    region, year, state = loaded
    compare = selectors.comparison(state.data)
    response = xlsx_sheets_response(f"{region.name}{year}年教育督导驾驶舱", [
        ("指标", _figure_columns(), selectors.all_metrics(state.data)),
        ("下级对比", _compare_columns(compare), compare["rows"]),
    ])
    services.cockpit_exported(actor=request.user, region=region, year=year, fmt="Excel")
    return response
