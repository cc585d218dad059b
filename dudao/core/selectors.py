"""Reads of the audit log and of accounts, scoped to the user."""

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from dudao.core.listing import filter_given
from dudao.core.models import ACTION_LABELS, ApiToken, AuditLog, Notification, RoleAssignment
from dudao.core.scope import region_prefix, scope_for

User = get_user_model()


def audit_list(user, *, action: str = "", object_type: str = "", actor: str = "", q: str = "",
               date_from=None, date_to=None) -> QuerySet[AuditLog]:
    qs = AuditLog.objects.visible_to(user)
    qs = filter_given(qs, action=action, object_type=object_type, actor_name__contains=actor)
    if q:
        qs = qs.filter(Q(object_repr__contains=q) | Q(object_id=q) | Q(request_id=q))
    qs = filter_given(qs, at__date__gte=date_from, at__date__lte=date_to)
    return qs.order_by("-at", "-id")


def audit_actions(user) -> list[tuple[str, str]]:
    actions = AuditLog.objects.visible_to(user).values_list("action", flat=True).distinct().order_by("action")
    return [(a, str(ACTION_LABELS.get(a, a))) for a in actions]


def user_list(user, *, q: str = "", role: str = "") -> QuerySet:
    """Accounts, for administrators only (anyone else gets an empty list)."""
    if not scope_for(user).everything:
        return User.objects.none()
    qs = User.objects.prefetch_related(
        Prefetch("role_assignments", queryset=RoleAssignment.objects.select_related("region", "school", "unit"))
    )
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(first_name__contains=q))
    if role:
        qs = qs.filter(role_assignments__role=role).distinct()
    return qs.order_by("username")


def get_user_for(user, pk: int):
    found = user_list(user).filter(pk=pk).first()
    if found is None:
        raise Http404("未找到该账号。")
    return found


# ---- who to tell, and the inbox ------------------------------------------------------------------------

def users_of_schools(school_ids) -> dict[int, set[int]]:
    """school id → ids of active users holding the school role there."""
    result: dict[int, set[int]] = {}
    for school_id, user_id in RoleAssignment.objects.filter(
            role="school", school_id__in=list(school_ids), user__is_active=True).values_list("school_id", "user_id"):
        result.setdefault(school_id, set()).add(user_id)
    return result


def users_of_units(unit_ids) -> dict[int, set[int]]:
    """government unit id → ids of active users holding the unit role there."""
    result: dict[int, set[int]] = {}
    for unit_id, user_id in RoleAssignment.objects.filter(
            role="unit", unit_id__in=list(unit_ids), user__is_active=True).values_list("unit_id", "user_id"):
        result.setdefault(unit_id, set()).add(user_id)
    return result


def office_users_for(region_code: str) -> set[int]:
    """Active office staff whose region contains the given region (the county office and those above it)."""
    return office_users_by_region([region_code])[region_code]


def office_users_by_region(region_codes) -> dict[str, set[int]]:
    """office_users_for for many regions in one query."""
    offices = [(region_prefix(code), user_id) for code, user_id in RoleAssignment.objects.filter(
        role="office", user__is_active=True).values_list("region_id", "user_id")]
    return {code: {uid for prefix, uid in offices if code.startswith(prefix)} for code in set(region_codes)}


def inbox(user, *, unread_only: bool = False) -> QuerySet[Notification]:
    qs = Notification.objects.filter(user_id=user.pk)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    return qs.order_by("-created_at", "-id")


def unread_count(user) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user_id=user.pk, read_at__isnull=True).count()


# ---- API tokens ----------------------------------------------------------------------------------------

def tokens_visible_to(user) -> QuerySet[ApiToken]:
    """A user's own tokens; an administrator's view covers every user's."""
    if not user.is_authenticated:
        return ApiToken.objects.none()
    if scope_for(user).everything:
        return ApiToken.objects.all()
    return ApiToken.objects.filter(user_id=user.pk)


def tokens_of(viewer, owner) -> QuerySet[ApiToken]:
    """The owner's tokens as the viewer may see them (none of someone else's unless the viewer is an admin)."""
    return tokens_visible_to(viewer).filter(user_id=owner.pk).order_by("-created_at", "-id")


def get_token_for(viewer, pk: int) -> ApiToken:
    found = tokens_visible_to(viewer).select_related("user").filter(pk=pk).first()
    if found is None:
        raise Http404("未找到该令牌。")
    return found
