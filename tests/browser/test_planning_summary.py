"""工作总结 in the browser on a 1024×768 tablet: the office drafts the year's 年度工作总结 (the worker run in this
process, as the quality reports' browser test does), watches the list pick up the finished draft, previews the
figures with their sources and downloads the Word file; a leader reads it but cannot generate. Screenshots for a
person to look at."""

import datetime
import io

import pytest
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from docx import Document

from dudao.rectification.models import Finding
from tests.browser.conftest import follow, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH = 1024


def run_worker() -> int:
    worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                    max_tasks=None, worker_id="browser-test-worker", excluded_queue_names=[])
    worker.run()
    return worker._run_tasks


def test_office_drafts_the_year_summary_and_downloads_it(live_server, browser, shot, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    now = timezone.now()
    for i, school in enumerate(world.schools_a[:3]):
        Finding.objects.create(source="manual", school=school, region_code=school.region_id, description="消防通道堆放杂物。",
                               raised_at=now - datetime.timedelta(days=10 + i), status="closed" if i else "open",
                               closed_at=now if i else None, closed_on_time=True if i else None)
    year = timezone.localdate().year
    base = live_server.url
    context = browser.new_context(viewport={"width": WIDTH, "height": 768}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    sign_in(page, base, "office_a", PASSWORD)
    page.goto(f"{base}/planning/summaries/")
    assert "还没有生成过草稿" in page.inner_text("body")
    page.select_option("#summary-year", str(year))
    follow(page, "button:has-text('生成草稿')")
    assert "已开始生成草稿" in page.inner_text(".alert-success")
    assert "排队中" in page.inner_text("#summary-drafts")
    shot(page, "planning-summary-queued-1024")

    assert run_worker() == 1
    page.wait_for_selector("#summary-drafts >> text=已完成", timeout=10_000)  # the htmx poll picks it up
    page.reload()
    text = page.inner_text("body")
    assert "数据预览" in text and "整改率" in text and "rectification.selectors.finding_list" in text
    assert "督导发现问题" in text and "3 个" in text and "66.7%" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    shot(page, "planning-summary-done-1024")
    with page.expect_download() as download:
        page.locator("#summary-drafts a:has-text('下载 Word')").first.click()
    assert download.value.suggested_filename == f"甲区{year}年教育督导工作总结（草稿）.docx"
    document = Document(io.BytesIO(open(download.value.path(), "rb").read()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"甲区{year}年教育督导工作总结" in text and "督导发现问题 3 个" in text and "整改率 66.7%" in text

    leader = browser.new_context(viewport={"width": WIDTH, "height": 768}, locale="zh-CN").new_page()
    sign_in(leader, base, "leader_a", PASSWORD)
    leader.goto(f"{base}/planning/summaries/")
    text = leader.inner_text("body")
    assert "下载 Word" in text and "生成草稿" not in text
