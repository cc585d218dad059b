"""The 满意度调查 journey: the office (1024×768 tablet) starts a parent survey from a published questionnaire;
a parent on a 390×844 phone opens the school's link, is told what is missing, answers (skip logic shows the
follow-up question, a reload keeps the answers), submits; the office's round page counts the response.
Then the office looks at the demo's closed year-end survey results. Screenshots are saved for a person."""

import pytest

from dudao.surveys.models import SurveyResponse, SurveyRound
from tests.browser.conftest import follow, sign_in
from tests.demo_snapshot import restore

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def no_horizontal_scroll(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_parent_answers_on_a_phone_and_the_office_sees_it(demo_snapshot, live_server, browser, shot):
    passwords = restore(demo_snapshot)
    base = live_server.url
    office = browser.new_context(viewport={"width": 1024, "height": 768}, locale="zh-CN")
    page = office.new_page()
    sign_in(page, base, "demo_office", passwords["demo_office"])

    page.click("text=评估监测")
    follow(page, "a.dropdown-item:has-text('满意度调查')")
    follow(page, "text=发起调查")
    page.select_option("#id_questionnaire", label="义务教育学校家长满意度调查问卷（第 1 版）")
    page.fill("#id_name", "示范区2026年秋季家长满意度调查")
    page.select_option("#id_town", label="东城街道")
    no_horizontal_scroll(page, 1024)
    shot(page, "survey-round-new-1024")
    follow(page, "button:has-text('建立调查')")
    assert "调查已建立" in page.inner_text(".alert-success")
    survey = SurveyRound.objects.get(name="示范区2026年秋季家长满意度调查")
    school = survey.schools.order_by("name").first()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                has_touch=True)
    parent = phone.new_page()
    parent.goto(f"{base}/public/survey/{survey.token}/{school.code}/")
    assert school.name in parent.inner_text("body")
    no_horizontal_scroll(parent, 390)
    follow(parent, "button:has-text('提交')")
    assert "标红" in parent.inner_text(".alert-danger")
    assert parent.locator("fieldset.is-invalid").count() >= 4
    shot(parent, "survey-phone-errors-390")

    parent.click("label:has-text('母亲')")
    parent.click("label[for='q2-5']")
    for row in range(1, 9):
        parent.click(f"label[for='q3-{row}-{4 if row != 7 else 2}']")
    parent.click("label:has-text('30分钟至1小时')")
    assert not parent.locator("fieldset[data-code='q6']").is_visible()
    parent.click("label[for='q5-2']")  # 有
    assert parent.locator("fieldset[data-code='q6']").is_visible()  # skip logic: asked only when q5 = 有
    parent.fill("textarea[name='q7']", "希望食堂<b>改进</b>饭菜口味。")
    parent.goto(f"{base}/public/survey/{survey.token}/{school.code}/")  # reopened: answers are kept on the phone
    assert parent.locator("#q2-5").is_checked() and parent.locator("fieldset[data-code='q6']").is_visible()
    assert parent.input_value("textarea[name='q7']") == "希望食堂<b>改进</b>饭菜口味。"
    parent.fill("input[name='q6']", "班主任推荐购买教辅。")
    assert parent.inner_text("#sv-progress-text") == "已答 100%"
    shot(parent, "survey-phone-answering-390")
    follow(parent, "button:has-text('提交')")
    parent.wait_for_selector("text=提交成功")
    no_horizontal_scroll(parent, 390)
    shot(parent, "survey-phone-thanks-390")
    saved = SurveyResponse.objects.get(round=survey)
    assert saved.answers["q7"] == "希望食堂<b>改进</b>饭菜口味。" and saved.answers["q3"]["7"] == 2
    assert parent.evaluate("localStorage.length") == 0  # the phone's saved answers were cleared after success
    parent.goto(f"{base}/public/survey/{survey.token}/{school.code}/")
    assert "您已提交" in parent.inner_text("h1")  # reopened: told it has answered, not a blank questionnaire
    assert parent.locator("#q2-5").count() == 0
    shot(parent, "survey-phone-reopened-390")

    page.goto(f"{base}/surveys/{survey.pk}/")
    live = page.locator("table:has(th:has-text('收到')) tr", has_text=school.name)
    assert live.locator("td").nth(1).inner_text() == "1"
    shot(page, "survey-round-live-1024")

    page.goto(f"{base}/surveys/")
    follow(page, "text=示范区2025年度中小学家长满意度调查")
    page.wait_for_selector("#chart-schools canvas")
    text = page.inner_text("body")
    assert "总体满意率" in text and "未达标" in text and "不公布" in text and "提出问题" in text
    no_horizontal_scroll(page, 1024)
    shot(page, "survey-results-1024")
    follow(page, "text=开放题与异常答卷")
    assert "高频词" in page.inner_text("body")
    shot(page, "survey-open-answers-1024")

    page.click("text=评估监测")
    follow(page, "text=问卷管理")
    follow(page, "text=教师满意度调查问卷（第 1 版）")
    page.fill("#id_text", "您是否担任班主任？")
    page.select_option("#id_type", value="single")
    page.fill("#id_options", "是\n否")
    follow(page, "button:has-text('添加')")
    assert "题目已添加" in page.inner_text(".alert-success") and "您是否担任班主任？" in page.inner_text("body")
    no_horizontal_scroll(page, 1024)
    shot(page, "survey-questionnaire-editor-1024")
