"""The 迎检 and 述职评议 journey end to end, as issue 21 asks: the office imports the higher level's indicator list and
assigns indicators to a town; the town's user hands in evidence on a 1024×768 tablet; the office accepts it, requests
the 印证材料 package (the background task run here, synchronously) and downloads it; a rater scores every 述职 on a
390×844 phone and submits. The whole page must fit the screen at every step; screenshots for a person to look at."""

import hashlib
import io
import zipfile

import pytest
from playwright.sync_api import expect

from dudao.reviews.models import Assignment, AssignmentStatus, Evidence, Rating, Review
from dudao.reviews.services import rating as rating_services
from tests.browser.conftest import follow, sign_in
from tests.browser.test_reviews_outputs import run_worker
from tests.conftest import PASSWORD
from tests.reviews.rating_fixtures import rating_fixture  # noqa: F401 -- fixture
from tests.reviews.upward_helpers import ROWS, due, workbook

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_WIDTH = "document.documentElement.scrollWidth"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _fits(page, width: int) -> None:
    assert page.evaluate(PAGE_WIDTH) <= width


def test_indicators_evidence_package_and_rating_on_a_phone(world, rating, live_server, browser, shot, settings,
                                                            tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    base = live_server.url
    world.office_a.first_name = "李主任"
    world.office_a.save(update_fields=["first_name"])

    # 1. The office registers the review and imports the indicator list (weights add up: no warning to confirm).
    office = browser.new_context(viewport={"width": 1024, "height": 768}, locale="zh-CN",
                                 accept_downloads=True).new_page()
    office.on("dialog", lambda dialog: dialog.accept())
    sign_in(office, base, "office_a", PASSWORD)
    office.goto(f"{base}/reviews/")
    follow(office, "a:has-text('登记迎检')")
    office.fill("#id_title", "2026年市政府对甲区履行教育职责评价")
    office.select_option("#id_level", "city")
    office.select_option("#id_kind", "duties")
    office.fill("#id_body", "市人民政府教育督导室")
    office.fill("#id_materials_due", due(20).isoformat())
    follow(office, "button:has-text('保存')")
    review = Review.objects.get()
    follow(office, "a:has-text('导入指标')")
    path = tmp_path / "上级指标.xlsx"
    path.write_bytes(workbook(ROWS))
    office.set_input_files("#id_file", str(path))
    follow(office, "button:has-text('上传并检查')")
    if office.locator("button:has-text('确认导入')").count():
        follow(office, "button:has-text('确认导入')")
    assert review.indicators.count() == 6
    codes = office.locator("tr:has(input[name=indicators]) td:nth-child(2)").all_inner_texts()
    assert [c.strip() for c in codes] == ["1", "1.1", "1.2", "2", "2.1", "2.2"]
    _fits(office, 1024)
    shot(office, "reviews-journey-1-imported-1024")

    # 2. ...and assigns 1.1 and 1.2 to 甲二镇人民政府 with a material request and a deadline.
    for code in ("1.1", "1.2"):
        office.check(f"input[name=indicators][value='{review.indicators.get(code=code).pk}']")
    office.select_option("#assign-units", [str(world.unit_a.pk)])
    office.fill("#assign-request", "近三年财政决算表及情况说明")
    office.fill("#assign-due", due(10).isoformat())
    follow(office, "button:has-text('分配所选指标')")
    assert "已新增 2 项分工" in office.inner_text("main")
    assert Assignment.objects.filter(unit=world.unit_a).count() == 2
    _fits(office, 1024)
    shot(office, "reviews-journey-2-assigned-1024")

    # 3. The town's user, on a 1024×768 tablet, finds the task and hands in a statement with a file.
    tablet = browser.new_context(viewport={"width": 1024, "height": 768}, locale="zh-CN", has_touch=True).new_page()
    sign_in(tablet, base, "town_a", PASSWORD)
    tablet.click("a.dropdown-toggle:text-is('督政')")  # the task list is in the 督政 menu
    shot(tablet, "reviews-journey-3-menu-tablet-1024")
    follow(tablet, "a.dropdown-item:text-is('我的迎检任务')")
    text = tablet.inner_text("main")
    assert "财政教育经费" in text and "教师平均工资" in text
    _fits(tablet, 1024)
    shot(tablet, "reviews-journey-4-tasks-tablet-1024")
    follow(tablet, "a:has-text('1.1')")
    tablet.fill("#statement", "2023—2025年一般公共预算教育支出分别为 3.1、3.4、3.6 亿元，逐年只增不减。")
    pdf = tmp_path / "财政决算表.pdf"
    pdf.write_bytes(PDF)
    tablet.set_input_files("#files", str(pdf))
    _fits(tablet, 1024)
    shot(tablet, "reviews-journey-5-hand-in-tablet-1024")
    follow(tablet, "button:has-text('提交材料')")
    assert "材料已提交" in tablet.inner_text("main")
    _fits(tablet, 1024)
    shot(tablet, "reviews-journey-6-handed-in-tablet-1024")
    evidence = Evidence.objects.get()

    # 4. The office accepts the evidence.
    office.goto(f"{base}/reviews/assignments/{evidence.assignment_id}/")
    follow(office, "button:has-text('采纳')")
    assert "已采纳第 1 版材料" in office.inner_text("main")
    assert Assignment.objects.get(pk=evidence.assignment_id).status == AssignmentStatus.ACCEPTED
    _fits(office, 1024)
    shot(office, "reviews-journey-7-accepted-1024")

    # 5. ...requests the 印证材料 package, the task runs, and the office downloads the zip and checks its manifest.
    office.goto(f"{base}/reviews/{review.pk}/outputs/")
    follow(office, "a.nav-link:has-text('印证材料')")
    follow(office, "button:has-text('生成印证材料包')")
    assert "已开始生成印证材料包" in office.inner_text(".alert-success")
    assert run_worker() >= 1
    office.wait_for_selector("text=下载材料包（.zip）", timeout=15_000)
    office.reload()
    assert "已完成" in office.inner_text("main")
    _fits(office, 1024)
    shot(office, "reviews-journey-8-package-1024")
    with office.expect_download() as download:
        office.click("text=下载材料包（.zip）")
    assert download.value.suggested_filename.endswith("_印证材料.zip")
    package = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))
    sums = dict(reversed(line.split("  ", 1)) for line in package.read("SHA256SUMS").decode().splitlines())
    assert {"目录.xlsx", "目录.docx"} <= set(sums)
    assert any(name.endswith("财政决算表.pdf") for name in sums)
    for name, sha in sums.items():
        assert hashlib.sha256(package.read(name)).hexdigest() == sha

    # 6. A rater (no unit of their own: nobody to recuse) scores every 述职 on a 390×844 phone and submits.
    session = rating.session
    rating_services.session_open(actor=world.office_a, session=session)
    rater = rating.raters[1]
    phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                                locale="zh-CN").new_page()
    phone.on("dialog", lambda dialog: dialog.accept())
    phone.goto(f"{base}/reviews/rate/{rater.key}/")
    assert len(phone.locator("#pick option").all()) == 4
    _fits(phone, 390)
    shot(phone, "reviews-journey-9-sheet-phone-390")
    first_label = phone.locator("section.reporter:not([hidden]) fieldset.leaf label").first.bounding_box()
    assert first_label["width"] >= 44 and first_label["height"] >= 44  # touch targets
    for n in range(4):
        if n:
            phone.locator("section.reporter:not([hidden]) button:has-text('下一个')").click()
        for group in phone.locator("section.reporter:not([hidden]) fieldset.leaf").all():
            group.locator(f"label:text-is('{7 + n % 3}')").tap()
        expect(phone.locator("section.reporter:not([hidden]) .status")).to_contain_text(f"{len(rating.leaves)}/")
        if n == 0:
            _fits(phone, 390)
            shot(phone, "reviews-journey-10-scored-phone-390")
    follow(phone, "button:has-text('提交全部评分')")
    assert "评分已锁定" in phone.inner_text("main")
    assert Rating.objects.filter(rater=rater).count() == 4
    _fits(phone, 390)
    shot(phone, "reviews-journey-11-submitted-phone-390")
