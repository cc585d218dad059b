"""The demo's outputs: last year's closed 专项督导 of 示范区 with a two-day site-visit schedule and its 问题清单 as six
findings (上级督导) on departments, a town and schools, three rectified; this year's 复查 linked to it with the
indicators that had problems; the pages render for the demo office. Loading again adds nothing."""

import pytest
from django.contrib.auth import get_user_model

from dudao.demo.reviews import outputs
from dudao.rectification.models import Finding, FindingSource, FindingStatus
from dudao.regions.models import Region
from dudao.reviews.models import Review, ReviewKind, ReviewProblem, ReviewStatus, SiteVisit
from tests.demo_snapshot import restore

User = get_user_model()


@pytest.fixture(scope="module")
def demo(demo_snapshot, django_db_setup, django_db_blocker, tmp_path_factory):
    from django.core.management import call_command  # noqa: PLC0415 -- as the other demo tests
    from django.test import override_settings  # noqa: PLC0415

    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("outputs-demo-media"))
    media.enable()
    with django_db_blocker.unblock():
        try:
            yield restore(demo_snapshot)
        finally:
            call_command("flush", interactive=False, verbosity=0)
            media.disable()


def test_the_demo_outputs(demo, db, client):
    special = Review.objects.get(title=outputs.SPECIAL_TITLE)
    assert special.kind == ReviewKind.SPECIAL and special.year == 2025 and special.status == ReviewStatus.CLOSED
    assert special.visits.count() == 5 and len({v.day for v in special.visits.all()}) == 2
    findings = Finding.objects.filter(source_type="reviews.review", source_id=str(special.pk))
    assert findings.count() == 6 and set(findings.values_list("source", flat=True)) == {FindingSource.HIGHER}
    assert findings.filter(unit__isnull=False).count() == 4 and findings.filter(school__isnull=False).count() == 2
    assert findings.filter(status=FindingStatus.CLOSED).count() == 3
    recheck = Review.objects.get(previous=special)
    assert recheck.kind == ReviewKind.RECHECK and recheck.year == 2026
    assert set(recheck.indicators.values_list("code", flat=True)) >= {"1.1", "2.1", "3.1", "1", "2", "3"}
    duties = Review.objects.filter(kind=ReviewKind.DUTIES, year=2026).first()
    if duties is not None:
        assert duties.visits.exists()

    client.force_login(User.objects.get(username="demo_office"))
    for url in (f"/reviews/{special.pk}/outputs/", f"/reviews/{special.pk}/problems/", f"/reviews/{special.pk}/visits/",
                f"/reviews/{recheck.pk}/outputs/", f"/reviews/{special.pk}/report/"):
        assert client.get(url).status_code == 200, url
    assert "被复查迎检的问题及整改情况" in client.get(f"/reviews/{recheck.pk}/outputs/").content.decode()

    counts = (Review.objects.count(), SiteVisit.objects.count(), ReviewProblem.objects.count(), Finding.objects.count())
    outputs.load(admin=User.objects.get(username="demo_admin"), office_user=User.objects.get(username="demo_office"),
                 county=Region.objects.get(code="990102"))
    assert (Review.objects.count(), SiteVisit.objects.count(), ReviewProblem.objects.count(),
            Finding.objects.count()) == counts
