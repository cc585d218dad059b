"""因需督导 pages: who sees which requests (another school's, district B: 404), the new-request form (bad input
keeps what was typed, 400; the target never comes from the form), the office's decision forms, one URL per action
(GET 405), the menu pages, the list's filters, search, export and bounded queries, and the two to-do sources."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from python_calamine import CalamineWorkbook

from dudao.checks.models import MenuTopic, RequestStatus, SupervisionRequest
from dudao.checks.services import requests as services
from dudao.core.registries import todo_sources
from dudao.dashboard.selectors.todos import my_todos
from tests.checks.requests_data import Menu, at, file_request, fresh, make_menu, special_visit

pytestmark = pytest.mark.django_db


@pytest.fixture
def menu(world) -> Menu:
    return make_menu(world)


def days(n: int) -> str:
    return str(timezone.localdate() + datetime.timedelta(days=n))


def test_the_school_files_on_the_page_and_bad_input_keeps_what_it_typed(world, menu, login):
    client = login(world.principal_a)
    page = client.get(f"/checks/requests/new/?topic={menu.topics[1].pk}").content.decode()
    assert "课后服务质量" in page and "食堂管理" not in page  # district B's menu is not offered
    assert f'<option value="{menu.topics[1].pk}" selected>' in page
    bad = client.post("/checks/requests/new/", {
        "target": f"school:{world.schools_a[0].pk}", "topic": str(menu.topics[0].pk), "reason": "想请督学看看<b>作业</b>",
        "preferred_from": days(5), "preferred_to": days(1)})
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "结束日期不能早于开始日期" in html and "想请督学看看&lt;b&gt;作业&lt;/b&gt;" in html
    assert not SupervisionRequest.objects.exists()
    # a hostile target: another school of the district, a unit, another district's topic
    for target, topic in ((f"school:{world.schools_a[1].pk}", menu.topics[0].pk),
                          (f"unit:{world.unit_a.pk}", menu.topics[0].pk),
                          (f"school:{world.schools_a[0].pk}", menu.topic_b.pk)):
        refused = client.post("/checks/requests/new/", {"target": target, "topic": str(topic), "reason": "r",
                                                        "preferred_from": days(1), "preferred_to": days(2)})
        assert refused.status_code == 400
    assert not SupervisionRequest.objects.exists()
    done = client.post("/checks/requests/new/", {
        "target": f"school:{world.schools_a[0].pk}", "topic": str(menu.topics[0].pk), "reason": "想请督学看看作业",
        "preferred_from": days(1), "preferred_to": days(3)})
    req = SupervisionRequest.objects.get()
    assert done.status_code == 302 and done.url == f"/checks/requests/{req.pk}/"
    assert (req.school, req.submitted_by) == (world.schools_a[0], world.principal_a)
    page = client.get(done.url).content.decode()
    assert "已提交" in page and "督导室尚未处理该申请" in page and "受理</button>" not in page


def test_scope_another_school_and_district_b_get_404(world, menu, login):
    req = file_request(world, menu)
    town = file_request(world, menu, user=world.town_a, school=None, unit=world.unit_a, topic=None, free_topic="控辍保学")
    for user, code in ((world.office_b, 404), (world.town_a, 404), (world.leader_a, 200), (world.office_a, 200),
                       (world.inspector_a, 200)):  # the inspector: principal_a's school is one of theirs
        assert login(fresh(user)).get(f"/checks/requests/{req.pk}/").status_code == code, user
    assert login(world.principal_a).get(f"/checks/requests/{town.pk}/").status_code == 404
    assert "控辍保学" not in login(world.office_b).get("/checks/requests/").content.decode()
    assert "课后服务质量" not in login(world.office_b).get("/checks/requests/").content.decode()
    mine = login(world.town_a).get("/checks/requests/").content.decode()
    assert "控辍保学" in mine and "课后服务质量" not in mine
    # the office of district B cannot decide A's request, nor edit A's menu
    client = login(world.office_b)
    assert client.post(f"/checks/requests/{req.pk}/decline/", {"note": "x"}).status_code == 404
    assert client.post(f"/checks/requests/menu/{menu.topics[0].pk}/deactivate/").status_code == 404
    assert client.get(f"/checks/requests/menu/{menu.topics[0].pk}/edit/").status_code == 404
    # a school user cannot reach the office's actions at all
    client = login(world.principal_a)
    assert client.post(f"/checks/requests/{req.pk}/accept/", {"outcome": "visit"}).status_code == 404
    assert client.get("/checks/requests/menu/new/").status_code == 404
    req.refresh_from_db()
    assert req.status == RequestStatus.SUBMITTED and MenuTopic.objects.get(pk=menu.topics[0].pk).active


def test_the_office_decides_on_the_page(world, menu, login):
    req = file_request(world, menu)
    client = login(world.office_a)
    page = client.get(f"/checks/requests/{req.pk}/").content.decode()
    assert "受理</button>" in page and "督学乙" in page and "督学丙" not in page  # B's inspector is not offered
    bad = client.post(f"/checks/requests/{req.pk}/accept/", {"outcome": "visit", "note": "请尽快安排"})
    assert bad.status_code == 400 and "请填写计划完成日期" in bad.content.decode() and "请尽快安排" in bad.content.decode()
    bad = client.post(f"/checks/requests/{req.pk}/decline/", {"note": ""})
    assert bad.status_code == 400 and "不予受理须写明理由" in bad.content.decode()
    assert client.get(f"/checks/requests/{req.pk}/accept/").status_code == 405
    ok = client.post(f"/checks/requests/{req.pk}/accept/", {"outcome": "visit", "due_on": days(7)})
    assert ok.status_code == 302
    req.refresh_from_db()
    assert (req.status, req.inspector) == ("accepted", menu.inspector)
    again = client.post(f"/checks/requests/{req.pk}/decline/", {"note": "重复处理"})
    assert again.status_code == 400 and "已受理" in again.content.decode()
    page = login(world.principal_a).get(f"/checks/requests/{req.pk}/").content.decode()
    assert "已受理" in page and "督学甲" in page


def test_the_inspector_links_the_visit_on_the_page(world, menu, login):
    with at(2026, 12, 10, 9, 0):
        req = file_request(world, menu)
        services.request_accept(actor=world.office_a, request=req, outcome="visit", due_on=datetime.date(2026, 12, 20))
    with at(2026, 12, 11, 15, 0):
        visit = special_visit(menu, world.schools_a[0], timezone.now())
        client = login(world.inspector_a)
        page = client.get(f"/checks/requests/{req.pk}/").content.decode()
        assert "关联并完成" in page and f'value="{visit.pk}"' in page
        for hostile in ("abc", "9" * 30, "-1"):
            assert client.post(f"/checks/requests/{req.pk}/link-visit/", {"visit": hostile}).status_code == 302
        req.refresh_from_db()
        assert req.status == "accepted"
        client.post(f"/checks/requests/{req.pk}/link-visit/", {"visit": str(visit.pk)})
    req.refresh_from_db()
    assert (req.status, req.visit) == ("done", visit)
    assert "督导纪实" in login(world.principal_a).get(f"/checks/requests/{req.pk}/").content.decode()


def test_the_menu_pages(world, menu, login):
    client = login(world.office_a)
    page = client.get("/checks/requests/menu/").content.decode()
    assert "课后服务质量" in page and "食堂管理" not in page and "发布主题" in page
    bad = client.post("/checks/requests/menu/new/", {"region": world.county_a.code, "title": "作业管理", "content": "",
                                                     "duration": "1 天"})
    assert bad.status_code == 400 and "作业管理" in bad.content.decode()
    bad = client.post("/checks/requests/menu/new/", {"region": world.county_b.code, "title": "作业管理",
                                                     "content": "作业", "duration": ""})
    assert bad.status_code == 400  # not their region: not a choice
    assert client.post("/checks/requests/menu/new/", {"region": world.county_a.code, "title": "作业管理",
                                                      "content": "作业公示、总量控制", "duration": "1 天"}).status_code == 302
    new = MenuTopic.objects.get(title="作业管理")
    assert client.post(f"/checks/requests/menu/{new.pk}/up/").status_code == 302
    assert list(MenuTopic.objects.filter(region=world.county_a).values_list("title", flat=True)) == [
        "课后服务质量", "作业管理", "校园欺凌防治"]
    assert client.get(f"/checks/requests/menu/{new.pk}/deactivate/").status_code == 405
    client.post(f"/checks/requests/menu/{new.pk}/deactivate/")
    assert "已停止" in client.get("/checks/requests/menu/").content.decode()  # (reads the flashed messages)
    school = login(world.principal_a).get("/checks/requests/menu/").content.decode()
    assert "课后服务质量" in school and "作业管理" not in school and "停止申请" not in school


def test_the_list_filters_searches_exports_in_bounded_queries(world, menu, login):
    first = file_request(world, menu)
    file_request(world, menu, topic=None, free_topic="新教师专业成长")
    services.request_decline(actor=world.office_a, request=first, note="已有安排")
    client = login(world.office_a)
    assert "新教师专业成长" not in client.get("/checks/requests/?status=declined").content.decode()
    assert "新教师专业成长" in client.get("/checks/requests/?topic=free").content.decode()
    assert "新教师专业成长" in client.get("/checks/requests/?q=新教师").content.decode()
    assert "没有符合条件的督导申请" in client.get("/checks/requests/?q=没有这个").content.decode()
    for hostile in ("topic=" + "9" * 30, "status=<script>", "outcome=x", "q=" + "长" * 500, "page=-1&size=100000"):
        assert client.get(f"/checks/requests/?{hostile}").status_code == 200, hostile
    rows = CalamineWorkbook.from_filelike(io.BytesIO(client.get("/checks/requests/?export=xlsx").content)
                                          ).get_sheet_by_index(0).to_python()
    assert rows[0][:3] == ["申请时间", "申请学校/单位", "督导主题"] and len(rows) == 3
    client.get("/checks/requests/")  # warm up (the navigation's 待办 count)
    with CaptureQueriesContext(connection) as few:
        client.get("/checks/requests/")
    for n in range(12):
        file_request(world, menu, topic=None, free_topic=f"主题{n}")
    with CaptureQueriesContext(connection) as many:
        assert client.get("/checks/requests/").status_code == 200
    assert len(many) == len(few)


def test_the_to_dos_of_the_office_and_the_inspector(world, menu):
    assert {"checks.request_decide", "checks.request_visit"} <= set(todo_sources())
    with at(2026, 12, 10, 0, 30):  # Beijing 10 December, UTC still the 9th
        req = file_request(world, menu)
    rows = [r.todo for r in my_todos(fresh(world.office_a), datetime.date(2026, 12, 11))
            if r.todo.kind == "checks.request_decide"]
    assert [(t.due, t.url) for t in rows] == [(datetime.date(2026, 12, 20), f"/checks/requests/{req.pk}/")]
    assert not [r for r in my_todos(fresh(world.office_b), datetime.date(2026, 12, 11))
                if r.todo.kind.startswith("checks.request")]
    with at(2026, 12, 10, 23, 30):
        services.request_accept(actor=world.office_a, request=req, outcome="visit", due_on=datetime.date(2026, 12, 18))
    assert not [r for r in my_todos(fresh(world.office_a), datetime.date(2026, 12, 11))
                if r.todo.kind == "checks.request_decide"]
    rows = [r.todo for r in my_todos(fresh(world.inspector_a), datetime.date(2026, 12, 11))
            if r.todo.kind == "checks.request_visit"]
    assert [t.due for t in rows] == [datetime.date(2026, 12, 18)]
    with at(2026, 12, 12, 10, 0):
        visit = special_visit(menu, world.schools_a[0], timezone.now())
        services.request_link_visit(actor=fresh(world.inspector_a), request=req, visit=visit)
    assert not [r for r in my_todos(fresh(world.inspector_a), datetime.date(2026, 12, 12))
                if r.todo.kind == "checks.request_visit"]
