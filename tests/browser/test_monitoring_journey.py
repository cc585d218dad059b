"""The 优质均衡 journey on a 1024×768 tablet: the office uploads the demo district's statistics workbook,
confirms the plausibility warnings if any, opens the county dashboard (CV chart, heat map, gaps),
downloads the 监测报告 in Word and PDF, then looks at 学前普及普惠 and the 创建 board. Screenshots are saved for a person to look at."""

import random
import shutil

import pytest

from dudao.core.tabular import write_template_workbook
from dudao.demo.generator import COUNTY
from dudao.demo.monitoring import TYPES, stats_rows
from dudao.monitoring.imports import SPEC
from dudao.schools.models import School
from tests.browser.conftest import ARTIFACTS, follow, sign_in
from tests.demo_snapshot import restore

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH = 1024


def test_upload_statistics_dashboard_and_report(demo_snapshot, live_server, browser, shot, tmp_path):
    passwords = restore(demo_snapshot)
    schools = list(School.objects.filter(region__code__startswith=COUNTY[0], school_type__in=TYPES).order_by("code"))
    workbook = tmp_path / "示范区2025学年事业统计.xlsx"
    workbook.write_bytes(write_template_workbook([SPEC], {SPEC.name: stats_rows(schools, 2025, random.Random(7))},
                                                 with_notes=False))
    base = live_server.url
    context = browser.new_context(viewport={"width": WIDTH, "height": 768}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    sign_in(page, base, "demo_office", passwords["demo_office"])

    page.click("text=评估监测")
    follow(page, "text=统计数据导入")
    page.set_input_files("#id_file", str(workbook))
    follow(page, "button:has-text('校验并导入')")
    if page.locator("#id_confirm").count():
        shot(page, "monitoring-import-warnings-1024")
        page.set_input_files("#id_file", str(workbook))
        page.check("#id_confirm")
        follow(page, "button:has-text('校验并导入')")
    assert "导入成功" in page.inner_text(".alert-success")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    shot(page, "monitoring-import-1024")

    follow(page, "text=查看优质均衡监测")
    page.wait_for_selector("#cv-chart canvas")
    page.wait_for_selector("#heat-primary canvas")
    for stage in ("primary", "junior"):  # one 差异系数历年变化 chart per stage, its legend whole (not paged)
        page.wait_for_selector(f"#trend-{stage} canvas")
        option = page.evaluate(f"echarts.getInstanceByDom(document.getElementById('trend-{stage}')).getOption()")
        assert len(option["series"]) == 8 and option["legend"][0].get("type", "plain") == "plain"
        assert option["yAxis"][0]["name"] == "差异系数（无量纲）" and option["xAxis"][0]["name"] == "学年"
        page.locator(f"#trend-{stage}").screenshot(path=str(ARTIFACTS / f"monitoring-trend-{stage}-1024.png"))
    cv = page.evaluate("echarts.getInstanceByDom(document.getElementById('cv-chart')).getOption()")
    assert cv["yAxis"][0]["name"] == "差异系数（无量纲）"
    text = page.inner_text("main") if page.locator("main").count() else page.inner_text("body")
    assert "7 项差异系数达标" in text and "生均体育运动场馆面积" in text
    assert "差异系数达标方案" in text  # the demo's primary sports-space CV is over 0.50
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    shot(page, "monitoring-balanced-1024")

    with page.expect_download() as download:
        page.click("text=监测报告（Word）")
    assert download.value.suggested_filename.endswith("监测报告.docx")
    with page.expect_download() as download:
        page.click("text=监测报告（PDF）")
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    shutil.copy(pdf, ARTIFACTS / "monitoring-report.pdf")  # kept next to the screenshots for a person to read

    page.click("text=评估监测")
    follow(page, "text=学前普及普惠监测")
    assert "普惠性幼儿园覆盖率" in page.inner_text("body")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    shot(page, "monitoring-preschool-1024")

    page.click("text=评估监测")
    follow(page, "text=创建工作")
    follow(page, "text=创建全国义务教育优质均衡发展区")
    assert "挂图作战" in page.inner_text("body") and "已逾期" in page.inner_text("body")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH
    shot(page, "monitoring-campaign-1024")
    context.close()
