"""大事记 pages, exports and API: the office's page and actions, the leader reads only, another district's office,
a school, an inspector and a unit get 404; the Word export opens with its rows in date order; the Excel export;
GET /api/v1/chronicle?year= (accepted entries only, scoped, the year required and bounded)."""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from docx import Document
from python_calamine import CalamineWorkbook

from dudao.core.services import token_issue
from dudao.planning.models import ChronicleEntry, ChronicleStatus
from dudao.planning.services import chronicle

URL = "/planning/chronicle/"

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


def entry(world, day, title, *, status=ChronicleStatus.ACCEPTED, region=None, key=""):
    return ChronicleEntry.objects.create(region=region or world.county_a, day=day, title=title, status=status,
                                         event_key=key, source="rectification.publication" if key else "")


@pytest.fixture
def book(world):
    return {
        "march": entry(world, datetime.date(2026, 3, 6), "召开年度工作会议"),
        "jan": entry(world, datetime.date(2026, 1, 15), "印发工作要点"),
        "proposed": entry(world, datetime.date(2026, 5, 1), "待定的建议", status=ChronicleStatus.PROPOSED, key="k:1"),
        "dropped": entry(world, datetime.date(2026, 5, 2), "舍弃的建议", status=ChronicleStatus.DROPPED, key="k:2"),
        "last_year": entry(world, datetime.date(2025, 12, 31), "去年年末"),
        "b": entry(world, datetime.date(2026, 4, 1), "乙县的大事", region=world.county_b),
    }


def test_the_office_page_shows_both_parts(world, login, book):
    client = login(world.office_a)
    page = client.get(URL, {"year": 2026, "tab": "proposed"}).content.decode()
    assert "甲区2026年教育督导大事记" in page and "待定的建议" in page and "刷新建议" in page and "采用" in page
    assert "召开年度工作会议" not in page
    page = client.get(URL, {"year": 2026, "tab": "accepted"}).content.decode()
    assert page.index("1月") < page.index("印发工作要点") < page.index("3月") < page.index("召开年度工作会议")
    assert "乙县的大事" not in page and "去年年末" not in page and "添加大事记" in page
    page = client.get(URL, {"year": 2026, "tab": "dropped"}).content.decode()
    assert "舍弃的建议" in page and "恢复" in page
    assert 'value="待定的建议"' in client.get(URL, {"year": 2026}).content.decode()  # default tab: proposals pending
    assert client.get(URL, {"year": "abc"}).status_code == 200  # a bad year: this year


def test_empty_states_are_truthful(world, login):
    page = login(world.office_a).get(URL, {"year": 2026}).content.decode()
    assert "2026年还没有采用的大事记" in page


def test_the_leader_reads_without_buttons(world, login, book):
    page = login(world.leader_a).get(URL, {"year": 2026, "tab": "proposed"}).content.decode()
    assert "2026年5月1日" in page and "待定的建议" in page and "刷新建议" not in page
    assert 'action="/planning/chronicle/' not in page
    landing = login(world.leader_a).get(URL, {"year": 2026})  # a reader lands on the 大事记, not on proposals
    assert landing.context["tab"] == "accepted" and "印发工作要点" in landing.content.decode()


@pytest.mark.parametrize("who", ["principal_a", "inspector_a", "town_a", "expert"])
def test_schools_units_inspectors_and_experts_get_404(world, login, book, who):
    client = login(getattr(world, who))
    assert client.get(URL).status_code == 404
    assert client.get(URL + "export.docx", {"year": 2026}).status_code == 404
    assert client.post(f"/planning/chronicle/{book['proposed'].pk}/accept/").status_code == 404


def test_another_districts_office_gets_404(world, login, book):
    client = login(world.office_b)
    assert client.get(URL, {"region": world.county_a.code}).status_code == 404
    assert client.get(URL + "export.xlsx", {"region": world.county_a.code}).status_code == 404
    for action in ("accept", "drop", "restore", "edit", "delete"):
        assert client.post(f"/planning/chronicle/{book['proposed'].pk}/{action}/").status_code == 404
    page = client.get(URL, {"year": 2026}).content.decode()  # its own district
    assert "乙县的大事" in page and "召开年度工作会议" not in page
    assert ChronicleEntry.objects.get(pk=book["proposed"].pk).status == ChronicleStatus.PROPOSED


def test_actions_through_the_page(world, login, book):
    client = login(world.office_a)
    response = client.post(f"/planning/chronicle/{book['proposed'].pk}/accept/",
                           {"title": "采用后的标题", "day": "2026-05-03", "importance": "major", "text": "内容"})
    assert response.status_code == 302 and "tab=proposed" in response["Location"]
    row = ChronicleEntry.objects.get(pk=book["proposed"].pk)
    assert (row.status, row.title, row.day, row.importance) == ("accepted", "采用后的标题", datetime.date(2026, 5, 3), "major")
    client.post(f"/planning/chronicle/{book['dropped'].pk}/accept/")
    messages = [str(m) for m in client.get(URL).context["messages"]]
    assert any("先点击“恢复”" in m for m in messages)
    client.post(f"/planning/chronicle/{book['dropped'].pk}/restore/")
    assert ChronicleEntry.objects.get(pk=book["dropped"].pk).status == ChronicleStatus.PROPOSED
    client.post("/planning/chronicle/new/", {"region": world.county_a.code, "day": "2026-09-10", "title": "表彰",
                                             "text": "", "importance": "normal"})
    made = ChronicleEntry.objects.get(title="表彰")
    assert made.created_by == world.office_a and made.status == ChronicleStatus.ACCEPTED
    client.post("/planning/chronicle/new/", {"region": world.county_a.code, "day": "", "title": "", "importance": "x"})
    assert not ChronicleEntry.objects.filter(title="").exists()
    client.post(f"/planning/chronicle/{made.pk}/edit/", {"day": "2026-09-09", "title": "表彰优秀督学", "text": "",
                                                          "importance": "important"})
    assert ChronicleEntry.objects.get(pk=made.pk).title == "表彰优秀督学"
    client.post(f"/planning/chronicle/{made.pk}/delete/")
    assert not ChronicleEntry.objects.filter(pk=made.pk).exists()
    assert client.get(f"/planning/chronicle/{made.pk}/delete/").status_code == 405
    response = client.post("/planning/chronicle/refresh/", {"region": world.county_a.code, "year": 2026})
    assert response.status_code == 302
    assert any("已刷新建议" in str(m) for m in client.get(URL).context["messages"])


def test_the_leader_cannot_write_through_the_page(world, login, book):
    client = login(world.leader_a)
    client.post(f"/planning/chronicle/{book['proposed'].pk}/accept/")
    assert ChronicleEntry.objects.get(pk=book["proposed"].pk).status == ChronicleStatus.PROPOSED
    assert any("只有本区域督导室" in str(m) for m in client.get(URL).context["messages"])


def test_the_word_export_opens_in_date_order(world, login, book):
    response = login(world.office_a).get(URL + "export.docx", {"year": 2026})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "甲区2026年教育督导大事记" in text and "共 2 条" in text
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert rows[0] == ["日期", "事项"]
    assert [r[0] for r in rows[1:]] == ["2026年1月15日", "2026年3月6日"]
    assert rows[1][1].startswith("印发工作要点")


def test_the_excel_export(world, login, book):
    response = login(world.office_a).get(URL + "export.xlsx", {"year": 2026})
    values = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert values[0][:2] == ["日期", "标题"] and [v[1] for v in values[1:]] == ["印发工作要点", "召开年度工作会议"]


def test_page_queries_are_bounded(world, login, book):
    client = login(world.office_a)
    client.get(URL, {"year": 2026, "tab": "accepted"})
    with CaptureQueriesContext(connection) as few:
        client.get(URL, {"year": 2026, "tab": "accepted"})
    for n in range(30):
        chronicle.entry_create(actor=world.office_a, region=world.county_a, day=datetime.date(2026, 1 + n % 12, 1),
                               title=f"第{n}条", text="", importance="normal")
    with CaptureQueriesContext(connection) as many:
        client.get(URL, {"year": 2026, "tab": "accepted"})
    assert len(many) == len(few)


def bearer(user) -> dict:
    key, _token = token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _items(response) -> list:
    body = response.json()
    assert set(body) == {"items", "count"} and body["count"] == len(body["items"])  # one page here
    return body["items"]


def test_the_api(world, client, book):
    body = _items(client.get("/api/v1/chronicle?year=2026", **bearer(world.office_a)))
    assert [i["title"] for i in body] == ["印发工作要点", "召开年度工作会议"]  # accepted only, in date order
    assert body[0] == {"id": book["jan"].pk, "day": "2026-01-15", "title": "印发工作要点", "text": "",
                       "importance": "normal", "importance_label": "一般", "region": world.county_a.code,
                       "region_name": "甲区", "source": "", "url": ""}
    assert len(_items(client.get("/api/v1/chronicle?year=2026", **bearer(world.leader_a)))) == 2
    assert [i["title"] for i in _items(client.get("/api/v1/chronicle?year=2026", **bearer(world.office_b)))] == [
        "乙县的大事"]
    for user in (world.principal_a, world.inspector_a, world.town_a):
        assert _items(client.get("/api/v1/chronicle?year=2026", **bearer(user))) == []
    assert len(_items(client.get("/api/v1/chronicle?year=2025", **bearer(world.office_a)))) == 1
    assert len(_items(client.get("/api/v1/chronicle?year=2026", **bearer(world.admin)))) == 3


def test_the_api_defaults_to_this_beijing_year_and_pages(world, client, book):
    """No year: this year in Beijing (at 00:30 on 1 January 2027 Beijing time that is already 2027)."""
    with time_machine.travel(datetime.datetime(2026, 12, 31, 23, 30, tzinfo=BEIJING), tick=False):
        assert len(_items(client.get("/api/v1/chronicle", **bearer(world.office_a)))) == 2
    with time_machine.travel(datetime.datetime(2027, 1, 1, 0, 30, tzinfo=BEIJING), tick=False):
        assert _items(client.get("/api/v1/chronicle", **bearer(world.office_a))) == []
    body = client.get("/api/v1/chronicle?year=2026&page=2&page_size=1", **bearer(world.office_a)).json()
    assert body["count"] == 2 and [i["title"] for i in body["items"]] == ["召开年度工作会议"]


@pytest.mark.parametrize("query", ["?year=abc", "?year=2026.5"])
def test_the_api_wants_a_whole_year(world, client, query):
    response = client.get(f"/api/v1/chronicle{query}", **bearer(world.office_a))
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"detail", "errors"} and "query.year" in [e["field"] for e in body["errors"]]


@pytest.mark.parametrize("year", ["1999", "2101", "-1", "99999999999999999999"])
def test_a_year_outside_2000_to_2100_is_404_in_chinese(world, client, year):
    response = client.get(f"/api/v1/chronicle?year={year}", **bearer(world.office_a))
    assert response.status_code == 404
    body = response.json()
    assert set(body) == {"detail", "errors"} and "2000—2100" in body["detail"]


def test_a_long_year_pages_on(world, login):
    ChronicleEntry.objects.bulk_create([ChronicleEntry(region=world.county_a, day=datetime.date(2026, 1 + n % 12, 1),
                                                       title=f"第{n:03d}条") for n in range(120)])
    page = login(world.office_a).get(URL, {"year": 2026, "tab": "accepted"}).content.decode()
    assert "共 120 条，第 1 / 2 页" in page and page.count("编辑</summary>") == 100
    page = login(world.office_a).get(URL, {"year": 2026, "tab": "accepted", "page": 2}).content.decode()
    assert page.count("编辑</summary>") == 20 and "12月" in page
