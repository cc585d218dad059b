"""Each demo role logs in, opens the school list and a school page; screenshots at tablet and desktop width."""

import pytest

from dudao.demo.services import DEMO_ACCOUNTS
from dudao.schools.models import School
from tests.browser.conftest import sign_in
from tests.demo_snapshot import restore

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1024, 1920])
def test_it_shows_each_role_its_home_school_list_and_school(demo_snapshot, live_server, browser, shot, width):
    passwords = restore(demo_snapshot)
    base = live_server.url
    for username, _name, _role in DEMO_ACCOUNTS:
        context = browser.new_context(viewport={"width": width, "height": 800}, locale="zh-CN")
        page = context.new_page()
        sign_in(page, base, username, passwords[username])
        assert "工作台" in page.inner_text("h1")
        shot(page, f"{username}-home-{width}")
        page.goto(f"{base}/schools/")
        assert page.inner_text("h1") == "学校名录"
        rows = page.locator("table tbody tr a")
        if username in {"demo_unit", "demo_bureau", "demo_expert"}:
            assert rows.count() == 0
        else:
            assert rows.count() > 0
            # The table must fit the viewport at tablet width (no page-level horizontal scroll).
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            shot(page, f"{username}-schools-{width}")
            rows.first.click()
            page.wait_for_selector("text=基本信息")
            shot(page, f"{username}-school-{width}")
        context.close()


def test_it_renders_the_office_pages(demo_snapshot, live_server, browser, shot):
    passwords = restore(demo_snapshot)
    base = live_server.url
    page = browser.new_page(viewport={"width": 1024, "height": 800})
    sign_in(page, base, "demo_office", passwords["demo_office"])
    nine_year = School.objects.filter(school_type="nine_year", campuses__isnull=False).first()
    for path, name, expected in [
        ("/regions/", "regions", "示范区"), ("/regions/units/", "units", "示范区教育委员会"),
        ("/audit/", "audit", "基础数据导入"), ("/schools/import/", "import", "下载导入模板"),
        (f"/schools/{nine_year.pk}/", "school-campuses", "本部校区"),
    ]:
        page.goto(base + path)
        assert expected in page.content(), path
        shot(page, f"office-{name}")
    page.close()


def test_it_shows_a_wrong_password_in_chinese(live_server, browser, shot, db):
    page = browser.new_page(viewport={"width": 1024, "height": 700})
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "nobody")
    page.fill("#id_password", "wrong")
    page.click("button[type=submit]")
    assert "用户名或密码错误" in page.inner_text(".alert")
    shot(page, "login-error")
    page.close()
