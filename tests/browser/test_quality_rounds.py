"""The office creates a monitoring round through the form (2 fixed subjects, a pool of 3), draws the "2+1"
subject, and a principal opens the round page before the test date; screenshots for review."""

import datetime

import pytest

from dudao.quality.models import Round
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_office_creates_and_draws(world, live_server, browser, shot):
    base = live_server.url
    world.office_a.first_name = "李主任"  # people are shown by their registered name, not their user name
    world.office_a.save(update_fields=["first_name"])
    page = browser.new_context(viewport={"width": 1024, "height": 800}, locale="zh-CN").new_page()
    sign_in(page, base, "office_a", PASSWORD)
    page.goto(f"{base}/quality/rounds/new/")
    today = datetime.date.today()
    year = today.year if today.month >= 9 else today.year - 1
    page.fill("#id_title", "甲区八年级学业质量监测")
    page.fill("#id_year", str(year))
    page.fill("#id_test_date", f"{year + 1}-06-20")
    page.select_option("#id_term", "spring")
    page.check("input[name=school_types][value=junior]")
    page.check("input[name=school_types][value=nine_year]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    shot(page, "quality-round-form-1024")
    with page.expect_navigation():
        page.click("button:has-text('建立轮次')")
    shot(page, "quality-round-after-submit")
    page.wait_for_selector("text=抽取随机学科")
    page.fill("input[name=seed]", "20261205")
    page.click("button:has-text('抽取随机学科')")
    page.wait_for_selector("text=如何复核")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    shot(page, "quality-round-detail-office-1024")
    round_ = Round.objects.get()
    assert round_.draw_seed == 20261205
    text = page.inner_text("main")
    assert "抽取人：李主任" in text and "（李主任）" in text and "office_a" not in text
    assert "随机种子 20261205，任何人可用同一种子复现抽取结果" in text
    page.goto(f"{base}/quality/rounds/")
    shot(page, "quality-round-list-1024")
    # the account items sit in one menu under the user's name (the bar fits 1024 px on one line)
    assert page.locator("nav.navbar").bounding_box()["height"] < 70
    page.click("nav.navbar button.dropdown-toggle:has-text('李主任')")
    with page.expect_navigation():
        page.click("nav.navbar button:has-text('退出')")
    assert "/login/" in page.url or page.locator("#id_username").count()
