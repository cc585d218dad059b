"""The to-do list (dashboard.selectors.todos): urgency by Beijing date and the region's policy, one row per item
across roles and sources, long sources cut with an honest remainder, a failing source isolated, and the
navigation's cached count."""

import datetime

import pytest
import time_machine
from django.core.cache import caches

from dudao.core.models import Policy, Role
from dudao.core.services import role_assign
from dudao.dashboard.selectors import todos as todos_mod
from dudao.dashboard.selectors.todos import PER_SOURCE, my_todos, todo_count, todo_list
from tests.dashboard.fakes import D, todos_due

BEIJING = datetime.timezone(datetime.timedelta(hours=8))


def _at(hour, minute):
    """2026-12-10 at hour:minute Beijing time."""
    return datetime.datetime(2026, 12, 10, hour, minute, tzinfo=BEIJING)


@pytest.mark.parametrize(("hour", "minute"), [(0, 30), (23, 30)])
def test_urgency_follows_the_beijing_date(world, fake_sources, hour, minute):
    days = [D(2026, 12, 9), D(2026, 12, 10), D(2026, 12, 13), D(2026, 12, 14), None]
    fake_sources("fake.a", lambda user, today: todos_due(*days), roles=[Role.OFFICE])
    with time_machine.travel(_at(hour, minute), tick=False):
        listed = todo_list(world.office_a)
    assert listed.today == D(2026, 12, 10)
    assert [(r.todo.due, r.urgency) for r in listed.rows] == [
        (D(2026, 12, 9), "overdue"), (D(2026, 12, 10), "soon"), (D(2026, 12, 13), "soon"),
        (D(2026, 12, 14), "later"), (None, "later")]
    assert [(g.label, len(g.rows)) for g in listed.groups()] == [("已逾期", 1), ("3 天内到期", 2), ("其他待办", 2)]


def test_the_soon_window_is_the_users_region_policy(world, fake_sources):
    fake_sources("fake.a", lambda user, today: todos_due(D(2026, 12, 17)), roles=[Role.OFFICE, Role.SCHOOL])
    Policy.objects.create(key="dashboard.todo_soon_days", region_code=world.county_a.code, value=7)
    today = D(2026, 12, 10)
    assert todo_list(world.office_a, today).rows[0].urgency == "soon"  # 7 days in district A
    assert todo_list(world.office_a, today).rows[0].urgency_label == "7 天内到期"
    assert todo_list(world.principal_a, today).rows[0].urgency == "soon"  # the school's region is in district A
    assert todo_list(world.office_b, today).rows[0].urgency == "later"  # district B keeps the default 3


def test_a_user_with_several_roles_sees_each_item_once(world, fake_sources):
    role_assign(actor=world.admin, user=world.office_a, role=Role.UNIT, unit=world.unit_a)
    shared = todos_due(D(2026, 12, 1), D(2026, 12, 20))
    fake_sources("fake.office", lambda user, today: shared, roles=[Role.OFFICE])
    fake_sources("fake.unit", lambda user, today: shared + todos_due(None, kind="fake.unit_only"), roles=[Role.UNIT])
    fake_sources("fake.twice", lambda user, today: shared + shared, roles=[Role.UNIT, Role.OFFICE])
    rows = my_todos(world.office_a, D(2026, 12, 10))
    assert len(rows) == 3
    assert len({r.todo.identity for r in rows}) == 3


def test_a_source_only_reaches_the_roles_it_names(world, fake_sources):
    fake_sources("fake.school", lambda user, today: todos_due(None), roles=[Role.SCHOOL])
    assert my_todos(world.principal_a) and not my_todos(world.office_a) and not my_todos(world.expert)
    assert not my_todos(world.admin)  # an administrator's home does not gather every district's work


def test_a_long_source_shows_its_first_items_by_due_date_and_counts_the_rest(world, fake_sources):
    many = todos_due(*[D(2026, 1, 1) + datetime.timedelta(days=k) for k in range(500)])
    fake_sources("fake.many", lambda user, today: list(reversed(many)), roles=[Role.OFFICE], label="整改通知书",
                 list_url="rectification:notice_list")
    fake_sources("fake.few", lambda user, today: todos_due(None, kind="fake.few"), roles=[Role.OFFICE])
    listed = todo_list(world.office_a, D(2026, 12, 10))
    assert len(listed.rows) == PER_SOURCE + 1 and listed.total == 501
    shown = [r.todo.due for r in listed.rows if r.todo.kind == "fake.item"]
    assert shown == [D(2026, 1, 1) + datetime.timedelta(days=k) for k in range(PER_SOURCE)]  # the most overdue first
    [note] = listed.truncated
    assert (note.label, note.hidden, note.url) == ("整改通知书", 500 - PER_SOURCE, "/rectification/notices/")


def test_a_failing_source_is_reported_and_the_others_still_show(world, fake_sources, login, caplog):
    def broken(user, today):
        raise RuntimeError("boom")

    fake_sources("fake.broken", broken, roles=[Role.OFFICE], label="约谈")
    fake_sources("fake.ok", lambda user, today: todos_due(D(2026, 12, 1)), roles=[Role.OFFICE])
    listed = todo_list(world.office_a)
    assert [r.todo.title for r in listed.rows] == ["事项0"]
    assert [n.label for n in listed.failed] == ["约谈"]
    assert "fake.broken" in caplog.text
    page = login(world.office_a).get("/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "“约谈”待办暂时无法读取" in html and "事项0" in html


def test_a_source_whose_query_fails_leaves_the_transaction_usable(world, fake_sources):
    from django.db import connection

    def bad_sql(user, today):
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table_for_the_todo_test")
        return []

    fake_sources("fake.bad_sql", bad_sql, roles=[Role.OFFICE])
    fake_sources("fake.ok", lambda user, today: todos_due(None), roles=[Role.OFFICE])
    listed = todo_list(world.office_a)
    assert len(listed.rows) == 1 and len(listed.failed) == 1
    assert todo_list(world.office_a).rows  # and the database still answers (PostgreSQL: savepoint rolled back)


def test_the_navigation_count_is_cached_and_refreshed_by_the_home_page(world, fake_sources, login):
    items = todos_due(D(2026, 12, 1), D(2026, 12, 2))
    fake_sources("fake.a", lambda user, today: list(items), roles=[Role.OFFICE])
    client = login(world.office_a)
    assert todo_count(world.office_a) == 2
    items.pop()  # done elsewhere: the count may stay stale for up to a minute…
    assert todo_count(world.office_a) == 2
    page = client.get("/").content.decode()  # …until the home page is computed
    assert "待办（1）" in page
    assert todo_count(world.office_a) == 1
    caches["default"].delete(todos_mod._count_key(world.office_a))
    assert '待办 <span class="badge text-bg-warning">1</span>' in client.get("/schools/").content.decode()


def test_the_api_lists_the_home_pages_items(world, fake_sources, client):
    from tests.core.test_api_robustness import bearer

    fake_sources("fake.a", lambda user, today: todos_due(D(2000, 1, 1), None), roles=[Role.OFFICE])
    assert client.get("/api/v1/me/tasks").status_code == 401
    response = client.get("/api/v1/me/tasks", **bearer(world.office_a))
    assert response.status_code == 200
    assert response.json() == [
        {"kind": "fake.item", "title": "事项0", "object": "对象0", "due": "2000-01-01", "urgency": "overdue",
         "url": "/fake/fake.item/0/"},
        {"kind": "fake.item", "title": "事项1", "object": "对象1", "due": None, "urgency": "later",
         "url": "/fake/fake.item/1/"}]


def test_the_users_own_write_refreshes_their_navigation_count(world, fake_sources, django_capture_on_commit_callbacks):
    from dudao.core.audit import audit_record

    items = todos_due(D(2026, 12, 1), D(2026, 12, 2))
    fake_sources("fake.a", lambda user, today: list(items), roles=[Role.OFFICE])
    assert todo_count(world.office_a) == 2
    items.pop()
    with django_capture_on_commit_callbacks(execute=True):
        audit_record(actor=world.office_b, action="school.update")  # someone else's write: no effect
    assert todo_count(world.office_a) == 2
    with django_capture_on_commit_callbacks(execute=True):
        audit_record(actor=world.office_a, action="school.update")
    assert todo_count(world.office_a) == 1
