"""The to-do sources of area "todo-b" on the demo's personas: each has the items the demo's data implies, every
link opens for that user, and nothing is about another county."""

import pytest
from django.contrib.auth import get_user_model

from dudao.core.registries import todo_sources
from dudao.dashboard.selectors.todos import my_todos
from dudao.regions.models import Region
from tests.demo_snapshot import restore

User = get_user_model()
MINE = ("inspections.self", "inspections.review", "inspections.appeal", "surveys.share", "monitoring.campaign_task",
        "quality.scores", "quality.publish", "planning.task", "planning.chronicle", "planning.briefing",
        "reviews.evidence", "reviews.evidence_decide", "reviews.report", "reviews.rate", "reviews.session_publish",
        "reviews.bulletin")


@pytest.fixture(scope="module")
def demo(demo_snapshot, django_db_setup, django_db_blocker, tmp_path_factory):
    from django.core.management import call_command
    from django.test import override_settings

    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("demo-media"))
    media.enable()
    with django_db_blocker.unblock():
        try:
            yield restore(demo_snapshot)
        finally:
            call_command("flush", interactive=False, verbosity=0)
            media.disable()


def _kinds(username):
    rows = my_todos(User.objects.get(username=username))
    return rows, {r.todo.kind for r in rows}


def test_my_sources_are_registered():
    names = set(todo_sources())
    for name in ("inspections.self", "inspections.review", "inspections.appeal", "surveys.share",
                 "monitoring.campaign_task", "quality.rounds", "planning.my_tasks", "planning.office_tasks",
                 "planning.chronicle", "planning.briefings", "reviews.evidence", "reviews.evidence_decide",
                 "reviews.report", "reviews.rate", "reviews.publish"):
        assert name in names


@pytest.mark.parametrize(("username", "expected"), [
    ("demo_expert", {"inspections.score"}),  # the worked example's source: the demo expert scores three targets
    ("demo_school", {"inspections.self"}),  # the 强校工程 project it contacts is in 自评中
    ("demo_unit", {"inspections.self", "reviews.evidence"}),  # the town's 督政 self-assessment; a returned 迎检 item
    ("demo_bureau", {"monitoring.campaign_task", "reviews.evidence"}),
    ("demo_office", {"planning.task", "planning.chronicle", "reviews.evidence_decide", "reviews.bulletin"}),
])
def test_each_persona_has_its_items_and_every_link_opens(demo, db, client, username, expected):
    rows, kinds = _kinds(username)
    assert expected <= kinds, kinds
    county = Region.objects.get(name="示范区").code
    client.force_login(User.objects.get(username=username))
    for row in rows:
        if row.todo.kind not in MINE:
            continue
        assert row.todo.region_code.startswith(county)
        assert client.get(row.todo.url).status_code == 200, row.todo


def test_the_leader_has_nothing_from_these_sources(demo, db):
    """Nothing in these apps waits for a leader's decision, and no reading is recorded (see the modules' notes)."""
    _rows, kinds = _kinds("demo_leader")
    assert not kinds & set(MINE)
