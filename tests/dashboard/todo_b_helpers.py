"""Helpers of the to-do tests of area "todo-b" (inspections' self-assessment/review/appeal sources, surveys,
monitoring, quality, planning, reviews)."""

import datetime
import zoneinfo

from django.db import connection
from django.test.utils import CaptureQueriesContext

from dudao.dashboard.selectors.todos import my_todos

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


def rows(user, kind: str, today: datetime.date | None = None):
    """The user's to-do rows (as the home page lists them) of one kind."""
    return [r for r in my_todos(user, today) if r.todo.kind == kind]


def queries(fn, user, *args) -> tuple[int, list]:
    """The number of queries one call of a source makes, as in a fresh request (the user's scope not cached)."""
    for cached in ("_dudao_scope", "_dudao_owned"):
        user.__dict__.pop(cached, None)
    with CaptureQueriesContext(connection) as ctx:
        result = list(fn(user, *args))
    return len(ctx.captured_queries), result


def beijing(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=BEIJING)
