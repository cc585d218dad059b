"""fill demo (issue 23): the finished 节前安全稳定 round (every checkable target filled, exactly two failed items →
two findings, one settled on the spot with a photo, closed) and the 暑期违规补课 round in progress."""

import pytest

from dudao.checks.models import CheckAnswer, CheckRound, CheckSubmission, CheckTarget
from dudao.demo.checks.fill import HOLIDAY_TITLE, SUMMER_TITLE
from dudao.demo.services import demo_load
from dudao.rectification.models import Finding
from tests.demo_snapshot import restore


@pytest.fixture(scope="module")
def demo(demo_snapshot, django_db_setup, django_db_blocker, tmp_path_factory):
    from django.core.management import call_command
    from django.test import override_settings

    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("fill-demo-media"))
    media.enable()
    with django_db_blocker.unblock():
        try:
            yield restore(demo_snapshot)
        finally:
            call_command("flush", interactive=False, verbosity=0)
            media.disable()


def test_the_holiday_round_is_finished_with_two_findings(demo, db):
    holiday = CheckRound.objects.get(title=HOLIDAY_TITLE)
    assert holiday.status == "closed"
    targets = CheckTarget.objects.filter(round=holiday)
    assert not targets.filter(status="pending", inspector__isnull=False).exists()
    assert targets.filter(status="done").count() >= 2
    failed = CheckAnswer.objects.filter(item__round=holiday, failed=True).select_related("finding")
    assert failed.count() == 2
    findings = Finding.objects.filter(source="check", source_type="checks.checkanswer",
                                      source_id__in=[str(a.pk) for a in failed])
    assert sorted(findings.values_list("status", flat=True)) == ["open", "resolved_on_site"]
    on_spot = failed.get(settled_on_spot=True)
    assert on_spot.photo_id and list(on_spot.finding.evidence.all()) == [on_spot.photo]
    assert all(s.visit.reason == "special" for s in CheckSubmission.objects.filter(target__round=holiday))


def test_the_summer_round_is_in_progress_with_the_demo_inspectors_targets_to_do(demo, db):
    summer = CheckRound.objects.get(title=SUMMER_TITLE)
    assert summer.status == "open"
    targets = CheckTarget.objects.filter(round=summer)
    assert targets.filter(status="done").count() == 3
    assert targets.filter(status="pending", inspector__user__username="demo_inspector").exists()
    assert not CheckAnswer.objects.filter(item__round=summer, failed=True).exists()


def test_a_second_load_adds_nothing(demo, db):
    before = (CheckSubmission.objects.count(), Finding.objects.filter(source="check").count())
    demo_load(seed=2026)
    assert (CheckSubmission.objects.count(), Finding.objects.filter(source="check").count()) == before
