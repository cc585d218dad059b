"""The office sets up a 专项检查 in the browser at 1024 px: copies a library sample, starts a round from it, picks
targets by school type, opens it, and reads the round page (coverage, unassigned schools, failures by item with the
chart); the inspector sees their own targets with the fill link. Screenshots for review (tables must fit)."""

import pytest

from dudao.checks.models import CheckRound
from tests.browser.conftest import follow, sign_in
from tests.checks.rounds_fixtures import crew_fixture  # noqa: F401 -- fixture
from tests.checks.test_rounds_pages import mark_done
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page, width: int) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= width


def test_office_sets_up_a_round_and_inspector_sees_their_targets(world, crew, live_server, browser, shot):
    base = live_server.url
    page = browser.new_context(viewport={"width": 1024, "height": 800}, locale="zh-CN").new_page()
    sign_in(page, base, "office_a", PASSWORD)
    page.goto(f"{base}/checks/library/")
    assert "不是官方文本" in page.inner_text("main")
    shot(page, "checks-rounds-library-1024")
    follow(page, "form:has(input[value=holiday_safety]) button:has-text('复制为本区划模板')")
    assert "已复制为本区划的模板" in page.inner_text("main")
    assert fits(page, 1024)
    shot(page, "checks-rounds-template-1024")
    follow(page, "a:has-text('用此模板新建专项检查')")
    page.fill("#title", "2026年岁末年初节前安全稳定专项检查")
    page.fill("#starts_on", "2026-12-01")
    page.fill("#ends_on", "2026-11-01")
    follow(page, "button:has-text('创建并选择检查对象')")
    assert "结束日期不能早于开始日期" in page.inner_text("main")
    assert page.input_value("#title") == "2026年岁末年初节前安全稳定专项检查"  # kept
    page.fill("#ends_on", "2027-01-20")
    follow(page, "button:has-text('创建并选择检查对象')")
    page.check("input[name=types][value=primary]")
    page.check("input[name=types][value=kindergarten]")
    follow(page, "button:has-text('添加检查对象')")
    assert "已添加 3 个检查对象" in page.inner_text("main")
    follow(page, "button:has-text('开始检查')")
    check_round = CheckRound.objects.get()
    assert check_round.status == "open"
    items = list(check_round.items.order_by("order"))
    mark_done(check_round, check_round.targets.get(school=world.schools_a[0]), crew, world.inspector_a, items[:2])
    page.goto(f"{base}/checks/{check_round.pk}/")
    text = page.inner_text("main")
    assert "1 / 3" in text and "1 所没有检查督学" in text
    page.wait_for_selector("#rounds-failed-chart canvas")
    assert fits(page, 1024)
    shot(page, "checks-rounds-detail-1024")

    inspector = browser.new_context(viewport={"width": 1024, "height": 800}, locale="zh-CN").new_page()
    sign_in(inspector, base, "inspector_a", PASSWORD)
    inspector.goto(f"{base}/checks/")
    assert "我待检查 1" in inspector.inner_text("main")
    inspector.goto(f"{base}/checks/{check_round.pk}/")
    assert "我负责检查的学校" in inspector.inner_text("main")
    assert inspector.locator("a:has-text('填写检查清单')").count() == 1
    assert fits(inspector, 1024)
    shot(inspector, "checks-rounds-inspector-1024")
