"""Scope of visits for inspector, principal and district B; every page renders for the office."""

import datetime

import pytest

from dudao.core.errors import ApplicationError
from dudao.core.models import AuditLog, Role
from dudao.core.services import role_assign
from dudao.zones import services
from dudao.zones.models import Visit
from tests.zones.conftest import visit_kwargs


def _visits(world, posted):
    mine = services.visit_submit(actor=world.inspector_a, **visit_kwargs(posted, world.schools_a[0]))[0]
    second = services.visit_submit(actor=world.inspector_a, **visit_kwargs(posted, world.schools_a[1]))[0]
    other = services.visit_submit(actor=world.office_a, **visit_kwargs(
        posted, world.schools_a[3], inspector=posted.other, reason="special", reason_note="开学检查"))[0]
    return mine, second, other


def test_visit_scope(world, posted, login):
    mine, second, other = _visits(world, posted)
    assert set(Visit.objects.visible_to(world.inspector_a)) == {mine, second}
    assert set(Visit.objects.visible_to(world.principal_a)) == {mine}
    assert set(Visit.objects.visible_to(world.office_a)) == {mine, second, other}
    assert not Visit.objects.visible_to(world.office_b).exists()
    client = login(world.office_b)
    assert client.get(f"/zones/visits/{mine.pk}/").status_code == 404
    assert client.get(f"/api/v1/visits/{mine.pk}").status_code == 404
    assert client.get("/api/v1/visits").json()["count"] == 0
    assert client.get(f"/zones/{posted.zone.pk}/").status_code == 404
    client = login(world.principal_a)
    assert client.get(f"/zones/visits/{second.pk}/").status_code == 404


def test_inspector_scope_comes_from_assignments(world, posted):
    from django.contrib.auth import get_user_model

    from dudao.core.scope import scope_for

    user = get_user_model().objects.get(pk=world.inspector_a.pk)
    scope = scope_for(user)
    assert "inspector" in scope.roles and {s.pk for s in world.schools_a[:3]} <= set(scope.school_ids)


def test_office_pages_render(world, posted, login):
    _visits(world, posted)
    services.complaint_receive(actor=None, school=world.schools_a[0], kind="complaint", channel="public_page",
                               content="校门口交通混乱。")
    role_assign(actor=world.admin, user=world.office_a, role=Role.LEADER, region=world.county_a)
    client = login(world.office_a)
    month = datetime.date.today().strftime("%Y-%m")
    for url in ["/zones/", f"/zones/{posted.zone.pk}/", "/zones/coverage/", "/zones/compliance/?county=990102",
                "/zones/frequency/", "/zones/frequency/?show=all", "/zones/workload/", "/zones/cross/", "/zones/visits/",
                "/zones/complaints/", "/zones/complaints/new/", "/people/inspectors/", f"/people/inspectors/{posted.inspector.pk}/",
                "/people/experts/", "/people/import/", "/documents/templates/", "/api/v1/zones", "/api/v1/assignments",
                "/api/v1/inspectors"]:
        response = client.get(url)
        assert response.status_code == 200, url
    for url in ["/zones/visits/?export=xlsx", "/zones/frequency/?export=xlsx", "/people/inspectors/?export=xlsx",
                "/zones/workload/?export=xlsx", "/people/import/template.xlsx"]:
        assert client.get(url)["Content-Type"].startswith("application/vnd.openxmlformats"), url
    pdf = client.get(f"/zones/plaque/{world.schools_a[0].pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    docx = client.get(f"/zones/{posted.zone.pk}/report.docx?period={month}")
    assert docx.status_code == 200 and docx.content.startswith(b"PK")
    report = client.get(f"/zones/{posted.zone.pk}/report.pdf?period=semester")
    assert report.status_code == 200 and report.content.startswith(b"%PDF")


def test_public_page_takes_a_complaint_without_login(world, posted, client):
    page = client.get(f"/public/plaque/{world.schools_a[0].code}/")
    assert page.status_code == 200 and "督学甲" in page.content.decode()
    response = client.post(f"/public/plaque/{world.schools_a[0].code}/", {"kind": "suggestion", "content": "建议增加课后体育活动。",
                                                                 "complainant_phone": "13800000000"})
    assert response.status_code == 200 and "受理编号" in response.content.decode()
    assert "13800000000" not in response.content.decode()
    empty = client.post(f"/public/plaque/{world.schools_a[0].code}/", {"kind": "complaint", "content": "短"})
    assert empty.status_code == 400
    assert client.get("/public/plaque/0000000000/").status_code == 404


def test_zone_edit_renames_and_refuses_moving_a_zone_with_schools(world, posted, login):
    client = login(world.office_a)
    data = {"code": "Z01", "name": "城东责任区", "region": world.county_a.code, "lead": posted.other.pk, "note": ""}
    response = client.post(f"/zones/{posted.zone.pk}/edit/", data)
    assert response.status_code == 302
    posted.zone.refresh_from_db()
    assert posted.zone.name == "城东责任区" and posted.zone.lead == posted.other
    assert AuditLog.objects.filter(action="zone.update", object_id=str(posted.zone.pk)).exists()

    with pytest.raises(ApplicationError, match="已有挂牌学校"):
        services.zone_save(actor=world.admin, zone=posted.zone, code="Z01", name="城东责任区", region=world.county_b)
    assert login(world.office_b).get(f"/zones/{posted.zone.pk}/edit/").status_code == 404
    assert login(world.principal_a).get(f"/zones/{posted.zone.pk}/edit/").status_code == 404


def test_school_supervision_page_keeps_the_history_of_inspectors(world, posted, login):
    school = world.schools_a[0]
    services.assignment_set(actor=world.office_a, zone=posted.zone, inspector=posted.other, school=school,
                            started_on=datetime.date(2025, 3, 1))
    page = login(world.principal_a).get(f"/zones/schools/{school.pk}/").content.decode()
    assert "督学甲" in page and "督学乙" in page and "现任" in page and "2025-03-01" in page
    assert login(world.office_b).get(f"/zones/schools/{school.pk}/").status_code == 404


def test_frequency_page_does_not_claim_success_without_schools(world, posted, login):
    empty = login(world.town_a).get("/zones/frequency/")  # a government unit: no schools in its scope
    assert empty.status_code == 200
    text = empty.content.decode()
    assert "均已达到走访要求" not in text and "没有学校" in text
    office = login(world.office_a).get("/zones/frequency/").content.decode()
    assert "没有学校" not in office
