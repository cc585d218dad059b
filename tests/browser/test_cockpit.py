"""The cockpit (驾驶舱) in Chromium at 1024 and 1920 px: the office of a county sees its figures with the trend
lines drawn (ECharts under the CSP), sorts the comparison table of towns, drills a figure down to the schools of
a town; a city leader sees the counties once the background snapshot is computed. Screenshots are saved for a
person to look at (tests/browser/artifacts/cockpit_*.png)."""

import datetime

import pytest
from django.utils import timezone

from dudao.dashboard.services.cockpit import snapshot_compute
from dudao.rectification.services import finding_raise
from dudao.regions.models import Region
from tests.browser.conftest import follow, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _findings(world):
    due = timezone.localdate() + datetime.timedelta(days=20)
    for i, school in enumerate(world.schools_a):
        for j in range(i + 1):
            finding_raise(actor=world.office_a, source="manual", description=f"问题{i}-{j}", school=school,
                          follow_up="on_site" if (i + j) % 2 else "suggestion", due_date=due)


@pytest.mark.parametrize("width", [1024, 1920])
def test_the_office_reads_sorts_and_drills_down(world, live_server, browser, shot, width):
    _findings(world)
    page = browser.new_page(viewport={"width": width, "height": 900}, locale="zh-CN")
    sign_in(page, live_server.url, "office_a", PASSWORD)
    page.goto(f"{live_server.url}/cockpit/")
    assert "甲区" in page.inner_text("h1") and "教育督导驾驶舱" in page.inner_text("h1")
    assert page.locator("#section-rectification .metric-card").count() >= 2
    page.wait_for_function("document.querySelectorAll('.cockpit-trend canvas').length > 0")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # the table scrolls inside itself
    # sort by 发现问题 (descending first), then again (ascending)
    header = page.locator("#compare-table button.sort", has_text="发现问题")
    header.click()
    first = page.locator("#compare-table tbody tr").first.inner_text()
    header.click()
    assert page.locator("#compare-table tbody tr").first.inner_text() != first
    shot(page, f"cockpit_county_{width}")
    follow(page, "#section-rectification a:has-text('下钻')")
    assert page.locator("#breakdown-table tbody tr").count() == 2
    follow(page, "#breakdown-table tbody tr >> nth=0 >> a")
    assert page.locator("#breakdown-table a[href^='/schools/']").count() >= 1
    shot(page, f"cockpit_drill_town_{width}")


def test_a_city_leader_waits_then_reads_the_snapshot(world, live_server, browser, shot):
    from dudao.core.services import role_assign, user_create

    _findings(world)
    city = Region.objects.get(code="990100")
    leader = user_create(actor=world.admin, username="city_leader", full_name="市领导", password=PASSWORD)
    role_assign(actor=world.admin, user=leader, role="leader", region=city)
    page = browser.new_page(viewport={"width": 1024, "height": 900}, locale="zh-CN")
    sign_in(page, live_server.url, "city_leader", PASSWORD)
    page.goto(f"{live_server.url}/cockpit/")
    assert "正在计算，请稍后刷新" in page.inner_text("#cockpit-pending")
    shot(page, "cockpit_city_pending")
    snapshot_compute(region=city, year=timezone.localdate().year)  # what the worker does
    page.reload()
    assert "数据更新于" in page.inner_text("#cockpit-status")
    assert "乙县" in page.inner_text("#compare-table")
    shot(page, "cockpit_city_1024")
