"""The 挂牌督导 journey on a 1024×768 tablet: an inspector records a visit with a photo and two problems;
the principal signs for it. Also the office's compliance and coverage pages and the public school page."""

import datetime
import io

import pytest

from dudao.rectification.models import Finding
from dudao.zones.models import Visit
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD
from tests.zones.conftest import make_inspector

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _jpeg(tmp_path):
    from PIL import Image

    path = tmp_path / "现场.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (90, 140, 200)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return str(path)


def test_inspector_records_a_visit_and_the_principal_signs(live_server, browser, shot, world, tmp_path):
    from dudao.zones.services import assignment_set, zone_save

    inspector = make_inspector(world.office_a, world.county_a, "DX001", "督学甲", user=world.inspector_a)
    zone = zone_save(actor=world.office_a, code="Z01", name="第一责任区", region=world.county_a, lead=inspector)
    for school in world.schools_a[:3]:
        assignment_set(actor=world.office_a, zone=zone, inspector=inspector, school=school,
                       started_on=datetime.date(2024, 9, 1))
    base = live_server.url
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, base, "inspector_a", PASSWORD)
    page.goto(f"{base}/zones/visits/new/")
    page.select_option("#id_school", label=world.schools_a[0].name)
    yesterday = (datetime.date.today() - datetime.timedelta(days=1)).isoformat()
    page.fill("#id_date", yesterday)
    page.fill("#id_start", "08:30")
    page.fill("#id_end", "11:45")
    page.fill("#m_lessons", "2")
    page.fill("#m_tour", "1")
    page.check("#i_r1")
    page.check("#i_r7")
    page.fill("#id_narrative", "随机听课两节，巡视校园和食堂，查阅食品留样记录。")
    for item, text in (("r7", "食堂留样记录不全"), ("r1", "校务公开栏未及时更新")):
        page.click("[data-add=problem]")
        row = page.locator(".problem-row").last
        row.locator("[name=problem_item]").select_option(item)
        row.locator("[name=problem_follow_up]").select_option("suggestion")
        row.locator("[name=problem_description]").fill(text)
    page.set_input_files("#id_photos", _jpeg(tmp_path))
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    shot(page, "visit-form-1024")
    # A reload keeps what was typed (the draft lives on the tablet).
    page.reload()
    assert page.input_value("#id_narrative").startswith("随机听课两节")
    assert page.locator(".problem-row").count() == 2
    page.set_input_files("#id_photos", _jpeg(tmp_path))
    page.click("#visit-submit")
    page.wait_for_selector("text=督导纪实已提交")
    shot(page, "visit-detail-1024")
    visit = Visit.objects.get()
    assert visit.files.count() == 1
    assert Finding.objects.filter(source_type="zones.visit", source_id=str(visit.pk)).count() == 2
    assert page.evaluate("localStorage.length") == 0
    context.close()

    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, base, "principal_a", PASSWORD)
    page.goto(f"{base}/zones/visits/{visit.pk}/")
    page.fill("textarea[name=comment]", "已阅，立即整改留样制度。")
    page.click("#sign-button")
    page.wait_for_selector("text=已签收该督导纪实")
    shot(page, "visit-signed-1024")
    visit.refresh_from_db()
    assert visit.status == "signed" and visit.signed_by_id == world.principal_a.pk
    context.close()

    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="zh-CN")
    page = context.new_page()
    sign_in(page, base, "office_a", PASSWORD)
    for path, name in (("/zones/compliance/?county=990102", "compliance"), ("/zones/coverage/", "coverage"),
                       ("/zones/frequency/?show=all", "frequency"), (f"/people/inspectors/{inspector.pk}/", "inspector"),
                       ("/zones/workload/", "workload"), (f"/zones/schools/{world.schools_a[0].pk}/", "school-history")):
        page.goto(base + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 1024, path
        shot(page, f"zones-{name}-1024")
    context.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = phone.new_page()
    page.goto(f"{base}/public/plaque/{world.schools_a[0].code}/")
    assert "督学甲" in page.inner_text("body")
    shot(page, "public-school-phone")
    phone.close()
