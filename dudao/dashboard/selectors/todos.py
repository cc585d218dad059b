"""A user's to-do list (待办): every registered source's items for the user's roles, once each, with urgency.

The list is what the home page (工作台), the navigation's count and GET /api/v1/me/tasks show, so all three agree:
- "soon" is the user's region policy `dashboard.todo_soon_days` (default 3 days);
- a source shows at most PER_SOURCE items (the first by due date); the rest are counted ("另有 k 项") and linked
  to the module's list, so an office with 500 overdue notices still gets a page it can read;
- an item reached through several roles or sources is listed once (Todo.identity);
- a source that raises is logged and reported as unreadable ("…待办暂时无法读取"); the others still show.
"""

import datetime
import logging
from dataclasses import dataclass, field

from django.core.cache import caches
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dudao.core.policy import PolicyTable
from dudao.core.registries import (
    URGENCY_LABELS,
    URGENCY_LATER,
    URGENCY_OVERDUE,
    URGENCY_SOON,
    Todo,
    todo_sources,
    todo_urgency,
)
from dudao.core.scope import scope_for
from dudao.regions.models import GovUnit
from dudao.schools.models import School

logger = logging.getLogger(__name__)

URGENCY_ORDER = (URGENCY_OVERDUE, URGENCY_SOON, URGENCY_LATER)
SOON_POLICY = "dashboard.todo_soon_days"
PER_SOURCE = 20  # items shown per source; the rest are counted and linked to the module's list
COUNT_CACHE = "default"  # shared by every worker, so the home page's refresh reaches the navigation everywhere
COUNT_SECONDS = 60


@dataclass(frozen=True)
class TodoRow:
    todo: Todo
    urgency: str
    source: str  # the source's label ("整改通知书")
    soon_days: int = 3

    @property
    def urgency_label(self) -> str:
        return urgency_label(self.urgency, self.soon_days)


@dataclass(frozen=True)
class SourceNote:
    """A source whose items are not all on the list: cut to PER_SOURCE (hidden > 0) or unreadable (failed)."""

    name: str
    label: str
    hidden: int = 0
    url: str = ""  # the module's list, where the hidden items are
    failed: bool = False


@dataclass(frozen=True)
class UrgencyGroup:
    urgency: str
    label: str
    rows: list


@dataclass
class TodoList:
    today: datetime.date
    soon_days: int
    rows: list[TodoRow] = field(default_factory=list)
    notes: list[SourceNote] = field(default_factory=list)

    @property
    def hidden(self) -> int:
        return sum(n.hidden for n in self.notes)

    @property
    def total(self) -> int:
        """Every open item, shown or not (the navigation's count)."""
        return len(self.rows) + self.hidden

    @property
    def truncated(self) -> list[SourceNote]:
        return [n for n in self.notes if n.hidden]

    @property
    def failed(self) -> list[SourceNote]:
        return [n for n in self.notes if n.failed]

    def count(self, urgency: str) -> int:
        return sum(1 for r in self.rows if r.urgency == urgency)

    def groups(self) -> list[UrgencyGroup]:
        """已逾期 / N 天内到期 / 其他待办, each with its rows (possibly none: the count shows 0)."""
        return [UrgencyGroup(u, urgency_label(u, self.soon_days), [r for r in self.rows if r.urgency == u])
                for u in URGENCY_ORDER]


def urgency_label(urgency: str, soon_days: int) -> str:
    if urgency == URGENCY_SOON:
        return f"{soon_days} 天内到期"
    return URGENCY_LABELS[urgency]


def policy_region(user) -> str:
    """The region whose policy applies to the user: their widest region assignment, else their school's or
    unit's region (one small query), else "" (the national default)."""
    scope = scope_for(user)
    if scope.region_prefixes:
        return min(scope.region_prefixes, key=lambda p: (len(p), p))
    if scope.school_ids:
        return School.objects.filter(pk__in=scope.school_ids).order_by("pk").values_list(
            "region_id", flat=True).first() or ""
    if scope.unit_ids:
        return GovUnit.objects.filter(pk__in=scope.unit_ids).order_by("pk").values_list(
            "region_id", flat=True).first() or ""
    return ""


def soon_days_for(user) -> int:
    try:
        days = int(PolicyTable([SOON_POLICY]).get(SOON_POLICY, policy_region(user)))
    except (TypeError, ValueError):
        days = 3
    return max(days, 0)


def _due_key(todo: Todo, today: datetime.date) -> tuple:
    return (todo.due is None, todo.due or today, todo.title, todo.object)


def _list_url(name: str) -> str:
    if not name:
        return ""
    try:
        return reverse(name)
    except NoReverseMatch:
        logger.warning("to-do source list url %r does not resolve", name)
        return ""


def todo_list(user, today: datetime.date | None = None, *, per_source: int = PER_SOURCE) -> TodoList:
    """The user's open items from every source whose roles the user holds, sorted overdue → soon → later, then by
    due date (none last), then title. Each source runs in its own savepoint: one that fails (a bug, a bad row)
    is logged and noted, and the transaction stays usable for the others."""
    today = today or timezone.localdate()
    scope = scope_for(user)
    result = TodoList(today=today, soon_days=soon_days_for(user))
    if not getattr(user, "is_authenticated", False):
        return result
    seen: set[str] = set()
    for source in sorted(todo_sources().values(), key=lambda s: s.name):
        if not source.roles & set(scope.roles):  # an administrator's own roles only, not every district's work
            continue
        try:
            with transaction.atomic():
                items = list(source.items(user, today))
        except Exception:  # noqa: BLE001 -- one broken source must not take the home page down
            logger.exception("to-do source %s failed for user %s", source.name, user.pk)
            result.notes.append(SourceNote(source.name, source.label, failed=True))
            continue
        fresh = []
        for todo in sorted(items, key=lambda t: _due_key(t, today)):
            if todo.identity in seen:
                continue
            seen.add(todo.identity)
            fresh.append(todo)
        shown, hidden = fresh[:per_source], len(fresh) - per_source
        result.rows.extend(TodoRow(t, todo_urgency(t.due, today, result.soon_days), source.label, result.soon_days)
                           for t in shown)
        if hidden > 0:
            result.notes.append(SourceNote(source.name, source.label, hidden=hidden,
                                           url=_list_url(source.list_url)))
    result.rows.sort(key=lambda r: (URGENCY_ORDER.index(r.urgency), *_due_key(r.todo, today)))
    remember_count(user, result.total)
    return result


def my_todos(user, today: datetime.date | None = None) -> list[TodoRow]:
    """The rows of todo_list(user): what the home page and the API list."""
    return todo_list(user, today).rows


# --- the navigation's count -------------------------------------------------------------------------------

def _count_key(user) -> str:
    # the join time makes the key differ when a primary key is ever reused (a test database rolled back)
    joined = user.date_joined.timestamp() if getattr(user, "date_joined", None) else 0
    return f"dashboard.todo_count:{user.pk}:{joined:.6f}"


def remember_count(user, total: int) -> None:
    """Every computed list refreshes the navigation's count (the home page, the API)."""
    caches[COUNT_CACHE].set(_count_key(user), total, COUNT_SECONDS)


def todo_count(user) -> int:
    """The navigation's 待办 count: cached per user for COUNT_SECONDS, computed from the full list when absent."""
    cached = caches[COUNT_CACHE].get(_count_key(user))
    if cached is not None:
        return cached
    return todo_list(user).total


def forget_count(user) -> None:
    caches[COUNT_CACHE].delete(_count_key(user))


def forget_actors_count(*, actor) -> None:
    """Hook "audited" (core.audit.audit_record): every write service records its change, so the person who just did
    something (signed a notice, scored a target) sees their navigation count recomputed on the next page, once the
    write commits. Other people whose to-dos the write changed keep their cached count up to COUNT_SECONDS."""
    transaction.on_commit(lambda: forget_count(actor))


def navigation_section(request, _obj) -> dict:
    """The navigation's part (core.context_processors.navigation, page section "core.navigation")."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"todo_count": todo_count(user)}
