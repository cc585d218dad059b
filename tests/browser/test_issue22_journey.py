"""Issue 22's journey through the demo in Chromium (area: ui review): every demo role's 工作台 at tablet (1024 px)
and desktop (1920 px) width, the cockpit (驾驶舱) with its map, a drill-down to the schools of a town, the full map
page and one persona's GET /api/v1/me/tasks. Each page must fit the screen, log no console error (a CSP violation
included), and tell the truth: the navigation's 待办 count is the number of open items, the demo expert has a
scoring to-do, the principal a notice to sign, the map draws the schools. Screenshots: tests/browser/artifacts/
issue22-*.png, for a person to look at."""

import re

import pytest

from dudao.demo.services import DEMO_ACCOUNTS
from tests.browser.conftest import ARTIFACTS, follow, sign_in
from tests.demo_snapshot import restore

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = {1024: 768, 1920: 1080}


def _watch_errors(page) -> list[str]:
    """Every console error and uncaught exception of the page (the CSP reporter logs violations as errors)."""
    errors: list[str] = []
    page.on("console", lambda m: errors.append(f"{m.location.get('url', '')}: {m.text}") if m.type == "error"
            else None)
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    return errors


def _fits(page, width: int, what: str) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{what}: the page is {scroll} px wide at {width} px"


def _open(browser, base, username, password, width):
    page = browser.new_page(viewport={"width": width, "height": WIDTHS[width]}, locale="zh-CN")
    errors = _watch_errors(page)
    sign_in(page, base, username, password)
    return page, errors


def _todo_titles(page) -> list[str]:
    return page.eval_on_selector_all("#todos tbody tr:not(.table-light)", "rows => rows.map(r => r.innerText)")


def _hidden(page) -> int:
    footer = page.locator("#todos .card-footer")
    if not footer.count():
        return 0
    return sum(int(k) for k in re.findall(r"另有 (\d+) 项", footer.inner_text()))


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_every_role_lands_on_a_true_to_do_list(demo_snapshot, live_server, browser, shot, width):
    passwords = restore(demo_snapshot)
    base = live_server.url
    seen = {}
    for username, _name, _role in DEMO_ACCOUNTS:
        page, errors = _open(browser, base, username, passwords[username], width)
        assert page.inner_text("h1") == "工作台", username
        rows = _todo_titles(page)
        total = int(re.search(r"待办（(\d+)）", page.inner_text("#todos .card-header")).group(1))
        assert total == len(rows) + _hidden(page), username
        badge = page.locator("nav a[href='/'] .badge")
        nav_count = int(badge.inner_text()) if badge.count() else 0
        assert nav_count == total, f"{username}: the navigation says {nav_count}, the list has {total}"
        if not total:
            assert "暂无待办" in page.inner_text("#todos"), username
        assert "尚未分配" not in page.content(), username
        seen[username] = rows
        shot(page, f"issue22-home-{username}-{width}")
        _fits(page, width, username)
        assert errors == [], f"{username}: console errors\n" + "\n".join(errors)
        page.close()
    assert any("评分" in r or "打分" in r for r in seen["demo_expert"]), seen["demo_expert"]
    assert any("签收" in r and "通知" in r for r in seen["demo_school"]), seen["demo_school"]


@pytest.mark.parametrize("width", sorted(WIDTHS))
def test_the_office_reads_the_cockpit_its_map_and_drills_down(demo_snapshot, live_server, browser, shot, width):
    passwords = restore(demo_snapshot)
    base = live_server.url
    page, errors = _open(browser, base, "demo_office", passwords["demo_office"], width)
    _menu(page, "驾驶舱")
    assert "教育督导驾驶舱" in page.inner_text("h1")
    assert page.locator(".metric-card").count() >= 8
    page.wait_for_selector("#dudao-map-panel canvas")
    page.wait_for_function("!document.getElementById('dudao-map-panel-status').textContent.includes('正在加载')")
    assert _points(page, "dudao-map-panel") > 0
    page.wait_for_timeout(300)
    shot(page, f"issue22-cockpit-{width}")
    _fits(page, width, "cockpit")
    # the comparison of towns scrolls inside itself when it is wider than the screen; the town's name stays
    table = page.locator("#compare-table")
    holder = table.locator("xpath=..")
    if holder.evaluate("w => w.scrollWidth > w.clientWidth"):
        holder.evaluate("w => { w.scrollLeft = w.scrollWidth; }")
        name = table.locator("tbody tr td").first
        assert abs(name.bounding_box()["x"] - holder.bounding_box()["x"]) < 2
        holder.screenshot(path=str(ARTIFACTS / f"issue22-compare-scrolled-{width}.png"))

    follow(page, "#section-rectification a:has-text('下钻')")
    towns = page.locator("#breakdown-table tbody tr")
    assert towns.count() >= 2
    shot(page, f"issue22-drill-towns-{width}")
    _fits(page, width, "drill-down (towns)")
    follow(page, "#breakdown-table tbody tr >> nth=0 >> a")
    assert page.locator("#breakdown-table a[href^='/schools/']").count() >= 1
    shot(page, f"issue22-drill-schools-{width}")
    _fits(page, width, "drill-down (schools)")

    _menu(page, "地图")
    page.wait_for_selector("#dudao-map canvas")
    page.wait_for_function("!document.getElementById('map-status').textContent.includes('正在加载')")
    assert _points(page, "dudao-map") > 0
    assert "尚未上传" not in page.inner_text("#map-status")
    page.wait_for_timeout(300)
    shot(page, f"issue22-map-{width}")
    _fits(page, width, "map")
    assert errors == [], "console errors\n" + "\n".join(errors)
    page.close()


def _menu(page, entry: str) -> None:
    """Open 统计分析 in the navigation and follow one of its entries, as a user does."""
    page.click("nav .dropdown-toggle:has-text('统计分析')")
    follow(page, f"nav .dropdown-menu.show a.dropdown-item:text-is('{entry}')")


def _points(page, holder: str) -> int:
    """The schools the ECharts map draws (the scatter series' data)."""
    return page.evaluate("""(id) => {
      const chart = echarts.getInstanceByDom(document.getElementById(id));
      if (!chart) return 0;
      return chart.getOption().series.filter(s => s.type === 'scatter' || s.type === 'effectScatter')
        .reduce((n, s) => n + (s.data || []).length, 0);
    }""", holder)


def test_the_inspector_reads_the_same_tasks_as_json(demo_snapshot, live_server, browser, shot):
    passwords = restore(demo_snapshot)
    base = live_server.url
    page, errors = _open(browser, base, "demo_inspector", passwords["demo_inspector"], 1024)
    links = page.eval_on_selector_all("#todos tbody tr:not(.table-light) td:first-child a",
                                      "links => links.map(a => [a.innerText, a.getAttribute('href')])")
    response = page.request.get(f"{base}/api/v1/me/tasks")
    assert response.status == 200 and response.headers["content-type"].startswith("application/json")
    tasks = response.json()
    assert [[t["title"], t["url"]] for t in tasks] == links
    assert tasks, "the demo inspector has work to do"
    for task in tasks:
        assert set(task) == {"kind", "title", "object", "due", "urgency", "url"}
        assert task["urgency"] in {"overdue", "soon", "later"}
    page.goto(f"{base}/api/v1/me/tasks")
    shot(page, "issue22-api-me-tasks")
    assert errors == [], "console errors\n" + "\n".join(errors)
    page.close()
