"""The 学业质量监测 journey on a 1024×768 tablet: the office creates a round through the form (demo district, the
demo principal's school and seven others), imports a 学生成绩 workbook (confirming the plausibility warnings if
any), opens the county dashboard (score bands, school table, value-added caterpillar and quadrant charts with
their units), a school's profile section and the Excel export, and publishes; then the principal logs in and sees
only their own school. Screenshots are saved under tests/browser/artifacts/quality_*.png for a person to look at."""

import numpy as np
import pytest
from django.utils import timezone

from dudao.core.models import Role, RoleAssignment
from dudao.core.tabular import write_template_workbook
from dudao.demo.generator import COUNTY
from dudao.demo.services import demo_load
from dudao.quality.models import Round
from dudao.quality.scoresheet import SPEC
from dudao.schools.models import School
from tests.browser.conftest import ARTIFACTS, follow, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH = 1024

def _workbook(schools, grade: int, seed: int = 19) -> bytes:
    """Two subjects, 20–90 pupils per school, prior attainment and school effects (the first school well above
    expectation, the last well below)."""
    rng = np.random.default_rng(seed)
    rows = []
    effects = np.linspace(8, -8, len(schools))
    for index, school in enumerate(schools):
        size = int(rng.integers(20, 90)) if index else 60
        for subject in ("语文", "数学"):
            prior = rng.normal(65, 12, size).clip(0, 100)
            score = (20 + 0.7 * prior + effects[index] + rng.normal(0, 8, size)).clip(0, 100)
            for k in range(size):
                rows.append([f"Q{school.code[-4:]}{k:04d}", school.code, grade, subject, round(float(score[k]), 1),
                             round(float(prior[k]), 1), "女" if k % 2 else "男", f"{1 + k % 3}班"])
    return write_template_workbook([SPEC], {SPEC.name: rows}, with_notes=False)

def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH

def test_office_round_scores_dashboard_and_principal(live_server, browser, shot, tmp_path):
    passwords = demo_load()
    own = RoleAssignment.objects.get(user__username="demo_school", role=Role.SCHOOL).school
    others = list(School.objects.filter(region__code__startswith=COUNTY[0], school_type=own.school_type)
                  .exclude(pk=own.pk).order_by("code")[:7])
    schools = [own, *others]
    grade = 8 if own.school_type in ("junior", "nine_year") else 5
    workbook = tmp_path / "学生成绩.xlsx"
    workbook.write_bytes(_workbook(schools, grade))
    base = live_server.url

    context = browser.new_context(viewport={"width": WIDTH, "height": 768}, locale="zh-CN", accept_downloads=True)
    page = context.new_page()
    sign_in(page, base, "demo_office", passwords["demo_office"])

    # 1. the office creates a round through the form
    page.goto(f"{base}/quality/rounds/new/")
    # tested today, in the school year in progress: never in last year, which the demo archives (归档, issue 20)
    today = timezone.localdate()
    school_year = today.year if today.month >= 9 else today.year - 1
    page.fill("#id_title", f"{school_year}学年秋季质量监测（浏览器测试）")
    page.fill("#id_year", str(school_year))
    page.fill("#id_grade", str(grade))
    page.fill("#id_test_date", today.isoformat())
    page.fill("input[name=s_name_0]", "语文")
    page.fill("input[name=s_full_0]", "100")
    page.fill("input[name=s_name_1]", "数学")
    page.fill("input[name=s_full_1]", "100")
    page.check("input[name=selection][value=list]")
    page.fill("#id_codes", "\n".join(s.code for s in schools))
    _fits(page)
    shot(page, "quality_round_form")
    follow(page, "button:has-text('建立轮次')")
    assert "/quality/rounds/" in page.url and "new" not in page.url, page.inner_text("main")
    round_url = page.url

    # 2. imports the pupils' scores
    follow(page, "text=导入学生成绩")
    page.set_input_files("#id_file", str(workbook))
    follow(page, "button:has-text('校验并导入')")
    if page.locator("button:has-text('确认导入')").count():
        shot(page, "quality_scores_warnings")
        follow(page, "button:has-text('确认导入')")
    assert "导入" in page.inner_text(".alert-success"), page.inner_text("main")
    _fits(page)
    shot(page, "quality_scores_import")

    # 3. the county dashboard: bands, school table, value-added with units
    page.goto(round_url)
    follow(page, "text=监测结果")
    page.wait_for_selector("#band-chart canvas")
    page.wait_for_selector("#va-chart canvas")
    page.wait_for_selector("#quadrant-chart canvas")
    text = page.inner_text("main")
    assert "全区平均分" in text and "增值评价" in text and "简单残差法" in text
    for school in schools:
        assert school.name[:10] in text
    option = page.evaluate("echarts.getInstanceByDom(document.getElementById('va-chart')).getOption()")
    assert option["xAxis"][0]["name"] == "增值（分）"
    assert len(option["yAxis"][0]["data"]) == len(schools)
    quadrant = page.evaluate("echarts.getInstanceByDom(document.getElementById('quadrant-chart')).getOption()")
    assert "（分）" in quadrant["xAxis"][0]["name"] and quadrant["yAxis"][0]["name"] == "增值（分）"
    bands = page.evaluate("echarts.getInstanceByDom(document.getElementById('band-chart')).getOption()")
    assert bands["yAxis"][0]["name"] == "人数（人）"
    assert "显著高于预期" in text or "显著低于预期" in text
    _fits(page)
    shot(page, "quality_dashboard")
    page.locator("#va-chart").screenshot(path=str(ARTIFACTS / "quality_caterpillar.png"))
    page.locator("#quadrant-chart").screenshot(path=str(ARTIFACTS / "quality_quadrant.png"))
    # sort the school table by 合格率 (descending), then the ML switch
    page.click("#school-table th:has-text('合格率')")
    rates = page.eval_on_selector_all("#school-table tbody tr td:nth-child(5)", "cells => cells.map(c => parseFloat(c.dataset.value))")
    assert rates == sorted(rates, reverse=True)
    with page.expect_download() as download:
        page.click("text=导出 Excel")
    assert download.value.suggested_filename.endswith(".xlsx")
    page.select_option("#va-method", "ml")
    follow(page, "button:has-text('重新计算')")
    assert "method=ml" in page.url
    page.wait_for_selector("#va-chart canvas")

    # the demo's own rounds (two rounds of one cohort: the first has no prior scores, so value-added says why it
    # cannot be computed; the second links the priors by 学生编号)
    for index, demo_round in enumerate(Round.objects.exclude(pk=int(round_url.rstrip("/").split("/")[-1]))
                                       .exclude(status="planned").order_by("pk")):
        page.goto(f"{base}/quality/rounds/{demo_round.pk}/results/")
        page.wait_for_selector("#band-chart canvas")
        assert page.locator("#va-chart").count() or "无法计算增值评价" in page.inner_text("#value-added")
        _fits(page)
        shot(page, f"quality_dashboard_demo_{index + 1}")

    # 4. a school's profile with its quality section (the office sees it before publication)
    page.goto(f"{base}/schools/{schools[0].pk}/")
    page.wait_for_selector("#quality-section")
    assert "增值评价" in page.inner_text("#quality-section")
    _fits(page)
    shot(page, "quality_school_section_office")

    # 5. publish, then the principal sees only their school
    page.goto(round_url)
    follow(page, "button:has-text('发布结果')")
    context.close()

    context = browser.new_context(viewport={"width": WIDTH, "height": 768}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, base, "demo_school", passwords["demo_school"])
    page.goto(round_url)
    follow(page, "text=监测结果")
    page.wait_for_selector("#va-chart canvas")
    text = page.inner_text("main")
    assert own.name[:10] in text and "本校监测结果" in text
    for school in others:
        assert school.name not in text
    option = page.evaluate("echarts.getInstanceByDom(document.getElementById('va-chart')).getOption()")
    assert option["yAxis"][0]["data"] == [own.name]
    _fits(page)
    shot(page, "quality_dashboard_principal")
    page.goto(f"{base}/schools/{own.pk}/")
    page.wait_for_selector("#quality-section")
    _fits(page)
    shot(page, "quality_school_section_principal")
    # another school's profile or export stays closed to the principal
    response = page.goto(f"{base}/quality/rounds/{round_url.rstrip('/').split('/')[-1]}/results/school.xlsx"
                         f"?school={others[0].code}")
    assert response.status == 404
    context.close()
