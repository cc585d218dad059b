"""A 专项督导 on a 1024×768 tablet: the office's project page, then an expert scores a school on the target page
(one bad value refuses the form and keeps the rest), saves, and the office sees the results after 意见反馈.
Screenshots are saved for a person to look at."""

import datetime

import pytest
from django.contrib.auth import get_user_model

from dudao.frameworks import services as frameworks
from dudao.inspections import services
from dudao.inspections.models import InspectionStage
from dudao.regions.models import Region
from dudao.schools.models import School
from tests.browser.conftest import ARTIFACTS, follow, sign_in
from tests.demo_snapshot import restore

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_expert_scores_on_a_tablet(demo_snapshot, live_server, browser, shot):
    passwords = restore(demo_snapshot)
    User = get_user_model()
    office, expert, leader = (User.objects.get(username=u) for u in ("demo_office", "demo_expert", "demo_inspector"))
    county = Region.objects.get(code="990102")
    framework = frameworks.framework_freeze(actor=office, framework=frameworks.framework_from_template(
        actor=office, region=county, template_code="shuangjian"))
    project = services.inspection_create(actor=office, county=county, name="示范区2026年“双减”专项督导", kind="special",
                                         framework=framework, year=2026, starts_on=datetime.date(2026, 11, 1),
                                         ends_on=datetime.date(2026, 12, 31))
    schools = School.objects.filter(region__code__startswith="990102", school_type="primary")
    targets = services.targets_sample(actor=office, inspection=project, candidates=schools, count=3, seed=2026)
    for target in targets:
        services.team_assign(actor=office, target=target, user=leader, role="leader")
        services.team_assign(actor=office, target=target, user=expert, role="expert")
    services.notice_number_set(actor=office, inspection=project, number="示督〔2026〕12号")
    for stage in (InspectionStage.NOTIFIED, InspectionStage.SELF, InspectionStage.REVIEW, InspectionStage.ONSITE):
        project = services.inspection_advance(actor=office, inspection=project, to=stage)

    base = live_server.url
    page = browser.new_context(viewport={"width": 1024, "height": 768}, locale="zh-CN").new_page()
    sign_in(page, base, "demo_expert", passwords["demo_expert"])
    page.goto(f"{base}/inspections/targets/{targets[0].pk}/")
    assert "作业总量控制" in page.inner_text("body") and "一票否决" in page.inner_text("body")
    page.click("label[for='v-A1.1-1']")  # 达标
    page.click("label[for='v-A1.2-2']")  # B
    page.click("label[for='v-A1.3-na']")  # 不适用
    page.fill("input[name='n-A1.2']", "抽查 3 个班作业记录")
    assert "已评 3 / " in page.inner_text("#score-progress")  # counted as the expert fills in
    # the save button sits in a footer that stays on screen (sticky) while the long form scrolls
    box = page.locator("#score-save").bounding_box()
    assert box is not None and box["y"] + box["height"] <= 768
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "inspection-scoring-footer-1024.png"))  # the viewport, as on the tablet
    follow(page, "#score-save")
    assert "已保存 3 项评分" in page.inner_text(".alert-success")
    assert page.locator("[id='v-A1.2-2']").is_checked()
    from dudao.inspections.models import Score

    assert dict(Score.objects.filter(scorer=expert, target=targets[0]).values_list("leaf", "value")) == {
        "A1.1": "达标", "A1.2": "B", "A1.3": "N/A"}
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    assert page.evaluate("Math.max(...[...document.querySelectorAll('.table-responsive')].map(e => e.scrollWidth - e.clientWidth))") <= 0
    shot(page, "inspection-scoring-1024")
