"""Reads of area training: 培训活动、签到、结业与培训证书、40 学时达标. Scoped through visible_to(user)."""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from dudao.core.models import RoleAssignment
from dudao.core.policy import PolicyTable
from dudao.core.roles import Role
from dudao.core.scope import region_prefix, scope_for
from dudao.people.models import Expert, Inspector, InspectorStatus, SchoolSupervisor
from dudao.workforce.models import (
    TrainingAttendance,
    TrainingAudience,
    TrainingEnrolment,
    TrainingEnrolmentStatus,
    TrainingEvent,
    TrainingEventStatus,
)
from dudao.workforce.training_engine import hours_short, sessions_needed

ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=7, decimal_places=1))


def mine_q(user, prefix: str = "") -> Q:
    """Enrolments (or, with prefix "enrolments__", events) of the user's own person records."""
    return (Q(**{f"{prefix}inspector__user_id": user.pk}) | Q(**{f"{prefix}expert__user_id": user.pk})
            | Q(**{f"{prefix}supervisor__user_id": user.pk}) | Q(**{f"{prefix}staff_id": user.pk}))


def own_audiences(user) -> dict[str, object]:
    """The audiences the user belongs to, with their person record (or the user for office staff); 3 queries."""
    found: dict[str, object] = {}
    inspector = Inspector.objects.filter(user_id=user.pk, status=InspectorStatus.ACTIVE).first()
    if inspector:
        found[TrainingAudience.INSPECTOR] = inspector
    expert = Expert.objects.filter(user_id=user.pk, is_active=True).first()
    if expert:
        found[TrainingAudience.EXPERT] = expert
    supervisor = SchoolSupervisor.objects.filter(user_id=user.pk, is_active=True).select_related("school").first()
    if supervisor:
        found[TrainingAudience.SUPERVISOR] = supervisor
    return found


def _person_region(person) -> str:
    return person.school.region_id if isinstance(person, SchoolSupervisor) else person.region_id


def _regions_q(codes) -> Q:
    """Events whose region contains one of the codes: the region is a prefix of the code (a district event for its
    district's people, a province event for the whole province)."""
    q = Q(pk__in=[])
    for code in set(codes):
        for ancestor in {code[:2] + "0000", code[:4] + "00", code[:6], code}:
            q |= Q(region_id=ancestor)
    return q


def open_to_q(audiences: dict) -> Q:
    q = Q(pk__in=[])
    for audience, person in audiences.items():
        q |= Q(audience__icontains=f'"{audience}"') & _regions_q([_person_region(person)])
    return q


def event_list(user, *, status: str = "", kind: str = "", year: int | None = None, q: str = ""):
    """Events the user sees: their region's (office, leaders), those they are enrolled in, and open events they
    may join (their audience, their region or one above it)."""
    audiences = own_audiences(user)
    visible = TrainingEvent.objects.visible_to(user).values("pk")
    base = TrainingEvent.objects.filter(Q(pk__in=visible) | (Q(status=TrainingEventStatus.OPEN)
                                                              & open_to_q(audiences)))
    if status:
        base = base.filter(status=status)
    if kind:
        base = base.filter(kind=kind)
    if year:
        base = base.filter(starts_on__year__lte=year, ends_on__year__gte=year)
    if q:
        base = base.filter(title__icontains=q[:64])
    return (base.select_related("region")
            .annotate(n_sessions=Count("sessions", distinct=True))
            .order_by("-starts_on", "-id"))


def my_enrolments(user, event_ids) -> dict[int, TrainingEnrolment]:
    rows = (TrainingEnrolment.objects.filter(mine_q(user), event_id__in=list(event_ids),
                                             status=TrainingEnrolmentStatus.ENROLLED)
            .annotate(n_attended=Count("attendances")))
    return {e.event_id: e for e in rows}


def event_visible(user, pk: int) -> TrainingEvent | None:
    """An event the user may open: in scope, enrolled, or open to them."""
    return event_list(user).filter(pk=pk).first()


def event_detail(event: TrainingEvent) -> dict:
    sessions = list(event.sessions.annotate(n_signed=Count("attendances")))
    enrolments = list(event.enrolments.select_related("inspector", "expert", "supervisor__school", "staff")
                      .annotate(n_attended=Count("attendances")).order_by("status", "id"))
    total = len(sessions)
    needed = sessions_needed(total, event.completion_percent)
    return {"sessions": sessions, "enrolments": enrolments, "needed": needed,
            "active": sum(1 for e in enrolments if e.status == TrainingEnrolmentStatus.ENROLLED),
            "completed": sum(1 for e in enrolments if e.completed)}


def attended_sessions(enrolment: TrainingEnrolment) -> set[int]:
    return set(TrainingAttendance.objects.filter(enrolment=enrolment).values_list("session_id", flat=True))


def candidates(user, event: TrainingEvent, *, audience: str, q: str = "", limit: int = 200) -> list:
    """People of one audience the office may enrol: in the user's scope and the event's region, active, not
    already enrolled."""
    prefix = region_prefix(event.region_id)
    taken = event.enrolments.filter(status=TrainingEnrolmentStatus.ENROLLED)
    if audience == TrainingAudience.INSPECTOR:
        rows = (Inspector.objects.visible_to(user).filter(region__code__startswith=prefix,
                                                          status=InspectorStatus.ACTIVE)
                .exclude(pk__in=taken.exclude(inspector=None).values("inspector_id")))
    elif audience == TrainingAudience.EXPERT:
        rows = (Expert.objects.visible_to(user).filter(region__code__startswith=prefix, is_active=True)
                .exclude(pk__in=taken.exclude(expert=None).values("expert_id")))
    elif audience == TrainingAudience.SUPERVISOR:
        rows = (SchoolSupervisor.objects.visible_to(user).filter(school__region__code__startswith=prefix, is_active=True)
                .exclude(pk__in=taken.exclude(supervisor=None).values("supervisor_id")).select_related("school"))
    elif audience == TrainingAudience.STAFF:
        from_users = (RoleAssignment.objects.filter(role=Role.OFFICE, region_id__startswith=prefix)
                      .values("user_id"))
        rows = (get_user_model().objects.filter(pk__in=from_users, is_active=True)
                .exclude(pk__in=taken.exclude(staff=None).values("staff_id")).order_by("username"))
    else:
        return []
    if q:
        rows = rows.filter(Q(name__icontains=q[:64]) if audience != TrainingAudience.STAFF
                           else Q(first_name__icontains=q[:64]) | Q(username__icontains=q[:64]))
    return list(rows[:limit])


# ---- the yearly hours view ---------------------------------------------------------------------------------------

HOURS_KINDS = {
    TrainingAudience.INSPECTOR: (Inspector, "region__code", "region_id"),
    TrainingAudience.EXPERT: (Expert, "region__code", "region_id"),
    TrainingAudience.SUPERVISOR: (SchoolSupervisor, "school__region__code", "school__region_id"),
}


def hours_rows(user, *, audience: str, year: int, q: str = "", under: bool = False, region: str = ""):
    """People of one audience the user sees, each with `n_hours` and `n_credits` for the year (every
    Training record, not only events'), `minimum` (people.training_hours_min of their region) and `short`."""
    model, lookup, _region_attr = HOURS_KINDS[audience]
    rows = model.objects.visible_to(user)
    if audience == TrainingAudience.INSPECTOR:
        rows = rows.filter(status=InspectorStatus.ACTIVE).select_related("region")
    elif audience == TrainingAudience.EXPERT:
        rows = rows.filter(is_active=True).select_related("region")
    else:
        rows = rows.filter(is_active=True).select_related("school")
    if region:
        rows = rows.filter(**{f"{lookup}__startswith": region_prefix(region)})
    if q:
        rows = rows.filter(name__icontains=q[:64])
    rows = rows.annotate(
        n_hours=Coalesce(Sum("trainings__hours", filter=Q(trainings__date__year=year)), ZERO),
        n_credits=Coalesce(Sum("trainings__credits", filter=Q(trainings__date__year=year)), ZERO))
    minimum = min_hours_of(user)
    if under:
        rows = rows.filter(n_hours__lt=minimum)
    return rows.order_by("n_hours", "name", "id"), minimum


def min_hours_of(user) -> Decimal:
    """The yearly minimum in force for the user's first region (people.training_hours_min); one policy read."""
    scope = scope_for(user)
    code = scope.region_prefixes[0] if scope.region_prefixes else ""
    return Decimal(str(PolicyTable(["people.training_hours_min"]).get("people.training_hours_min", code)))


def decorate_hours(rows, *, audience: str, minimum: Decimal, today: datetime.date) -> list:
    """Adds `short` and `open_events` (open events of their audience and region, not full, not ended, not
    enrolled) to a page of rows; two queries for the page."""
    rows = list(rows)
    if not rows:
        return rows
    region_of = {r.pk: (r.school.region_id if audience == TrainingAudience.SUPERVISOR else r.region_id) for r in rows}
    events = list(TrainingEvent.objects.filter(status=TrainingEventStatus.OPEN, ends_on__gte=today,
                                               audience__icontains=f'"{audience}"')
                  .filter(_regions_q(region_of.values())).order_by("starts_on", "id"))
    field = {TrainingAudience.INSPECTOR: "inspector_id", TrainingAudience.EXPERT: "expert_id",
             TrainingAudience.SUPERVISOR: "supervisor_id"}[audience]
    enrolled = set(TrainingEnrolment.objects.filter(event__in=events, status=TrainingEnrolmentStatus.ENROLLED,
                                                    **{f"{field}__in": list(region_of)})
                   .values_list("event_id", field))
    for row in rows:
        row.short = hours_short(row.n_hours, minimum)
        code = region_of[row.pk]
        row.open_events = [e for e in events if code.startswith(region_prefix(e.region_id))
                           and (e.pk, row.pk) not in enrolled and e.room > 0]
    return rows
