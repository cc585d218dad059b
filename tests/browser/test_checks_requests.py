"""因需督导 in the browser: the principal files a request on a phone (390 px: the form is stacked, nothing scrolls
sideways), a mistake keeps what was typed; the office accepts it on a 1024 px tablet as a visit by the 责任督学; the
principal then sees 已受理. Screenshots for a person to look at."""

import datetime

import pytest
from django.utils import timezone

from dudao.checks.models import SupervisionRequest
from tests.browser.conftest import follow, sign_in
from tests.checks.requests_data import make_menu
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_school_asks_on_a_phone_and_the_office_accepts(live_server, browser, shot, world):
    menu = make_menu(world)
    base, today = live_server.url, timezone.localdate()
    phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    sign_in(phone, base, "principal_a", PASSWORD)
    phone.goto(f"{base}/checks/requests/menu/")
    assert "课后服务质量" in phone.inner_text("body")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # the menu is stacked cards on a phone
    shot(phone, "checks-request-menu-390")
    follow(phone, f"a[href$='?topic={menu.topics[0].pk}']")
    assert phone.input_value("#id_topic") == str(menu.topics[0].pk)
    phone.fill("#id_reason", "兴趣类课程师资不足，希望督学来校诊断。")
    phone.fill("#id_preferred_from", str(today + datetime.timedelta(days=5)))
    phone.fill("#id_preferred_to", str(today + datetime.timedelta(days=2)))
    follow(phone, "button:has-text('提交申请')")
    assert "结束日期不能早于开始日期" in phone.inner_text(".alert-danger")
    assert phone.input_value("#id_reason") == "兴趣类课程师资不足，希望督学来校诊断。"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "checks-request-new-error-390")
    phone.fill("#id_preferred_to", str(today + datetime.timedelta(days=9)))
    follow(phone, "button:has-text('提交申请')")
    req = SupervisionRequest.objects.get()
    assert phone.url.endswith(f"/checks/requests/{req.pk}/") and "督导室尚未处理该申请" in phone.inner_text("body")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    shot(phone, "checks-request-submitted-390")

    tablet = browser.new_page(viewport={"width": 1024, "height": 768}, locale="zh-CN")
    sign_in(tablet, base, "office_a", PASSWORD)
    tablet.goto(f"{base}/checks/requests/")
    assert "课后服务质量" in tablet.inner_text("table") and "已提交" in tablet.inner_text("table")
    shot(tablet, "checks-requests-list-1024")
    follow(tablet, "table a:has-text('课后服务质量')")
    tablet.check("input[name=outcome][value=visit]")
    tablet.fill("#id_due_on", str(today + datetime.timedelta(days=10)))
    tablet.fill("#id_note", "请责任督学到校专项督导。")
    assert tablet.evaluate("document.documentElement.scrollWidth") <= 1024
    shot(tablet, "checks-request-decide-1024")
    follow(tablet, "button:text-is('受理')")
    assert "已受理该督导申请" in tablet.inner_text(".alert-success")
    req.refresh_from_db()
    assert (req.status, req.inspector.name) == ("accepted", "督学甲")
    shot(tablet, "checks-request-accepted-1024")
    phone.reload()
    assert "已受理" in phone.inner_text("body") and "督学甲" in phone.inner_text("body")
    shot(phone, "checks-request-accepted-390")
