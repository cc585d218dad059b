"""What workforce puts on people's to-do lists (工作台 and GET /api/v1/me/tasks), registered by register_todo(). Each
source runs a bounded number of queries, scoped by visible_to; see dudao/checks/todo.py for the shape. One block per
area: put imports at the top of the file, your functions in your block, your registration in register_todo()."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from dudao.core.dates import local_span
from dudao.core.models import RoleAssignment
from dudao.core.registries import (
    Todo,
    register_todo_source,
    url_for_pk,
)
from dudao.core.roles import Role
from dudao.core.scope import prefix_q, region_prefix
from dudao.workforce.models import (
    AppointmentBatch,
    AppointmentStatus,
    CandidateStatus,
    TrainingEnrolment,
    TrainingEnrolmentStatus,
    TrainingEvent,
    TrainingEventStatus,
    TrainingSession,
)
from dudao.workforce.selectors import appointments as appointment_selectors
from dudao.workforce.todo_allowances import register_allowance_todo

# ---- training ----
TRAINING_AHEAD_DAYS = 14


def training_sessions_ahead(user, today) -> list[Todo]:
    """培训场次: the next session (today or within TRAINING_AHEAD_DAYS) of each open event the user is enrolled in,
    not yet signed in. One query."""
    begin, _ = local_span(today, today)
    _, stop = local_span(today, today + datetime.timedelta(days=TRAINING_AHEAD_DAYS))
    mine = (Q(event__enrolments__inspector__user_id=user.pk) | Q(event__enrolments__expert__user_id=user.pk)
            | Q(event__enrolments__supervisor__user_id=user.pk) | Q(event__enrolments__staff_id=user.pk))
    rows = (TrainingSession.objects.filter(mine, event__status=TrainingEventStatus.OPEN,
                                           event__enrolments__status=TrainingEnrolmentStatus.ENROLLED,
                                           ends_at__gte=max(begin, timezone.now()), starts_at__lt=stop)
            .exclude(attendances__enrolment__in=TrainingEnrolment.objects.filter(
                Q(inspector__user_id=user.pk) | Q(expert__user_id=user.pk) | Q(supervisor__user_id=user.pk)
                | Q(staff_id=user.pk)))
            .select_related("event").distinct().order_by("starts_at", "id"))
    url = url_for_pk("workforce:event_detail")
    seen, items = set(), []
    for session in rows:
        if session.event_id in seen:
            continue
        seen.add(session.event_id)
        start = timezone.localtime(session.starts_at)
        items.append(Todo(kind="workforce.training_session", title="参加培训并扫码签到",
                          object=f"{session.event.title} · {session.title}（{start:%m-%d %H:%M}）",
                          url=url(session.event_id), due=start.date(),
                          key=f"workforce.training_session:{session.pk}", region_code=session.event.region_id))
    return items


def training_events_to_close(user, today) -> list[Todo]:
    """Open events of the user's office regions whose last day has passed: close them (completion, files). Two
    queries."""
    regions = sorted({region_prefix(code) for code in RoleAssignment.objects.filter(
        user=user, role=Role.OFFICE, region__isnull=False).values_list("region_id", flat=True)})
    if not regions:
        return []
    rows = (TrainingEvent.objects.filter(prefix_q("region__code", regions), status=TrainingEventStatus.OPEN,
                                          ends_on__lt=today).order_by("ends_on", "id"))
    url = url_for_pk("workforce:event_detail")
    return [Todo(kind="workforce.training_close", title="结束培训并办理结业", object=e.title, url=url(e.pk),
                 due=e.ends_on + datetime.timedelta(days=1), key=f"workforce.training_event:{e.pk}:close",
                 region_code=e.region_id) for e in rows]

# ---- appointments ----


def appointment_todos(user, today) -> list[Todo]:
    """督学聘任, to the office of the batch's county (exactly: not a city office above it), two queries:
    资格审核 with candidates still undecided, 公示 ending (任命 is possible the day after), objections to handle."""
    counties = appointment_selectors.office_counties(user)
    if not counties:
        return []
    rows = (AppointmentBatch.objects.filter(status__in=[AppointmentStatus.REVIEWING, AppointmentStatus.PUBLICITY])
            .filter(prefix_q("region_code", counties))
            .annotate(n_flagged=Count("candidates", filter=Q(candidates__status=CandidateStatus.FLAGGED), distinct=True),
                      n_open=Count("objections", filter=Q(objections__upheld__isnull=True), distinct=True))
            .order_by("created_at", "id"))
    url = url_for_pk("workforce:appointment_detail")
    items = []
    for b in rows:
        if b.status == AppointmentStatus.REVIEWING:
            what = f"{b.n_flagged} 名候选人不符合条件待定" if b.n_flagged else "审核完毕，可发布公示"
            items.append(Todo(kind="workforce.appointment_review", title="督学选聘资格审核", object=f"{b.title} · {what}",
                              url=url(b.pk), key=f"workforce.appointment:{b.pk}:review", region_code=b.region_code))
            continue
        if b.n_open:
            items.append(Todo(kind="workforce.appointment_objection", title="处理督学聘任公示异议",
                              object=f"{b.title} · {b.n_open} 条异议", url=url(b.pk), due=b.publicity_end,
                              key=f"workforce.appointment:{b.pk}:objections", region_code=b.region_code))
        items.append(Todo(kind="workforce.appointment_appoint", title="公示期满后任命督学",
                          object=f"{b.title} · 公示至{b.publicity_end.month}月{b.publicity_end.day}日",
                          url=url(b.pk), due=b.publicity_end + datetime.timedelta(days=1),
                          key=f"workforce.appointment:{b.pk}:appoint", region_code=b.region_code))
    return items


# ---- allowances ----


def register_todo() -> None:
    # training
    register_todo_source("workforce.training_sessions", "培训签到", training_sessions_ahead,
                         roles=[Role.INSPECTOR, Role.EXPERT, Role.SCHOOL, Role.OFFICE], list_url="workforce:event_list")
    register_todo_source("workforce.training_close", "培训结业", training_events_to_close, roles=[Role.OFFICE],
                         list_url="workforce:event_list")
    # appointments
    register_todo_source("workforce.appointments", "督学聘任", appointment_todos, roles=(Role.OFFICE,),
                         list_url="workforce:appointment_list")
    # allowances
    register_allowance_todo()
