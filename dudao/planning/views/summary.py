"""Views of planning: 工作总结 (issue 20 item 6). Thin: one action per view; writes in services, reads in selectors.
Office and leaders of the region read and download; only the office generates."""

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from dudao.core.web import attempt
from dudao.planning.models import JobStatus, SummaryKind
from dudao.planning.selectors import summary as selectors
from dudao.planning.services import summary as services
from dudao.worker.recovery import workers_alive


def _back(region_code: str, report_id: int | None = None) -> str:
    url = reverse("planning:summary_list") + f"?region={region_code}"
    return url + (f"&report={report_id}" if report_id else "")


def _report_param(value) -> int | None:
    return int(value) if str(value or "").isdecimal() and len(str(value)) < 10 else None


@login_required
@require_safe
def summary_list(request):
    region = selectors.summary_region(request.user, request.GET.get("region", ""))
    reports = list(selectors.summary_reports(request.user, region)[:50])
    chosen = _report_param(request.GET.get("report"))
    preview = next((r for r in reports if r.pk == chosen), None) if chosen else \
        next((r for r in reports if r.status == JobStatus.DONE), None)
    context = {
        "region": region, "regions": selectors.summary_regions(request.user), "reports": reports,
        "office": selectors.may_generate(request.user, region.code), "preview": preview,
        "sections": selectors.preview_sections(preview), "polling": selectors.unfinished(reports),
        "workers": workers_alive() if selectors.unfinished(reports) else 0,
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 10, -1)),
        "this_year": timezone.localdate().year, "kinds": SummaryKind.choices,
    }
    template = "planning/summary_drafts.html" if request.headers.get("HX-Request") else "planning/summary_list.html"
    return render(request, template, context)


@login_required
@require_POST
def summary_request(request):
    region = selectors.summary_region(request.user, request.POST.get("region", ""))
    kind = request.POST.get("kind", SummaryKind.ANNUAL)
    quarter = request.POST.get("quarter") if kind == SummaryKind.QUARTERLY else None
    attempt(request, lambda: services.summary_request(actor=request.user, region=region, year=request.POST.get("year"),
                                                      kind=kind, quarter=quarter),
            "已开始生成草稿，完成后可在下方下载。")
    return redirect(_back(region.code))


@login_required
@require_POST
def summary_retry(request, pk: int):
    report = selectors.get_summary_for(request.user, pk)
    attempt(request, lambda: services.summary_retry(actor=request.user, report=report), "已重新排队生成。")
    return redirect(_back(report.region_id))


@login_required
@require_safe
def summary_download(request, pk: int):
    report = selectors.get_summary_for(request.user, pk)
    if report.status != JobStatus.DONE or not report.file_name or not default_storage.exists(report.file_name):
        raise Http404("该草稿还没有生成完成。")
    return FileResponse(default_storage.open(report.file_name, "rb"), as_attachment=True,
                        filename=services.file_name(report),
                        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
