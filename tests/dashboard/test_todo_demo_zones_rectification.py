"""zones' and rectification's to-do items on the demo personas (示范区): the principal has a notice to sign, the
inspector real work (reports to verify and file, the month's visits as the frequency page counts them), the town
and the bureau their notice and 督办单, the office its decisions; every link opens for the user it is given to."""

import pytest
from django.contrib.auth import get_user_model

from dudao.dashboard.selectors.todos import my_todos
from dudao.zones.models import Assignment
from dudao.zones.selectors import frequency
from tests.demo_snapshot import restore

User = get_user_model()
OURS = ("zones.", "rectification.")


@pytest.fixture(scope="module")
def demo(demo_snapshot, django_db_setup, django_db_blocker, tmp_path_factory):
    from django.core.management import call_command
    from django.test import override_settings

    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("todo-a-demo-media"))
    media.enable()
    with django_db_blocker.unblock():
        try:
            yield restore(demo_snapshot)
        finally:
            call_command("flush", interactive=False, verbosity=0)
            media.disable()


def ours(username):
    return [r for r in my_todos(User.objects.get(username=username)) if r.todo.kind.startswith(OURS)]


def kinds(username):
    return {r.todo.kind for r in ours(username)}


def test_the_principal_signs_and_reports(demo, db):
    assert {"rectification.notice_sign", "rectification.notice_report", "zones.visit_sign"} <= kinds("demo_school")


def test_the_inspector_has_real_work(demo, db):
    rows = ours("demo_inspector")
    assert {"rectification.notice_verify", "rectification.notice_file", "zones.cross_due"} <= {r.todo.kind for r in rows}
    # the month's visits due are the frequency page's overdue schools among the inspector's own
    user = User.objects.get(username="demo_inspector")
    own = set(Assignment.objects.current().filter(inspector__user=user).values_list("school__name", flat=True))
    page = {r["name"] for r in frequency(user)["rows"] if r["freq"].overdue and r["name"] in own}
    assert {r.todo.object.split(" · ")[0] for r in rows if r.todo.kind == "zones.visit_due"} == page


def test_the_town_the_bureau_and_the_office(demo, db):
    assert "rectification.notice_sign" in kinds("demo_unit")
    assert "rectification.order_respond" in kinds("demo_bureau")
    assert {"rectification.notice_verify", "rectification.talk_decide", "rectification.case_step",
            "rectification.recheck", "zones.complaint"} <= kinds("demo_office")
    assert ours("demo_leader") == []  # no step of these workflows is the leader's


@pytest.mark.parametrize("username", ["demo_school", "demo_inspector", "demo_unit", "demo_bureau", "demo_office"])
def test_every_link_opens_for_its_user(demo, db, client, username):
    client.force_login(User.objects.get(username=username))
    rows = ours(username)
    assert rows
    for row in rows:
        assert client.get(row.todo.url).status_code == 200, row.todo
