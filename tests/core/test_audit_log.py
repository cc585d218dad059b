"""Every service leaves exactly one audit record, in its transaction; nothing can alter the log."""

import pytest
from django.urls import reverse

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog
from dudao.core.services import (
    policy_set,
    role_assign,
    role_revoke,
    token_issue,
    user_create,
    user_set_active,
)
from dudao.regions.models import Region
from dudao.regions.services import region_create, unit_save
from dudao.schools.services import centre_create, group_save, school_save


def _one_more(before: int, action: str) -> AuditLog:
    assert AuditLog.objects.count() == before + 1
    record = AuditLog.objects.order_by("-id").first()
    assert record.action == action
    return record


def test_it_records_school_updates_with_before_and_after(world):
    before = AuditLog.objects.count()
    school = world.schools_a[0]
    school_save(actor=world.office_a, school=school, name="甲区第一实验小学")
    record = _one_more(before, "school.update")
    assert record.before["name"] == "甲区第一小学" and record.after["name"] == "甲区第一实验小学"
    assert record.actor == world.office_a and record.actor_name == "office_a"
    assert record.region_code == school.region_id


@pytest.mark.parametrize("service", ["school_create", "unit_create", "region_create", "centre", "group", "user",
                                     "role", "revoke", "deactivate", "policy", "token"])
def test_it_writes_exactly_one_record_per_service(world, service):
    before = AuditLog.objects.count()
    town = Region.objects.get(code="990102001")
    actions = {
        "school_create": lambda: school_save(actor=world.office_a, code="1990102099", name="新校", school_type="primary",
                                             ownership="public", urban_rural="urban", region_id=town.code),
        "unit_create": lambda: unit_save(actor=world.office_a, code="UA99", name="甲区财政局", kind="department",
                                         region_id="990102"),
        "region_create": lambda: region_create(actor=world.office_a, code="990102009", name="甲九镇", level="town",
                                               parent=world.county_a),
        "centre": lambda: centre_create(actor=world.office_a, code="CA1", name="甲区教管中心", region=world.county_a),
        "group": lambda: group_save(actor=world.office_a, code="GA1", name="甲区集团", kind="group", region=world.county_a,
                                    lead_school=world.schools_a[0], members=world.schools_a[:2]),
        "user": lambda: user_create(actor=world.admin, username="new", full_name="新用户", password="Long-enough-9"),
        "role": lambda: role_assign(actor=world.admin, user=world.expert, role="leader", region=world.county_b),
        "revoke": lambda: role_revoke(actor=world.admin, assignment=world.office_b.role_assignments.get()),
        "deactivate": lambda: user_set_active(actor=world.admin, user=world.office_b, active=False),
        "policy": lambda: policy_set(actor=world.admin, key="auth.lockout_attempts", value=6),
        "token": lambda: token_issue(user=world.office_a),
    }
    actions[service]()
    assert AuditLog.objects.count() == before + 1


def test_it_writes_nothing_when_a_service_refuses(world):
    before = AuditLog.objects.count()
    with pytest.raises(PermissionDenied):
        school_save(actor=world.office_b, school=world.schools_a[0], name="越权修改")
    with pytest.raises(ApplicationError, match="小学不设初中学段"):
        school_save(actor=world.office_a, school=world.schools_a[0], students_junior=10)  # a primary school
    assert AuditLog.objects.count() == before
    world.schools_a[0].refresh_from_db()
    assert world.schools_a[0].name == "甲区第一小学"


def test_it_refuses_to_change_or_delete_records(world):
    school_save(actor=world.office_a, school=world.schools_a[0], name="改名")
    record = AuditLog.objects.order_by("-id").first()
    record.action = "forged"
    with pytest.raises(PermissionError):
        record.save()
    with pytest.raises(PermissionError):
        record.delete()
    with pytest.raises(PermissionError):
        AuditLog.objects.all().update(action="forged")
    with pytest.raises(PermissionError):
        AuditLog.objects.filter(pk=record.pk).delete()
    assert AuditLog.objects.filter(action="forged").count() == 0


def test_it_shows_the_log_read_only_and_scoped(world, login):
    school_save(actor=world.office_a, school=world.schools_a[0], name="甲区改名小学")
    school_save(actor=world.office_b, school=world.schools_b[0], name="乙县改名小学")
    page = login(world.office_a).get(reverse("core:audit")).content.decode()
    assert "甲区改名小学" in page and "乙县改名小学" not in page
    assert "<form method=\"post\"" not in page.split("<main")[1]
    assert login(world.office_a).post(reverse("core:audit")).status_code in {200, 405}
    assert AuditLog.objects.filter(object_repr="甲区改名小学").count() == 1


def test_it_records_request_id_and_ip_from_web_requests(world, login):
    client = login(world.office_a)
    school = world.schools_a[0]
    data = {f: getattr(school, f) for f in ("name", "school_type", "ownership", "urban_rural", "address", "principal", "phone")}
    data.update(region=school.region_id, name="网页改名小学", students_primary=300, classes_primary=8)
    # A UUID from the proxy (nginx's $request_id is 32 hex digits) is kept, in canonical form.
    response = client.post(reverse("schools:edit", args=[school.pk]), data,
                           HTTP_X_REQUEST_ID="0f1e2d3c4b5a69788796a5b4c3d2e1f0")
    assert response.status_code == 302
    assert response["X-Request-ID"] == "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"
    record = AuditLog.objects.order_by("-id").first()
    assert record.request_id == "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0" and record.ip == "127.0.0.1"
