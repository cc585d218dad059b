"""Issue 24 training journey on the demo: the office shows a session's QR page (1024 px); the demo inspector opens
the code's address on a 390 px phone, logs in and signs in (a second tap says 已签到); the office closes the event
on its page and the trainee's file (the inspector page and the workforce file page) shows the event's hours. Also
the demo's finished event with its completions. Screenshots: tests/browser/artifacts/issue24-training-*.png
(looked at)."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from dudao.demo.workforce.training import FINISHED_TITLE
from dudao.people.models import Inspector, Training
from dudao.workforce.models import TrainingAttendance, TrainingEvent, TrainingEventStatus
from dudao.workforce.services import training as services
from tests.browser.conftest import follow, sign_in
from tests.demo_snapshot import restore

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
User = get_user_model()
TITLE = "今日线上督学培训（浏览器测试）"


def settle(page) -> None:
    page.wait_for_load_state("load")
    page.wait_for_function("() => !document.querySelector('.htmx-request')", timeout=15_000)


def fits(page, width: int) -> None:
    settle(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_issue24_training_journey(demo_snapshot, live_server, browser, shot):
    passwords = restore(demo_snapshot)
    base = live_server.url
    office_user = User.objects.get(username="demo_office")
    inspector = Inspector.objects.get(user__username="demo_inspector")
    finished = TrainingEvent.objects.get(title__endswith=FINISHED_TITLE)
    assert finished.status == TrainingEventStatus.CLOSED
    assert finished.enrolments.filter(completed=True).count() >= 2
    assert finished.enrolments.filter(completed=False).count() == 1
    now = timezone.now()
    today = timezone.localdate()
    event = services.event_create(actor=office_user, region=finished.region, data={
        "title": TITLE, "level": "district", "kind": "online", "starts_on": today, "ends_on": today,
        "is_online": True, "place": "腾讯会议", "hours": "3.5", "credits": "0.5",
        "audience": ["inspector", "expert"], "capacity": 500, "self_enrol": True, "completion_percent": "100"})
    start = max(now - datetime.timedelta(minutes=5), timezone.localtime(now).replace(hour=0, minute=0, second=0))
    end = min(now + datetime.timedelta(minutes=40), timezone.localtime(now).replace(hour=23, minute=59, second=0))
    session = services.session_add(actor=office_user, event=event, title="督导规程直播课", starts_at=start, ends_at=end)
    services.event_transition(actor=office_user, event=event, to=TrainingEventStatus.OPEN)
    services.enrol(actor=office_user, event=event, person=inspector)
    errors: list[str] = []

    # 1. the office, 1024 px: the finished demo event, then the session's QR page
    office = browser.new_page(viewport={"width": 1024, "height": 768}, locale="zh-CN")
    office.on("pageerror", lambda e: errors.append(f"office: {e}"))
    sign_in(office, base, "demo_office", passwords["demo_office"])
    office.goto(f"{base}/workforce/training/{finished.pk}/")
    fits(office, 1024)
    assert "未达结业要求" in office.inner_text("main")
    shot(office, "issue24-training-finished-1024")
    office.goto(f"{base}/workforce/training/sessions/{session.pk}/qr/")
    fits(office, 1024)
    assert office.locator(".qr-code svg").count() == 1
    shot(office, "issue24-training-qr-1024")
    assert "/workforce/training/sign-in/?t=" in office.locator("#sign-in-url").text_content()
    url = office.locator("#sign-in-url").text_content().strip()

    # 2. the trainee on a 390 px phone: the code's address → login → confirm
    phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    phone.on("pageerror", lambda e: errors.append(f"phone: {e}"))
    phone.goto(url)
    phone.fill("#id_username", "demo_inspector")
    phone.fill("#id_password", passwords["demo_inspector"])
    with phone.expect_event("load"):
        phone.click("button[type=submit]")
    fits(phone, 390)
    assert TITLE in phone.inner_text("main")
    shot(phone, "issue24-training-phone-confirm-390")
    follow(phone, "#confirm-sign-in")
    fits(phone, 390)
    assert "签到成功" in phone.inner_text("#sign-in-result")
    shot(phone, "issue24-training-phone-signed-390")
    assert TrainingAttendance.objects.filter(session=session, enrolment__inspector=inspector).count() == 1
    # a second scan of the same code: 已签到, nothing changes
    phone.goto(url)
    follow(phone, "#confirm-sign-in")
    assert "已签到" in phone.inner_text("#sign-in-result")
    assert TrainingAttendance.objects.filter(session=session).count() == 1

    # 3. the QR fragment counts the sign-in; the office closes the event on its page
    office.goto(f"{base}/workforce/training/sessions/{session.pk}/qr/")
    settle(office)
    assert office.inner_text("#signed-count") == "1"
    office.goto(f"{base}/workforce/training/{event.pk}/")
    settle(office)
    follow(office, "form[action$='/close/'] button")
    fits(office, 1024)
    assert "1 人结业，新写入培训档案 1 条" in office.inner_text("main")
    shot(office, "issue24-training-closed-1024")
    record = Training.objects.get(inspector=inspector, title=TITLE)
    assert record.hours == 3.5

    # 4. the trainee's file shows the hours: the inspector page and the workforce file page
    office.goto(f"{base}/people/inspectors/{inspector.pk}/")
    fits(office, 1024)
    assert TITLE in office.inner_text("main")
    office.goto(f"{base}/workforce/training/file/inspector/{inspector.pk}/")
    fits(office, 1024)
    text = office.inner_text("main")
    assert TITLE in text and "3.5" in text
    shot(office, "issue24-training-file-1024")
    office.goto(f"{base}/workforce/training/hours/")
    fits(office, 1024)
    shot(office, "issue24-training-hours-1024")
    # the trainee's own event page on the phone: completed, certificate link
    phone.goto(f"{base}/workforce/training/{event.pk}/")
    fits(phone, 390)
    assert "下载结业证书" in phone.inner_text("main")
    shot(phone, "issue24-training-phone-event-390")
    assert errors == []
