"""Every demo role's 工作台 at tablet (1024 px) and desktop (1920 px) width: the to-do list with its urgency counts,
the navigation's 待办 count, nothing wider than the screen; screenshots for a person to look at."""

import re

import pytest

from dudao.demo.services import DEMO_ACCOUNTS
from tests.browser.conftest import sign_in
from tests.demo_snapshot import restore

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1024, 1920])
def test_every_demo_role_lands_on_its_to_do_list(demo_snapshot, live_server, browser, shot, width):
    passwords = restore(demo_snapshot)
    base = live_server.url
    for username, _name, _role in DEMO_ACCOUNTS:
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        page = context.new_page()
        sign_in(page, base, username, passwords[username])
        assert page.inner_text("h1") == "工作台"
        header = page.inner_text("#todos .card-header")
        total = int(re.search(r"待办（(\d+)）", header).group(1))
        assert "已逾期" in header and "其他待办" in header
        nav = page.locator("nav a[href='/']", has_text="待办").inner_text()
        assert (str(total) in nav) if total else nav.strip() == "待办"
        assert "尚未分配" not in page.content()
        shot(page, f"home-{username}-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width, username
        context.close()


def test_the_to_do_table_fits_a_phone(demo_snapshot, live_server, browser, shot):
    """At 390 px the 期限 column is in view without scrolling the table sideways (类别 moves under the title)."""
    passwords = restore(demo_snapshot)
    for username in ("demo_office", "demo_inspector", "demo_school"):
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
        page = context.new_page()
        sign_in(page, live_server.url, username, passwords[username])
        box = page.locator("#todos .table-responsive")
        assert box.count() == 1, username
        assert box.evaluate("el => el.scrollWidth <= el.clientWidth"), username
        assert page.locator("#todos thead th", has_text="期限").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, username
        shot(page, f"home-{username}-390")
        context.close()
