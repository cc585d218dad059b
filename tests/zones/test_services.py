"""Assignments, recusal, coverage, visits (idempotent, bad input changes nothing), sign-off, complaints."""

import datetime
import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.people.services import inspector_save, review_record
from dudao.rectification.models import Finding
from dudao.zones import selectors, services
from dudao.zones.models import Assignment, Complaint, Visit
from tests.zones.conftest import jpeg, make_inspector, visit_kwargs


def test_reassigning_closes_the_old_row_and_keeps_history(world, posted):
    school = world.schools_a[0]
    services.assignment_set(actor=world.office_a, zone=posted.zone, inspector=posted.other, school=school,
                            started_on=datetime.date(2025, 3, 1))
    rows = list(Assignment.objects.filter(school=school).order_by("started_on"))
    assert [r.inspector.name for r in rows] == ["督学甲", "督学乙"]
    assert rows[0].ended_on == datetime.date(2025, 3, 1) and rows[1].ended_on is None


def test_recusal_refuses_own_school(world, posted):
    inspector_save(actor=world.office_a, inspector=posted.other, home_school_id=world.schools_a[3].pk)
    with pytest.raises(ApplicationError, match="回避"):
        services.assignment_set(actor=world.office_a, zone=posted.zone, inspector=posted.other,
                                school=world.schools_a[3], started_on=datetime.date(2025, 1, 1))
    assert not Assignment.objects.filter(inspector=posted.other).exists()


def test_duplicate_card_number_refused(world, posted):
    with pytest.raises(ApplicationError, match="督学证号 DX001 已被"):
        make_inspector(world.office_a, world.county_a, "DX001", "重复")


def test_office_b_cannot_assign_in_a(world, posted):
    with pytest.raises(PermissionDenied):
        services.assignment_set(actor=world.office_b, zone=posted.zone, inspector=posted.other,
                                school=world.schools_a[4], started_on=datetime.date(2025, 1, 1))


def test_coverage_lists_the_uncovered(world, posted):
    data = selectors.coverage(world.office_a)
    assert data["total"] == 5 and data["covered"] == 3
    assert {s["code"] for s in data["uncovered"]} == {"1990102004", "1990102005"}
    assert selectors.coverage(world.office_b)["covered"] == 0


def test_compliance_counts_through_train_stages(world, posted):
    county = selectors.compliance(world.office_a)[0]
    ratio = next(r for r in county["rules"] if r.code == "ratio")
    # 2 primaries (1 each) + a nine-year school (2) = 4 units for 督学甲; 2 active inspectors, 6 units in all
    assert "负责 6 所学校" in ratio.value and ratio.passed


def test_visit_is_idempotent_by_client_id(world, posted):
    kwargs = visit_kwargs(posted, world.schools_a[0], problems=[
        {"item": "r7", "follow_up": "suggestion", "description": "留样不全"},
        {"item": "r1", "follow_up": "on_site", "description": "公示栏未更新"}], photos=[jpeg()])
    first, created = services.visit_submit(actor=world.inspector_a, **kwargs)
    again, created_again = services.visit_submit(actor=world.inspector_a, **{**kwargs, "photos": [jpeg()]})
    assert created and not created_again and first.pk == again.pk
    assert Visit.objects.count() == 1 and first.files.count() == 1
    findings = Finding.objects.filter(source_type="zones.visit", source_id=str(first.pk))
    assert findings.count() == 2 and set(findings.values_list("status", flat=True)) == {"open", "resolved_on_site"}


@pytest.mark.parametrize("change, message", [
    ({"started_at": timezone.now() + datetime.timedelta(days=2),
      "ended_at": timezone.now() + datetime.timedelta(days=2, hours=2)}, "晚于当前时间"),
    ({"photos": [SimpleUploadedFile("x.jpg", b"not an image at all", content_type="image/jpeg")]}, "不是有效的图片"),
    ({"narrative": " "}, "督导纪实"),
    ({"methods": {}}, "督导方式"),
    ({"problems": [{"item": "r1", "follow_up": "", "description": "x"}]}, "处理方式"),
])
def test_bad_visit_input_saves_nothing(world, posted, change, message):
    with pytest.raises(ApplicationError, match=message):
        services.visit_submit(actor=world.inspector_a, **visit_kwargs(posted, world.schools_a[0], **change))
    assert Visit.objects.count() == 0 and Finding.objects.count() == 0


def test_visit_before_school_existed(world, posted):
    school = world.schools_a[0]
    school.founded_year = timezone.now().year + 0
    school.save()
    start = timezone.now().replace(year=timezone.now().year - 1)
    with pytest.raises(ApplicationError, match="建校年份"):
        services.visit_submit(actor=world.inspector_a, **visit_kwargs(
            posted, school, started_at=start, ended_at=start + datetime.timedelta(hours=2)))


def test_oversized_upload_refused_before_reading(world, posted):
    class Huge:
        name, size = "big.jpg", 200 * 1024 * 1024

        def read(self):  # pragma: no cover - must not be called
            raise AssertionError("read a 200 MB upload")
    with pytest.raises(ApplicationError, match="超过上限"):
        services.visit_submit(actor=world.inspector_a, **visit_kwargs(posted, world.schools_a[0], photos=[Huge()]))
    assert Visit.objects.count() == 0


def test_outside_assignment_needs_a_reason(world, posted):
    school = world.schools_a[4]
    with pytest.raises(ApplicationError, match="不是督学甲"):
        services.visit_submit(actor=world.inspector_a, **visit_kwargs(posted, school))
    visit, _ = services.visit_submit(actor=world.inspector_a, **visit_kwargs(
        posted, school, reason="complaint", reason_note="投诉 TS20261101-0001"))
    assert visit.reason == "complaint"


def test_principal_signs_once(world, posted):
    visit, _ = services.visit_submit(actor=world.inspector_a, **visit_kwargs(posted, world.schools_a[0]))
    with pytest.raises(PermissionDenied):
        services.visit_sign(actor=world.office_a, visit=visit)
    services.visit_sign(actor=world.principal_a, visit=visit, comment="已阅，按要求整改。")
    with pytest.raises(ApplicationError, match="已签收"):
        services.visit_sign(actor=world.principal_a, visit=visit)


def test_failed_review_exits_and_ends_assignments(world, posted):
    review_record(actor=world.office_a, inspector=posted.inspector, year=2025, grade="fail")
    posted.inspector.refresh_from_db()
    assert posted.inspector.status == "exited"
    assert not Assignment.objects.current().filter(inspector=posted.inspector).exists()


def test_complaint_workflow(world, posted):
    complaint = services.complaint_receive(actor=None, school=world.schools_a[0], kind="complaint",
                                           channel="public_page", content="学校要求购买教辅资料。", complainant_phone="13700000000")
    assert complaint.status == "assigned" and complaint.assigned_to == posted.inspector
    with pytest.raises(ApplicationError, match="不能变为“已办结”"):
        services.complaint_advance(actor=world.office_a, complaint=complaint, to_status="closed")
    services.complaint_advance(actor=world.inspector_a, complaint=complaint, to_status="verified",
                               verification="情况属实。", substantiated=True,
                               finding={"item": "r2", "description": "违规推销教辅"})
    with pytest.raises(ApplicationError, match="应当答复"):
        services.complaint_advance(actor=world.inspector_a, complaint=complaint, to_status="replied", reply_channel="none")
    services.complaint_advance(actor=world.inspector_a, complaint=complaint, to_status="replied",
                               reply_channel="phone", reply_text="已答复。")
    with pytest.raises(PermissionDenied):
        services.complaint_advance(actor=world.inspector_a, complaint=complaint, to_status="closed")
    services.complaint_advance(actor=world.office_a, complaint=complaint, to_status="closed")
    complaint.refresh_from_db()
    assert complaint.status == "closed" and complaint.transitions.count() == 5
    assert Finding.objects.filter(source="complaint").count() == 1
    assert not Complaint.objects.visible_to(world.principal_a).exists()


def test_api_visit_post_is_idempotent(world, posted, client):
    client.force_login(world.inspector_a)
    start = timezone.now() - datetime.timedelta(hours=5)
    data = {"client_id": str(uuid.uuid4()), "school_code": world.schools_a[1].code, "started_at": start.isoformat(),
            "ended_at": (start + datetime.timedelta(hours=3)).isoformat(), "methods": {"lessons": 1},
            "items": ["r3"], "narrative": "听课一节。", "problems": [{"item": "r3", "follow_up": "suggestion", "description": "课表不一致"}]}
    first = client.post("/api/v1/visits", {"data": json.dumps(data), "photos": [jpeg()]})
    second = client.post("/api/v1/visits", {"data": json.dumps(data), "photos": [jpeg()]})
    assert first.status_code == 201 and second.status_code == 200
    assert first.json()["id"] == second.json()["id"] and first.json()["photo_count"] == 1
    assert Visit.objects.count() == 1
    bad = client.post("/api/v1/visits", {"data": json.dumps({**data, "client_id": str(uuid.uuid4())}),
                                         "photos": [SimpleUploadedFile("a.jpg", b"GIF89a-not", content_type="image/gif")]})
    assert bad.status_code == 400 and "图片" in bad.json()["detail"] and Visit.objects.count() == 1
