"""The demo's 因需督导: a menu of five topics; the demo principal's two requests (one accepted as a visit by the
school's 责任督学 — on demo_inspector's to-do list — one declined with its reason); the demo town's pending request
on demo_office's to-do list; the pages render for each persona; a second load adds nothing."""

import pytest
from django.contrib.auth import get_user_model

from dudao.checks.models import MenuTopic, SupervisionRequest
from dudao.dashboard.selectors.todos import my_todos
from dudao.demo.checks import requests as demo_requests
from dudao.regions.models import Region
from tests.demo_snapshot import restore

User = get_user_model()


@pytest.fixture(scope="module")
def demo(demo_snapshot, django_db_setup, django_db_blocker, tmp_path_factory):
    from django.core.management import call_command
    from django.test import override_settings

    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("requests-demo-media"))
    media.enable()
    with django_db_blocker.unblock():
        try:
            yield restore(demo_snapshot)
        finally:
            call_command("flush", interactive=False, verbosity=0)
            media.disable()


def test_the_demo_requests(demo, db, client):
    assert MenuTopic.objects.filter(active=True).count() == 5
    school_user, office, inspector = (User.objects.get(username=u) for u in ("demo_school", "demo_office",
                                                                             "demo_inspector"))
    mine = SupervisionRequest.objects.filter(submitted_by=school_user).order_by("id")
    assert [(r.status, r.outcome) for r in mine] == [("accepted", "visit"), ("declined", "")]
    assert mine[0].inspector.user == inspector and mine[1].decision_note
    town = SupervisionRequest.objects.get(unit__isnull=False)
    assert town.status == "submitted"
    assert [r.todo.url for r in my_todos(office) if r.todo.kind == "checks.request_decide"] == [
        f"/checks/requests/{town.pk}/"]
    assert [r.todo.url for r in my_todos(inspector) if r.todo.kind == "checks.request_visit"] == [
        f"/checks/requests/{mine[0].pk}/"]
    for user in (school_user, office, inspector, User.objects.get(username="demo_unit")):
        client.force_login(user)
        assert client.get("/checks/requests/").status_code == 200
        assert client.get("/checks/requests/menu/").status_code == 200
    client.force_login(school_user)
    page = client.get(f"/checks/requests/{mine[1].pk}/").content.decode()
    assert "不予受理" in page and "德育科" in page


def test_loading_twice_adds_nothing(demo, db):
    before = SupervisionRequest.objects.count()
    county = Region.objects.get(code=MenuTopic.objects.values_list("region_id", flat=True).first())
    demo_requests.load(admin=User.objects.get(username="demo_admin"), office_user=User.objects.get(username="demo_office"),
                       county=county)
    assert SupervisionRequest.objects.count() == before and MenuTopic.objects.count() == 5
