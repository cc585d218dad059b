"""Reads of meetings (会议) and their decisions: the list (year, kind, search), one meeting with its decisions and
what each became (a plan task with its derived status, a finding with its status), and the people and units a
meeting of a region may list as attendees. Scoped: office staff and leaders of the region (and administrators);
anyone else gets the same 404 as a missing meeting."""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from dudao.core.errors import ApplicationError
from dudao.core.roles import Role
from dudao.core.scope import get_visible_or_404, holds_role_in, scope_for
from dudao.people.models import Inspector, InspectorStatus
from dudao.planning.models import Meeting, MeetingDecision, Plan, PlanSection, PlanTask, TaskLink
from dudao.planning.selectors.plans import (
    STATUS_CLASSES,
    STATUS_LABELS,
    LinkRow,
    derived_statuses,
    office_staff_ids,
    resolve_links,
)
from dudao.regions.models import GovUnit, Region
from dudao.schools.models import School

User = get_user_model()

STAFF_ROLES = (Role.OFFICE, Role.LEADER)
MAX_YEAR = 2100
MIN_YEAR = 2000


def holds_office(user, region_code: str = "") -> bool:
    """Office staff of the region (or of any region when no code is given), or an administrator."""
    scope = scope_for(user)
    if not region_code:
        return scope.everything or scope.has_role(Role.OFFICE)
    return holds_role_in(user, region_code, Role.OFFICE)


def office_regions(user) -> QuerySet[Region]:
    """Counties and towns where the user may hold meetings: inside their office assignments (administrators:
    every county and town)."""
    qs = Region.objects.filter(level__in=("county", "town"))
    scope = scope_for(user)
    if not scope.everything:
        prefixes = [p for role, p in scope.role_prefixes if role == Role.OFFICE]
        q = Q(pk__in=[])
        for prefix in prefixes:
            q |= Q(code__startswith=prefix)
        qs = qs.filter(q)
    return qs.order_by("code")


def region_staff(region_code: str) -> QuerySet:
    """People a meeting of the region may list: active users holding the office or leader role over the region or
    a region inside it (a town's meeting: the county's too), and the region's serving 督学 with an account."""
    inside = Q(role_assignments__role__in=STAFF_ROLES, role_assignments__region__code__startswith=region_code)
    # a town's meeting also lists the county office and leaders
    above = (Q(role_assignments__role__in=STAFF_ROLES, role_assignments__region__code=region_code[:6])
             if len(region_code) > 6 else Q(pk__in=[]))
    inspectors = Inspector.objects.filter(region__code__startswith=region_code, status=InspectorStatus.ACTIVE,
                                          user__isnull=False).values("user_id")
    ids = User.objects.filter(inside | above | Q(pk__in=inspectors), is_active=True).values("pk")
    return User.objects.filter(pk__in=ids).order_by("first_name", "username")


def region_units(region_code: str) -> QuerySet[GovUnit]:
    """Government units inside the region (a county's committee departments and its towns' governments)."""
    return GovUnit.objects.filter(region__code__startswith=region_code).order_by("region_id", "code")


def region_schools(region_code: str) -> QuerySet[School]:
    return School.objects.filter(region__code__startswith=region_code).order_by("code")


def _office_prefixes(user) -> list[str]:
    """The region subtrees where the user holds the office role ("" for administrators: everywhere)."""
    scope = scope_for(user)
    if scope.everything:
        return [""]
    return sorted({p for role, p in scope.role_prefixes if role == Role.OFFICE})


def staff_choices(user) -> QuerySet:
    """The attendee picker's people: staff of the regions where the user holds meetings (the service checks each
    one against the meeting's own region)."""
    q = Q(pk__in=[])
    for prefix in _office_prefixes(user):
        q |= Q(pk__in=region_staff(prefix).values("pk"))
    return User.objects.filter(q).order_by("first_name", "username")


def unit_choices(user) -> QuerySet[GovUnit]:
    q = Q(pk__in=[])
    for prefix in _office_prefixes(user):
        q |= Q(region__code__startswith=prefix)
    return GovUnit.objects.filter(q).select_related("region").order_by("region_id", "code")


def year_span(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    """[1 January 00:00, next 1 January 00:00) of a Beijing calendar year, as aware datetimes."""
    tz = timezone.get_current_timezone()
    return datetime.datetime(year, 1, 1, tzinfo=tz), datetime.datetime(year + 1, 1, 1, tzinfo=tz)


def meeting_list(user, *, year: str = "", kind: str = "", q: str = "") -> QuerySet[Meeting]:
    """The meetings the user may read, newest first; a year or kind that is not one is ignored."""
    qs = Meeting.objects.visible_to(user).select_related("region", "minutes_file").annotate(
        decision_count=Count("decisions"))
    try:
        number = int(str(year).strip())
    except ValueError:
        number = None
    if number is not None and MIN_YEAR <= number <= MAX_YEAR:
        start, end = year_span(number)
        qs = qs.filter(starts_at__gte=start, starts_at__lt=end)
    if kind:
        qs = qs.filter(kind=kind)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(place__contains=q) | Q(host__contains=q) | Q(agenda__contains=q))
    return qs.order_by("-starts_at", "-id")


def meeting_years(user) -> list[int]:
    """Beijing years that hold a meeting the user may read, newest first (for the year filter)."""
    return list(Meeting.objects.visible_to(user).annotate(y=ExtractYear("starts_at")).order_by("-y")
                .values_list("y", flat=True).distinct())


def get_meeting_for(user, pk) -> Meeting:
    return get_visible_or_404(Meeting.objects.select_related("region", "minutes_file", "created_by"), user, pk=pk)


def get_decision_for(user, pk) -> MeetingDecision:
    """A decision of a meeting the user may read (its meeting's scope), else 404."""
    try:
        return MeetingDecision.objects.select_related("meeting", "meeting__region").get(
            pk=pk, meeting__in=Meeting.objects.visible_to(user))
    except (MeetingDecision.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该对象，或您无权查看。") from None


@dataclass
class DecisionRow:
    decision: MeetingDecision
    task: PlanTask | None
    task_status: str  # a TaskStatus value, "" without a task
    task_status_label: str
    task_status_class: str
    task_url: str
    finding: object | None  # rectification.Finding
    finding_overdue: bool


def _task_statuses(tasks: list[PlanTask], today: datetime.date) -> dict[int, str]:
    """Each task's shown status, derived as the plan tree derives it: from its links (one resolve per kind) or
    the owner's progress."""
    links = list(TaskLink.objects.filter(task__in=[t.pk for t in tasks]).order_by("id"))
    targets = resolve_links(links)
    by_task: dict[int, list[LinkRow]] = defaultdict(list)
    for link in links:
        by_task[link.task_id].append(LinkRow(link, targets.get(link.pk)))
    return derived_statuses(tasks, today, by_task)


def meeting_decisions(meeting: Meeting, today: datetime.date | None = None) -> list[DecisionRow]:
    """The meeting's decisions in order, each with the task or finding it became: three queries in all."""
    today = today or timezone.localdate()
    decisions = list(meeting.decisions.select_related("finding", "finding__school", "finding__unit").order_by(
        "order", "id"))
    tasks = {t.decision_id: t for t in PlanTask.objects.filter(decision__in=[d.pk for d in decisions])
             .select_related("plan", "section", "owner_user")}
    statuses = _task_statuses(list(tasks.values()), today)
    rows = []
    for decision in decisions:
        task = tasks.get(decision.pk)
        status = statuses.get(task.pk, "") if task else ""
        finding = decision.finding
        rows.append(DecisionRow(
            decision=decision, task=task, task_status=status, task_status_label=str(STATUS_LABELS.get(status, "")),
            task_status_class=STATUS_CLASSES.get(status, "secondary"),
            task_url=reverse("planning:task_detail", args=[task.pk]) if task else "", finding=finding,
            finding_overdue=bool(finding and finding.status == "open" and finding.due_date
                                 and finding.due_date < today)))
    return rows


def attendees(meeting: Meeting) -> tuple[list, list[GovUnit]]:
    return (list(meeting.attendee_users.order_by("first_name", "username")),
            list(meeting.attendee_units.select_related("region").order_by("region_id", "code")))


def plan_sections(meeting: Meeting) -> list[PlanSection]:
    """Sections a decision of the meeting may become a task in: those of the region's plans of the meeting's year
    and later (newest plan first)."""
    year = timezone.localtime(meeting.starts_at).year
    plans = Plan.objects.filter(region=meeting.region, year__gte=year - 1)
    return list(PlanSection.objects.filter(plan__in=plans).select_related("plan").order_by(
        "-plan__year", "plan_id", "order", "id"))


def region_section(region_code: str, pk) -> PlanSection:
    """A section of a plan of the region, for a posted id; anything else is refused."""
    section = PlanSection.objects.filter(pk=pk, plan__region_id=region_code).select_related("plan").first()
    if section is None:
        raise ApplicationError("请选择本区域工作要点中的部分。")
    return section


def task_owner(region_code: str, pk):
    """A person of the region's office, for a posted id; anyone else is refused."""
    person = task_owners(region_code).filter(pk=pk).first()
    if person is None:
        raise ApplicationError("所选责任人不是本区域督导室的工作人员。")
    return person


def task_owners(region_code: str) -> QuerySet:
    """People a task made from a decision may be given to: the office staff of exactly the region (as the plan's
    own task form offers)."""
    return User.objects.filter(pk__in=office_staff_ids(region_code)).order_by("first_name", "username")
