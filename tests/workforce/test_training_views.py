"""Training pages and API (issue 24 items 1 and 8): the office creates, opens, enrols and closes; the QR page and
its htmx fragment; the phone sign-in page signs the logged-in user; the API lists with enrolment and signs in;
certificates as PDF (own / all); the yearly hours view; to-do and calendar items; scope (another county = 404)."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from dudao.core.registries import todo_sources
from dudao.people.models import Training
from dudao.workforce.models import TrainingAttendance, TrainingEnrolment, TrainingEvent, TrainingEventStatus
from dudao.workforce.services import training as services
from dudao.workforce.year import calendar_training
from tests.workforce.test_training_services import _inspector, tw  # noqa: F401 -- the fixture


@pytest.fixture
def live(world):
    """An open event with a session running now (so real tokens work) and the demo-like trainee."""
    now = timezone.now()
    today = timezone.localdate()
    event = services.event_create(actor=world.office_a, region=world.county_a, data={
        "title": "线上督学培训", "level": "district", "kind": "online", "starts_on": today - datetime.timedelta(days=1),
        "ends_on": today + datetime.timedelta(days=1), "is_online": True, "place": "腾讯会议", "hours": "6",
        "credits": "1", "audience": ["inspector"], "capacity": 50, "self_enrol": True, "completion_percent": "100"})
    session = services.session_add(actor=world.office_a, event=event, title="直播课", starts_at=now - datetime.timedelta(minutes=10),
                                   ends_at=now + datetime.timedelta(minutes=50))
    services.event_transition(actor=world.office_a, event=event, to=TrainingEventStatus.OPEN)
    inspector = _inspector(world, 1, world.inspector_a)
    return event, session, inspector


def test_office_creates_and_runs_an_event(world, login):
    client = login(world.office_a)
    assert client.get(reverse("workforce:event_create")).status_code == 200
    response = client.post(reverse("workforce:event_create"), {
        "region": world.county_a.code, "title": "暑期督学培训", "level": "district", "kind": "summer",
        "starts_on": "2026-07-10", "ends_on": "2026-07-11", "place": "进修学院", "hours": "16", "credits": "2",
        "capacity": "30", "completion_percent": "", "audience": ["inspector", "supervisor"], "self_enrol": "on"})
    event = TrainingEvent.objects.get()
    assert response.status_code == 302 and event.completion_percent == 80 and event.status == "draft"
    response = client.post(reverse("workforce:event_open", args=[event.pk]), follow=True)
    assert "请先安排至少一个培训场次" in response.content.decode()
    client.post(reverse("workforce:session_add", args=[event.pk]), {
        "title": "开班", "starts_at": "2026-07-10T09:00", "ends_at": "2026-07-10T11:30"})
    assert event.sessions.get().starts_at == datetime.datetime(2026, 7, 10, 1, 0, tzinfo=datetime.UTC)
    client.post(reverse("workforce:event_open", args=[event.pk]))
    inspector = _inspector(world, 3)
    page = client.get(reverse("workforce:event_enrol", args=[event.pk]))
    assert inspector.name in page.content.decode()
    client.post(reverse("workforce:event_enrol", args=[event.pk]), {"audience": "inspector", "person": [inspector.pk]})
    assert TrainingEnrolment.objects.get().inspector == inspector
    detail = client.get(reverse("workforce:event_detail", args=[event.pk])).content.decode()
    assert inspector.name in detail and "签到二维码" in detail
    # hostile: an empty title posted is refused with its reason, nothing saved
    response = client.post(reverse("workforce:event_edit", args=[event.pk]), {"title": "", "level": "district"})
    assert "请填写培训名称" in response.content.decode()
    assert TrainingEvent.objects.get().title == "暑期督学培训"


def test_other_county_and_non_office_get_404(world, login, live):
    event, session, _ = live
    for user in (world.office_b, world.principal_a):
        client = login(user)
        assert client.get(reverse("workforce:event_detail", args=[event.pk])).status_code == 404
        assert client.get(reverse("workforce:session_qr", args=[session.pk])).status_code == 404
        assert client.post(reverse("workforce:event_close", args=[event.pk])).status_code == 404
    assert TrainingEvent.objects.get().status == "open"
    assert login(world.office_a).get(reverse("workforce:event_close", args=[event.pk])).status_code == 405


def test_qr_page_and_phone_sign_in(world, login, live, client):
    event, session, inspector = live
    office = login(world.office_a)
    page = office.get(reverse("workforce:session_qr", args=[session.pk])).content.decode()
    assert "<svg" in page and "hx-trigger=\"every 60s\"" in page
    fragment = office.get(reverse("workforce:session_qr_code", args=[session.pk])).content.decode()
    assert "已签到" in fragment
    token = services.sign_in_token(session)
    url = reverse("workforce:sign_in") + "?t=" + token
    client.logout()
    assert client.get(url).status_code == 302  # log in first
    phone = login(world.inspector_a)
    page = phone.get(url).content.decode()
    assert "确认签到" in page and "线上督学培训" in page
    page = phone.post(reverse("workforce:sign_in"), {"t": token, "inspector": 999, "user": world.office_a.pk})
    assert "签到成功" in page.content.decode()
    again = phone.post(reverse("workforce:sign_in"), {"t": token}).content.decode()
    assert "已签到" in again and TrainingAttendance.objects.count() == 1
    assert TrainingAttendance.objects.get().enrolment.inspector == inspector  # auto-enrolled, the logged-in user
    bad = phone.post(reverse("workforce:sign_in"), {"t": token[:-3] + "abc"})
    assert bad.status_code == 400 and "无效" in bad.content.decode()


def test_api_lists_with_enrolment_and_signs_in(world, login, live):
    event, session, inspector = live
    client = login(world.inspector_a)
    body = client.get("/api/v1/trainings").json()
    assert body["count"] == 1 and body["items"][0]["my_enrolment"] is None
    token = services.sign_in_token(session)
    response = client.post(f"/api/v1/trainings/{event.pk}/sign-in", {"token": token}, content_type="application/json")
    assert response.status_code == 201 and response.json()["created"] is True
    response = client.post(f"/api/v1/trainings/{event.pk}/sign-in", {"token": token}, content_type="application/json")
    assert response.status_code == 200 and response.json()["created"] is False
    item = client.get("/api/v1/trainings").json()["items"][0]
    assert item["my_enrolment"]["attended"] == 1 and item["sessions"] == 1
    forged = client.post(f"/api/v1/trainings/{event.pk}/sign-in", {"token": "abc:def"}, content_type="application/json")
    assert forged.status_code == 400 and "无效" in forged.json()["detail"]
    assert client.post(f"/api/v1/trainings/{event.pk + 99}/sign-in", {"token": token},
                       content_type="application/json").status_code == 404
    assert login(world.office_b).get("/api/v1/trainings").json()["count"] == 0


def test_close_certificates_file_and_hours(world, login, live):
    event, session, inspector = live
    services.sign_in(actor=world.inspector_a, token=services.sign_in_token(session))
    other = _inspector(world, 2)
    services.enrol(actor=world.office_a, event=event, person=other)
    office = login(world.office_a)
    response = office.post(reverse("workforce:event_close", args=[event.pk]), follow=True)
    assert "1 人结业，新写入培训档案 1 条" in response.content.decode()
    record = Training.objects.get()
    assert record.inspector == inspector and record.hours == 6
    pdf = office.get(reverse("workforce:certificates_all", args=[event.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    trainee = login(world.inspector_a)
    mine = trainee.get(reverse("workforce:certificate_mine", args=[event.pk]))
    assert mine.status_code == 200 and mine.content.startswith(b"%PDF")
    # the yearly view: the trainee has 6 hours, under 40; the other inspector has none
    office = login(world.office_a)
    hours = office.get(reverse("workforce:hours") + "?under=1").content.decode()
    assert inspector.name in hours and other.name in hours and "34.0" in hours
    export = office.get(reverse("workforce:hours") + "?export=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    file_page = office.get(reverse("workforce:person_file", args=["inspector", inspector.pk])).content.decode()
    assert "线上督学培训" in file_page and "差 34.0 学时" in file_page
    assert login(world.office_b).get(reverse("workforce:person_file", args=["inspector", inspector.pk])).status_code == 404


def test_hours_lists_open_events_to_those_under(world, login, live):
    event, _, inspector = live
    page = login(world.office_a).get(reverse("workforce:hours")).content.decode()
    assert "线上督学培训" in page  # open, with room, the inspector not enrolled


def test_todo_and_calendar(world, live):
    event, session, inspector = live
    services.enrol(actor=world.office_a, event=event, person=inspector)
    today = timezone.localdate()
    items = todo_sources()["workforce.training_sessions"].items(world.inspector_a, today)
    assert [i.kind for i in items] == ["workforce.training_session"]
    assert todo_sources()["workforce.training_close"].items(world.office_a, today) == []
    later = today + datetime.timedelta(days=3)
    closing = todo_sources()["workforce.training_close"].items(world.office_a, later)
    assert [i.object for i in closing] == ["线上督学培训"]
    assert todo_sources()["workforce.training_close"].items(world.office_b, later) == []
    cal = calendar_training(world.office_a, today - datetime.timedelta(days=2), today + datetime.timedelta(days=2))
    assert len(cal) == 1 and cal[0].title == "培训：线上督学培训"
    assert calendar_training(world.office_b, today, today) == []


def test_calendar_day_is_beijing_at_00_30(world):
    event = services.event_create(actor=world.office_a, region=world.county_a, data={
        "title": "零点培训", "level": "district", "kind": "online", "starts_on": datetime.date(2026, 6, 2),
        "ends_on": datetime.date(2026, 6, 2), "is_online": True, "hours": "1", "audience": ["inspector"],
        "capacity": 5})
    bj = datetime.timezone(datetime.timedelta(hours=8))
    services.session_add(actor=world.office_a, event=event, title="0:30", starts_at=datetime.datetime(2026, 6, 2, 0, 30, tzinfo=bj),
                         ends_at=datetime.datetime(2026, 6, 2, 1, 30, tzinfo=bj))
    services.session_add(actor=world.office_a, event=event, title="23:30", starts_at=datetime.datetime(2026, 6, 2, 23, 30, tzinfo=bj),
                         ends_at=datetime.datetime(2026, 6, 2, 23, 50, tzinfo=bj))
    services.event_transition(actor=world.office_a, event=event, to=TrainingEventStatus.OPEN)
    items = calendar_training(world.office_a, datetime.date(2026, 6, 2), datetime.date(2026, 6, 2))
    assert [i.start for i in items] == [datetime.date(2026, 6, 2)] * 2
    assert calendar_training(world.office_a, datetime.date(2026, 6, 1), datetime.date(2026, 6, 1)) == []
    assert calendar_training(world.office_a, datetime.date(2026, 6, 3), datetime.date(2026, 6, 3)) == []
    with mock.patch("django.utils.timezone.now", return_value=datetime.datetime(2026, 6, 1, 16, 0, tzinfo=datetime.UTC)):
        assert timezone.localdate() == datetime.date(2026, 6, 2)


def test_supervisor_hours_and_file(world, login, tw):  # noqa: F811 -- the fixture
    """学校督导管理员: the hours view and their file page (scope by the school's region)."""
    services.enrol(actor=world.office_a, event=tw.event, person=tw.supervisor)
    Training.objects.create(supervisor=tw.supervisor, date=datetime.date(timezone.localdate().year, 1, 5),
                            title="学校督导管理员培训", hours=8)
    office = login(world.office_a)
    page = office.get(reverse("workforce:hours") + "?audience=supervisor").content.decode()
    assert "管理员甲" in page and "8.0" in page
    file_page = office.get(reverse("workforce:person_file", args=["supervisor", tw.supervisor.pk]))
    assert file_page.status_code == 200 and "学校督导管理员培训" in file_page.content.decode()
    assert login(world.office_b).get(reverse("workforce:person_file", args=["supervisor", tw.supervisor.pk])).status_code == 404
    own = login(tw.sup_user).get(reverse("workforce:person_file", args=["supervisor", tw.supervisor.pk]))
    assert own.status_code == 200
