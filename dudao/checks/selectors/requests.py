"""因需督导 reads (issue 23): the requests a user may see (the office: its region's; a school or unit user: its
own; an inspector: those given to them, and those of their assigned schools), one request with its history, the
menu of a region, and the choices the office's decision form offers."""

from django.db.models import Q

from dudao.checks.models import (
    MenuTopic,
    RequestOutcome,
    RequestStatus,
    RequestTransition,
    SupervisionRequest,
)
from dudao.checks.services.requests import ancestor_codes, county_code, matching_visits
from dudao.core.models import RoleAssignment
from dudao.core.roles import Role
from dudao.core.scope import get_visible_or_404, region_prefix, scope_for
from dudao.frameworks.models import Framework, FrameworkStatus
from dudao.people.models import Inspector, InspectorStatus
from dudao.regions.models import Region
from dudao.schools.models import School

LIST_RELATED = ("topic", "school", "unit", "inspector", "submitted_by", "decided_by")


def request_list(user, *, status: str = "", outcome: str = "", topic: str = "", q: str = ""):
    rows = SupervisionRequest.objects.visible_to(user).select_related(*LIST_RELATED)
    if status in RequestStatus.values:
        rows = rows.filter(status=status)
    if outcome in RequestOutcome.values:
        rows = rows.filter(outcome=outcome)
    if topic == "free":
        rows = rows.filter(topic__isnull=True)
    elif topic.isdigit() and len(topic) <= 9:
        rows = rows.filter(topic_id=int(topic))
    q = q.replace("\x00", "").strip()[:64]
    if q:
        rows = rows.filter(Q(free_topic__icontains=q) | Q(topic__title__icontains=q) | Q(school__name__icontains=q)
                           | Q(unit__name__icontains=q) | Q(reason__icontains=q))
    return rows.order_by("-submitted_at", "-id")


def get_request_for(user, pk) -> SupervisionRequest:
    return get_visible_or_404(SupervisionRequest.objects.select_related(
        *LIST_RELATED, "check_round", "inspection", "visit", "inspector__user"), user, pk=pk)


def history(request: SupervisionRequest):
    return RequestTransition.history(request)


def office_regions(user):
    """The regions the user is the office of (the menus they edit), administrators: every county."""
    scope = scope_for(user)
    if scope.everything:
        return Region.objects.filter(level="county").order_by("code")
    codes = RoleAssignment.objects.filter(user=user, role=Role.OFFICE).values_list("region_id", flat=True)
    return Region.objects.filter(code__in=list(codes)).order_by("code")


def is_office_for(user, request: SupervisionRequest) -> bool:
    return scope_for(user).holds(county_code(request.region_code), Role.OFFICE)


def is_inspector_of(user, request: SupervisionRequest) -> bool:
    return bool(request.inspector_id and request.inspector.user_id == user.pk)


def menu_for_region(region_code: str):
    """The active topics a school or unit of `region_code` may choose: its county's menu and those above it."""
    return (MenuTopic.objects.filter(region_id__in=ancestor_codes(region_code), active=True)
            .select_related("region").order_by("region_id", "order", "id"))


def menu_for_schools(user):
    """The active topics of the regions of the schools in a non-staff user's scope (an inspector's assigned
    schools): what those schools may ask for."""
    codes = set(School.objects.filter(pk__in=scope_for(user).school_ids).values_list("region_id", flat=True))
    wanted = {a for code in codes for a in ancestor_codes(code)}
    return (MenuTopic.objects.filter(region_id__in=wanted, active=True).select_related("region")
            .order_by("region_id", "order", "id"))


def office_menu(user):
    """Every topic of the menus the user may read as staff (active or not), in menu order."""
    return MenuTopic.objects.visible_to(user).select_related("region").order_by("region_id", "order", "id")


def get_topic_for(user, pk) -> MenuTopic:
    return get_visible_or_404(MenuTopic.objects.select_related("region"), user, pk=pk)


def topic_options(user):
    """Topics the list can filter on: the staff's menus, or the requester's own requests' topics."""
    return MenuTopic.objects.filter(pk__in=SupervisionRequest.objects.visible_to(user).values("topic_id")).order_by(
        "region_id", "order", "id") | office_menu(user)


def inspector_choices(request: SupervisionRequest):
    """Active inspectors appointed in the request's county (or above it) whom the office may name."""
    codes = [c for c in ancestor_codes(request.region_code) if len(c) <= 6]
    prefix = region_prefix(county_code(request.region_code))
    return (Inspector.objects.filter(status=InspectorStatus.ACTIVE)
            .filter(Q(region_id__in=codes) | Q(region__code__startswith=prefix)).order_by("name", "id"))


def framework_choices(user, request: SupervisionRequest):
    """Frozen frameworks the office may use, for the request's kind of target (学校 or 政府单位)."""
    return (Framework.objects.visible_to(user).filter(status=FrameworkStatus.FROZEN,
                                                      target="unit" if request.unit_id else "school")
            .order_by("name", "-version"))


def visits_to_link(request: SupervisionRequest):
    return matching_visits(request).select_related("school")
