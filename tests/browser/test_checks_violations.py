"""违规查处 in the browser at 1024 px: the office registers a violation from a complaint (the institution's complaints
load when it is chosen), verifies it and hands it to the 教育局; the bureau's user decides with 罚没违法所得 and
记入诚信记录 (a wrong amount first: the form keeps what was typed); the credit record shows the entry.
Screenshots for review."""

import pytest
from django.utils import timezone

from dudao.checks.models import CreditEntry, Violation, ViolationStatus
from dudao.zones.services import complaint_receive
from tests.browser.conftest import follow, sign_in
from tests.checks.violations_data import cases
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_register_verify_decide_credit(world, live_server, browser, shot):
    base = live_server.url
    c = cases(world)
    complaint = complaint_receive(actor=world.office_a, school=c.training, kind="report", channel="hotline",
                                  content="家长反映该机构周末开设初中数学培训班。")
    page = browser.new_context(viewport={"width": 1024, "height": 800}, locale="zh-CN").new_page()
    sign_in(page, base, "office_a", PASSWORD)
    page.goto(f"{base}/checks/violations/")
    assert "还没有登记违规行为" in page.inner_text("main")
    follow(page, "a:has-text('登记违规行为')")
    with page.expect_response(lambda r: "/checks/violations/new/sources/" in r.url):
        page.select_option("#id_school", str(c.training.pk))
    page.wait_for_selector("#id_complaint")
    page.select_option("#id_complaint", str(complaint.pk))
    page.select_option("#id_kind", "subject_training")
    page.select_option("#id_source", "complaint")
    page.fill("#id_found_on", timezone.localdate().isoformat())
    page.fill("#id_description", "周末开设初中数学学科类培训班 2 个，学生 30 人。")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    shot(page, "checks-violation-register-1024")
    follow(page, "button:has-text('登记')")
    violation = Violation.objects.get()
    assert violation.complaint == complaint
    page.fill("#id_verification", "现场核实属实。")
    page.select_option("#id_responsible_unit", str(c.bureau.pk))
    follow(page, "button:has-text('核查属实')")
    assert Violation.objects.get().status == ViolationStatus.VERIFIED
    page.context.clear_cookies()
    sign_in(page, base, "bureau_a", PASSWORD)
    page.goto(f"{base}/checks/violations/{violation.pk}/")
    page.fill("#id_decision", "责令停止违规培训，没收违法所得，记入诚信记录。")
    page.check("input[name=penalties][value=confiscation]")
    page.check("input[name=penalties][value=credit]")
    page.fill("#id_confiscated_amount", "12.345")
    page.fill("#id_document_number", "甲教罚〔2026〕5号")
    page.fill("#id_requirement", "停止学科类培训并退费。")
    follow(page, "button:has-text('保存处理决定')")
    assert "两位小数" in page.inner_text("main")
    assert page.input_value("#id_document_number") == "甲教罚〔2026〕5号"
    page.fill("#id_confiscated_amount", "12800.50")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    shot(page, "checks-violation-decide-1024")
    follow(page, "button:has-text('保存处理决定')")
    assert Violation.objects.get().status == ViolationStatus.DECIDED and CreditEntry.objects.count() == 1
    shot(page, "checks-violation-decided-1024")
    follow(page, "a:has-text('诚信记录')")
    assert "依决定记入诚信记录" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    shot(page, "checks-violation-credit-1024")
