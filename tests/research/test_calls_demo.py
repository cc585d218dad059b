"""The demo's 征集评选: a finished 典型案例 call of the demo county — six entries from the school, the inspector and
the office, three experts (one recused from the school's entries), ranked with awards, published with commendations
and the winners' list reported, the anthology built; loading it again adds nothing."""

import io

import pytest
from django.contrib.auth import get_user_model
from docx import Document

from dudao.core.models import AuditLog
from dudao.demo.research import calls as demo_calls
from dudao.documents import files
from dudao.research.models import AnthologyStatus, CallStatus, ResearchCall
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


def test_the_demo_call_is_finished(demo, db, client):
    call = ResearchCall.objects.get()
    assert call.kind == "case" and call.status == CallStatus.PUBLISHED
    entries = list(call.entries.order_by("rank"))
    assert len(entries) == 6 and {e.submitted_as for e in entries} == {"school", "inspector", "office"}
    assert [e.award for e in entries] == ["first", "second", "third", "third", "merit", ""]
    experts = {a.expert.user.username for a in call.experts.select_related("expert__user")}
    assert "demo_expert" in experts and len(experts) == 3
    assert AuditLog.objects.filter(action="call.score_refused").count() == 3  # the school's entries, third expert
    assert call.publication.kind == "award" and call.submission.file is not None
    assert sum(1 for e in entries if e.commendation_id) == sum(1 for e in entries if e.award and e.school_id)
    assert call.anthology_status == AnthologyStatus.DONE
    doc = Document(io.BytesIO(files.read_blob(call.anthology_file.path)))
    texts = [p.text for p in doc.paragraphs]
    assert all(e.title in texts for e in entries if e.award)
    office = User.objects.get(username="demo_office")
    demo_calls.load(admin=User.objects.get(username="demo_admin"), office_user=office, county=call.region)
    assert ResearchCall.objects.count() == 1
    client.force_login(User.objects.get(username="demo_expert"))
    assert client.get(f"/research/calls/{call.pk}/score/").status_code == 200
