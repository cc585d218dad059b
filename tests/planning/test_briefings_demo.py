"""The demo's 简报: one issued 第1期 of this year with three picked sections and one free text, sent to the 区教育局;
loading it again adds nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from dudao.demo.planning import load_briefings
from dudao.planning.models import Briefing, Submission
from dudao.regions.models import Region
from tests.demo_snapshot import restore

User = get_user_model()


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


def test_the_demo_briefing_and_its_submission(demo, db, client):
    year = timezone.localdate().year
    briefing = Briefing.objects.get(year=year)
    assert briefing.issue_no == 1 and briefing.status == "issued"
    kinds = list(briefing.sections.order_by("order").values_list("kind", flat=True))
    assert len(kinds) == 4 and kinds[-1] == "text" and {"visit", "inspection"} <= set(kinds)
    assert all(s.source_key for s in briefing.sections.exclude(kind="text"))
    submission = Submission.objects.get(briefing=briefing)
    assert submission.recipient_unit.is_education_authority and submission.file is None
    office = User.objects.get(username="demo_office")
    load_briefings(office_user=office, county=Region.objects.get(code=briefing.region_id))
    # the demo also reports a 征集评选 winners list (research, issue 24): count the briefing submissions only
    assert Briefing.objects.count() == 1 and Submission.objects.filter(briefing__isnull=False).count() == 1
    client.force_login(office)
    page = client.get(f"/planning/briefings/{briefing.pk}/").content.decode()
    assert f"{year}年第1期" in page and "工作要求" in page
    assert client.get(f"/planning/briefings/{briefing.pk}/download.docx").status_code == 200
