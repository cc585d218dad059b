"""督导档案 in the browser on a 1024×768 tablet: the office opens 工作计划 → 档案, the 2025 year's 案卷目录, starts
"导出档案", watches the panel finish (the worker run in this process) with the missing file named, downloads the zip,
then 归档; the administrator reopens the year with a reason. Screenshots for a person to look at."""

import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django_tasks_db.management.commands.db_worker import Worker

from dudao.planning.models import ArchiveYear
from tests.browser.conftest import follow, sign_in
from tests.conftest import PASSWORD
from tests.planning.archive_data import make_year

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH = 1024


def run_worker() -> int:
    worker = Worker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                    max_tasks=None, worker_id="browser-test-worker", excluded_queue_names=[])
    worker.run()
    return worker._run_tasks


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_office_exports_and_archives_the_year_and_the_admin_reopens_it(live_server, browser, shot, world, settings,
                                                                       tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = make_year(world)
    default_storage.delete(data.files[0].path)  # one photo lost from storage: the export must say so
    base = live_server.url
    context = browser.new_context(viewport={"width": WIDTH, "height": 768}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    sign_in(page, base, "office_a", PASSWORD)
    page.goto(f"{base}/planning/archive/")
    text = page.inner_text("main")
    assert "甲区" in text and "2025年度" in text and "尚未导出" in text
    fits(page)
    shot(page, "planning-archive-list-1024")

    follow(page, "a:text-is('2025年度')")
    text = page.inner_text("main")
    assert "案卷目录（共 5 个文件）" in text and "甲区2025年教育督导工作要点" in text
    follow(page, "a.nav-link:has-text('03 督学')")
    assert "0003 照片3.jpg" in page.inner_text("main")
    fits(page)
    shot(page, "planning-archive-year-1024")

    follow(page, "button:text-is('导出档案')")
    assert "已开始导出档案" in page.inner_text(".alert-success") and "排队中" in page.inner_text("main")
    assert run_worker() == 1
    page.wait_for_selector("text=下载档案（.zip）", timeout=10_000)  # the htmx poll picks the finished export up
    page.reload()
    text = page.inner_text("main")
    assert "已完成" in text and "4 个文件" in text and "1 个文件缺失" in text and "第1张" in text
    fits(page)
    shot(page, "planning-archive-exported-1024")
    with page.expect_download() as download:
        page.click("text=下载档案（.zip）")
    assert download.value.suggested_filename == "甲区2025年度督导档案.zip"
    archive = zipfile.ZipFile(io.BytesIO(open(download.value.path(), "rb").read()))
    assert "案卷目录.xlsx" in archive.namelist() and "SHA256SUMS.txt" in archive.namelist()

    follow(page, "button:text-is('归档')")
    assert "已归档甲区2025年度" in page.inner_text(".alert-success") and "本年度已归档" in page.inner_text("main")
    assert ArchiveYear.objects.get().status == "locked"
    shot(page, "planning-archive-locked-1024")

    admin = browser.new_context(viewport={"width": WIDTH, "height": 768}, locale="zh-CN").new_page()
    sign_in(admin, base, "admin", PASSWORD)
    admin.goto(f"{base}/planning/archive/990102/2025/")
    admin.fill("#id_reason", "补录2025年12月漏报的督导纪实")
    follow(admin, "button:text-is('重新开放')")
    assert "已重新开放甲区2025年度" in admin.inner_text(".alert-success")
    assert "补录2025年12月漏报的督导纪实" in admin.inner_text("main")
    fits(admin)
    shot(admin, "planning-archive-reopened-1024")
    assert ArchiveYear.objects.get().status == "open"
