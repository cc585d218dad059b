"""征集评选 on the to-do lists and in the 行事历: experts' scoring, eligible users' closing calls, the office's calls
to review and rate; the call's deadline in the calendar, scoped."""

import datetime

import pytest

from dudao.research import todo, year
from tests.research import calls_support
from tests.research.calls_support import AFTER, BJ, at, close, score, submit

pytestmark = pytest.mark.django_db
cw = calls_support.cw  # the fixture


def test_closing_call_reaches_eligible_users_only_until_they_enter(world, cw):
    today = datetime.date(2026, 4, 27)  # 3 days before the deadline (policy: 7)
    with at(datetime.datetime(2026, 4, 27, 9, 0, tzinfo=BJ)):
        assert [t.kind for t in todo.calls_closing(world.principal_a, today)] == ["research.call_enter"]
        assert todo.calls_closing(world.office_b, today) == []
        assert todo.calls_closing(world.town_a, today) == []
    submit(world.principal_a, cw.call)
    with at(datetime.datetime(2026, 4, 27, 9, 0, tzinfo=BJ)):
        assert todo.calls_closing(world.principal_a, today) == []
    assert todo.calls_closing(world.inspector_a, datetime.date(2026, 4, 1)) == []  # not yet near the deadline


def test_office_and_expert_items(world, cw):
    entry = submit(world.principal_a, cw.call)
    items = todo.calls_to_rank(world.office_a, datetime.date(2026, 5, 2))
    assert [t.kind for t in items] == ["research.call_review"]
    assert todo.calls_to_rank(world.office_b, datetime.date(2026, 5, 2)) == []
    close(world, cw.call)
    assert [t.kind for t in todo.calls_to_rank(world.office_a, datetime.date(2026, 5, 2))] == ["research.call_rate"]
    plain = todo.calls_to_score(world.expert, datetime.date(2026, 5, 2))
    assert [t.title for t in plain] == ["评审征集作品（待评 1 件）"]
    assert todo.calls_to_score(cw.expert_users[1], datetime.date(2026, 5, 2)) == []  # recused: own school
    score(world.expert, entry)
    assert todo.calls_to_score(world.expert, datetime.date(2026, 5, 2)) == []
    assert AFTER


def test_deadline_in_the_calendar_is_scoped(world, cw):
    start, end = datetime.date(2026, 4, 1), datetime.date(2026, 4, 30)
    items = year.calendar_call_deadlines(world.office_a, start, end)
    assert [(i.start, i.title) for i in items] == [(datetime.date(2026, 4, 30), "2026年典型案例征集 投稿截止")]
    assert year.calendar_call_deadlines(world.office_b, start, end) == []
