"""监测报告 in the browser on a 1024×768 tablet: the office opens a round's reports page from the round page, starts
the batch, watches the progress panel finish (the worker run in this process), downloads a school's report; the
principal, once the round is published, sees only their own school's report. Screenshots for a person to look at."""

import io

import pytest
from django_tasks_db.management.commands.db_worker import Worker
from docx import Document

from dudao.quality.models import Round, RoundStatus
from tests.browser.conftest import follow, sign_in
from tests.conftest import PASSWORD
from tests.quality.test_reports import report_round

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH = 1024


def run_worker() -> int:
    worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                    max_tasks=None, worker_id="browser-test-worker", excluded_queue_names=[])
    worker.run()
    return worker._run_tasks


def test_office_generates_the_reports_and_the_principal_sees_only_their_own(live_server, browser, shot, world,
                                                                            settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    round = report_round(world)
    base = live_server.url
    context = browser.new_context(viewport={"width": WIDTH, "height": 768}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    sign_in(page, base, "office_a", PASSWORD)
    page.goto(f"{base}/quality/rounds/{round.pk}/")
    follow(page, "a.btn:text-is('监测报告')")
    assert page.url.endswith(f"/quality/rounds/{round.pk}/reports/")
    follow(page, "button:has-text('生成全区和各校监测报告')")
    assert "已开始生成" in page.inner_text(".alert-success")
    assert "排队中" in page.inner_text("body")
    shot(page, "quality-reports-queued-1024")

    assert run_worker() == 1
    page.wait_for_selector("text=已完成", timeout=10_000)  # the htmx poll picks the finished batch up
    page.reload()
    text = page.inner_text("body")
    assert "10/10 个文件" in text and "甲区第一小学" in text and "尚未存档" not in text and "已存档（生成于" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    shot(page, "quality-reports-done-1024")
    with page.expect_download() as download:
        page.locator("tr:has-text('甲区第一小学') a:has-text('Word')").first.click()
    data = open(download.value.path(), "rb").read()
    assert "甲区第一小学" in "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)

    Round.objects.filter(pk=round.pk).update(status=RoundStatus.PUBLISHED)
    principal = browser.new_context(viewport={"width": WIDTH, "height": 768}, locale="zh-CN").new_page()
    sign_in(principal, base, "principal_a", PASSWORD)
    principal.goto(f"{base}/quality/rounds/{round.pk}/reports/")
    text = principal.inner_text("body")
    assert "甲区第一小学" in text and "甲区第二小学" not in text and "全区监测报告" not in text
    assert "生成全区和各校监测报告" not in text and "本校监测报告" in text and "各校监测报告" not in text
    shot(principal, "quality-reports-principal-1024")
