"""督学聘任 in the browser on the demo: the office opens the 公示 batch on a 1024 px tablet, then a renewed
inspector's 聘书与督学证 page (with the photo uploaded to the register) on a 390 px phone; a member of the public
scans the card's QR code: the verification page on a 390 px phone shows the name, number, status and validity
and nothing private; a forged key gets the Chinese "not found" page. Screenshots:
tests/browser/artifacts/appointments-*.png (looked at)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dudao.people.services import inspector_save
from dudao.workforce.models import AppointmentBatch, InspectorCertificate
from tests.browser.conftest import sign_in
from tests.demo_snapshot import restore

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def settle(page) -> None:
    page.wait_for_load_state("load")
    page.wait_for_function("() => !document.querySelector('.htmx-request')", timeout=15_000)


def fits(page, width: int) -> None:
    settle(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def _photo() -> SimpleUploadedFile:
    image = Image.new("RGB", (300, 400), (70, 110, 160))
    for x in range(100, 200):
        for y in range(60, 160):
            image.putpixel((x, y), (235, 200, 170))
    data = io.BytesIO()
    image.save(data, "JPEG")
    return SimpleUploadedFile("photo.jpg", data.getvalue(), content_type="image/jpeg")


def test_certificate_and_public_verification(demo_snapshot, live_server, browser, shot, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    passwords = restore(demo_snapshot)
    base = live_server.url
    from django.contrib.auth import get_user_model
    admin = get_user_model().objects.get(username="demo_admin")
    cert = InspectorCertificate.objects.select_related("inspector").order_by("pk").first()
    inspector_save(actor=admin, inspector=cert.inspector, photo=_photo())
    publicity = AppointmentBatch.objects.get(status="publicity")
    errors: list[str] = []

    office = browser.new_page(viewport={"width": 1024, "height": 768}, locale="zh-CN")
    office.on("pageerror", lambda e: errors.append(f"office: {e}"))
    sign_in(office, base, "demo_office", passwords["demo_office"])
    office.goto(f"{base}/workforce/appointments/")
    fits(office, 1024)
    shot(office, "appointments-list-1024")
    office.goto(f"{base}/workforce/appointments/{publicity.pk}/")
    fits(office, 1024)
    text = office.inner_text("main")
    assert "罗淑芬" in text and "同意理由" in text and "公示期满后方可任命" in text
    shot(office, "appointments-publicity-1024")

    phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    phone.on("pageerror", lambda e: errors.append(f"phone: {e}"))
    sign_in(phone, base, "demo_office", passwords["demo_office"])
    phone.goto(f"{base}/workforce/appointments/certificates/{cert.pk}/")
    fits(phone, 390)
    text = phone.inner_text("main")
    assert f"兹聘请 {cert.inspector.name} 同志" in text and cert.inspector.card_no in text and "有效期至" in text
    assert phone.locator("img[alt=督学照片]").count() == 1 and phone.locator(".card-qr svg").count() == 1
    shot(phone, "appointments-certificate-390")
    response = phone.request.get(f"{base}/workforce/appointments/certificates/{cert.pk}/card.pdf")
    assert response.ok and response.body().startswith(b"%PDF")

    public = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    public.on("pageerror", lambda e: errors.append(f"public: {e}"))
    public.goto(f"{base}/public/card/{cert.key}/")
    fits(public, 390)
    text = public.inner_text("main")
    assert cert.inspector.name in text and cert.inspector.card_no in text and "在岗" in text and "有效期至" in text
    html = public.content()
    for private in (cert.inspector.phone, cert.inspector.employer or "\u0000", "<img"):
        assert private not in html
    shot(public, "appointments-verify-390")
    public.goto(f"{base}/public/card/forged-{cert.key[:8]}/")
    fits(public, 390)
    assert "未找到该督学证" in public.inner_text("main")
    shot(public, "appointments-verify-forged-390")
    assert errors == []
