"""The iCalendar feed: a key shown once (only its SHA-256 stored, audited, replaced on rotation), the public .ics
parsed back with icalendar (all-day events, DTEND exclusive, UID source:key@dudao, absolute URL, the user's own
items), 404 for an unknown or rotated key and for a deactivated account."""

import datetime
import hashlib
import re

import pytest
import time_machine
from icalendar import Calendar

from dudao.core.errors import ApplicationError
from dudao.core.models import AuditLog
from dudao.planning.ical import ical_bytes
from dudao.planning.models import CalendarFeed
from dudao.planning.services.calendar import feed_key_issue
from tests.planning.calendar_data import BEIJING, calendar_world

NOW = datetime.datetime(2026, 12, 5, 10, tzinfo=BEIJING)


@pytest.fixture
def data(world):
    return calendar_world(world)


def events(content: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(content)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def test_issue_stores_only_the_hash_and_audits(world):
    key = feed_key_issue(user=world.principal_a)
    feed = CalendarFeed.objects.get(user=world.principal_a)
    assert feed.key_hash == hashlib.sha256(key.encode()).hexdigest() and key not in feed.key_hash
    assert len(key) >= 40
    assert AuditLog.objects.filter(action="calendar_feed.issue", actor=world.principal_a).count() == 1
    again = feed_key_issue(user=world.principal_a)
    assert again != key and CalendarFeed.objects.filter(user=world.principal_a).count() == 1
    with pytest.raises(ApplicationError, match="尚未分配任何工作范围"):
        feed_key_issue(user=world.expert)


def test_the_feed_is_valid_icalendar_with_the_users_items(world, data, client):
    key = feed_key_issue(user=world.principal_a)
    with time_machine.travel(NOW, tick=False):
        response = client.get(f"/planning/calendar/feed/{key}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert str(calendar["X-WR-CALNAME"]).startswith("督导行事历") and str(calendar["VERSION"]) == "2.0"
    found = events(response.content)
    assert set(found) == {f"inspections.site_visit:{data.inspection_nov.pk}@dudao",
                          f"surveys.round:{data.survey.pk}@dudao", f"quality.test:{data.quality.pk}@dudao",
                          f"rectification.notice:{data.notice_s0.pk}@dudao"}
    notice = found[f"rectification.notice:{data.notice_s0.pk}@dudao"]
    assert notice["DTSTART"].dt == datetime.date(2026, 12, 5) and notice["DTEND"].dt == datetime.date(2026, 12, 6)
    assert not isinstance(notice["DTSTART"].dt, datetime.datetime)  # a DATE value, not a moment
    assert str(notice["SUMMARY"]) == "整改期限：甲区第一小学（甲督整〔2026〕1号）"
    assert str(notice["URL"]) == f"http://testserver/rectification/notices/{data.notice_s0.pk}/"
    survey = found[f"surveys.round:{data.survey.pk}@dudao"]
    assert (survey["DTSTART"].dt, survey["DTEND"].dt) == (datetime.date(2026, 12, 1), datetime.date(2026, 12, 16))
    assert CalendarFeed.objects.get(user=world.principal_a).last_used_at is not None


def test_the_feed_window_is_three_months_back_to_twelve_ahead(world, data, client):
    key = feed_key_issue(user=world.office_a)
    with time_machine.travel(datetime.datetime(2027, 3, 20, 10, tzinfo=BEIJING), tick=False):
        found = events(client.get(f"/planning/calendar/feed/{key}.ics").content)
    assert f"inspections.site_visit:{data.inspection_nov.pk}@dudao" not in found  # 2026-11-20: more than 3 months ago
    assert f"rectification.order:{data.order.pk}@dudao" in found  # 2026-12-28
    assert not any("乙" in str(e["SUMMARY"]) for e in found.values())


def test_unknown_rotated_and_deactivated_keys_are_404(world, data, client):
    assert client.get("/planning/calendar/feed/not-a-key.ics").status_code == 404
    old = feed_key_issue(user=world.principal_a)
    new = feed_key_issue(user=world.principal_a)
    assert client.get(f"/planning/calendar/feed/{old}.ics").status_code == 404
    assert client.get(f"/planning/calendar/feed/{new}.ics").status_code == 200
    world.principal_a.is_active = False
    world.principal_a.save(update_fields=["is_active"])
    assert client.get(f"/planning/calendar/feed/{new}.ics").status_code == 404


def test_the_feed_page_shows_the_address_once(world, login):
    client = login(world.office_a)
    page = client.get("/planning/calendar/feed/").content.decode()
    assert "您还没有订阅地址" in page
    issued = client.post("/planning/calendar/feed/new/").content.decode()
    url = re.search(r'value="(http://testserver/planning/calendar/feed/[^"]+\.ics)"', issued).group(1)
    assert "请立即复制" in issued
    again = client.get("/planning/calendar/feed/").content.decode()
    assert url not in again and "当前订阅地址生成于" in again
    assert client.get(url.removeprefix("http://testserver")).status_code == 200
    assert client.get("/planning/calendar/feed/new/").status_code == 405
    assert login(world.expert).post("/planning/calendar/feed/new/").status_code == 404


def test_ical_bytes_by_hand():
    class Item:
        source, key, title, detail = "x.y", "1", "测试事项", "说明"
        start, end, url = datetime.date(2026, 2, 28), datetime.date(2026, 3, 1), "/a/"

    content = ical_bytes([Item()], base="https://dd.example", name="测试", now=NOW, labels={"x.y": "类别"})
    event = events(content)["x.y:1@dudao"]
    assert (event["DTSTART"].dt, event["DTEND"].dt) == (datetime.date(2026, 2, 28), datetime.date(2026, 3, 2))
    assert str(event["URL"]) == "https://dd.example/a/" and str(event["DESCRIPTION"]) == "类别；说明"
    assert event["DTSTAMP"].dt == NOW.astimezone(datetime.UTC)


def test_the_feed_answers_head_and_refuses_post(world, data, client):
    key = feed_key_issue(user=world.office_a)
    assert client.head(f"/planning/calendar/feed/{key}.ics").status_code == 200
    assert client.post(f"/planning/calendar/feed/{key}.ics").status_code == 405
