"""督导档案 pages: the list of years (status, last export, 导出档案 / 归档 / 重新开放), a year's 案卷目录 by category,
the export's progress panel (htmx polling) and the download of the zip. Thin: one action per view; writes in
services/archive.py, reads in selectors/archive.py. Office staff and leaders of the region read; the office writes;
an administrator reopens. Everything else is the same 404 as a missing page."""

from urllib.parse import quote, urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from dudao.core.listing import xlsx_response
from dudao.core.scope import scope_for
from dudao.core.web import attempt
from dudao.planning.models import ArchiveYear, JobStatus
from dudao.planning.selectors import archive as selectors
from dudao.planning.services import archive as services
from dudao.worker.recovery import workers_alive

UNFINISHED = {JobStatus.PENDING, JobStatus.RUNNING}
CATEGORY_PAGE = 100
CATALOGUE_COLUMNS = [("序号", lambda r: r["no"]), ("题名", lambda r: r["title"]), ("日期", lambda r: r["day"]),
                     ("文件名", lambda r: r["filename"]), ("大小（字节）", lambda r: r["size"] if r["size"] is not None else ""),
                     ("来源", lambda r: r["source"])]


class ReopenForm(forms.Form):
    reason = forms.CharField(label="重新开放理由", max_length=500, widget=forms.Textarea(
        attrs={"rows": 2, "class": "form-control form-control-sm"}))


def _year(year) -> int:
    try:
        return int(year)
    except (TypeError, ValueError):
        raise Http404 from None


@login_required
@require_safe
def archive_list(request):
    return render(request, "planning/archive_list.html", {
        "blocks": selectors.archive_list(request.user), "admin": scope_for(request.user).everything,
        "office_codes": {r.code for r in selectors.archive_regions(request.user)
                         if selectors.writes_archive(request.user, r.code)},
        "reopen_form": ReopenForm()})


@login_required
@require_safe
def archive_year(request, code: str, year: int):
    region = selectors.get_region_for(request.user, code)
    year = _year(year)
    row = selectors.year_row(region, year)
    blocks = selectors.catalogue(region, year)
    chosen = request.GET.get("c") or next((b.category for b in blocks if b.count), blocks[0].category)
    block = next((b for b in blocks if b.category == chosen), None)
    if block is None:
        raise Http404
    q = request.GET.get("q", "").strip()[:100]
    rows = selectors.search_rows(block.rows, q)
    if request.GET.get("export") == "xlsx":
        return xlsx_response(f"{region.name}{year}年度案卷目录_{block.label}", block.label[:31], CATALOGUE_COLUMNS, rows)
    page = Paginator(rows, CATEGORY_PAGE).get_page(request.GET.get("page"))
    export = row.last_export
    return render(request, "planning/archive_year.html", {
        "region": region, "year": year, "row": row, "blocks": blocks, "current": block, "page": page, "q": q,
        "query": urlencode({"c": block.category, "q": q}), "total": sum(b.count for b in blocks),
        "office": selectors.writes_archive(request.user, region.code), "admin": scope_for(request.user).everything,
        "export": export, "workers": workers_alive() if export is not None and export.status in UNFINISHED else 0,
        "history": selectors.export_history(row.archive), "transitions": selectors.transitions(row.archive),
        "reopen_form": ReopenForm()})


@login_required
@require_POST
def archive_export_start(request, code: str, year: int):
    region = selectors.get_region_for(request.user, code)
    attempt(request, lambda: services.export_start(actor=request.user, region=region, year=_year(year)),
            "已开始导出档案，进度见下方；完成后可下载。")
    return redirect("planning:archive_year", code=region.code, year=year)


@login_required
@require_POST
def archive_lock(request, code: str, year: int):
    region = selectors.get_region_for(request.user, code)
    attempt(request, lambda: services.archive_lock(actor=request.user, region=region, year=_year(year)),
            f"已归档{region.name}{year}年度：该年度的记录不能再修改。")
    return redirect("planning:archive_year", code=region.code, year=year)


@login_required
@require_POST
def archive_reopen(request, code: str, year: int):
    region = selectors.get_region_for(request.user, code)
    archive = ArchiveYear.objects.filter(region=region, year=_year(year)).first()
    if archive is None:
        raise Http404
    form = ReopenForm(request.POST)
    attempt(request, lambda: services.archive_reopen(actor=request.user, archive=archive,
                                                     reason=form.cleaned_data["reason"]),
            f"已重新开放{region.name}{year}年度。", form=form, invalid="请填写重新开放的理由（不超过 500 字）。")
    return redirect("planning:archive_year", code=region.code, year=year)


@login_required
@require_safe
def archive_export_progress(request, pk: int):
    """The export panel, polled by htmx every 2 s until the export is done or failed."""
    export = selectors.get_export_for(request.user, pk)
    return render(request, "planning/_archive_export.html", {
        "export": export, "office": selectors.writes_archive(request.user, export.archive.region_id),
        "workers": workers_alive() if export.status in UNFINISHED else 0})


@login_required
@require_safe
def archive_export_download(request, pk: int):
    """The zip, streamed from storage (office and leaders of the region)."""
    export = selectors.get_export_for(request.user, pk)
    if export.status != JobStatus.DONE or not export.file_name:
        raise Http404
    try:
        handle = default_storage.open(export.file_name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="application/zip")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(services.download_name(export))}"
    return response
