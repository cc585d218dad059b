"""The demo's 内审 (issue 24 item 9): this year's plan of the demo county with two cases, one reported and
published (two findings, one raised as a 整改 finding), one in progress with a document request; demo_school sees
its own reported case and the public page shows the summary; demo_inspector sees the case he audits."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from dudao.audits.models import AuditCase, AuditCaseStatus, AuditPlan
from dudao.rectification.models import Finding, FindingSource, Publication
from tests.demo_snapshot import restore

User = get_user_model()


@pytest.fixture(scope="module")
def demo(demo_snapshot, django_db_setup, django_db_blocker, tmp_path_factory):
    from django.core.management import call_command  # noqa: PLC0415 -- as the other demo tests
    from django.test import override_settings  # noqa: PLC0415

    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("audits-demo-media"))
    media.enable()
    with django_db_blocker.unblock():
        try:
            yield restore(demo_snapshot)
        finally:
            call_command("flush", interactive=False, verbosity=0)
            media.disable()


def test_demo_cases(demo, db, client):
    plan = AuditPlan.objects.get(year=timezone.localdate().year)
    assert plan.status == "approved" and plan.deviation_reason
    published = AuditCase.objects.get(status=AuditCaseStatus.PUBLISHED)
    progress = AuditCase.objects.get(status=AuditCaseStatus.IN_PROGRESS)
    assert published.findings.count() == 2 and published.findings.filter(rect_finding__isnull=False).count() == 1
    assert Finding.objects.filter(source=FindingSource.AUDIT, source_type="audits.auditfinding").count() == 1
    assert progress.requests.count() == 1 and progress.team.exists()
    assert Publication.objects.get(kind="audit").title in client.get("/public/results/").content.decode()
    for username, case, status in (("demo_office", published, 200), ("demo_office", progress, 200),
                                   ("demo_leader", published, 200), ("demo_school", published, 200),
                                   ("demo_school", progress, 404), ("demo_unit", published, 404)):
        client.force_login(User.objects.get(username=username))
        assert client.get(reverse("audits:case_detail", args=[case.pk])).status_code == status, username
    inspector = User.objects.get(username="demo_inspector")
    if progress.team.filter(user=inspector).exists():
        client.force_login(inspector)
        assert client.get(reverse("audits:case_detail", args=[progress.pk])).status_code == 200
    client.force_login(User.objects.get(username="demo_office"))
    assert client.get(reverse("audits:report_download", args=[published.pk])).status_code == 200
