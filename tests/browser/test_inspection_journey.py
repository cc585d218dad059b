"""The 专项督导 journey on a 1024×768 tablet: the office creates a “双减” 专项督导 of 10 sampled schools (plus the
demo principal's teaching point), sets its 文号 and moves it to 自评中; the principal self-assesses and uploads
nothing but a report; the expert scores the school; the office writes the 意见书 with a problem and issues it;
the problem appears on the school's ledger. Other targets are scored through the services (same rules).
Screenshots are saved for a person to look at."""

import pytest
from django.contrib.auth import get_user_model

from dudao.core.models import Policy
from dudao.frameworks.scoring import build_tree
from dudao.inspections import opinions, services
from dudao.inspections.models import Inspection, Target
from dudao.rectification.models import Finding
from dudao.schools.models import School
from tests.browser.conftest import follow, sign_in
from tests.demo_snapshot import restore

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WIDTH = 1024


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_special_inspection_from_plan_to_findings(demo_snapshot, live_server, browser, shot):
    passwords = restore(demo_snapshot)
    User = get_user_model()
    office_user, expert, leader, principal = (User.objects.get(username=u) for u in (
        "demo_office", "demo_expert", "demo_inspector", "demo_school"))
    Policy.objects.create(key="inspections.appeal_days", region_code="990102", value=0)  # no waiting in a test
    own_school = School.objects.get(pk=principal.role_assignments.get(role="school").school_id)
    base = live_server.url

    office = browser.new_context(viewport={"width": WIDTH, "height": 768}, locale="zh-CN").new_page()
    sign_in(office, base, "demo_office", passwords["demo_office"])
    office.click("text=督学")
    follow(office, "a.dropdown-item:has-text('督导评估项目')")
    fits(office)
    assert office.evaluate("Math.max(...[...document.querySelectorAll('.table-responsive')].map(e => e.scrollWidth - e.clientWidth))") <= 0
    shot(office, "inspection-list-1024")
    office.fill("#id_name", "示范区2026年冬季“双减”专项督导")
    office.select_option("#id_kind", value="special")
    office.select_option("#id_framework", label="专项督导：“双减”与“五项管理”（第 1 版）")
    follow(office, "button:has-text('建立')")
    assert "督导项目已建立" in office.inner_text(".alert-success")
    project = Inspection.objects.get(name="示范区2026年冬季“双减”专项督导")
    office.check("#st-primary")
    office.fill("input[name='count']", "10")
    follow(office, "form[action$='/targets/'] button:has-text('添加')")
    assert "随机抽取" in office.inner_text(".alert-success")
    services.targets_add(actor=office_user, inspection=project, schools=[own_school])
    targets = list(Target.objects.filter(inspection=project))
    assert len(targets) == 11
    mine = next(t for t in targets if t.school_id == own_school.pk)
    for target in targets:
        services.team_assign(actor=office_user, target=target, user=leader, role="leader")
        services.team_assign(actor=office_user, target=target, user=expert, role="expert")
    office.reload()
    office.fill("input[name='number']", "示督〔2026〕30号")
    follow(office, "button:has-text('保存文号')")
    follow(office, "button:has-text('转到“已通知”')")
    follow(office, "button:has-text('转到“自评中”')")
    assert "自评中" in office.inner_text("h1")
    fits(office)
    shot(office, "inspection-project-1024")

    school = browser.new_context(viewport={"width": WIDTH, "height": 768}, locale="zh-CN").new_page()
    sign_in(school, base, "demo_school", passwords["demo_school"])
    school.goto(f"{base}/inspections/targets/{mine.pk}/")
    school.fill("textarea[name='report']", "我校严格落实“双减”，书面作业总量控制在规定时间内。")
    follow(school, "button:has-text('提交材料')")
    school.click("label[for='v-A1.1-1']")  # 达标
    school.click("label[for='v-A1.2-1']")  # A
    follow(school, "form:has(input[name='v-A1.1']) button:has-text('保存')")
    assert "已保存 2 项评分" in school.inner_text(".alert-success")
    fits(school)
    shot(school, "inspection-self-assessment-1024")

    for stage in ("review", "onsite"):
        project = services.inspection_advance(actor=office_user, inspection=project, to=stage)
    leaves = build_tree(project.framework.definition).leaves
    scorer = browser.new_context(viewport={"width": WIDTH, "height": 768}, locale="zh-CN").new_page()
    sign_in(scorer, base, "demo_expert", passwords["demo_expert"])
    scorer.goto(f"{base}/inspections/targets/{mine.pk}/")
    for node in leaves:
        choice = "2" if node.rule["kind"] == "levels" else "1"  # B, or 达标
        scorer.click(f"label[for='v-{node.code}-{choice}']")
    follow(scorer, "button:has-text('保存')")
    assert f"已保存 {len(leaves)} 项评分" in scorer.inner_text(".alert-success")
    for target in targets:
        for node in leaves:
            value = "A" if node.rule["kind"] == "levels" else "达标"
            services.score_record(actor=leader, target=target, leaf=node.code, value=value)
            if target != mine:
                services.score_record(actor=expert, target=target, leaf=node.code, value=value)

    office.reload()
    follow(office, "button:has-text('转到“汇总评议”')")
    follow(office, "button:has-text('转到“意见反馈”')")
    assert "意见反馈" in office.inner_text("h1")
    office.goto(f"{base}/inspections/targets/{mine.pk}/")
    office.fill("#id_evaluation", "学校落实“双减”要求较好，作业管理规范。")
    office.fill("input[name='p-text'] >> nth=0", "课后服务内容较单一。")
    office.fill("input[name='p-req'] >> nth=0", "增设体育、艺术类课后服务项目。")
    office.fill("input[name='p-due'] >> nth=0", "2027-03-31")
    follow(office, "button:has-text('保存意见书')")
    assert "督导意见书已保存" in office.inner_text(".alert-success")
    fits(office)
    shot(office, "inspection-target-opinion-1024")
    for target in targets:
        if target != mine:
            opinions.opinion_save(actor=office_user, target=target, evaluation="落实较好。", strengths="", problems=[])
    office.goto(f"{base}/inspections/{project.pk}/")
    follow(office, "button:has-text('转到“已出具意见书”')")
    assert "已出具意见书" in office.inner_text("h1")
    follow(office, "text=督导报告")
    office.wait_for_selector("#chart-ranked canvas")
    fits(office)
    shot(office, "inspection-report-1024")

    finding = Finding.objects.get(source="inspection", school=own_school, description="课后服务内容较单一。")
    assert finding.due_date.isoformat() == "2027-03-31"
    school.goto(f"{base}/rectification/")
    assert "课后服务内容较单一" in school.inner_text("body")
    school.goto(f"{base}/inspections/targets/{mine.pk}/")
    assert "示范区督意〔2026〕" in school.inner_text("body")  # the issued 意见书 with its 文号
    assert "课后服务内容较单一" in school.inner_text("body")
    shot(school, "inspection-school-result-1024")
