"""Issue 23's browser journey on the demo, end to end in one world: the demo inspector fills the 暑期违规补课 check
for one of their targets on a 1024 px tablet with a photo of the failed item; the office opens that round, finds
the target done, the failed item counted and the photo shown, and downloads the 检查报告 (Word and PDF) that names
the school; demo_training then submits its institution's 年检 on a 390 px phone. Each step waits for the page (and
any htmx request) to settle before acting, so the test holds on a loaded machine. Screenshots:
tests/browser/artifacts/issue23-*.png (looked at)."""

import datetime

import pytest
from django.utils import timezone
from docx import Document
from PIL import Image

from dudao.checks.models import AnnualReport, AnnualReportStatus, AnnualRound, CheckSubmission, CheckTarget
from dudao.core.models import RoleAssignment
from dudao.demo.checks.fill import SUMMER_TITLE
from dudao.rectification.models import Finding
from tests.browser.conftest import ARTIFACTS, follow, sign_in
from tests.demo_snapshot import restore

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def settle(page) -> None:
    """Wait until the page has loaded and no htmx request is in flight (htmx marks the requesting element)."""
    page.wait_for_load_state("load")
    page.wait_for_function("() => !document.querySelector('.htmx-request')", timeout=15_000)


def fits(page, width: int) -> None:
    settle(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_issue23_journey(demo_snapshot, live_server, browser, shot, tmp_path):
    passwords = restore(demo_snapshot)
    base = live_server.url
    target = (CheckTarget.objects.filter(round__title=SUMMER_TITLE, status="pending",
                                         inspector__user__username="demo_inspector")
              .select_related("round", "school").order_by("school__code").first())
    assert target is not None
    school = target.school.name
    items = list(target.round.items.order_by("order", "id"))
    failing = next(i for i in items if i.answer_kind == "yes_no" and not i.veto)
    photo = tmp_path / "photo.png"
    Image.new("RGB", (160, 120), (198, 40, 40)).save(photo, "PNG")
    errors: list[str] = []

    # 1. the inspector, 1024 px tablet: their rounds, then the checklist inside the visit form
    inspector = browser.new_page(viewport={"width": 1024, "height": 768}, locale="zh-CN")
    inspector.on("pageerror", lambda e: errors.append(f"inspector: {e}"))
    sign_in(inspector, base, "demo_inspector", passwords["demo_inspector"])
    inspector.goto(f"{base}/checks/")
    fits(inspector, 1024)
    assert SUMMER_TITLE in inspector.inner_text("main")
    shot(inspector, "issue23-inspector-rounds-1024")
    inspector.goto(f"{base}/checks/{target.round_id}/targets/{target.pk}/fill/")
    fits(inspector, 1024)
    assert school in inspector.inner_text("h1")
    day = max(target.round.starts_on, timezone.localdate() - datetime.timedelta(days=1))
    inspector.fill("#id_date", day.isoformat())
    inspector.fill("#id_start", "14:00")
    inspector.fill("#id_end", "15:30")
    inspector.fill("#m_tour", "1")
    inspector.check("#i_special")
    inspector.fill("#id_narrative", "暑期专项检查：查看课程表、收费公示和学员名册。")
    for item in items:
        if item.answer_kind == "yes_no":
            inspector.click(f"label[for=a_{item.pk}_{'no' if item == failing else 'yes'}]")
        elif item.answer_kind == "number":
            inspector.fill(f"#n_{item.pk}", str(item.number_min if item.number_min is not None else 0))
        else:
            inspector.fill(f"#note_{item.pk}", "无")
    inspector.check(f"#s_{failing.pk}_on_site")
    inspector.fill(f"#note_{failing.pk}", "当场整改，已补齐公示")
    inspector.set_input_files(f"#p_{failing.pk}", str(photo))
    fits(inspector, 1024)
    shot(inspector, "issue23-fill-1024")
    follow(inspector, "#visit-submit")
    assert "/visits/" in inspector.url, inspector.inner_text("main")[:500]
    settle(inspector)
    assert "不合格 1 项" in inspector.inner_text("#check-section")
    shot(inspector, "issue23-fill-done-1024")
    submission = CheckSubmission.objects.get(target=target)
    answer = submission.answers.get(failed=True)
    assert answer.photo and Finding.objects.filter(source_type="checks.checkanswer", source_id=str(answer.pk)).count() == 1

    # 2. the office, 1024 px: the round shows the target done, the failed item and the photo; the report downloads
    office = browser.new_context(viewport={"width": 1024, "height": 768}, locale="zh-CN",
                                 accept_downloads=True).new_page()
    office.on("pageerror", lambda e: errors.append(f"office: {e}"))
    sign_in(office, base, "demo_office", passwords["demo_office"])
    office.goto(f"{base}/checks/")
    follow(office, f"a[href='/checks/{target.round_id}/']")
    fits(office, 1024)
    main = office.inner_text("main")
    assert school in main and "已检查" in main
    row = office.locator("tr", has_text=school).first.inner_text()
    assert "已检查" in row, row
    assert office.locator(f"img[alt='{failing.text}']").count() >= 1  # the photo of the failed item
    shot(office, "issue23-office-round-1024")
    with office.expect_download() as download:
        office.click("#report-docx")
    assert download.value.suggested_filename.endswith(".docx")
    document = Document(download.value.path())
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(cell.text for table in document.tables for r in table.rows for cell in r.cells)
    assert school in text and len(document.inline_shapes) >= 1
    with office.expect_download() as download:
        office.click("#report-pdf")
    with open(download.value.path(), "rb") as handle:
        assert handle.read(4) == b"%PDF"

    # 3. the training institution, 390 px phone: its 年检 with the required documents, submitted
    current = AnnualRound.objects.filter(status="open").get()
    mine = RoleAssignment.objects.get(user__username="demo_training", role="school").school_id
    report = AnnualReport.objects.get(round=current, school_id=mine)
    titles = list(current.requirements.filter(kind=report.kind, required=True).order_by("order", "id")
                  .values_list("title", flat=True))
    material = tmp_path / "材料.pdf"
    material.write_bytes(PDF)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN").new_page()
    phone.on("pageerror", lambda e: errors.append(f"phone: {e}"))
    sign_in(phone, base, "demo_training", passwords["demo_training"])
    phone.goto(f"{base}/checks/annual/")
    follow(phone, f"a[href='/checks/annual/reports/{report.pk}/']")
    fits(phone, 390)
    shot(phone, "issue23-annual-390-start")
    for title in titles:
        phone.set_input_files(f"input[aria-label='{title}文件']", str(material))
        follow(phone, f"button:has-text('上传{title}')")
        settle(phone)
        assert f"已上传“{title}”" in phone.inner_text("body")
    phone.fill("textarea[name=self_report]", "本年度依法依规办学，收费已全部纳入资金监管账户。")
    follow(phone, "button:has-text('提交年检')")
    fits(phone, 390)
    assert "年检材料已提交" in phone.inner_text("body")
    shot(phone, "issue23-annual-390-submitted")
    report.refresh_from_db()
    assert report.status == AnnualReportStatus.SUBMITTED and report.documents.count() == len(titles)

    assert not errors, errors
    assert (ARTIFACTS / "issue23-annual-390-submitted.png").exists()
