"""The home page and GET /api/v1/me/tasks run the same number of queries for 1 to-do item as for 200 (a fake
source beside the registered ones), and render items without an object, without a due date or made by nobody."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dudao.core.models import Role
from dudao.core.registries import Todo
from tests.core.test_api_robustness import bearer
from tests.dashboard.fakes import D, todos_due


def _count(client, path, **headers) -> tuple[int, bytes]:
    client.get(path, **headers)  # warm-up: session, per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **headers)
    assert response.status_code == 200, response.content[:300]
    return len(queries), response.content


@pytest.mark.parametrize("persona", ["office_a", "inspector_a", "principal_a", "town_a", "leader_a", "expert"])
def test_the_home_page_and_the_api_run_constant_queries_in_the_number_of_items(world, fake_sources, client, persona):
    user = getattr(world, persona)
    items: list[Todo] = []
    fake_sources("fake.many", lambda u, today: list(items), roles=list(Role.values), alone=False)
    client.force_login(user)
    headers = bearer(user)
    items[:] = todos_due(D(2026, 1, 1))
    home_one, home_one_body = _count(client, "/")
    api_one, _ = _count(client, "/api/v1/me/tasks", **headers)
    items[:] = todos_due(*[D(2026, 1, 1)] * 100, *[None] * 100)
    home_many, home_many_body = _count(client, "/")
    api_many, _ = _count(client, "/api/v1/me/tasks", **headers)
    assert home_many == home_one, f"home page: {home_one} queries with 1 item, {home_many} with 200"
    assert api_many == api_one, f"/api/v1/me/tasks: {api_one} queries with 1 item, {api_many} with 200"
    assert len(home_many_body) > len(home_one_body) and "另有 180 项".encode() in home_many_body


def test_items_without_object_due_or_actor_render(world, fake_sources, login):
    fake_sources("fake.bare", lambda u, today: [Todo(kind="fake.bare", title="处理群众投诉", object="", url="/x/")],
                 roles=[Role.OFFICE])
    html = login(world.office_a).get("/").content.decode()
    assert "处理群众投诉" in html and "无期限" in html


def test_a_user_without_roles_is_told_the_truth(db, django_user_model, login):
    user = django_user_model.objects.create_user("nobody_home", password=None)
    html = login(user).get("/").content.decode()
    assert "还没有分配角色" in html and "尚未分配可查看" not in html


def test_a_user_with_several_roles_sees_each_roles_part_and_each_item_once(world, fake_sources, login):
    from dudao.core.services import role_assign

    role_assign(actor=world.admin, user=world.office_a, role=Role.UNIT, unit=world.unit_a)
    shared = todos_due(D(2026, 1, 1))
    fake_sources("fake.office", lambda u, today: shared, roles=[Role.OFFICE])
    fake_sources("fake.unit", lambda u, today: shared, roles=[Role.UNIT])
    html = login(world.office_a).get("/").content.decode()
    assert "督导室：问题整改" in html and "本单位督办" in html and "我的单位" in html
    assert "待办（1）" in html and html.count("/fake/fake.item/0/") == 1


def test_nothing_in_scope_is_no_alarm(db, django_user_model, login, world):
    """An inspector in the registry with no school assigned yet: no red figure, the page says what will come."""
    import datetime

    from dudao.people.models import Inspector

    user = django_user_model.objects.create_user("inspector_without_schools", password=None)
    day = datetime.date(2020, 9, 1)
    Inspector.objects.create(card_no="QC99999", name="新督学", phone="13900000000", kind="fulltime", source="official",
                             region=world.county_a, appointed_on=day, term_start=day, user=user)
    html = login(user).get("/").content.decode()
    assert "暂无待办" in html and "暂无责任区学校" in html
    assert "text-danger" not in html.split('id="todos"')[1]
