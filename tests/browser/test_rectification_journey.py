"""The rectification journey on a 1024×768 tablet: an overdue notice becomes a 督办单 that the education bureau
finds in its inbox and answers; the school submits its report with a photo; the inspector verifies on site;
the office's dashboard rate goes from 0% to 100%. Screenshots of each step are saved for a person to look at."""

import datetime
import io

import pytest
from django.utils import timezone

from dudao.rectification import notices
from dudao.rectification.jobs import run_deadlines
from dudao.rectification.models import Finding, RectificationNotice
from tests.browser.conftest import follow, sign_in
from tests.conftest import PASSWORD
from tests.rectification.conftest import ledger  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH = 1024


def _session(browser, base, username):
    context = browser.new_context(viewport={"width": WIDTH, "height": 768}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, base, username, PASSWORD)
    return page


def _fits(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def _jpeg(tmp_path, name):
    from PIL import Image

    path = tmp_path / name
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (40, 160, 90)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_overdue_to_order_to_report_to_verified(live_server, browser, shot, world, ledger, tmp_path):  # noqa: F811
    base = live_server.url
    notice = notices.notice_issue(actor=world.office_a, findings=ledger.findings, days=10, requirement="限期整改。")
    past = timezone.localdate() - datetime.timedelta(days=2)
    RectificationNotice.objects.filter(pk=notice.pk).update(due_date=past)
    Finding.objects.filter(notice=notice).update(due_date=past)
    assert run_deadlines()["orders"] == 1

    office = _session(browser, base, "office_a")
    office.goto(f"{base}/rectification/")
    assert "已下发（已逾期2天），已督办" in office.inner_text("table")
    _fits(office)
    shot(office, "rect-ledger-1024")
    office.goto(f"{base}/rectification/dashboard/")
    assert office.inner_text("#rate-total") == "0.0%"
    office.wait_for_selector("#trend canvas")
    shot(office, "rect-dashboard-before-1024")

    bureau = _session(browser, base, "bureau_a")
    assert "1" in bureau.inner_text(".badge.text-bg-danger")  # the unread badge
    bureau.goto(f"{base}/inbox/")
    shot(bureau, "rect-bureau-inbox-1024")
    follow(bureau, "a:has-text('整改逾期')")
    assert "督办单" in bureau.inner_text("h1")
    bureau.fill("#id_response", "已约见校长，责令三日内完成整改。")
    follow(bureau, "button:has-text('签收并报送')")
    assert "已签收督办单" in bureau.inner_text("body")
    shot(bureau, "rect-order-answered-1024")

    school = _session(browser, base, "principal_a")
    school.goto(f"{base}/rectification/notices/{notice.pk}/")
    follow(school, "button:has-text('签收')")
    for f in ledger.findings:
        school.fill(f"#m_{f.pk}", f"已整改：{f.description}")
        school.set_input_files(f"input[name=evidence_{f.pk}]", _jpeg(tmp_path, f"整改{f.pk}.jpg"))
    shot(school, "rect-school-report-form-1024")
    follow(school, "button:has-text('提交整改报告')")
    assert "整改报告已提交" in school.inner_text("body")
    _fits(school)

    inspector = _session(browser, base, "inspector_a")
    inspector.goto(f"{base}/rectification/notices/{notice.pk}/")
    follow(inspector, "button:has-text('报督导室备案')")
    assert "已报督导室备案" in inspector.inner_text("body")
    inspector.check("#on_site")
    inspector.fill("textarea[name=note]", "现场查看，整改到位。")
    follow(inspector, "button:has-text('保存核查结果')")
    assert "核查通过" in inspector.inner_text("h1")
    shot(inspector, "rect-notice-closed-1024")
    inspector.goto(f"{base}/rectification/findings/{ledger.findings[0].pk}/")
    timeline = inspector.inner_text(".timeline")
    assert "下达督办单" in timeline and "签收督办单" in timeline and "核查通过" in timeline
    shot(inspector, "rect-finding-timeline-1024")

    office.goto(f"{base}/rectification/dashboard/")
    assert office.inner_text("#rate-total") == "100.0%"
    office.wait_for_selector("#trend canvas")
    _fits(office)
    shot(office, "rect-dashboard-after-1024")
