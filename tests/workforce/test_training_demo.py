"""The demo's training events (issue 24 item 9): one finished this year with sign-ins (most complete, one does not)
and records written into files, one open for enrolment with sessions ahead; demo_inspector and demo_expert take
part; loading again changes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from dudao.demo.workforce import training as demo
from dudao.people.models import Training
from dudao.workforce.models import TrainingAttendance, TrainingEvent, TrainingEventStatus, TrainingSignInVia
from tests.demo_snapshot import restore

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_training_events(demo_snapshot):
    restore(demo_snapshot)
    year = timezone.localdate().year
    finished = TrainingEvent.objects.get(title=f"{year}年{demo.FINISHED_TITLE}")
    upcoming = TrainingEvent.objects.get(title=f"{year}年{demo.OPEN_TITLE}")
    assert finished.status == TrainingEventStatus.CLOSED and upcoming.status == TrainingEventStatus.OPEN
    assert finished.starts_on.year == year and upcoming.starts_on.year == year
    enrolments = list(finished.enrolments.all())
    done = [e for e in enrolments if e.completed]
    assert len(done) == len(enrolments) - 1 >= 8
    assert all(e.training_id and e.certificate_no for e in done)
    assert Training.objects.filter(enrolment__event=finished).count() == len(done)
    names = {e.person.user.username for e in enrolments if getattr(e.person, "user", None)}
    assert {"demo_inspector", "demo_expert"} <= names
    scans = TrainingAttendance.objects.filter(enrolment__event=finished, via=TrainingSignInVia.QR)
    assert scans.filter(enrolment__inspector__user__username="demo_inspector").count() == 3
    assert upcoming.sessions.filter(starts_at__gt=timezone.now()).exists()
    assert {e.person.user.username for e in upcoming.enrolments.all()} == {"demo_inspector", "demo_expert"}
    before = (TrainingEvent.objects.count(), Training.objects.count(), TrainingAttendance.objects.count())
    office = get_user_model().objects.get(username="demo_office")
    demo.load(admin=office, office_user=office, county=finished.region)
    assert (TrainingEvent.objects.count(), Training.objects.count(), TrainingAttendance.objects.count()) == before
