"""迎检 outputs in the browser on a 1024×768 tablet: the office opens a review with accepted evidence, writes the
自评报告 from the generated draft (the word count against the limit), downloads the .docx, requests the 印证材料
package, watches it finish (the worker run in this process), downloads the zip and checks its manifest; then the
site-visit schedule. Screenshots for a person to look at."""

import hashlib
import io
import zipfile

import pytest
from django_tasks_db.management.commands.db_worker import Worker
from docx import Document

from tests.browser.conftest import follow, sign_in
from tests.conftest import PASSWORD
from tests.reviews.outputs_fixtures import review_with_evidence

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH = 1024


def run_worker() -> int:
    worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                    max_tasks=None, worker_id="browser-test-worker", excluded_queue_names=[])
    worker.run()
    return worker._run_tasks


def fits(page) -> None:
    """Nothing runs past the tablet's width: the whole page, navigation bar included, has no horizontal scroll."""
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_office_writes_the_report_and_downloads_the_package(live_server, browser, shot, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    review = review_with_evidence(world)
    review.word_limit = 60
    review.save(update_fields=["word_limit"])
    base = live_server.url
    context = browser.new_context(viewport={"width": WIDTH, "height": 768}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, base, "office_a", PASSWORD)
    page.goto(f"{base}/reviews/{review.pk}/outputs/")
    text = page.inner_text("main")
    assert "迎检成果与反馈" in text and "尚未撰写" in text and "尚未生成" in text
    fits(page)
    shot(page, "reviews-outputs-panel-1024")

    follow(page, "#review-outputs a:has-text('编辑')")
    follow(page, "button:has-text('生成初稿')")
    assert "已按各指标采纳的情况说明生成初稿" in page.inner_text(".alert-success")
    assert "教师培训经费占公用经费 5%。" in page.input_value("#report-text")
    assert "超出" in page.inner_text("main")  # the draft is longer than the 60字 limit
    fits(page)
    shot(page, "reviews-outputs-report-over-1024")
    page.fill("#report-text", "一、基本情况\n甲区认真落实教育优先发展战略。\n二、存在问题\n体育场地不足。")
    follow(page, "button:has-text('保存正文')")
    text = page.inner_text("main")
    assert "自评报告已保存" in text and "未超出字数上限" in text
    shot(page, "reviews-outputs-report-1024")
    with page.expect_download() as download:
        page.click("text=下载 Word（.docx）")
    assert download.value.suggested_filename.endswith("_自评报告.docx")
    document = Document(download.value.path())
    assert "甲区认真落实教育优先发展战略。" in "\n".join(p.text for p in document.paragraphs)

    follow(page, "a.nav-link:has-text('印证材料')")
    follow(page, "button:has-text('生成印证材料包')")
    assert "已开始生成印证材料包" in page.inner_text(".alert-success") and "排队中" in page.inner_text("main")
    shot(page, "reviews-outputs-package-queued-1024")
    assert run_worker() >= 1  # the package, then the e-mail of its "ready" notification
    page.wait_for_selector("text=下载材料包（.zip）", timeout=15_000)  # the htmx poll picks the finished package up
    page.reload()
    text = page.inner_text("main")
    assert "已完成" in text and "7 个文件" in text
    fits(page)
    shot(page, "reviews-outputs-package-done-1024")
    with page.expect_download() as download:
        page.click("text=下载材料包（.zip）")
    assert download.value.suggested_filename.endswith("_印证材料.zip")
    package = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))
    sums = dict(reversed(line.split("  ", 1)) for line in package.read("SHA256SUMS").decode().splitlines())
    assert {"目录.xlsx", "目录.docx"} <= set(sums)
    for path, sha in sums.items():
        assert hashlib.sha256(package.read(path)).hexdigest() == sha

    follow(page, "a.nav-link:has-text('实地督查日程')")
    page.fill("form[action$='/visits/add/'] input[name=day]", "2026-10-20")
    page.fill("form[action$='/visits/add/'] input[name=starts]", "09:00")
    page.fill("form[action$='/visits/add/'] input[name=ends]", "10:30")
    page.fill("form[action$='/visits/add/'] input[name=activity]", "汇报会：区政府汇报自评情况")
    page.fill("form[action$='/visits/add/'] input[name=place]", "区政府第一会议室")
    page.select_option("form[action$='/visits/add/'] select[name=school]", label="甲区第一小学")
    follow(page, "form[action$='/visits/add/'] button:has-text('添加')")
    text = page.inner_text("main")
    assert "已添加日程" in text and "汇报会：区政府汇报自评情况" in text and "09:00—10:30" in text and "查看学校：甲区第一小学" in text
    fits(page)
    shot(page, "reviews-outputs-visits-1024")
    follow(page, "a.nav-link:has-text('问题清单')")
    assert "尚未导入上级反馈的问题清单" in page.inner_text("main") and "导入问题清单" in page.inner_text("main")
    fits(page)
    shot(page, "reviews-outputs-problems-1024")
