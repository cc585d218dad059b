"""Pages of area training (issue 24 item 1): the event list, creating and editing an event, the event page
(sessions, enrolments, attendance, the workflow), enrolling people (office) or oneself, a session's QR page for the
office (the code rotates by htmx), the phone sign-in page, certificates (PDF), a person's training file and the
yearly 40-hour view. Thin: reads through selectors.training, writes through services.training."""

import datetime
from urllib.parse import quote

import segno
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from dudao.core.dates import cn_date
from dudao.core.errors import ApplicationError
from dudao.core.listing import paginate, query_without_page, xlsx_response
from dudao.core.models import RoleAssignment
from dudao.core.policy import policy_value
from dudao.core.roles import Role
from dudao.core.scope import get_visible_or_404, scope_for
from dudao.core.web import attempt, require_role
from dudao.documents.render import render_pdf_bytes
from dudao.people.models import Expert, Inspector, SchoolSupervisor
from dudao.people.trainings import training_file
from dudao.regions.models import Region
from dudao.workforce.models import (
    TrainingAudience,
    TrainingEnrolment,
    TrainingEnrolmentStatus,
    TrainingEvent,
    TrainingEventStatus,
    TrainingKind,
    TrainingLevel,
    TrainingSession,
)
from dudao.workforce.selectors import training as selectors
from dudao.workforce.services import training as services

EVENT_EXPORT = [
    ("编号", lambda e: e.pk), ("培训名称", lambda e: e.title), ("级别", lambda e: e.get_level_display()),
    ("类别", lambda e: e.get_kind_display()), ("主办区划", lambda e: e.region.name),
    ("开始日期", lambda e: e.starts_on), ("结束日期", lambda e: e.ends_on),
    ("地点", lambda e: ("线上：" if e.is_online else "") + e.place), ("学时", lambda e: float(e.hours)),
    ("学分", lambda e: float(e.credits)), ("培训对象", lambda e: e.audience_labels), ("名额", lambda e: e.capacity),
    ("已报名", lambda e: e.enrolled_count), ("场次数", lambda e: e.n_sessions), ("状态", lambda e: e.get_status_display()),
]
HOURS_EXPORT = [
    ("姓名", lambda r: r.name), ("单位/学校", lambda r: getattr(r, "employer", "") or getattr(getattr(r, "school", None), "name", "")),
    ("年度学时", lambda r: float(r.n_hours)), ("年度学分", lambda r: float(r.n_credits)),
    ("差额学时", lambda r: float(r.short)), ("仍可报名的培训", lambda r: "、".join(e.title for e in r.open_events)),
]


def _office_regions(user) -> list[Region]:
    if scope_for(user).everything:
        return list(Region.objects.filter(level="county").order_by("code"))
    codes = RoleAssignment.objects.filter(user=user, role=Role.OFFICE, region__isnull=False).values("region_id")
    return list(Region.objects.filter(code__in=codes).order_by("code"))


def _manages(user, event: TrainingEvent) -> bool:
    return scope_for(user).holds(event.region_id, Role.OFFICE)


def _event_for(request, pk: int) -> TrainingEvent:
    event = selectors.event_visible(request.user, pk)
    if event is None:
        raise Http404("未找到该培训活动，或您无权查看。")
    return event


def _managed_event(request, pk: int) -> TrainingEvent:
    event = _event_for(request, pk)
    if not _manages(request.user, event):
        raise Http404
    return event


def _date(value: str):
    try:
        return datetime.date.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        return None


def _datetime(value: str):
    try:
        moment = datetime.datetime.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _posted_event(post) -> dict:
    return {"title": post.get("title", ""), "level": post.get("level", ""), "kind": post.get("kind", ""),
            "organizer": post.get("organizer", ""), "starts_on": _date(post.get("starts_on", "")),
            "ends_on": _date(post.get("ends_on", "")), "is_online": post.get("is_online") == "on",
            "place": post.get("place", ""), "hours": post.get("hours", ""), "credits": post.get("credits", "0"),
            "audience": post.getlist("audience"), "capacity": post.get("capacity", ""),
            "self_enrol": post.get("self_enrol") == "on", "completion_percent": post.get("completion_percent", ""),
            "description": post.get("description", "")}


def _form(request, *, event=None, posted=None, regions=None):
    initial = posted or ({"title": event.title, "level": event.level, "kind": event.kind, "organizer": event.organizer,
                          "starts_on": event.starts_on, "ends_on": event.ends_on, "is_online": event.is_online,
                          "place": event.place, "hours": event.hours, "credits": event.credits,
                          "audience": event.audience, "capacity": event.capacity, "self_enrol": event.self_enrol,
                          "completion_percent": event.completion_percent, "description": event.description}
                         if event else {"level": TrainingLevel.DISTRICT, "audience": [TrainingAudience.INSPECTOR],
                                        "self_enrol": True, "credits": "0",
                                        "completion_percent": policy_value("workforce.training_completion_percent")})
    return render(request, "workforce/training_form.html", {
        "event": event, "v": initial, "regions": regions or [], "levels": TrainingLevel.choices,
        "kinds": TrainingKind.choices, "audiences": TrainingAudience.choices})


# ---- list, create, edit ------------------------------------------------------------------------------------------

@login_required
@require_safe
def event_list(request):
    filters = {k: request.GET.get(k, "").strip() for k in ("status", "kind", "year", "q")}
    year = int(filters["year"]) if filters["year"].isdigit() and 1900 <= int(filters["year"]) <= 2999 else None
    events = selectors.event_list(request.user, status=filters["status"] if filters["status"] in
                                  TrainingEventStatus.values else "",
                                  kind=filters["kind"] if filters["kind"] in TrainingKind.values else "",
                                  year=year, q=filters["q"])
    if request.GET.get("export") == "xlsx":
        return xlsx_response("培训活动", "培训活动", EVENT_EXPORT, events.iterator(chunk_size=2000))
    page, size = paginate(request, events)
    mine = selectors.my_enrolments(request.user, [e.pk for e in page])
    for event in page:
        event.mine = mine.get(event.pk)
    this_year = timezone.localdate().year
    return render(request, "workforce/training_list.html", {
        "page": page, "size": size, "query": query_without_page(request), "filters": filters,
        "statuses": TrainingEventStatus.choices, "kinds": TrainingKind.choices,
        "years": range(this_year + 1, this_year - 5, -1), "can_create": bool(_office_regions(request.user))})


@login_required
@require_role(Role.OFFICE)
def event_create(request):
    regions = _office_regions(request.user)
    if not regions:
        raise Http404
    if request.method == "POST":
        region = next((r for r in regions if r.code == request.POST.get("region")), regions[0])
        posted = _posted_event(request.POST)
        result = {}

        def write():
            result["event"] = services.event_create(actor=request.user, region=region, data=posted)
            return "培训活动已创建（草稿）。请添加场次，然后开放报名。"

        if attempt(request, write):
            return redirect("workforce:event_detail", pk=result["event"].pk)
        return _form(request, posted={**posted, "region": region.code}, regions=regions)
    return _form(request, regions=regions)


@login_required
@require_role(Role.OFFICE)
def event_edit(request, pk: int):
    event = _managed_event(request, pk)
    if request.method == "POST":
        posted = _posted_event(request.POST)
        if attempt(request, lambda: services.event_update(actor=request.user, event=event, data=posted) and
                   "培训活动已保存。"):
            return redirect("workforce:event_detail", pk=event.pk)
        return _form(request, event=event, posted=posted)
    return _form(request, event=event)


# ---- the event page ----------------------------------------------------------------------------------------------

@login_required
@require_safe
def event_detail(request, pk: int):
    event = _event_for(request, pk)
    manage = _manages(request.user, event)
    context = {"event": event, "manage": manage, "today": timezone.localdate(),
               "transitions": event.transitions.select_related("actor").order_by("at", "id")}
    if manage:
        context.update(selectors.event_detail(event))
    else:
        context["sessions"] = list(event.sessions.all())
    mine = selectors.my_enrolments(request.user, [event.pk]).get(event.pk)
    context["mine"] = mine
    context["mine_attended"] = selectors.attended_sessions(mine) if mine else set()
    context["can_join"] = (mine is None and event.status == TrainingEventStatus.OPEN and event.self_enrol
                           and services.own_person(request.user, event) is not None)
    return render(request, "workforce/training_detail.html", context)


def _post_event(request, pk: int, write, success: str):
    event = _managed_event(request, pk)
    attempt(request, lambda: write(event) and success)
    return redirect("workforce:event_detail", pk=event.pk)


@login_required
@require_POST
@require_role(Role.OFFICE)
def event_open(request, pk: int):
    return _post_event(request, pk, lambda e: services.event_transition(
        actor=request.user, event=e, to=TrainingEventStatus.OPEN), "培训活动已开放报名。")


@login_required
@require_POST
@require_role(Role.OFFICE)
def event_close(request, pk: int):
    event = _managed_event(request, pk)

    def write():
        event_after, written = services.event_transition(actor=request.user, event=event,
                                                         to=TrainingEventStatus.CLOSED)
        done = event_after.enrolments.filter(completed=True).count()
        return f"培训活动已结束：{done} 人结业，新写入培训档案 {written} 条。"

    attempt(request, write)
    return redirect("workforce:event_detail", pk=event.pk)


@login_required
@require_POST
@require_role(Role.OFFICE)
def event_reopen(request, pk: int):
    return _post_event(request, pk, lambda e: services.event_transition(
        actor=request.user, event=e, to=TrainingEventStatus.OPEN, note=request.POST.get("note", "")),
        "培训活动已重新开放；再次结束时已写入的培训档案不会重复写入。")


@login_required
@require_POST
@require_role(Role.OFFICE)
def session_add(request, pk: int):
    return _post_event(request, pk, lambda e: services.session_add(
        actor=request.user, event=e, title=request.POST.get("title", ""),
        starts_at=_datetime(request.POST.get("starts_at", "")), ends_at=_datetime(request.POST.get("ends_at", ""))),
        "场次已添加。")


def _session_for(request, pk: int) -> TrainingSession:
    session = get_object_or_404(TrainingSession.objects.select_related("event"), pk=pk)
    _managed_event(request, session.event_id)
    return session


@login_required
@require_POST
@require_role(Role.OFFICE)
def session_delete(request, pk: int):
    session = _session_for(request, pk)
    attempt(request, lambda: services.session_delete(actor=request.user, session=session) or "场次已删除。")
    return redirect("workforce:event_detail", pk=session.event_id)


@login_required
@require_POST
@require_role(Role.OFFICE)
def attendance_add(request, pk: int):
    event = _managed_event(request, pk)
    session = event.sessions.filter(pk=int(request.POST["session"])).first() if (
        request.POST.get("session", "").isdigit()) else None
    enrolment = event.enrolments.filter(pk=int(request.POST["enrolment"])).first() if (
        request.POST.get("enrolment", "").isdigit()) else None
    if session is None or enrolment is None:
        messages.error(request, "请选择本次培训的场次和报名人员。")
    else:
        attempt(request, lambda: services.attendance_record(actor=request.user, session=session, enrolment=enrolment)
                and f"已为{enrolment.person_name}补登签到。")
    return redirect("workforce:event_detail", pk=event.pk)


# ---- enrolment ---------------------------------------------------------------------------------------------------

def _pick(user, audience: str, ids: list[str]) -> list:
    keys = [int(i) for i in ids if i.isdigit()][:500]
    if audience == TrainingAudience.INSPECTOR:
        return list(Inspector.objects.visible_to(user).filter(pk__in=keys))
    if audience == TrainingAudience.EXPERT:
        return list(Expert.objects.visible_to(user).filter(pk__in=keys))
    if audience == TrainingAudience.SUPERVISOR:
        return list(SchoolSupervisor.objects.visible_to(user).filter(pk__in=keys).select_related("school"))
    if audience == TrainingAudience.STAFF:
        return list(get_user_model().objects.filter(pk__in=keys))
    return []


@login_required
@require_role(Role.OFFICE)
def event_enrol(request, pk: int):
    event = _managed_event(request, pk)
    audience = request.GET.get("audience") or request.POST.get("audience") or (event.audience or [""])[0]
    if audience not in event.audience:
        audience = event.audience[0]
    if request.method == "POST":
        people = _pick(request.user, audience, request.POST.getlist("person"))
        if not people:
            messages.error(request, "请勾选要报名的人员。")
        else:
            done, refused = services.enrol_many(actor=request.user, event=event, people=people)
            if done:
                messages.success(request, f"已报名 {done} 人。")
            for reason in refused[:20]:
                messages.error(request, reason)
            return redirect("workforce:event_detail", pk=event.pk)
    q = request.GET.get("q", "").strip()
    return render(request, "workforce/training_enrol.html", {
        "event": event, "audience": audience, "q": q, "audiences": [(a, TrainingAudience(a).label) for a in event.audience],
        "people": selectors.candidates(request.user, event, audience=audience, q=q)})


@login_required
@require_POST
def enrol_self(request, pk: int):
    event = _event_for(request, pk)
    person = services.own_person(request.user, event)
    if person is None:
        messages.error(request, f"本次培训的对象是{event.audience_labels}，您不在其中。")
    else:
        attempt(request, lambda: services.enrol(actor=request.user, event=event, person=person) and "报名成功。")
    return redirect("workforce:event_detail", pk=event.pk)


@login_required
@require_POST
def withdraw(request, pk: int):
    enrolment = get_visible_or_404(TrainingEnrolment.objects.all(), request.user, pk=pk)
    attempt(request, lambda: services.withdraw(actor=request.user, enrolment=enrolment) and
            f"{enrolment.person_name}已退出本次培训。")
    return redirect("workforce:event_detail", pk=enrolment.event_id)


# ---- QR sign-in --------------------------------------------------------------------------------------------------

def _qr_context(request, session: TrainingSession) -> dict:
    token = services.sign_in_token(session)
    url = request.build_absolute_uri(reverse("workforce:sign_in") + "?t=" + quote(token))
    return {"session": session, "event": session.event, "qr": segno.make(url, error="m").svg_inline(scale=6, border=2),
            "url": url, "rotate": int(policy_value("workforce.training_qr_rotate_seconds", session.event.region_id)),
            "signed": session.attendances.count(), "enrolled": session.event.enrolled_count,
            "now": timezone.localtime()}


@login_required
@require_safe
@require_role(Role.OFFICE)
def session_qr(request, pk: int):
    session = _session_for(request, pk)
    return render(request, "workforce/training_qr.html", _qr_context(request, session))


@login_required
@require_safe
@require_role(Role.OFFICE)
def session_qr_code(request, pk: int):
    """The htmx fragment: a fresh code and the count, fetched every rotation interval."""
    session = _session_for(request, pk)
    return render(request, "workforce/_training_qr_code.html", _qr_context(request, session))


@login_required
def sign_in(request):
    """The phone page the QR code opens (after login): what the person signs in to, one button; the POST signs in
    the logged-in user only."""
    token = (request.POST.get("t") if request.method == "POST" else request.GET.get("t", "")) or ""
    context = {"token": token, "session": None, "error": "", "done": None}
    try:
        context["session"] = services.token_session(token)
    except ApplicationError as exc:
        context["error"] = exc.message
    if request.method == "POST" and context["session"] is not None:
        try:
            attendance, created = services.sign_in(actor=request.user, token=token)
            context["done"] = {"created": created, "at": timezone.localtime(attendance.at)}
        except ApplicationError as exc:
            context["error"] = exc.message
    elif request.method not in ("GET", "HEAD", "POST"):
        return HttpResponse(status=405)
    return render(request, "workforce/training_sign_in.html", context,
                  status=400 if context["error"] and request.method == "POST" else 200)


# ---- certificates ------------------------------------------------------------------------------------------------

def _certificate(enrolment: TrainingEnrolment, event: TrainingEvent) -> dict:
    return {"no": enrolment.certificate_no, "name": enrolment.person_name, "audience": enrolment.audience_label,
            "title": event.title, "period": f"{cn_date(event.starts_on)}至{cn_date(event.ends_on)}",
            "hours": event.hours, "credits": event.credits, "organizer": event.organizer or event.region.name,
            "issued": cn_date(event.closed_at or event.ends_on)}


def _pdf(certificates: list[dict], filename: str) -> HttpResponse:
    data = render_pdf_bytes("workforce/training_certificate_pdf.html", {"certificates": certificates})
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


@login_required
@require_safe
def certificate_mine(request, pk: int):
    event = _event_for(request, pk)
    mine = selectors.my_enrolments(request.user, [event.pk]).get(event.pk)
    if mine is None or not mine.completed or event.status != TrainingEventStatus.CLOSED:
        raise Http404("您没有本次培训的结业证书。")
    return _pdf([_certificate(mine, event)], f"结业证书-{mine.certificate_no}.pdf")


@login_required
@require_safe
@require_role(Role.OFFICE)
def certificates_all(request, pk: int):
    event = _managed_event(request, pk)
    rows = list(event.enrolments.filter(completed=True, status=TrainingEnrolmentStatus.ENROLLED)
                .select_related("inspector", "expert", "supervisor", "staff").order_by("certificate_no", "id"))
    if not rows:
        messages.error(request, "本次培训还没有结业人员，没有可打印的结业证书。")
        return redirect("workforce:event_detail", pk=event.pk)
    return _pdf([_certificate(e, event) for e in rows], f"结业证书-{event.title}.pdf")


# ---- files and hours ---------------------------------------------------------------------------------------------

PERSON_MODELS = {TrainingAudience.INSPECTOR: Inspector, TrainingAudience.EXPERT: Expert,
                 TrainingAudience.SUPERVISOR: SchoolSupervisor}


@login_required
@require_safe
def person_file(request, audience: str, pk: int):
    model = PERSON_MODELS.get(audience)
    if model is None:
        raise Http404
    person = get_visible_or_404(model.objects.all(), request.user, pk=pk)
    year = request.GET.get("year", "")
    year = int(year) if year.isdigit() and 1900 <= int(year) <= 2999 else timezone.localdate().year
    return render(request, "workforce/training_file.html", {
        "person": person, "audience_label": TrainingAudience(audience).label, "file": training_file(person, year=year),
        "year": year, "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1)})


@login_required
@require_safe
@require_role(Role.OFFICE, Role.LEADER, Role.ADMIN)
def hours(request):
    filters = {k: request.GET.get(k, "").strip() for k in ("audience", "year", "q", "under")}
    audience = filters["audience"] if filters["audience"] in selectors.HOURS_KINDS else TrainingAudience.INSPECTOR
    filters["audience"] = audience
    this_year = timezone.localdate().year
    year = int(filters["year"]) if filters["year"].isdigit() and 1900 <= int(filters["year"]) <= 2999 else this_year
    rows, minimum = selectors.hours_rows(request.user, audience=audience, year=year, q=filters["q"],
                                         under=filters["under"] == "1")
    today = timezone.localdate()
    if request.GET.get("export") == "xlsx":
        data = selectors.decorate_hours(rows[:20000], audience=audience, minimum=minimum, today=today)
        return xlsx_response(f"{year}年培训学时", "培训学时", HOURS_EXPORT, data)
    page, size = paginate(request, rows)
    page.object_list = selectors.decorate_hours(page.object_list, audience=audience, minimum=minimum, today=today)
    return render(request, "workforce/training_hours.html", {
        "page": page, "size": size, "query": query_without_page(request), "filters": filters, "year": year,
        "minimum": minimum, "audiences": [(a, TrainingAudience(a).label) for a in selectors.HOURS_KINDS],
        "years": range(this_year, this_year - 5, -1)})
