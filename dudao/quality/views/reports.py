"""监测报告 pages: a round's reports (list, downloads, the batch panel with its progress), starting and retrying
the batch (office; one POST view each), and one report rendered on demand. Thin: parse, call, render.

Who reads what: the county's office every report of a round from 成绩已导入 on, its leaders once it is published; a
school user (and an inspector assigned to the school) only that school's report and only once the round is published.
Everything else is the same 404 as a missing page."""


from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from dudao.core.scope import scope_for
from dudao.core.web import attempt
from dudao.documents.decorators import document_errors
from dudao.quality.models import Report, ReportBatch, ReportFormat, ReportStatus, Round, RoundStatus
from dudao.quality.selectors import get_round_for, holds_office, office_round_or_404
from dudao.quality.services import reports
from dudao.quality.views import attachment, stored_file
from dudao.schools.models import School
from dudao.worker.recovery import workers_alive

UNFINISHED = {ReportStatus.PENDING, ReportStatus.RUNNING}


def _schools_of(user, round: Round) -> list[School]:
    """The schools of the round whose report the user may read now (see the module's docstring)."""
    if reports.reads_county(user, round):
        return list(School.objects.filter(quality_rounds__round=round).order_by("code"))
    if round.status != RoundStatus.PUBLISHED:
        return []
    return list(School.objects.filter(quality_rounds__round=round, pk__in=scope_for(user).school_ids).order_by("code"))


def _round(request, pk: int) -> Round:
    round = get_round_for(request.user, pk)
    if not reports.reads_county(request.user, round) and not _schools_of(request.user, round):
        raise Http404
    return round


@login_required
@require_safe
def report_list(request, pk: int):
    round = _round(request, pk)
    county = reports.reads_county(request.user, round)
    batch = round.report_batches.first() if county else None
    schools = {s.pk: s for s in _schools_of(request.user, round)}
    stored = reports.latest_reports(round, request.user)
    by_school: dict = {}
    for report in stored:
        if report.school_id is None and not county:
            continue
        if report.school_id is not None and report.school_id not in schools:
            continue
        by_school.setdefault(report.school_id, {})[report.format] = report
    rows = [{"school": s, "docx": by_school.get(s.pk, {}).get("docx"), "pdf": by_school.get(s.pk, {}).get("pdf")}
            for s in schools.values()]
    return render(request, "quality/reports.html", {
        "round": round, "county": county, "office": holds_office(request.user, round.region_id), "batch": batch,
        "district": by_school.get(None, {}), "rows": rows,
        "workers": workers_alive() if batch is not None and batch.status in UNFINISHED else 0,
        "can_generate": round.status in reports.ROUND_STATUSES_WITH_RESULTS})


@login_required
@require_POST
def report_batch_start(request, pk: int):
    round = office_round_or_404(request.user, pk)
    attempt(request, lambda: reports.report_batch_start(actor=request.user, round=round),
            "已开始生成全区和各校监测报告，进度见下方。")
    return redirect("quality:reports", pk=pk)


@login_required
@require_POST
def report_batch_retry(request, pk: int):
    round = office_round_or_404(request.user, pk)
    batch = round.report_batches.first()  # only the round's latest batch can be retried
    if batch is None:
        messages.error(request, "该轮次没有生成监测报告的记录。")
    else:
        attempt(request, lambda: reports.report_batch_retry(actor=request.user, batch=batch), "已重新排队，进度见下方。")
    return redirect("quality:reports", pk=pk)


@login_required
@require_safe
def report_batch_progress(request, pk: int):
    """The progress panel, polled by htmx every second until the batch is done (county staff only)."""
    batch = ReportBatch.objects.visible_to(request.user).select_related("round").filter(pk=pk).first()
    if batch is None or not reports.reads_county(request.user, batch.round):
        raise Http404
    return render(request, "quality/_report_batch.html", {
        "batch": batch, "office": holds_office(request.user, batch.round.region_id),
        "workers": workers_alive() if batch.status in UNFINISHED else 0})


@login_required
@require_safe
def report_download(request, pk: int):
    """A stored report, streamed after the scope check."""
    report = Report.objects.visible_to(request.user).select_related("round", "file", "school").filter(pk=pk).first()
    if report is None or not reports.may_read(request.user, report):
        raise Http404
    return stored_file(report.file)


@login_required
@require_safe
@document_errors
def school_report_now(request, pk: int, school: int, fmt: str):
    """One school's report rendered now from the current figures (Word or PDF): county staff only. A school reads
    its archived report (a render refits every subject's model: not something every reader may set off at will)."""
    round = _round(request, pk)
    if not reports.reads_county(request.user, round):
        raise Http404
    chosen = next((s for s in _schools_of(request.user, round) if s.pk == school), None)
    if chosen is None or fmt not in ReportFormat.values or round.status not in reports.ROUND_STATUSES_WITH_RESULTS:
        raise Http404
    return attachment(*reports.report_render(actor=request.user, round=round, school=chosen, fmt=fmt))


@login_required
@require_safe
@document_errors
def district_report_now(request, pk: int, fmt: str):
    """The district report rendered now (county staff only)."""
    round = _round(request, pk)
    if not reports.reads_county(request.user, round) or fmt not in ReportFormat.values \
            or round.status not in reports.ROUND_STATUSES_WITH_RESULTS:
        raise Http404
    return attachment(*reports.report_render(actor=request.user, round=round, fmt=fmt))
