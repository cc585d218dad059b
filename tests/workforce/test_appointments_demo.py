"""The demo's 督学聘任: one batch in 公示 with candidates recommended by a school, a town and the office; the retired
principal flagged by the 资格审核 and passed by the office head (demo_office) with a recorded reason; the 公示 on
the public results page without phones or birth dates; the pages render for each persona; a second load adds
nothing."""

import pytest
from django.contrib.auth import get_user_model

from dudao.demo.workforce import appointments as demo_appointments
from dudao.regions.models import Region
from dudao.workforce.models import (
    AppointmentBatch,
    AppointmentHead,
    CandidateRecommender,
    CandidateStatus,
    InspectorCertificate,
)
from tests.demo_snapshot import restore

User = get_user_model()


@pytest.fixture(scope="module")
def demo(demo_snapshot, django_db_setup, django_db_blocker, tmp_path_factory):
    from django.core.management import call_command
    from django.test import override_settings

    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("appointments-demo-media"))
    media.enable()
    with django_db_blocker.unblock():
        try:
            yield restore(demo_snapshot)
        finally:
            call_command("flush", interactive=False, verbosity=0)
            media.disable()


def test_the_demo_batch(demo, db, client):
    batch = AppointmentBatch.objects.get(status="publicity")
    assert batch.status == "publicity" and batch.publication.kind == "publicity"
    rows = list(batch.candidates.order_by("id").values_list("recommender", "status"))
    assert rows == [(CandidateRecommender.SCHOOL, CandidateStatus.QUALIFIED),
                    (CandidateRecommender.TOWN, CandidateStatus.QUALIFIED),
                    (CandidateRecommender.OFFICE, CandidateStatus.QUALIFIED),
                    (CandidateRecommender.OFFICE, CandidateStatus.EXCEPTED)]
    office = User.objects.get(username="demo_office")
    flagged = batch.candidates.get(status=CandidateStatus.EXCEPTED)
    assert [f["code"] for f in flagged.flags] == ["retired_years"]
    assert flagged.exception_by == office and "破格" in flagged.exception_reason
    assert AppointmentHead.objects.get(ended_at__isnull=True).user == office
    listing = client.get("/public/results/?kind=publicity").content.decode()
    assert batch.publication.title in listing
    body = client.get(f"/public/results/{batch.publication_id}/").content.decode()
    for c in batch.candidates.all():
        assert c.name in body and c.phone not in body


def test_the_renewal_batch_and_its_certificates(demo, db, client):
    batch = AppointmentBatch.objects.get(status="appointed")
    assert batch.doc_no.endswith("12号") and batch.publicity_end < batch.term_start <= batch.appointed_on
    certs = list(InspectorCertificate.objects.filter(candidate__batch=batch).select_related("inspector"))
    assert len(certs) == 2 and all(c.candidate.renewing_id == c.inspector_id for c in certs)
    for cert in certs:
        assert cert.inspector.term_start == batch.term_start and cert.inspector.term_no >= 2
        html = client.get(f"/public/card/{cert.key}/").content.decode()
        assert cert.inspector.name in html and "在岗" in html and cert.inspector.phone not in html
    client.force_login(User.objects.get(username="demo_office"))
    assert client.get(f"/workforce/appointments/certificates/{certs[0].pk}/").status_code == 200


def test_the_pages_render_for_each_persona(demo, db, client):
    batch = AppointmentBatch.objects.get(status="publicity")
    for username, status in (("demo_office", 200), ("demo_leader", 200), ("demo_school", 200), ("demo_unit", 200),
                             ("demo_inspector", 404)):
        client.force_login(User.objects.get(username=username))
        assert client.get("/workforce/appointments/").status_code == 200
        assert client.get(f"/workforce/appointments/{batch.pk}/").status_code == status, username
    client.force_login(User.objects.get(username="demo_office"))
    page = client.get(f"/workforce/appointments/{batch.pk}/").content.decode()
    assert "罗淑芬" in page and "同意理由" in page and "任命" in page


def test_a_second_load_adds_nothing(demo, db):
    admin, office = User.objects.get(username="demo_admin"), User.objects.get(username="demo_office")
    county = Region.objects.get(code=AppointmentBatch.objects.first().region_code)
    demo_appointments.load(admin=admin, office_user=office, county=county)
    assert AppointmentBatch.objects.count() == 2 and AppointmentHead.objects.count() == 1
