"""Issue 23, institutions: the office opens the list of 民办学校与校外培训机构 at 1024 px, filters the flagged ones,
opens a training institution's profile (registry fields, account masked, no school-only cards) and its edit page
with a refused licence validity; the institution's own user opens its profile at 390 px. Screenshots:
tests/browser/artifacts/institutions-*.png, for a person to look at."""

import pytest

from dudao.schools.models import InstitutionProfile, School
from tests.browser.conftest import sign_in
from tests.demo_snapshot import restore

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_office_and_the_institution_see_the_registry(demo_snapshot, live_server, browser, shot):
    passwords = restore(demo_snapshot)
    base = live_server.url
    first = School.objects.filter(school_type="training").order_by("code").first()
    account = InstitutionProfile.objects.get(school=first).fund_account

    page = browser.new_page(viewport={"width": 1024, "height": 768}, locale="zh-CN")
    sign_in(page, base, "demo_office", passwords["demo_office"])
    page.goto(f"{base}/checks/institutions/")
    assert page.inner_text("h1") == "民办学校与校外培训机构"
    assert page.locator("table tbody tr").count() >= 12
    _fits(page, 1024)
    shot(page, "institutions-list-1024")
    page.select_option("select[name=flag]", "any")
    page.click("button:has-text('筛选')")
    page.wait_for_load_state()
    assert "许可证已过期" in page.inner_text("table tbody")
    shot(page, "institutions-flagged-1024")

    page.goto(f"{base}/schools/{first.pk}/")
    body = page.content()
    assert "办学许可与登记信息（校外培训机构）" in body and account not in body and "学生与班级" not in body
    _fits(page, 1024)
    shot(page, "institutions-profile-1024")
    page.click("text=编辑登记信息")
    page.fill("#id_licence_issued_on", "2025-03-01")
    page.fill("#id_licence_valid_until", "2025-01-01")
    page.click("button:has-text('保存')")
    assert "不能早于发证日期" in page.inner_text(".alert-danger")
    assert page.input_value("#id_licence_valid_until") == "2025-01-01"
    _fits(page, 1024)
    shot(page, "institutions-edit-error-1024")
    page.close()

    phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    sign_in(phone, base, "demo_training", passwords["demo_training"])
    phone.goto(f"{base}/schools/{first.pk}/")
    assert "办学许可与登记信息" in phone.content() and "编辑登记信息" not in phone.content()
    shot(phone, "institutions-own-profile-390")
    phone.close()
