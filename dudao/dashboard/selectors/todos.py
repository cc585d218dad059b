"""A user's to-do list (待办): every registered source's items for the user's roles, once each, with urgency."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

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

URGENCY_ORDER = (URGENCY_OVERDUE, URGENCY_SOON, URGENCY_LATER)


@dataclass(frozen=True)
class TodoRow:
    todo: Todo
    urgency: str
    source: str  # the source's label ("整改通知书")

    @property
    def urgency_label(self) -> str:
        return URGENCY_LABELS[self.urgency]


def my_todos(user, today: datetime.date | None = None) -> list[TodoRow]:
    """The user's open items from every source whose roles the user holds; an item reached through several roles
    (or sources) is listed once. Sorted overdue → soon → later, then by due date (none last), then title."""
    today = today or timezone.localdate()
    scope = scope_for(user)
    seen: set[str] = set()
    rows: list[TodoRow] = []
    for source in todo_sources().values():
        if not (source.roles & set(scope.roles)):
            continue
        for todo in source.items(user, today):
            if todo.identity in seen:
                continue
            seen.add(todo.identity)
            rows.append(TodoRow(todo, todo_urgency(todo.due, today), source.label))
    rows.sort(key=lambda r: (URGENCY_ORDER.index(r.urgency), r.todo.due is None, r.todo.due or today, r.todo.title,
                             r.todo.object))
    return rows
