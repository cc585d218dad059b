"""fill views (issue 23): filling a round's checklist for one target inside the visit form (zones/visit_form.html
extended by checks/fill.html), and the checklist section of the visit page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from dudao.checks.models import RoundStatus, TargetStatus
from dudao.checks.selectors import fill as selectors
from dudao.checks.services.fill import SETTLE_CHOICES, check_submit
from dudao.core.errors import ApplicationError
from dudao.people.models import InspectorStatus
from dudao.people.selectors import inspector_for_user
from dudao.zones import selectors as zone_selectors
from dudao.zones.forms import VisitForm, new_client_id, visit_payload
from dudao.zones.models import VisitReason
from dudao.zones.views import visit_form_context


def _answers(items, post) -> list[dict]:
    return [{"item": item.pk, "value": post.get(f"answer_{item.pk}", ""), "number": post.get(f"number_{item.pk}"),
             "note": post.get(f"note_{item.pk}", ""), "settle": post.get(f"settle_{item.pk}", "")} for item in items]


def _context(request, target, inspector, items, form, errors=None) -> dict:
    posted = request.POST if request.method == "POST" else {}
    return {**visit_form_context(request, form, inspector, errors, choices=selectors.fill_choices(target, inspector)),
            "target": target, "round": target.round, "rows": selectors.fill_rows(items, posted),
            "settle_choices": SETTLE_CHOICES, "draft_key": selectors.draft_key(request.user, target),
            "round_open": target.round.status == RoundStatus.OPEN, "in_window": selectors.in_window(target)}


@login_required
def fill(request, pk: int, target_pk: int):
    target = selectors.get_target_for_fill(request.user, pk, target_pk)
    inspector = inspector_for_user(request.user)
    if inspector is None or inspector.status != InspectorStatus.ACTIVE:
        raise Http404
    if target.status == TargetStatus.DONE and hasattr(target, "submission"):
        messages.info(request, f"{target.school.name}的检查记录已提交。")
        return redirect("zones:visit_detail", pk=target.submission.visit_id)
    items = selectors.fill_items(target)
    if request.method != "POST":
        form = VisitForm(initial={"client_id": new_client_id(), "date": timezone.localdate().isoformat(),
                                  "school": target.school_id, "reason": VisitReason.SPECIAL,
                                  "reason_note": target.round.title, "topic": target.round.title[:128]})
        return render(request, "checks/fill.html", _context(request, target, inspector, items, form))
    form = VisitForm(request.POST)
    errors = []
    if form.is_valid():
        try:
            payload = visit_payload(form, request.POST)
            _school, campus = zone_selectors.visit_target(inspector, school_id=target.school_id,
                                                          campus_id=form.cleaned_data.get("campus"))
            visit = {k: payload[k] for k in ("started_at", "ended_at", "methods", "items", "topic", "narrative",
                                             "highlights", "problems", "lessons")}
            visit |= {"campus": campus, "photos": request.FILES.getlist("photos"),
                      "companions": zone_selectors.visit_companions(ids=request.POST.getlist("companions"))}
            photos = {item.pk: request.FILES[f"photo_{item.pk}"] for item in items
                      if request.FILES.get(f"photo_{item.pk}")}
            submission, created = check_submit(
                actor=request.user, target=target, round=target.round, client_id=payload["client_id"], visit=visit,
                answers=_answers(items, request.POST), answer_photos=photos, note=request.POST.get("check_note", ""))
        except ApplicationError as exc:
            errors.append(exc.message)
        else:
            if not created:
                messages.success(request, "该检查记录此前已提交成功（未重复保存）。")
            else:
                messages.success(request, f"检查记录已提交：{submission.failed_count} 项不合格。")
            if submission.outside_window:
                messages.warning(request, f"注意：本次检查日期不在“{target.round.title}”的检查时间"
                                          f"（{target.round.starts_on:%Y-%m-%d} 至 {target.round.ends_on:%Y-%m-%d}）内，已照常保存并作标记。")
            return redirect(reverse("zones:visit_detail", args=[submission.visit_id]) + "?saved=1")
    else:
        errors.extend(f"{form.fields[k].label if k in form.fields else ''}：{v[0]}" for k, v in form.errors.items())
    return render(request, "checks/fill.html", _context(request, target, inspector, items, form, errors), status=400)


def visit_check_section(request, visit) -> dict:
    """zones.visit_detail: the checklist of a visit made for a 专项检查 (items, answers, photos, findings)."""
    submission = selectors.submission_of_visit(visit)
    if submission is None:
        return {}
    html = render_to_string("checks/_visit_check_section.html", {
        "submission": submission, "answers": submission.answers.all(), "request": request,
        "saved": request.GET.get("saved") == "1", "draft_key": selectors.draft_key(request.user, submission.target)})
    return {"check_section": mark_safe(html)}  # our own template, autoescaped
