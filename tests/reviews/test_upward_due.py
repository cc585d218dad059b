"""The daily job "review_due" (3 days before the due date — a policy number — and once when overdue, Beijing
days, idempotent) and what reviews gives the office's year (plan link, calendar, key events)."""

import datetime

import pytest
import time_machine
from django.utils import timezone

from dudao.core import registries
from dudao.core.models import Notification
from dudao.reviews.models import Assignment, AssignmentStatus, ReviewStatus
from dudao.reviews.services import upward as services
from tests.reviews.upward_helpers import import_rows, leaf, make_review

pytestmark = pytest.mark.django_db
TZ = timezone.get_current_timezone()


def at(text):
    return datetime.datetime.fromisoformat(text + "+08:00")


@pytest.fixture
def assigned(world):
    with time_machine.travel(at("2026-03-01 09:00"), tick=False):
        review = make_review(world, materials_due=datetime.date(2026, 3, 20), visit_starts=datetime.date(2026, 4, 1))
        import_rows(world, review)
        (a,) = services.assignments_create(actor=world.office_a, review=review, indicators=[leaf(review, "1.1").pk],
                                           units=[world.unit_a.pk], due_on=datetime.date(2026, 3, 10))
    return review, a


def due_notes(user):
    return list(Notification.objects.filter(user=user, kind="review_due").order_by("id").values_list("title", flat=True))


def test_reminder_three_days_before_and_once_overdue(world, assigned):
    review, a = assigned
    with time_machine.travel(at("2026-03-06 23:30"), tick=False):
        assert services.review_due_daily() == 0  # 4 days before
    with time_machine.travel(at("2026-03-07 00:30"), tick=False):
        assert services.review_due_daily() == 1
        assert services.review_due_daily() == 0  # idempotent
    with time_machine.travel(at("2026-03-10 23:30"), tick=False):
        assert services.review_due_daily() == 0  # due today: not yet overdue
    with time_machine.travel(at("2026-03-11 00:30"), tick=False):
        assert services.review_due_daily() == 1
    with time_machine.travel(at("2026-03-12 00:30"), tick=False):
        assert services.review_due_daily() == 0  # overdue once
    titles = due_notes(world.town_a)
    assert titles == ["迎检材料将于2026年3月10日截止：1.1", "迎检材料已逾期：1.1"]


def test_no_reminder_once_handed_in_or_review_moved_on(world, assigned):
    review, a = assigned
    Assignment.objects.filter(pk=a.pk).update(status=AssignmentStatus.SUBMITTED)
    with time_machine.travel(at("2026-03-11 09:00"), tick=False):
        assert services.review_due_daily() == 0
    Assignment.objects.filter(pk=a.pk).update(status=AssignmentStatus.RETURNED)
    type(review).objects.filter(pk=review.pk).update(status=ReviewStatus.SUBMITTED)
    with time_machine.travel(at("2026-03-11 09:00"), tick=False):
        assert services.review_due_daily() == 0


def test_registered_as_daily_job(world):
    assert "review_due" in [name for name, _job in registries.daily_jobs()]


def test_plan_link_calendar_and_key_events(world, assigned):
    review, a = assigned
    kind = registries.plan_link_kinds()["reviews.review"]
    assert kind.choices(world.office_a, world.county_a.code, "履行") == [(str(review.pk), review.title)]
    assert kind.choices(world.office_b, world.county_b.code, "") == []
    target = kind.resolve([str(review.pk), "x", "9" * 30])[str(review.pk)]
    assert not target.done and target.state == "迎检准备"
    type(review).objects.filter(pk=review.pk).update(status=ReviewStatus.VISITED)
    assert kind.resolve([review.pk])[str(review.pk)].done
    calendar = registries.calendar_sources()["reviews.review"].items
    office_items = {i.key for i in calendar(world.office_a, datetime.date(2026, 3, 1), datetime.date(2026, 4, 30))}
    assert office_items == {f"due:{review.pk}", f"visit:{review.pk}"}
    unit_items = {i.key for i in calendar(world.town_a, datetime.date(2026, 3, 1), datetime.date(2026, 4, 30))}
    assert f"task:{a.pk}" in unit_items
    assert calendar(world.office_b, datetime.date(2026, 3, 1), datetime.date(2026, 4, 30)) == []
    _label, events = registries.key_event_sources()["reviews.review"]
    found = events(world.county_a.code, datetime.date(2026, 3, 1), datetime.date(2026, 3, 1))
    assert [e.key for e in found] == [f"reviews.review-registered:{review.pk}"]
