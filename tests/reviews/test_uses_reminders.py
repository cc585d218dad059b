"""The daily job "result_use_reminders": a failing result with no use N days after it was issued reaches the
county's office once; never twice; a use stops it; the Beijing day decides."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from dudao.core.models import Notification
from dudao.core.policy import DEFAULTS
from dudao.core.registries import daily_jobs
from dudao.core.services import policy_set
from dudao.reviews.models import ResultReminder
from dudao.reviews.services.uses import result_use_reminders, use_record
from tests.reviews import uses_data

BEIJING = datetime.timezone(datetime.timedelta(hours=8))


def at(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=BEIJING)


@pytest.fixture
def data(world):
    return uses_data.build(world)


def _office_items(world):
    return list(Notification.objects.filter(user=world.office_a, kind="result_use_reminder"))


def test_it_is_registered_with_a_policy_default_of_90_days():
    assert "result_use_reminders" in dict(daily_jobs())
    assert DEFAULTS["reviews.result_use_reminder_days"].default == 90


def test_it_reminds_the_office_once_listing_every_due_failing_result(world, data):
    # failing: the target (opinion 2025-07-10), the case (decided 2025-09-20), the reporter (published 2025-12-25)
    now = at(datetime.date(2026, 3, 25), 9, 0)  # 90 days after 2025-12-25
    with time_machine.travel(now, tick=False):
        assert result_use_reminders(now=timezone.now()) == 4  # three in A, one in B
    items = _office_items(world)
    assert len(items) == 1
    assert "3 项" in items[0].title and "甲区第一小学" in items[0].body and "甲问〔2025〕1号" in items[0].body
    assert "第二小学" not in items[0].body  # 优秀: not failing
    assert "合格率" not in items[0].body  # a quality flag is not a failing result
    # district B's office hears of B's failing result only
    b_items = list(Notification.objects.filter(user=world.office_b, kind="result_use_reminder"))
    assert len(b_items) == 1 and "乙县第一小学" in b_items[0].body and "甲区" not in b_items[0].body
    with time_machine.travel(now + datetime.timedelta(days=1), tick=False):
        assert result_use_reminders(now=timezone.now()) == 0  # never twice
    assert len(_office_items(world)) == 1
    assert ResultReminder.objects.count() == 4


def test_it_waits_n_days_after_the_result_is_issued(world, data):
    # the reporter was published 2025-12-25: due on 2026-03-25 (90 days), not the day before
    with time_machine.travel(at(datetime.date(2026, 3, 24), 9, 0), tick=False):
        result_use_reminders(now=timezone.now())
    assert not ResultReminder.objects.filter(result_kind="reviews.reporter").exists()
    with time_machine.travel(at(datetime.date(2026, 3, 25), 9, 0), tick=False):
        assert result_use_reminders(now=timezone.now()) == 1
    assert ResultReminder.objects.filter(result_kind="reviews.reporter").exists()


def test_the_beijing_day_decides_at_half_past_midnight(world, data):
    # 2026-03-25 00:30 Beijing is 2026-03-24 in UTC: the reporter is already due
    with time_machine.travel(at(datetime.date(2026, 3, 25), 0, 30), tick=False):
        result_use_reminders(now=timezone.now())
    assert ResultReminder.objects.filter(result_kind="reviews.reporter").exists()


def test_at_half_past_eleven_the_day_before_it_is_not_due(world, data):
    with time_machine.travel(at(datetime.date(2026, 3, 24), 23, 30), tick=False):
        result_use_reminders(now=timezone.now())
    assert not ResultReminder.objects.filter(result_kind="reviews.reporter").exists()
    assert ResultReminder.objects.filter(result_kind="inspections.target").exists()


def test_a_recorded_use_stops_the_reminder(world, data):
    with time_machine.travel(at(datetime.date(2026, 1, 5), 10, 0), tick=False):
        use_record(actor=world.office_a, result_key=f"inspections.target:{data.failing.pk}", purpose="appointment",
                   used_on=datetime.date(2026, 1, 5), decision="校长调整岗位。", user_unit=data.hr.pk)
    with time_machine.travel(at(datetime.date(2026, 3, 25), 9, 0), tick=False):
        assert result_use_reminders(now=timezone.now()) == 3  # A's case and reporter, B's target
    assert not ResultReminder.objects.filter(result_kind="inspections.target", region_id="990102").exists()


def test_the_number_of_days_is_a_policy_per_county(world, data):
    policy_set(actor=world.admin, key="reviews.result_use_reminder_days", region_code="990102", value=400)
    with time_machine.travel(at(datetime.date(2026, 3, 25), 9, 0), tick=False):
        result_use_reminders(now=timezone.now())
    assert not ResultReminder.objects.filter(region_id="990102").exists()
    assert ResultReminder.objects.filter(region_id="990103").exists()  # B keeps 90 days


def test_two_runs_at_the_same_moment_send_one_item(world, data):
    now = at(datetime.date(2026, 3, 25), 9, 0)
    with time_machine.travel(now, tick=False):
        first = result_use_reminders(now=timezone.now())
        second = result_use_reminders(now=timezone.now())
    assert first == 4 and second == 0 and len(_office_items(world)) == 1
