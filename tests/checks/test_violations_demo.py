"""The demo's violation (issue 23 item 7): one 违规开展学科类培训 of a demo training institution, verified, decided by
the 教育委员会 (demo_bureau's unit) with 罚没违法所得 and 记入诚信记录; its finding is in the ledger, its credit entry
written, and the pages render for the office, the bureau and the institution's record."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from dudao.checks.models import CreditEntry, CreditKind, Violation, ViolationStatus
from dudao.rectification.models import FindingSource, FindingStatus
from tests.demo_snapshot import restore

User = get_user_model()


@pytest.fixture(scope="module")
def demo(demo_snapshot, django_db_setup, django_db_blocker, tmp_path_factory):
    from django.core.management import call_command
    from django.test import override_settings

    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("violations-demo-media"))
    media.enable()
    with django_db_blocker.unblock():
        try:
            yield restore(demo_snapshot)
        finally:
            call_command("flush", interactive=False, verbosity=0)
            media.disable()


def test_the_demo_violation(demo, db, client):
    violation = Violation.objects.select_related("school", "responsible_unit", "finding").get()
    assert violation.school.school_type == "training" and violation.kind == "subject_training"
    assert violation.status == ViolationStatus.DECIDED
    bureau = User.objects.get(username="demo_bureau")
    assert bureau.role_assignments.filter(unit=violation.responsible_unit).exists()
    assert violation.penalties == ["confiscation", "credit"] and violation.confiscated_amount > 0
    assert violation.decided_by == bureau
    assert violation.finding.source == FindingSource.VIOLATION and violation.finding.status == FindingStatus.OPEN
    entry = CreditEntry.objects.get(violation=violation)
    assert entry.kind == CreditKind.PENALTY and entry.negative and "记入诚信记录" in entry.text
    for username in ("demo_office", "demo_bureau", "demo_leader"):
        if not User.objects.filter(username=username).exists():
            continue
        client.force_login(User.objects.get(username=username))
        assert client.get(reverse("checks:violation_list")).status_code == 200
        assert client.get(reverse("checks:violation_detail", args=[violation.pk])).status_code == 200
        assert client.get(reverse("checks:credit_record", args=[violation.school_id])).status_code == 200
    client.force_login(User.objects.get(username="demo_office"))
    page = client.get(reverse("dashboard:school_detail", args=[violation.school_id])).content.decode()
    assert "违规查处与诚信记录" in page
