"""The issue's journey across planning on a 1024-px tablet: the office imports last year's outline (.docx) as this
year's draft, publishes it, finds its tasks in the 行事历, drafts the 年度工作总结 (the worker run in this process) and
opens the Word file, whose plan figures are the plan just published. Screenshots for a person to look at."""

import io

import docx
import pytest
from django.utils import timezone

from dudao.planning.models import Plan
from tests.browser.conftest import follow, sign_in
from tests.browser.test_planning_summary import run_worker
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH = 1024


def last_years_outline(path, year: int) -> None:
    """Last year's 工作要点 as an office keeps it in Word, with this year's dates already put in."""
    document = docx.Document()
    document.add_paragraph(f"{year - 1}年甲区教育督导工作要点", style="Title")
    for text in [
        "一、扎实开展督政工作",
        f"1.开展乡镇（街道）履行教育职责评价。（责任科室：督政科；完成时间：{year}年11月）",
        "二、规范开展督学工作",
        f"1.落实责任督学挂牌督导，每校每月至少一次。（责任科室：督学科；完成时间：{year}年12月）",
        f"2.开展秋季开学工作专项督查。（责任科室：督学科；完成时间：{year}年9月）",
        "三、科学实施评估监测",
        f"1.组织区级义务教育质量监测。（责任科室：评估监测科；完成时间：{year}年6月）",
    ]:
        document.add_paragraph(text)
    document.save(path)


def test_import_publish_calendar_and_summary(world, live_server, browser, shot, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    year = timezone.localdate().year
    base = live_server.url
    outline = tmp_path / "上年工作要点.docx"
    last_years_outline(outline, year)
    context = browser.new_context(viewport={"width": WIDTH, "height": 768}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    sign_in(page, base, "office_a", PASSWORD)

    # 1. Import last year's outline as this year's draft.
    page.goto(f"{base}/planning/plans/")
    follow(page, "a:has-text('导入大纲')")
    page.fill("#id_year", str(year))
    page.fill("#id_title", f"{year}年甲区教育督导工作要点")
    page.set_input_files("#id_file", str(outline))
    follow(page, "button:has-text('导入为草稿')")
    assert "已导入大纲：3 个部分、4 项工作任务" in page.inner_text("main")
    shot(page, "planning-journey-imported-1024")

    # 2. Publish: every task has an owner label and a due date inside the year.
    follow(page, "button:has-text('发布')")
    plan = Plan.objects.get()
    assert plan.status == "published" and plan.number == f"甲区督〔{year}〕1号"
    assert f"已发布，文号：甲区督〔{year}〕1号" in page.inner_text("main")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    shot(page, "planning-journey-published-1024")

    # 3. The 行事历 of September shows the 专项督查 due then.
    page.goto(f"{base}/planning/calendar/?month={year}-09")
    text = page.inner_text("main")
    assert "开展秋季开学工作专项督查" in text
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    shot(page, "planning-journey-calendar-1024")

    # 4. Draft the 年度工作总结 and open the Word file: its plan figures are this plan's four tasks.
    page.goto(f"{base}/planning/summaries/")
    page.select_option("#summary-year", str(year))
    follow(page, "button:has-text('生成草稿')")
    assert run_worker() == 1
    page.reload()
    assert "已完成" in page.inner_text("#summary-drafts")
    shot(page, "planning-journey-summary-1024")
    with page.expect_download() as download:
        page.locator("#summary-drafts a:has-text('下载 Word')").first.click()
    document = docx.Document(io.BytesIO(open(download.value.path(), "rb").read()))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert f"甲区{year}年教育督导工作总结" in text
    assert "工作要点任务 4 项" in text
