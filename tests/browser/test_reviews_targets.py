"""The office creates a 强校工程 project of four schools through the form and reads its page (members' figures at
the start and end, 无数据 where missing); then ranks an annual assessment (年度综合目标考核) with levels by quota
and writes them; screenshots for review at 1024 px."""

import datetime

import pytest

from dudao.frameworks import services as frameworks
from dudao.inspections import services as inspections
from dudao.inspections.models import InspectionStage, Target
from dudao.monitoring.models import SchoolStats, StatsImport
from dudao.schools.models import ManagementCentre, Project
from tests.browser.conftest import follow, sign_in
from tests.conftest import PASSWORD, _school

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _main_width(page) -> int:
    """The whole page's width (no horizontal scroll), the navigation bar included."""
    return page.evaluate("document.documentElement.scrollWidth")


def test_office_creates_a_project_and_ranks_an_annual_assessment(world, live_server, browser, shot):
    base = live_server.url
    a = world.schools_a
    world.office_a.first_name = "李主任"
    world.office_a.save(update_fields=["first_name"])
    for school, year, students in [(a[0], 2024, 620), (a[0], 2026, 655), (a[1], 2024, 210), (a[1], 2026, 248)]:
        batch = StatsImport.objects.create(year=year, filename="统计.xlsx", rows=1, created_by=world.admin)
        SchoolStats.objects.create(school=school, year=year, batch=batch, students_primary=students,
                                   qualified_teachers=30, backbone_teachers=4 if year == 2024 else 7)
    page = browser.new_context(viewport={"width": 1024, "height": 800}, locale="zh-CN").new_page()
    sign_in(page, base, "office_a", PASSWORD)
    page.goto(f"{base}/reviews/projects/")
    assert "还没有帮扶项目" in page.inner_text("main")
    follow(page, "a:has-text('新建项目')")
    page.fill("#id_name", "甲区强校工程（第一小学托管三校）")
    page.select_option("#id_project_type", "strong")
    page.fill("#id_starts_on", "2024-09-01")
    page.fill("#id_ends_on", "2026-08-31")
    page.select_option("#id_contact", str(world.principal_a.pk))
    page.fill("#id_goals", "三年内被托管学校质量达到全区平均水平。")
    selects = page.locator("select[name=member_school]")
    roles = page.locator("select[name=member_role]")
    for i, (school, role) in enumerate([(a[0], "trustee"), (a[1], "trusted"), (a[2], "trusted"), (a[4], "trusted")]):
        selects.nth(i).select_option(str(school.pk))
        roles.nth(i).select_option(role)
    assert "乙县" not in page.inner_text("#members")
    page.locator("input[name=figure_label]").nth(0).fill("被托管校合格率")
    page.locator("input[name=figure_baseline]").nth(0).fill("82%")
    page.locator("input[name=figure_target]").nth(0).fill("92%")
    shot(page, "reviews-targets-project-form-1024")
    assert _main_width(page) <= 1024
    follow(page, "button:has-text('保存')")
    project = Project.objects.get()
    assert project.members.count() == 4
    text = page.inner_text("main")
    assert "托管方" in text and "被托管方" in text and "620" in text and "655" in text and "无数据" in text
    assert _main_width(page) <= 1024
    shot(page, "reviews-targets-project-detail-1024")
    page.goto(f"{base}/reviews/projects/")
    shot(page, "reviews-targets-project-list-1024")

    # 年度综合目标考核: a centre and the five directly administered schools, scored, ranked by quota.
    _school("1990102006", "甲区第二中学", a[0].region, "junior", students_junior=600)
    centre = ManagementCentre.objects.create(code="C1", name="甲二镇教管中心", region=a[2].region,
                                             contact=world.town_a)
    framework = frameworks.framework_freeze(actor=world.office_a, framework=frameworks.framework_from_template(
        actor=world.office_a, region=world.county_a, template_code="zone"))
    annual = inspections.inspection_create(actor=world.office_a, county=world.county_a, name="甲区2026年度综合目标考核",
                                           kind="annual", framework=framework, year=2026,
                                           starts_on=datetime.date(2026, 11, 1), ends_on=datetime.date(2026, 12, 31))
    page.goto(f"{base}/inspections/{annual.pk}/")
    page.check(f"#tc-{centre.pk}")
    page.check("#t-direct")
    follow(page, "button:has-text('添加所选对象')")
    targets = list(Target.objects.filter(inspection=annual).order_by("id"))
    assert len(targets) == 6 and targets[-1].centre_id == centre.pk  # five direct schools, then the centre
    shot(page, "reviews-targets-annual-targets-1024")
    for target in targets:
        inspections.team_assign(actor=world.office_a, target=target, user=world.expert, role="leader")
    inspections.notice_number_set(actor=world.office_a, inspection=annual, number="甲督〔2026〕40号")
    for stage in (InspectionStage.NOTIFIED, InspectionStage.SELF, InspectionStage.REVIEW, InspectionStage.ONSITE):
        annual = inspections.inspection_advance(actor=world.office_a, inspection=annual, to=stage)
    grades = ["A", "A", "B", "B", "C", "D"]
    for target, grade in zip(targets, grades, strict=True):
        for i in range(1, 9):
            inspections.score_record(actor=world.expert, target=target, leaf=f"A1.{i}",
                                     value="A" if grade == "B" and i <= 2 else grade)
    for stage in (InspectionStage.DELIBERATION, InspectionStage.FEEDBACK):
        annual = inspections.inspection_advance(actor=world.office_a, inspection=annual, to=stage)
    page.goto(f"{base}/inspections/{annual.pk}/")
    follow(page, "a:has-text('排名与等级名额')")
    text = page.inner_text("main")
    assert "并列" in text and "待写入" in text
    assert _main_width(page) <= 1024
    shot(page, "reviews-targets-annual-ranking-1024")
    follow(page, "button:has-text('按名额写入等级')")
    assert "已按名额写入各对象等级" in page.inner_text("body") and "待写入" not in page.inner_text("main")
    levels = [t.level for t in Target.objects.filter(inspection=annual).order_by("id")]
    # n = 6: 优秀 ≤ 30% → 1 place, but the top two tie at 100 → both 良好 (≤ 40% → 2 places, now full); the two
    # at 85 → 合格; 60 is the pass score → 合格; 0 → 不合格.
    assert levels == ["良好", "良好", "合格", "合格", "合格", "不合格"]
    shot(page, "reviews-targets-annual-ranking-applied-1024")
