"""outputs views (issue 23): the 检查报告 download (.docx / .pdf), the 通报 draft page and its publish action, the
leader summary save, and `outputs_panel(request, round)`: the context of checks/_outputs_panel.html, which the
round page (views/rounds.py round_detail) includes. Thin: parse, read, call one service, render."""

import logging
import time
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from dudao.checks.selectors import outputs as selectors
from dudao.checks.services import outputs as services
from dudao.core.errors import ApplicationError
from dudao.core.roles import Role
from dudao.core.web import require_role

logger = logging.getLogger(__name__)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
STAFF = (Role.OFFICE, Role.LEADER)


def outputs_panel(request, round) -> dict:
    """The round page's 检查报告 / 领导摘要 / 通报 panel (office and leaders of the round's region; {} for others)."""
    if not selectors.can_read_outputs(request.user, round):
        return {}
    facts = selectors.report_facts(round)
    return {"outputs_round": round, "outputs_can_edit": selectors.can_edit_outputs(request.user, round),
            "outputs_summary": round.summary or selectors.computed_summary(round, facts),
            "outputs_summary_computed": not round.summary, "outputs_bulletin": selectors.outputs_state(round),
            "outputs_refusal": selectors.bulletin_publishable(round)}


@login_required
@require_role(*STAFF)
@require_GET
def report(request, pk: int, fmt: str):
    if fmt not in ("docx", "pdf"):
        raise Http404
    check_round = selectors.get_round_for_outputs(request.user, pk)
    started = time.monotonic()
    try:
        data = selectors.report_docx(check_round) if fmt == "docx" else selectors.report_pdf(check_round)
    except ApplicationError as exc:  # an office template that cannot produce the report
        messages.error(request, exc.message)
        return redirect("checks:bulletin_draft", pk=check_round.pk)
    logger.info("check report %s.%s rendered in %.2f s", check_round.pk, fmt, time.monotonic() - started)
    response = HttpResponse(data, content_type=DOCX if fmt == "docx" else "application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(selectors.report_filename(check_round, fmt))}"
    return response


def _draft_page(request, check_round, *, title: str, body: str, message: str = "", status: int = 200):
    return render(request, "checks/outputs_bulletin.html", {
        "round": check_round, "title": title, "body": body, "message": message, "outputs_on_bulletin": True,
        **outputs_panel(request, check_round)}, status=status)


@login_required
@require_role(*STAFF)
@require_GET
def bulletin_draft(request, pk: int):
    """The 通报 generated from the results, editable before publishing; the summary and the report downloads."""
    check_round = selectors.get_round_for_outputs(request.user, pk)
    title, body = selectors.bulletin_draft(check_round)
    return _draft_page(request, check_round, title=title, body=body)


@login_required
@require_POST
@require_role(Role.OFFICE)
def bulletin_publish(request, pk: int):
    check_round = selectors.get_round_for_outputs(request.user, pk)
    title, body = request.POST.get("title", ""), request.POST.get("body", "")
    try:
        services.bulletin_publish(actor=request.user, round=check_round, title=title, body=body)
    except ApplicationError as exc:
        check_round.refresh_from_db()
        return _draft_page(request, check_round, title=title, body=body, message=exc.message, status=400)
    messages.success(request, "检查通报已发布，公众可在督导结果公开页面查看。")
    return redirect("checks:bulletin_draft", pk=check_round.pk)


@login_required
@require_POST
@require_role(Role.OFFICE)
def summary_save(request, pk: int):
    check_round = selectors.get_round_for_outputs(request.user, pk)
    text = request.POST.get("summary", "")
    try:
        services.summary_save(actor=request.user, round=check_round, text=text)
    except ApplicationError as exc:
        return _with_summary(request, check_round, text, exc.message)
    messages.success(request, "领导摘要已保存。" if text.strip() else "领导摘要已恢复为按检查结果自动生成。")
    back = request.POST.get("next", "")
    return redirect(back if back == reverse("checks:round_detail", args=[check_round.pk]) else
                    reverse("checks:bulletin_draft", args=[check_round.pk]))


def _with_summary(request, check_round, text: str, message: str):
    """The draft page again with the summary as typed (nothing lost) and the reason it was refused."""
    title, body = selectors.bulletin_draft(check_round)
    context = {"round": check_round, "title": title, "body": body, "summary_message": message, "outputs_on_bulletin": True,
               **outputs_panel(request, check_round), "outputs_summary": text, "outputs_summary_computed": False}
    return render(request, "checks/outputs_bulletin.html", context, status=400)
