"""指标体系 on a 1024×768 tablet: the office makes a draft from the kindergarten template, reads the tree with
its weights, rules and veto items, and freezes it. Screenshots are saved for a person to look at."""

import pytest

from tests.browser.conftest import follow, sign_in
from tests.demo_snapshot import restore

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_framework_from_template_and_freeze(demo_snapshot, live_server, browser, shot):
    passwords = restore(demo_snapshot)
    base = live_server.url
    page = browser.new_context(viewport={"width": 1024, "height": 768}, locale="zh-CN").new_page()
    sign_in(page, base, "demo_office", passwords["demo_office"])
    page.click("text=督学")
    follow(page, "a.dropdown-item:has-text('指标体系')")
    page.select_option("#id_template", label="幼儿园保育教育质量评估")
    follow(page, "button:has-text('建立草稿')")
    assert "已从模板建立" in page.inner_text(".alert-success")
    text = page.inner_text("body")
    assert "卫生保健" in text and "一票否决" in text and "达标 / 不达标" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    shot(page, "framework-detail-1024")
    follow(page, "tr:has-text('A1B1.1') >> text=+下级")
    page.fill("#id_code", "A1B1.1.1")
    page.fill("#id_name", "党组织会议记录")
    page.fill("#id_weight", "100")
    page.select_option("#id_kind", value="yesno")
    follow(page, "#editor button:has-text('保存')")
    assert "指标已添加" in page.inner_text(".alert-success") and "党组织会议记录" in page.inner_text("body")
    follow(page, "tr:has-text('A1B1.1.1') >> text=修改")
    page.wait_for_selector("#editor")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    assert page.evaluate("Math.max(...[...document.querySelectorAll('.table-responsive')].map(e => e.scrollWidth - e.clientWidth))") <= 0
    shot(page, "framework-editor-1024")
    follow(page, "button:has-text('定版')")
    assert "已定版" in page.inner_text(".alert-success") and "生成新版本" in page.inner_text("body")
