"""Independent security review of issue 23: hostile personas and inputs against the checks pages and API.
Each test names the attack; out of scope is 404 (as missing), a role without the write is 403/404, nothing changes."""

import datetime
import json
import uuid

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dudao.checks.models import (
    AnnualDocument,
    AnnualReport,
    CheckRound,
    CheckSubmission,
    CheckTarget,
    RequestStatus,
    RoundStatus,
    SupervisionRequest,
    Violation,
)
from dudao.checks.services.rounds import round_open
from dudao.core.errors import ApplicationError
from dudao.dashboard.selectors.todos import my_todos
from dudao.documents import files
from dudao.schools.institution_import import institutions_import
from dudao.zones.models import Complaint, Visit
from dudao.zones.services import complaint_receive
from tests.checks._institutions import training as _training
from tests.checks.annual_fixtures import (
    annual_world,  # noqa: F401
    pdf_upload,
)
from tests.checks.annual_fixtures import make_round as make_annual_round
from tests.checks.fill_support import fill_fixture, make_round, png  # noqa: F401
from tests.checks.requests_data import file_request, fresh, make_menu
from tests.checks.test_institutions_import import _file as _import_file
from tests.checks.test_institutions_import import _row as _import_row
from tests.checks.violations_data import appoint_inspector, cases


def _api_url(fill, target=None):
    return f"/api/v1/checks/{fill.round.pk}/targets/{(target or fill.targets[0]).pk}/submissions"


def _api_data(fill, **extra):
    start = timezone.now() - datetime.timedelta(hours=3)
    i1, i2, i3, i4 = fill.items
    data = {"client_id": str(uuid.uuid4()), "started_at": start.isoformat(),
            "ended_at": (start + datetime.timedelta(hours=1)).isoformat(), "narrative": "逐项检查。",
            "answers": [{"item": i1.pk, "value": "yes"}, {"item": i2.pk, "value": "yes"},
                        {"item": i3.pk, "number": "3"}, {"item": i4.pk, "note": "无"}]}
    data.update(extra)
    return data


# ---- API ----------------------------------------------------------------------------------------------------

def test_api_write_with_a_session_but_no_csrf_token_is_refused(world, fill):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.inspector_a)
    answer = client.post(_api_url(fill), {"data": json.dumps(_api_data(fill))})
    assert answer.status_code in (401, 403), answer.content
    assert not CheckSubmission.objects.exists() and not Visit.objects.exists()


def test_api_anonymous_write_is_refused(world, fill, client):
    answer = client.post(_api_url(fill), {"data": json.dumps(_api_data(fill))})
    assert answer.status_code == 401
    assert not CheckSubmission.objects.exists()


def test_api_hostile_numbers_are_refused(world, fill, client):
    client.force_login(world.inspector_a)
    i3 = fill.items[2]
    for raw in ("NaN", "Infinity", "-1e999", "1e10", "9999999999.999", "0x10", True):
        data = _api_data(fill)
        data["answers"][2] = {"item": i3.pk, "number": raw if raw is not True else "true"}
        answer = client.post(_api_url(fill), {"data": json.dumps(data)})
        assert answer.status_code == 400, (raw, answer.content)
    assert not CheckSubmission.objects.exists()


def test_api_replayed_client_id_by_another_inspector_or_for_another_target(world, fill, client):
    client.force_login(world.inspector_a)
    data = _api_data(fill)
    assert client.post(_api_url(fill), {"data": json.dumps(data)}).status_code == 201
    # the same client id for another target of the same inspector: refused, nothing new
    again = client.post(_api_url(fill, fill.targets[1]), {"data": json.dumps(data)})
    assert again.status_code == 400
    # another inspector of the region replaying the id: never handed the first inspector's submission
    client.force_login(fill.other_user)
    replay = client.post(_api_url(fill), {"data": json.dumps(data)})
    assert replay.status_code in (403, 404), replay.content
    assert CheckSubmission.objects.count() == 1 and Visit.objects.count() == 1


def test_api_office_b_and_expert_and_leader_cannot_submit_or_read(world, fill, client):
    client.force_login(world.inspector_a)
    first = client.post(_api_url(fill), {"data": json.dumps(_api_data(fill))}).json()
    for user in (world.office_b, world.expert, world.leader_a, world.principal_a, world.town_a):
        client.force_login(user)
        answer = client.post(_api_url(fill, fill.targets[1]), {"data": json.dumps(_api_data(fill))})
        assert answer.status_code in (403, 404), (user, answer.content)
    for user in (world.office_b, world.expert, world.town_a):
        client.force_login(user)
        assert client.get(f"/api/v1/checks/submissions/{first['id']}").status_code == 404, user
        assert client.get(f"/api/v1/checks/{fill.round.pk}").status_code == 404, user
    assert CheckSubmission.objects.count() == 1


# ---- office actions as others -------------------------------------------------------------------------------

def test_leader_and_others_cannot_run_round_office_actions(world, fill, client):
    target = fill.targets[0]
    for user in (world.leader_a, world.office_b, world.inspector_a, world.principal_a, world.expert, world.town_a):
        client.force_login(user)
        for name, args in (("round_close", [fill.round.pk]), ("target_remove", [fill.round.pk, target.pk]),
                           ("target_reassign", [fill.round.pk, target.pk]), ("summary_save", [fill.round.pk]),
                           ("bulletin_publish", [fill.round.pk])):
            answer = client.post(reverse(f"checks:{name}", args=args), {"inspector": fill.other.pk, "text": "x"})
            assert answer.status_code in (403, 404), (user, name, answer.status_code)
    fill.round.refresh_from_db()
    assert fill.round.status == RoundStatus.OPEN
    assert CheckTarget.objects.get(pk=target.pk).inspector_id == target.inspector_id
    assert CheckTarget.objects.filter(round=fill.round).count() == 3


def test_leader_cannot_decide_requests(world, client):
    menu = make_menu(world)
    request = file_request(world, menu)
    for user in (world.leader_a, world.office_b, world.inspector_a, world.principal_a, world.expert):
        client.force_login(user)
        for name in ("request_accept", "request_decline", "request_done"):
            answer = client.post(reverse(f"checks:{name}", args=[request.pk]),
                                 {"outcome": "visit", "note": "不予受理", "due_on": "2030-01-01"})
            assert answer.status_code in (403, 404), (user, name, answer.status_code)
    request.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED


def test_leader_cannot_verify_violations(world, client):
    c = cases(world)
    v = Violation.objects.create(school=c.training, region_code=c.training.region_id, source="complaint",
                                 kind="subject_training", description="周末开展学科类培训",
                                 found_on=datetime.date(2026, 5, 1), status="registered")
    # valid forms: before the fix a leader (who reads the case) reached the service and got a 400 form page
    valid = {"verification": "现场核实属实", "responsible_unit": str(c.bureau.pk), "decision": "责令停止",
             "requirement": "立即整改", "decided_on": "2026-05-02", "penalties": []}
    appoint = c.training_user  # the institution reads its own case once decided; here it only posts
    for user in (world.leader_a, c.market_user, appoint, world.expert, world.inspector_a):
        client.force_login(user)
        for name in ("violation_verify", "violation_unfounded", "violation_decide", "violation_close"):
            answer = client.post(reverse(f"checks:{name}", args=[v.pk]), valid)
            assert answer.status_code in (403, 404), (user, name, answer.status_code)
    v.refresh_from_db()
    assert v.status == "registered" and not v.transitions.exists()
    # the office still gets the form's errors as a 400 page
    client.force_login(world.office_a)
    assert client.post(reverse("checks:violation_verify", args=[v.pk]), {}).status_code == 400


def test_leader_cannot_run_annual_office_actions(world, aw, client):
    annual = make_annual_round(world)
    report = AnnualReport.objects.get(round=annual, school=aw.training)
    for user in (world.leader_a, world.office_b, aw.training_user, world.expert, world.inspector_a):
        client.force_login(user)
        for name, pk in (("annual_publish", annual.pk), ("annual_close", annual.pk), ("annual_assign", report.pk),
                         ("annual_result", report.pk), ("annual_return", report.pk)):
            answer = client.post(reverse(f"checks:{name}", args=[pk]),
                                 {"reviewer": world.expert.pk, "result": "fail", "reasons": "x", "reason": "x"})
            assert answer.status_code in (302, 403, 404), (user, name, answer.status_code)
            assert answer.status_code != 200
    annual.refresh_from_db()
    report.refresh_from_db()
    assert annual.status == "open" and annual.publication_id is None
    assert report.reviewer_id is None and report.result == "" and report.status == "pending"


# ---- hostile text -------------------------------------------------------------------------------------------

def test_request_text_with_html_jinja_and_nul_renders_literally(world, client):
    menu = make_menu(world)
    request = file_request(world, menu, topic=None, free_topic="<script>alert(1)</script>{{ 7*7 }}\x00",
                           reason="{% load static %}<img src=x onerror=alert(2)>\x00说明")
    request.refresh_from_db()
    assert "\x00" not in request.free_topic and "\x00" not in request.reason
    for user in (world.principal_a, world.office_a):
        client.force_login(user)
        for url in (reverse("checks:request_detail", args=[request.pk]), reverse("checks:request_list")):
            html = client.get(url).content.decode()
            assert "<script>alert(1)" not in html and "<img src=x" not in html, (user, url)
            assert "&lt;script&gt;alert(1)&lt;/script&gt;{{ 7*7 }}" in html, (user, url)


# ---- to-dos -------------------------------------------------------------------------------------------------

def test_todos_never_carry_another_districts_items(world):
    menu = make_menu(world)
    file_request(world, menu)
    check_round = round_open(actor=world.office_a, round=make_round(world, open_it=False))
    CheckRound.objects.filter(pk=check_round.pk).update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    today = timezone.localdate()
    for user in (world.office_b, world.leader_a, world.principal_a, world.expert):
        keys = [r.todo.key for r in my_todos(fresh(user), today) if r.todo.kind.startswith("checks.")]
        assert not keys, (user, keys)
    keys = [r.todo.kind for r in my_todos(fresh(world.office_a), today)]
    assert "checks.request_decide" in keys and "checks.round_overdue" in keys
    assert SupervisionRequest.objects.count() == 1


def test_upload_by_a_reader_of_the_report_writes_nothing_to_storage(world, aw, client, monkeypatch):
    """A leader or the office reads an institution's report; its upload used to be checked and written to storage
    before the service found it was not theirs (orphan blobs: a read-only user filling the disk)."""
    annual = make_annual_round(world)
    report = AnnualReport.objects.get(round=annual, school=aw.training)
    requirement = annual.requirements.filter(kind=report.kind).first()
    written = []
    real = files.check_and_write_evidence
    monkeypatch.setattr(files, "check_and_write_evidence", lambda *a, **k: written.append(1) or real(*a, **k))
    for user in (world.leader_a, world.office_a):
        client.force_login(user)
        answer = client.post(reverse("checks:annual_upload", args=[report.pk]),
                             {"requirement": requirement.pk, "file": pdf_upload()})
        assert answer.status_code == 404, (user, answer.status_code)
    assert not written and not AnnualDocument.objects.exists()
    client.force_login(aw.training_user)
    answer = client.post(reverse("checks:annual_upload", args=[report.pk]),
                         {"requirement": requirement.pk, "file": pdf_upload()})
    assert answer.status_code == 302 and written and AnnualDocument.objects.count() == 1


def test_import_of_another_districts_code_does_not_reveal_its_name(world):
    """office_a importing district B's institution code: the same message as an unknown code, no name."""
    other = _training(world, code="1990103901", name="乙县保密培训中心", town=world.schools_b[0].region)
    data = _import_file([_import_row(other.code), _import_row("1990109999")])
    with pytest.raises(ApplicationError) as caught:
        institutions_import(actor=world.office_a, data=data, filename="机构.xlsx")
    messages = [e.message for e in caught.value.errors]
    assert len(messages) == 2 and not any("乙县保密培训中心" in m for m in messages), messages
    assert messages[0].replace(other.code, "X") == messages[1].replace("1990109999", "X")


def test_violation_source_picker_shows_only_complaints_the_user_may_read(world, client):
    """An inspector appointed in the county may register violations, but a complaint about the institution that was
    not assigned to them is not theirs to read (zones.Complaint.visible_to): the picker listed its content and the
    register form accepted its id."""
    c = cases(world)
    appoint_inspector(world)
    secret = complaint_receive(actor=world.office_a, school=c.training, kind="report", channel="hotline",
                               content="机密举报内容：周末在地下室开设学科类培训", complainant_name="王某",
                               complainant_phone="13800000000")
    Complaint.objects.filter(pk=secret.pk).update(assigned_to=None)
    url = reverse("checks:violation_sources") + f"?school={c.training.pk}"
    client.force_login(world.office_a)
    assert "机密举报内容" in client.get(url).content.decode()
    client.force_login(world.inspector_a)
    page = client.get(url)
    assert page.status_code == 200 and "机密举报内容" not in page.content.decode()
    answer = client.post(reverse("checks:violation_create"), {
        "school": c.training.pk, "source": "complaint", "complaint": secret.pk, "kind": "subject_training",
        "description": "周末开展学科类培训", "found_on": timezone.localdate().isoformat()})
    assert answer.status_code == 400 and not Violation.objects.exists()
