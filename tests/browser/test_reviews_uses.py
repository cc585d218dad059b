"""结果运用 in a browser: the office records a use of a failing result with its document; the 人社局's unit user
records its own use (the using unit is theirs, nothing else offered); the school's profile lists both uses;
screenshots for review at 1024 px."""

import pytest
from PIL import Image

from dudao.reviews.models import ResultUse
from tests.browser.conftest import follow, sign_in
from tests.conftest import PASSWORD
from tests.reviews import uses_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page) -> bool:
    """The whole page fits 1024 px: no horizontal scroll, the navigation bar included."""
    return page.evaluate("document.documentElement.scrollWidth <= 1024")


def _png(path) -> str:
    Image.new("RGB", (300, 200), "white").save(path, "PNG")
    return str(path)


def test_office_and_unit_record_uses_school_profile_lists_them(world, live_server, browser, shot, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = uses_data.build(world)
    base = live_server.url
    page = browser.new_context(viewport={"width": 1024, "height": 800}, locale="zh-CN").new_page()
    sign_in(page, base, "office_a", PASSWORD)
    page.goto(f"{base}/reviews/uses/")
    assert "还没有登记结果运用" in page.inner_text("main")
    follow(page, "a:has-text('登记结果运用')")
    page.select_option("select[name=kind]", "inspections.target")
    page.fill("input[name=q]", "第一小学")
    follow(page, "#pick button:has-text('查找')")
    results = page.inner_text("#result-list")
    assert "甲区第一小学：不合格" in results and "乙县" not in results
    page.check(f"input[value='inspections.target:{data.failing.pk}']")
    page.select_option("#id_user_unit", str(data.hr.pk))
    page.select_option("#id_purpose", "appointment")
    page.fill("#id_used_on", "2026-03-02")
    page.fill("#id_decision", "该校2025年度综合督导结果为不合格，校长年度考核定为基本称职，暂缓提拔使用。")
    page.fill("#id_document_number", "甲组干〔2026〕4号")
    page.set_input_files("#id_document", _png(tmp_path / "干部任用决定.png"))
    shot(page, "reviews-uses-form-office-1024")
    assert fits(page)
    follow(page, "button:has-text('保存')")
    use = ResultUse.objects.get()
    assert use.document is not None and use.user_unit == data.hr
    text = page.inner_text("main")
    assert "干部任用决定.png" in text and "甲组干〔2026〕4号" in text
    shot(page, "reviews-uses-detail-office-1024")

    unit = browser.new_context(viewport={"width": 1024, "height": 800}, locale="zh-CN").new_page()
    sign_in(unit, base, "hr_a", PASSWORD)
    unit.goto(f"{base}/reviews/uses/new/?kind=inspections.target")
    options = unit.inner_text("#id_user_unit")
    assert "甲区人力资源和社会保障局" in options and "甲二镇" not in options
    assert unit.query_selector("#id_user_name") is None  # a unit records as itself, never in free words
    unit.check(f"input[value='inspections.target:{data.failing.pk}']")
    unit.select_option("#id_purpose", "pay")
    unit.fill("#id_used_on", "2026-03-05")
    unit.fill("#id_decision", "依据2025年度综合督导结果，核减该校2026年度奖励性绩效工资总量5%。")
    unit.fill("#id_document_number", "甲人社发〔2026〕9号")
    shot(unit, "reviews-uses-form-unit-1024")
    follow(unit, "button:has-text('保存')")
    assert ResultUse.objects.count() == 2
    unit.goto(f"{base}/reviews/uses/")
    shot(unit, "reviews-uses-list-unit-1024")
    assert fits(unit), unit.evaluate("[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > 1024).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).slice(0, 8)")

    page.goto(f"{base}/reviews/uses/")
    text = page.inner_text("main")
    assert "绩效工资" in text and "干部任用" in text
    assert fits(page)
    shot(page, "reviews-uses-list-office-1024")
    page.goto(f"{base}/schools/{world.schools_a[0].pk}/")
    section = page.inner_text("#result-uses")
    assert "干部任用" in section and "绩效工资" in section and "甲区人力资源和社会保障局" in section
    page.locator("#result-uses").scroll_into_view_if_needed()
    shot(page, "reviews-uses-school-profile-1024")
    page.goto(f"{base}/reviews/uses/annual/?year=2026")
    assert "甲区人力资源和社会保障局" in page.inner_text("main")
    shot(page, "reviews-uses-annual-1024")
