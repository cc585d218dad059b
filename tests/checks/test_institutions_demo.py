"""The demo's training institutions (issue 23 item 7): 12 with licences, two expired, most on the 白名单; the
private schools and kindergartens registered too; demo_training is the first training institution's user."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from dudao.checks.selectors.institutions import institution_flags
from dudao.checks.todo import institutions_flagged
from dudao.schools.models import InstitutionProfile, School
from tests.demo_snapshot import restore

User = get_user_model()


@pytest.fixture(scope="module")
def demo(demo_snapshot, django_db_setup, django_db_blocker, tmp_path_factory):
    from django.core.management import call_command  # noqa: PLC0415 -- as tests/demo/test_demo_load.py
    from django.test import override_settings  # noqa: PLC0415

    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("demo-media"))
    media.enable()
    with django_db_blocker.unblock():
        try:
            yield restore(demo_snapshot)
        finally:
            call_command("flush", interactive=False, verbosity=0)
            media.disable()


def test_the_demo_registers_the_institutions(demo, db, client):
    today = timezone.localdate()
    trainings = School.objects.filter(school_type="training", region__code__startswith="990102")
    assert trainings.count() == 12
    profiles = InstitutionProfile.objects.filter(school__in=trainings)
    assert profiles.count() == 12 and all(p.licence_no and p.fund_account for p in profiles)
    assert profiles.filter(licence_valid_until__lt=today).count() == 2
    assert profiles.filter(whitelist="listed").count() >= 9
    assert {p.scope_kind for p in profiles} == {"subject", "non_subject", "both"}
    privates = School.objects.filter(ownership="private").exclude(school_type="training")
    assert privates.exists() and InstitutionProfile.objects.filter(school__in=privates).count() == privates.count()
    flags = institution_flags(trainings.values_list("pk", flat=True))
    assert sum("expired" in f for f in flags.values()) == 2 and sum("removed" in f for f in flags.values()) == 1
    office = User.objects.get(username="demo_office")
    # the three registry flags above, and the institution the 年检 demo fails two years running
    assert len(institutions_flagged(office, today)) == 4

    user = User.objects.get(username="demo_training")
    first = trainings.order_by("code").first()
    assert user.role_assignments.get().school == first
    client.force_login(user)
    html = client.get(reverse("dashboard:school_detail", args=[first.pk])).content.decode()
    assert "办学许可与登记信息（校外培训机构）" in html and profiles.get(school=first).fund_account not in html
    listed = client.get(reverse("checks:institution_list")).content.decode()
    assert first.name in listed and trainings.order_by("code")[1].name not in listed
