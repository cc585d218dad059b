"""quality's to-do source: the office's monitoring rounds that wait for it (scores to import once tested, results
to publish once scored), each leaving the list when the real service has run."""

import datetime

import pytest

from dudao.quality.models import RoundStatus
from dudao.quality.services.rounds import round_publish
from dudao.quality.services.scores import scores_import
from dudao.quality.todo import rounds_to_finish
from tests.dashboard.todo_b_helpers import queries, rows
from tests.quality.factories import csv_bytes, make_round, score_rows

pytestmark = pytest.mark.django_db
TESTED = datetime.date(2026, 11, 20)


def _kinds(user, today):
    return [(r.todo.kind, r.todo.title) for r in rows(user, "quality.scores", today) + rows(user, "quality.publish", today)]


def test_import_then_publish_then_nothing(world):
    rnd = make_round(world, test_date=TESTED)
    assert _kinds(world.office_a, TESTED - datetime.timedelta(days=1)) == []  # not tested yet
    [row] = rows(world.office_a, "quality.scores", TESTED)
    assert row.todo.title == "导入学生成绩" and row.todo.object == rnd.title and row.todo.due is None
    assert row.todo.url == f"/quality/rounds/{rnd.pk}/scores/" and row.todo.region_code == rnd.region_id
    for user in (world.leader_a, world.principal_a, world.inspector_a, world.office_b):
        assert _kinds(user, TESTED) == []
    scores_import(actor=world.office_a, round=rnd, data=csv_bytes(score_rows(world)), filename="成绩.csv",
                  confirm=True)
    assert _kinds(world.office_a, TESTED) == [("quality.publish", "发布监测结果")]
    round_publish(actor=world.office_a, round=rnd)
    assert _kinds(world.office_a, TESTED) == []


def test_queries_do_not_grow_with_rounds(world):
    make_round(world, test_date=TESTED)
    one, found = queries(rounds_to_finish, world.office_a, TESTED)
    for grade in (3, 4, 5, 6, 7):
        make_round(world, test_date=TESTED, grade=grade, status=RoundStatus.SCORED)
    many, more = queries(rounds_to_finish, world.office_a, TESTED)
    assert (len(found), len(more)) == (1, 6) and many == one
