"""The demo's meetings: 示范区's 年度教育督导工作会议 (February) and a 督导委员会会议, each with an agenda, minutes and
3–4 decisions; one decision became a finding (source 会议决定) and, when load_plans made this year's plan, one a
task of it. Loading again adds nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from dudao.demo.planning import load_meetings
from dudao.planning.models import DecisionKind, Meeting, MeetingDecision, MeetingKind, Plan, PlanTask
from dudao.rectification.models import Finding, FindingSource
from dudao.regions.models import Region
from tests.demo_snapshot import restore

User = get_user_model()


@pytest.fixture(scope="module")
def demo(demo_snapshot, django_db_setup, django_db_blocker, tmp_path_factory):
    from django.core.management import call_command
    from django.test import override_settings

    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("meetings-demo-media"))
    media.enable()
    with django_db_blocker.unblock():
        try:
            yield restore(demo_snapshot)
        finally:
            call_command("flush", interactive=False, verbosity=0)
            media.disable()


def test_the_demo_meetings(demo, db):
    year = timezone.localdate().year
    meetings = list(Meeting.objects.order_by("starts_at"))
    assert [m.kind for m in meetings] == [MeetingKind.ANNUAL, MeetingKind.COMMITTEE]
    annual, committee = meetings
    assert annual.title == f"示范区{year}年度教育督导工作会议" and timezone.localtime(annual.starts_at).month == 2
    assert timezone.localtime(committee.starts_at) > timezone.localtime(annual.starts_at)
    for meeting in meetings:
        assert meeting.agenda and meeting.minutes and meeting.place and meeting.attendee_users.exists()
        assert 3 <= meeting.decisions.count() <= 4
        assert meeting.attendee_units.exists()
        assert not meeting.attendee_units.exclude(region__code__startswith=meeting.region_id).exists()
    finding = Finding.objects.get(source=FindingSource.MEETING)
    decision = MeetingDecision.objects.get(kind=DecisionKind.FINDING)
    assert decision.finding == finding and decision.meeting == committee
    assert (finding.source_type, finding.source_id) == ("planning.decision", str(decision.pk))
    assert finding.unit is not None and "南湖镇" in finding.unit.name
    plan = Plan.objects.filter(region=annual.region, year=year).first()
    tasks = PlanTask.objects.filter(decision__isnull=False)
    if plan is None:  # load_plans made no plan: the decision stays a record
        assert not tasks.exists()
    else:
        task = tasks.get()
        assert task.plan == plan and task.decision.meeting == annual and task.decision.kind == DecisionKind.TASK


def test_pages_render_the_demo_meetings(demo, db, client):
    office = User.objects.get(username="demo_office")
    client.force_login(office)
    page = client.get("/planning/meetings/")
    assert page.status_code == 200 and "年度教育督导工作会议" in page.text and "督导委员会" in page.text
    committee = Meeting.objects.get(kind=MeetingKind.COMMITTEE)
    page = client.get(f"/planning/meetings/{committee.pk}/")
    assert page.status_code == 200 and "问题整改：" in page.text and "南湖镇" in page.text


def test_loading_again_adds_nothing(demo, db):
    counts = (Meeting.objects.count(), MeetingDecision.objects.count(), Finding.objects.count(),
              PlanTask.objects.count())
    county = Region.objects.get(code=Meeting.objects.first().region_id)
    load_meetings(office_user=User.objects.get(username="demo_office"), county=county)
    assert (Meeting.objects.count(), MeetingDecision.objects.count(), Finding.objects.count(),
            PlanTask.objects.count()) == counts
