"""年检 at phone width: demo_training opens its institution's 年检 at 390 px, is told which documents are missing,
uploads each required document and submits; the office then finds it on the round's page at 1024 px.
Screenshots for review."""

import pytest

from dudao.checks.models import AnnualReport, AnnualReportStatus, AnnualRound
from dudao.core.models import RoleAssignment
from tests.browser.conftest import follow, sign_in
from tests.demo_snapshot import restore

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_institution_submits_its_annual_report_on_a_phone(demo_snapshot, live_server, browser, shot, tmp_path):
    passwords = restore(demo_snapshot)
    base = live_server.url
    current = AnnualRound.objects.filter(status="open").get()
    mine = RoleAssignment.objects.get(user__username="demo_training", role="school").school_id
    report = AnnualReport.objects.get(round=current, school_id=mine)
    assert report.status == AnnualReportStatus.PENDING
    titles = list(current.requirements.filter(kind=report.kind, required=True).order_by("order", "id")
                  .values_list("title", flat=True))
    document = tmp_path / "材料.pdf"
    document.write_bytes(PDF)

    page = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    sign_in(page, base, "demo_training", passwords["demo_training"])
    page.goto(f"{base}/checks/annual/")
    assert report.school.name in page.inner_text("table")
    follow(page, f"a[href='/checks/annual/reports/{report.pk}/']")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "annual-report-390-start")

    # submitting without the documents: refused, each missing one named, the text kept
    page.fill("textarea[name=self_report]", "本年度依法依规开展非学科类培训，收费已全部纳入监管。")
    follow(page, "button:has-text('提交年检')")
    error = page.inner_text("#annual-error")
    assert all(t in error for t in titles), error
    assert "收费已全部纳入监管" in page.input_value("textarea[name=self_report]")
    shot(page, "annual-report-390-refused")

    for title in titles:
        page.set_input_files(f"input[aria-label='{title}文件']", str(document))
        follow(page, f"button:has-text('上传{title}')")
        assert f"已上传“{title}”" in page.inner_text("body")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.fill("textarea[name=self_report]", "本年度依法依规开展非学科类培训，收费已全部纳入监管。")
    follow(page, "button:has-text('提交年检')")
    assert "年检材料已提交" in page.inner_text("body")
    report.refresh_from_db()
    assert report.status == AnnualReportStatus.SUBMITTED and report.documents.count() == len(titles)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "annual-report-390-submitted")

    office = browser.new_context(viewport={"width": 1024, "height": 800}, locale="zh-CN").new_page()
    sign_in(office, base, "demo_office", passwords["demo_office"])
    office.goto(f"{base}/checks/annual/{current.pk}/?status=submitted")
    assert report.school.name in office.inner_text("table")
    assert office.evaluate("document.documentElement.scrollWidth") <= 1024
    shot(office, "annual-round-1024")
    office.goto(f"{base}/checks/annual/reports/{report.pk}/")
    assert "安排评审" in office.inner_text("body")
    assert office.evaluate("document.documentElement.scrollWidth") <= 1024
    shot(office, "annual-report-office-1024")
