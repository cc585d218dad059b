"""The demo's 专项检查 rounds (rounds area): two rounds from the office's copies of library samples, the past
节前安全稳定 round with 12 targets including the demo inspector's schools, the summer round open today with every
training institution; loading again adds nothing."""

import pytest
from django.utils import timezone

from dudao.checks.models import ChecklistTemplate, CheckRound, CheckTarget
from dudao.demo.checks import rounds as demo_rounds
from dudao.demo.services import demo_load
from dudao.schools.models import School
from dudao.zones.models import Assignment
from tests.demo_snapshot import restore


@pytest.fixture(scope="module")
def demo(demo_snapshot, django_db_setup, django_db_blocker, tmp_path_factory):
    from django.core.management import call_command
    from django.test import override_settings

    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("demo-media"))
    media.enable()
    with django_db_blocker.unblock():
        try:
            yield restore(demo_snapshot)
        finally:
            call_command("flush", interactive=False, verbosity=0)
            media.disable()


def test_the_demo_has_a_past_holiday_round_and_a_summer_round_open_today(demo, db):
    today = timezone.localdate()
    holiday = CheckRound.objects.get(title=demo_rounds.HOLIDAY_TITLE)
    summer = CheckRound.objects.get(title=demo_rounds.SUMMER_TITLE)
    training = School.objects.filter(school_type="training", region__code__startswith=summer.region_id)
    assert holiday.ends_on < today and holiday.template.region_id == holiday.region_id
    assert summer.starts_on <= today <= summer.ends_on and summer.status == "open"
    assert holiday.items.count() == 10 and holiday.items.filter(veto=True).exists()
    assert 10 <= holiday.targets.count() <= 12
    own = set(Assignment.objects.current().filter(inspector__user__username="demo_inspector")
              .order_by("school__code").values_list("school__code", flat=True)[:4])
    mine = CheckTarget.objects.filter(round=holiday, school__code__in=own, inspector__user__username="demo_inspector")
    assert own and mine.count() == len(own)
    assert training.exists() and summer.targets.filter(inspector__user__username="demo_inspector").count() >= len(training)
    assert set(training.values_list("pk", flat=True)) <= set(summer.targets.values_list("school_id", flat=True))
    assert summer.targets.filter(school__school_type="junior").count() == 3
    assert ChecklistTemplate.objects.filter(region=holiday.region).count() == 2


def test_loading_again_adds_no_round(demo, db):
    before = CheckRound.objects.count()
    demo_load(seed=2026)
    assert CheckRound.objects.count() == before
