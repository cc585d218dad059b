"""What zones puts on people's to-do lists (工作台 and GET /api/v1/me/tasks). Registered by register_todo(),
called from registrations.register(). Each source runs a bounded number of queries, scoped by visible_to; see
dudao/inspections/todo.py for the shape.

- inspector: schools due a visit this month (挂牌: the monthly rule zones.visits_per_month_min, none in the
  zones.vacation_months; due on the month's last day), complaints assigned to them (核实, then 答复), and the
  cross-supervision plans (交叉督导) they are named in that have no visit yet (due on the planned date);
- school: visit records (督导纪实) to sign for (签收);
- office: complaints waiting to be assigned (the school has no responsible inspector) or to be closed after the
  reply.
Complaints and visit records have no deadline in the rules (DOMAIN.md names none): their items carry no due
date and count as "later".
"""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from dudao.core.models import RoleAssignment
from dudao.core.policy import PolicyTable
from dudao.core.registries import Todo, register_todo_source, url_for_pk
from dudao.core.roles import Role
from dudao.core.scope import prefix_q, scope_for
from dudao.people.models import Inspector, InspectorStatus
from dudao.schools.models import School
from dudao.zones import engine
from dudao.zones.models import (
    Assignment,
    Complaint,
    ComplaintStatus,
    CrossSupervision,
    Visit,
    VisitReason,
    VisitStatus,
)
from dudao.zones.selectors import FREQUENCY_KEYS, SUPERVISED


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def visits_due(user, today) -> list[Todo]:
    """挂牌督导走访: the schools the user is the current responsible inspector of (an active inspector of the
    registry: only they record visits) with fewer visits this month than the county's monthly rule asks; none in
    a vacation month. Visits by anyone count, as on the frequency page (zones.selectors.frequency)."""
    month_start, month_end = engine.month_bounds(today)
    own = Assignment.objects.current().filter(inspector__user_id=user.pk, inspector__status=InspectorStatus.ACTIVE)
    schools = list(School.objects.visible_to(user).filter(SUPERVISED, pk__in=own.values("school_id"))
                   .order_by("code").values_list("pk", "name", "region_id"))
    if not schools:
        return []
    counts = dict(Visit.objects.filter(school_id__in=[pk for pk, _n, _r in schools],
                                       started_at__gte=_local_midnight(month_start),
                                       started_at__lt=_local_midnight(month_end + datetime.timedelta(days=1)))
                  .values("school_id").annotate(n=Count("id")).order_by().values_list("school_id", "n"))
    table = PolicyTable(FREQUENCY_KEYS)
    form = reverse("zones:visit_new")
    todos = []
    for pk, name, region in schools:
        county = region[:6]
        f = engine.frequency(counts.get(pk, 0), 0, month=today.month,
                             per_month=int(table.get("zones.visits_per_month_min", county)),
                             per_semester=int(table.get("zones.visits_per_semester_min", county)),
                             vacation_months=table.get("zones.vacation_months", county))
        if f.month_ok:
            continue
        done = f"（本月已走访 {f.month_visits}/{f.month_required} 次）" if f.month_required > 1 else ""
        todos.append(Todo(kind="zones.visit_due", title=f"到校督导走访{done}", object=f"{name} · {month_start.month}月挂牌督导",
                          url=f"{form}?school={pk}", due=month_end, region_code=region,
                          key=f"zones.visit_due:{pk}:{month_start:%Y-%m}"))
    return todos


def visits_to_sign(user, today) -> list[Todo]:
    """签收督导纪实: submitted visit records of the schools the user is a school user of (the visit service lets
    only them sign). No deadline in the rules."""
    mine = RoleAssignment.objects.filter(user_id=user.pk, role=Role.SCHOOL, school__isnull=False).values("school_id")
    visits = (Visit.objects.visible_to(user).filter(status=VisitStatus.SUBMITTED, school_id__in=mine)
              .select_related("school", "inspector").order_by("started_at", "id"))
    url = url_for_pk("zones:visit_detail")
    return [Todo(kind="zones.visit_sign", title="签收督导纪实",
                 object=f"{v.school.name} · {timezone.localtime(v.started_at):%Y-%m-%d} 督导纪实（督学{v.inspector.name}）",
                 url=url(v.pk), key=f"zones.visit:{v.pk}:sign", region_code=v.school.region_id)
            for v in visits]


COMPLAINT_STEPS = {  # status → (who, title)
    ComplaintStatus.RECEIVED: ("office", "交办投诉举报"),
    ComplaintStatus.ASSIGNED: ("inspector", "核实投诉举报"),
    ComplaintStatus.VERIFIED: ("inspector", "答复投诉举报"),
    ComplaintStatus.REPLIED: ("office", "办结投诉举报"),
}


def complaints(user, today) -> list[Todo]:
    """投诉举报: the assigned inspector verifies and replies (the office may too, but the item is the
    inspector's); the county's office assigns a complaint nobody was given and closes a replied one. Public
    complaints (no registering user) are listed like the others."""
    scope = scope_for(user)
    visible = Complaint.objects.visible_to(user).select_related("school")
    # two plain queries rather than one OR across the inspector and school joins (a province holds many)
    rows = list(visible.filter(assigned_to__in=Inspector.objects.filter(user_id=user.pk).values("pk"),
                               status__in=[ComplaintStatus.ASSIGNED, ComplaintStatus.VERIFIED]))
    if scope.everything or scope.has_role(Role.OFFICE):
        office = Q() if scope.everything else prefix_q(
            "school__region__code", [p for role, p in scope.role_prefixes if role == Role.OFFICE])
        rows += visible.filter(office, status__in=[ComplaintStatus.RECEIVED, ComplaintStatus.REPLIED])
    rows.sort(key=lambda c: (c.received_at, c.pk))
    url = url_for_pk("zones:complaint_detail")
    todos = []
    for c in rows:
        _who, title = COMPLAINT_STEPS[c.status]
        todos.append(Todo(kind="zones.complaint", title=title,
                          object=f"{c.school.name} · {c.get_kind_display()} {c.number}", url=url(c.pk),
                          key=f"zones.complaint:{c.pk}:{c.status}", region_code=c.school.region_id))
    return todos


def cross_due(user, today) -> list[Todo]:
    """交叉督导: this semester's plans that name the user (an active inspector) and have no visit recorded under
    them yet. Due on the planned date."""
    semester = engine.semester_of(today)
    named = CrossSupervision.objects.filter(inspectors__user_id=user.pk, inspectors__status=InspectorStatus.ACTIVE)
    plans = (CrossSupervision.objects.visible_to(user).filter(semester=semester.key, pk__in=named.values("pk"))
             .annotate(done=Count("visits")).filter(done=0)
             .select_related("host_zone", "visiting_zone").order_by("planned_on", "id"))
    form = reverse("zones:visit_new")
    return [Todo(kind="zones.cross_due", title="交叉督导到校督导",
                 object=f"{p.host_zone.name}（{p.visiting_zone.name}派出）· {semester.label}", due=p.planned_on,
                 url=f"{form}?reason={VisitReason.CROSS}", key=f"zones.cross:{p.pk}", region_code=p.host_zone.region_id)
            for p in plans]


def register_todo() -> None:
    register_todo_source("zones.visit_due", "挂牌督导走访", visits_due, roles=(Role.INSPECTOR,),
                         list_url="zones:frequency")
    register_todo_source("zones.visit_sign", "督导纪实签收", visits_to_sign, roles=(Role.SCHOOL,),
                         list_url="zones:visit_list")
    register_todo_source("zones.complaints", "投诉举报", complaints, roles=(Role.INSPECTOR, Role.OFFICE),
                         list_url="zones:complaint_list")
    register_todo_source("zones.cross_due", "交叉督导", cross_due, roles=(Role.INSPECTOR,))
