"""The rounds area's registrations: to-dos (office: its region's open rounds past their end with targets left;
inspector: their pending targets in open rounds, due the round's end), the 行事历 source, the audit labels."""

import datetime

import pytest

from dudao.checks.models import CheckTarget, TargetStatus
from dudao.checks.services import rounds as services
from dudao.core.registries import calendar_sources, todo_sources
from tests.checks.rounds_fixtures import crew_fixture, make_round  # noqa: F401 -- fixture

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def todos(name, user):
    return todo_sources()[name].items(user, TODAY)


def test_inspector_has_their_pending_targets_due_the_rounds_end(world, crew):
    check_round = make_round(world)
    services.targets_add(actor=world.office_a, round=check_round, schools=world.schools_a)
    assert todos("checks.targets", world.inspector_a) == []  # draft: nothing to do yet
    services.round_open(actor=world.office_a, round=check_round)
    items = todos("checks.targets", world.inspector_a)
    assert len(items) == 3 and {t.due for t in items} == {check_round.ends_on}
    assert all(t.url == f"/checks/{check_round.pk}/" for t in items)
    CheckTarget.objects.filter(round=check_round, school=world.schools_a[0]).update(status=TargetStatus.DONE)
    assert len(todos("checks.targets", world.inspector_a)) == 2
    assert todos("checks.targets", world.office_a) == []
    services.round_close(actor=world.office_a, round=check_round)
    assert todos("checks.targets", world.inspector_a) == []


def test_office_of_the_region_has_overdue_rounds_only(world, crew):
    late = make_round(world, title="逾期检查", starts_on=TODAY - datetime.timedelta(days=20),
                      ends_on=TODAY - datetime.timedelta(days=1))
    services.targets_add(actor=world.office_a, round=late, schools=world.schools_a[:2])
    services.round_open(actor=world.office_a, round=late)
    current = make_round(world, title="进行中")
    services.targets_add(actor=world.office_a, round=current, schools=world.schools_a[:2])
    services.round_open(actor=world.office_a, round=current)
    items = todos("checks.rounds_overdue", world.office_a)
    assert [t.object for t in items] == ["逾期检查"] and "2 所未检查" in items[0].title
    assert todos("checks.rounds_overdue", world.office_b) == []
    assert todos("checks.rounds_overdue", world.leader_a) == []
    CheckTarget.objects.filter(round=late).update(status=TargetStatus.DONE)
    assert todos("checks.rounds_overdue", world.office_a) == []


def test_calendar_shows_rounds_in_their_window_to_who_sees_them(world, crew):
    check_round = make_round(world)
    services.targets_add(actor=world.office_a, round=check_round, schools=world.schools_a)
    source = calendar_sources()["checks.rounds"]
    items = source.items(world.office_a, TODAY - datetime.timedelta(days=30), TODAY + datetime.timedelta(days=30))
    assert [(i.key, i.start, i.end) for i in items] == [(str(check_round.pk), check_round.starts_on,
                                                         check_round.ends_on)]
    assert set(items[0].school_ids) == {s.pk for s in world.schools_a} and not items[0].enters_school
    later = TODAY + datetime.timedelta(days=60)
    assert source.items(world.office_a, later, later + datetime.timedelta(days=5)) == []
    assert source.items(world.office_b, TODAY, TODAY) == []
    mine = source.items(world.inspector_a, TODAY, TODAY)
    assert len(mine) == 1 and set(mine[0].school_ids) == {s.pk for s in world.schools_a[:3]}
