"""The 行事历 in the browser: the office's month grid (badges by category, today marked, the warning of schools at
the per-term limit, fits 1024 px), its list view, and a principal's read-only calendar with the school's own
count; screenshots for review under tests/browser/artifacts/."""

import datetime

import pytest
import time_machine

from dudao.core.models import Policy
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.planning.calendar_data import BEIJING, calendar_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def clock():
    with time_machine.travel(datetime.datetime(2026, 12, 5, 10, tzinfo=BEIJING), tick=True):
        yield


def test_office_month_grid_and_list(world, live_server, browser, shot, clock):
    calendar_world(world)
    Policy.objects.create(key="planning.school_entries_per_term", region_code=world.county_a.code, value=2)
    base = live_server.url
    page = browser.new_context(viewport={"width": 1024, "height": 800}, locale="zh-CN").new_page()
    sign_in(page, base, "office_a", PASSWORD)
    page.goto(f"{base}/planning/calendar/?month=2026-12")
    page.wait_for_selector("table.cal-grid")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    today = page.locator("td[aria-current=date]")
    assert today.count() == 1 and "今天" in today.inner_text() and "甲督整〔2026〕1号" in today.inner_text()
    warning = page.locator(".card.border-warning").inner_text()
    assert "甲区第一小学 2/2 次" in warning and "甲区第二小学 2/2 次" in warning
    assert page.locator("a.cal-badge").count() >= 8
    shot(page, "planning-calendar-office-grid-1024")
    page.select_option("select[name=area]", world.schools_a[2].region_id)
    with page.expect_navigation():
        page.click("button:has-text('筛选')")
    assert "完成甲二镇中心校运动场改造" in page.inner_text("main")
    assert "甲督整〔2026〕1号" not in page.inner_text("table.cal-grid")
    with page.expect_navigation():
        page.click("a:has-text('列表')")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    shot(page, "planning-calendar-office-list-town-1024")
    with page.expect_navigation():
        page.click("a:has-text('下月')")
    assert "行事历 · 2027年1月" in page.inner_text("h1")
    assert "本月在您的范围内没有日程事项" in page.inner_text("main")


def test_school_reads_its_own_calendar(world, live_server, browser, shot, clock):
    calendar_world(world)
    base = live_server.url
    page = browser.new_context(viewport={"width": 1024, "height": 800}, locale="zh-CN").new_page()
    sign_in(page, base, "principal_a", PASSWORD)
    page.goto(f"{base}/planning/calendar/?month=2026-12")
    text = page.inner_text("main")
    assert "2026—2027学年第一学期已安排进校督导检查 2 次，上限 4 次" in text
    assert "甲区八年级学业质量监测" in text and "甲督整〔2026〕2号" not in text
    assert "本学期进校次数已达上限的学校" not in text and page.locator("select[name=area]").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    shot(page, "planning-calendar-school-grid-1024")
    page.goto(f"{base}/planning/calendar/feed/")
    page.click("button:has-text('生成订阅地址')")
    page.wait_for_selector("#feed-url")
    url = page.input_value("#feed-url")
    assert url.startswith(base) and url.endswith(".ics")
    shot(page, "planning-calendar-feed-1024")
