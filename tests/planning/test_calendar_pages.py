"""The 行事历 pages: month grid and list for the office (the warning panel) and a school (read-only, its own
count), "today" at 00:30 and 23:30 Beijing time, the exports (.xlsx, .docx in the 行事历 layout), the API."""

import datetime
import io

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from python_calamine import CalamineWorkbook

from dudao.core.models import Policy
from tests.planning.calendar_data import BEIJING, calendar_world

URL = "/planning/calendar/"


@pytest.fixture
def data(world):
    return calendar_world(world)


def test_office_month_grid_lists_items_and_marks_today(world, data, login):
    with time_machine.travel(datetime.datetime(2026, 12, 5, 10, tzinfo=BEIJING), tick=False):
        page = login(world.office_a).get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert "行事历 · 2026年12月" in text
    assert "甲区第二小学专项督导" in text and "整改期限：甲区第一小学（甲督整〔2026〕1号）" in text
    assert "区教育督导委员会全体会议" in text and "培训：督学专题培训" in text
    assert "乙县" not in text.replace("乙县第", "")  # no 乙县 item (the town filter lists only 甲区's towns)
    assert 'aria-current="date"' in text and "今天" in text
    assert "本月持续事项" in text and "甲区2026年家长满意度调查" in text  # 15 days: above the grid
    assert "本学期尚无学校达到进校次数上限" in text


def test_office_is_warned_of_schools_at_the_limit(world, data, login):
    Policy.objects.create(key="planning.school_entries_per_term", region_code=world.county_a.code, value=2)
    with time_machine.travel(datetime.datetime(2026, 12, 5, 10, tzinfo=BEIJING), tick=False):
        text = login(world.office_a).get(URL).content.decode()
    assert "本学期进校次数已达上限的学校" in text
    assert "甲区第一小学 2/2 次" in text and "甲区第二小学 2/2 次" in text
    assert "甲区九年一贯制学校 1/2" not in text


def test_school_sees_its_own_items_and_count_read_only(world, data, login):
    with time_machine.travel(datetime.datetime(2026, 12, 5, 10, tzinfo=BEIJING), tick=False):
        text = login(world.principal_a).get(URL + "?view=list").content.decode()
    assert "甲督整〔2026〕1号" in text and "甲区八年级学业质量监测" in text
    assert "甲督整〔2026〕2号" not in text and "甲区第二小学专项督导" not in text
    body = text.split("<tbody>")[1]
    assert "区教育督导委员会全体会议" not in body and "交叉督导" not in body and "培训" not in body
    assert "甲区第一小学</span>：2026—2027学年第一学期已安排进校督导检查 <span class=\"fw-semibold\">2</span> 次，上限 4 次" in text
    assert "本学期进校次数已达上限的学校" not in text
    assert "<select class=\"form-select form-select-sm\" name=\"area\"" not in text  # no town filter for a school


def test_an_account_with_no_scope_gets_404(world, data, login):
    assert login(world.expert).get(URL).status_code == 404


@pytest.mark.parametrize("clock", [(2026, 12, 5, 0, 30), (2026, 12, 5, 23, 30)])
def test_an_item_due_today_is_today_at_both_ends_of_the_beijing_day(world, data, login, clock):
    with time_machine.travel(datetime.datetime(*clock, tzinfo=BEIJING), tick=False):
        text = login(world.principal_a).get(URL + "?view=list").content.decode()
        grid = login(world.principal_a).get(URL).content.decode()
    # the notice due 12-05 is on today's row of the list, and the grid's today cell is the 5th
    today_rows = [r.split("</tr>")[0] for r in text.split('class="table-primary"')[1:]]
    assert any("2026年12月5日" in r and "甲督整〔2026〕1号" in r for r in today_rows)
    assert "甲区八年级学业质量监测" not in "".join(today_rows)  # the 10th is not today
    cell = grid.split('aria-current="date"')[1].split("</td>")[0]
    assert '<div class="cal-day">5<span class="cal-today-tag">今天' in cell and "甲督整〔2026〕1号" in cell


def test_filters_month_navigation_and_bad_parameters(world, data, login):
    client = login(world.office_a)
    text = client.get(URL + "?month=2026-11&view=list").content.decode()
    assert "甲区2026年秋季综合督导" in text and "行事历 · 2026年11月" in text and "month=2026-10" in text
    only = client.get(URL + "?month=2026-12&view=list&source=rectification.notice").content.decode()
    assert "甲督整〔2026〕1号" in only and "区教育督导委员会全体会议" not in only.split("<tbody>")[1]
    town = client.get(URL + f"?month=2026-12&view=list&area={world.schools_a[2].region_id}").content.decode()
    assert "完成甲二镇中心校运动场改造" in town and "甲督整〔2026〕1号" not in town
    # a foreign town, an unknown source, a broken month: ignored, the page still answers
    assert client.get(URL + "?month=2026-13&area=990103001&source=x.y").status_code == 200
    bad = client.get(URL + "?month=abc&view=list&area=990103001").content.decode()
    assert "乙一镇" not in bad


def test_the_page_runs_a_bounded_number_of_queries(world, data, login):
    client = login(world.office_a)
    client.get(URL + "?month=2026-12")
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL + "?month=2026-12").status_code == 200
    # one or two per registered calendar source, however many items (reviews added three sources: 33 here; issue 24
    # four: training sessions, 公示 windows, call deadlines, 内审 fieldwork)
    assert len(queries) <= 44, [q["sql"][:120] for q in queries]


def test_xlsx_export_opens_with_the_columns(world, data, login):
    response = login(world.office_a).get(URL + "?month=2026-12&export=xlsx")
    assert response.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    assert rows[0] == ["日期", "星期", "事项", "类别", "地点或对象", "链接"]
    notice = next(r for r in rows if r[2] == "整改期限：甲区第一小学（甲督整〔2026〕1号）")
    assert notice[:2] == ["2026年12月5日", "星期六"] and notice[3] == "整改期限"
    assert notice[5].startswith("http://testserver/rectification/notices/")
    assert not any("乙" in (r[2] or "") for r in rows)


def test_docx_export_is_the_month_by_month_table(world, data, login):
    import docx

    response = login(world.office_a).get(URL + "?month=2026-12&export=docx&range=year")
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    assert "2026年教育督导工作行事历" in document.paragraphs[0].text
    table = document.tables[0]
    assert [c.text for c in table.rows[0].cells] == ["月份", "日期", "工作内容", "责任对象"]
    body = [[c.text for c in row.cells] for row in table.rows[1:]]
    months = [r[0] for r in body if r[0]]
    assert months == ["11月", "12月"]  # the month shown on its first row only
    assert any(r[1] == "12月5日" and "甲督整〔2026〕1号" in r[2] for r in body)


def test_api_calendar_window_and_scope(world, data, login):
    client = login(world.principal_a)
    response = client.get("/api/v1/calendar?from=2026-12-01&to=2026-12-31")
    assert response.status_code == 200
    body = response.json()
    rows = body["items"]
    assert body["count"] == len(rows)
    assert {r["source"] for r in rows} == {"surveys.round", "quality.test", "rectification.notice"}
    notice = next(r for r in rows if r["source"] == "rectification.notice")
    assert notice["start"] == "2026-12-05" and notice["source_label"] == "整改期限"
    assert notice["school_ids"] == [world.schools_a[0].pk]
    too_long = client.get("/api/v1/calendar?from=2026-01-01&to=2027-02-15")
    assert too_long.status_code == 400 and "不能超过 400 天" in too_long.json()["detail"]
    reversed_ = client.get("/api/v1/calendar?from=2026-12-31&to=2026-12-01")
    assert reversed_.status_code == 400 and "不能早于" in reversed_.json()["detail"]
    assert client.get("/api/v1/calendar?from=x").status_code == 422
    # to only: from the first day of that month.
    assert client.get("/api/v1/calendar?to=2026-12-31").json()["items"] == rows
    # from only: to the end of that month.
    response = client.get("/api/v1/calendar?from=2026-12-01")
    assert response.status_code == 200, response.content.decode()
    assert response.json()["items"] == rows
    page = client.get("/api/v1/calendar?from=2026-12-01&to=2026-12-31&page=2&page_size=1").json()
    assert page["count"] == len(rows) and page["items"] == rows[1:2]
    other = login(world.office_b).get("/api/v1/calendar?from=2026-12-01&to=2026-12-31").json()["items"]
    assert {r["title"] for r in other} == {"乙县综合督导", "整改期限：乙县第一小学（乙督整〔2026〕1号）"}
    # No window: this Beijing month (23:30 on 30 November is still November; 00:30 on 1 December is December).
    with time_machine.travel(datetime.datetime(2026, 12, 1, 0, 30, tzinfo=BEIJING), tick=False):
        assert login(world.principal_a).get("/api/v1/calendar").json()["items"] == rows
    with time_machine.travel(datetime.datetime(2026, 11, 30, 23, 30, tzinfo=BEIJING), tick=False):
        november = {(r["source"], r["key"]) for r in login(world.principal_a).get("/api/v1/calendar").json()["items"]}
        assert november and not november & {(r["source"], r["key"]) for r in rows if r["start"] > "2026-11-30"}


def test_a_school_over_the_limit_is_marked(world, data, login):
    Policy.objects.create(key="planning.school_entries_per_term", region_code=world.county_a.code, value=1)
    with time_machine.travel(datetime.datetime(2026, 12, 5, 10, tzinfo=BEIJING), tick=False):
        school = login(world.principal_a).get(URL).content.decode()
        office = login(world.office_a).get(URL).content.decode()
    assert "上限 1 次，<span class=\"text-danger\">已超过上限</span>" in school
    assert '<span class="badge text-bg-danger">甲区第一小学 2/1 次</span>' in office
    assert '<span class="badge text-bg-warning">甲区九年一贯制学校 1/1 次</span>' in office


def test_anonymous_users_are_sent_to_log_in(client, world):
    assert client.get(URL).status_code == 302
    assert client.get("/api/v1/calendar?from=2026-12-01&to=2026-12-31").status_code == 401
