"""Who may see what: a user's scope, computed once per request from their role assignments.

Scope comes from the region tree: "inside region R" is a prefix match on GB/T 2260 codes, so no recursion.
Every user-facing queryset goes through `Model.objects.visible_to(user)`, built on ScopedQuerySet.
"""

from dataclasses import dataclass, field

from django.db import models
from django.http import Http404

from dudao.core.errors import PermissionDenied
from dudao.core.roles import Role


@dataclass(frozen=True)
class Scope:
    everything: bool = False
    region_prefixes: tuple[str, ...] = ()
    school_ids: frozenset[int] = field(default_factory=frozenset)
    unit_ids: frozenset[int] = field(default_factory=frozenset)
    roles: frozenset[str] = field(default_factory=frozenset)
    # Which role each region subtree comes from: (role, prefix). A user who is office in district B and leader
    # in district A holds office rights in B only (`holds`, `restricted_to`), though they read both.
    role_prefixes: frozenset[tuple[str, str]] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.region_prefixes or self.school_ids or self.unit_ids)

    def has_role(self, *roles: str) -> bool:
        return bool(self.roles.intersection(roles))

    def covers_region(self, code: str) -> bool:
        """True if a region code lies inside this user's region subtrees (by any role: what they may read)."""
        return self.everything or any(code.startswith(p) for p in self.region_prefixes)

    def holds(self, code: str, *roles: str) -> bool:
        """True if one of `roles` was given to this user over a region subtree containing `code` (administrators
        hold every role everywhere). Unlike has_role(...) and covers_region(...), the role and the region must come
        from the same assignment."""
        return self.everything or any(role in roles and code.startswith(p) for role, p in self.role_prefixes)

    def restricted_to(self, *roles: str) -> "Scope":
        """The region part of this scope that `roles` give: an office user's import may touch only the regions of
        their office assignments, not those they read as a leader elsewhere."""
        if self.everything:
            return self
        pairs = frozenset((r, p) for r, p in self.role_prefixes if r in roles)
        return Scope(False, tuple(sorted({p for _r, p in pairs})), roles=self.roles.intersection(roles),
                     role_prefixes=pairs)


def region_prefix(code: str) -> str:
    """The code prefix that every descendant shares: 2 digits province, 4 city, 6 county, 9 town."""
    if len(code) > 6:
        return code
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


# Other apps add to a user's scope without core importing them: each source returns (roles, school ids).
# zones registers one: an active inspector in the registry sees the schools currently assigned to them.
_SCOPE_SOURCES: list = []


def register_scope_source(source) -> None:
    if source not in _SCOPE_SOURCES:
        _SCOPE_SOURCES.append(source)


def scope_for(user) -> Scope:
    """The user's scope, cached on the user object for the request."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Scope()
    cached = getattr(user, "_dudao_scope", None)
    if cached is not None:
        return cached
    prefixes: set[str] = set()
    role_prefixes: set[tuple[str, str]] = set()
    school_ids: set[int] = set()
    unit_ids: set[int] = set()
    roles: set[str] = set()
    everything = user.is_superuser
    for role, region_id, school_id, unit_id in user.role_assignments.values_list(
        "role", "region_id", "school_id", "unit_id"
    ):
        roles.add(role)
        if role == Role.ADMIN:
            everything = True
        if region_id:
            prefixes.add(region_prefix(region_id))
            role_prefixes.add((role, region_prefix(region_id)))
        if school_id:
            school_ids.add(school_id)
        if unit_id:
            unit_ids.add(unit_id)
    if user.is_superuser:
        roles.add(Role.ADMIN)
    for source in _SCOPE_SOURCES:
        extra_roles, extra_schools = source(user)
        roles.update(extra_roles)
        school_ids.update(extra_schools)
    scope = Scope(everything, tuple(sorted(prefixes)), frozenset(school_ids), frozenset(unit_ids), frozenset(roles),
                  frozenset(role_prefixes))
    user._dudao_scope = scope
    return scope


def prefix_q(lookup: str, prefixes) -> models.Q:
    """OR of `<lookup>__startswith=prefix` over prefixes; matches nothing when there are none."""
    q = models.Q(pk__in=[])
    for prefix in prefixes:
        q |= models.Q(**{f"{lookup}__startswith": prefix})
    return q


class ScopedQuerySet(models.QuerySet):
    """Base queryset: subclasses say how a Scope turns into a filter (`scope_q`) and, where a user sees some rows
    as their own whatever their scope, which ones (`own_q`: the inspector's own visits, a team's projects)."""

    # True when scope_q or own_q follow a to-many relation: the filter then runs as a `pk IN (subquery)` (as
    # NetBox's restrict() does), so a row is never repeated and no DISTINCT over whole rows is needed.
    through_many = False

    def scope_q(self, scope: Scope) -> models.Q:  # pragma: no cover - abstract
        raise NotImplementedError

    def own_q(self, user) -> models.Q:
        """Rows that are the user's own (an authenticated user); nothing by default."""
        return models.Q(pk__in=[])

    def visible_to(self, user, *, as_roles: tuple[str, ...] = ()):
        """In the user's scope, or their own. With `as_roles`, only the part of the scope those roles give (an
        office import reads the schools of the user's office assignments, not those they read as a leader)."""
        scope = scope_for(user)
        if scope.everything:
            return self.all()
        if as_roles:
            scope = scope.restricted_to(*as_roles)
        q = models.Q(pk__in=[]) if scope.is_empty else self.scope_q(scope)
        if getattr(user, "is_authenticated", False) and not as_roles:
            q |= self.own_q(user)
        if self.through_many:
            return self.filter(pk__in=self.model._base_manager.filter(q).values("pk"))
        return self.filter(q)


def get_visible_or_404(queryset, user, **lookup):
    """The object if it exists and the user may see it; otherwise the same 404 as a missing one."""
    try:
        return queryset.visible_to(user).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该对象，或您无权查看。") from None


def require_office_for(actor, region_code: str, message: str) -> None:
    """Writes on registry data: administrators anywhere, office users inside their own region subtree."""
    scope = scope_for(actor)
    if not scope.holds(region_code, Role.OFFICE):
        raise PermissionDenied(message)


def holds_role_in(user, region_code: str, *roles: str) -> bool:
    """True for administrators, and for users holding one of `roles` over a region subtree containing region_code."""
    scope = scope_for(user)
    return scope.holds(region_code, *roles)


def owns(user, *, school_id: int | None = None, unit_id: int | None = None) -> bool:
    """True if the school or government unit is the user's own: a school or unit role. An inspector's assigned
    schools are in their scope (to visit them) but are not theirs (they may not self-assess or appeal for them)."""
    if user is None or not user.is_authenticated:
        return False
    owned = getattr(user, "_dudao_owned", None)
    if owned is None:
        rows = list(user.role_assignments.filter(role__in=[Role.SCHOOL, Role.UNIT]).values_list("school_id", "unit_id"))
        owned = ({s for s, _u in rows if s}, {u for _s, u in rows if u})
        user._dudao_owned = owned
    return bool((school_id and school_id in owned[0]) or (unit_id and unit_id in owned[1]))
