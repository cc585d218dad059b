"""A school's 经度/纬度 (area: map): the import columns (errors, swapped-pair warnings with a confirm step, blank
keeps), the edit form and the service."""

import decimal
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from dudao.core.errors import ApplicationError
from dudao.core.models import AuditLog
from dudao.schools.imports import SCHOOL_SPEC, NeedsConfirmation, registry_import
from dudao.schools.models import School
from dudao.schools.services import school_save
from tests.schools.workbooks import registry, school

D = decimal.Decimal
LON_INDEX = SCHOOL_SPEC.headers.index("经度")


@pytest.fixture
def admin(db, django_user_model):
    return django_user_model.objects.create_superuser("root", password="Root-pass-2026")


def with_point(lon, lat, **kwargs):
    row = school(**kwargs)
    row += [""] * (LON_INDEX - len(row))
    return [*row, lon, lat]


def points():
    return sorted(School.objects.values_list("code", "longitude", "latitude"))


def test_the_template_has_the_two_columns():
    assert SCHOOL_SPEC.headers[-2:] == ["经度", "纬度"]


def test_the_import_stores_the_point(admin):
    registry_import(actor=admin, data=registry(schools=[with_point("113.6253681", "34.746599")]), filename="a.xlsx")
    assert points() == [("1990102001", D("113.625368"), D("34.746599"))]


@pytest.mark.parametrize(("lon", "lat", "words"), [
    ("113.6", "", "同时填写"),
    ("东经113", "34.7", "应为数字"),
    ("2.35", "48.85", "不在中国境内"),
    ("12683000", "4105000", "不是以度为单位"),
])
def test_a_bad_point_fails_the_whole_import(admin, lon, lat, words):
    data = registry(schools=[with_point("113.6", "34.7"), with_point(lon, lat, code="1990102002", name="乙小学")])
    with pytest.raises(ApplicationError) as caught:
        registry_import(actor=admin, data=data, filename="a.xlsx")
    assert not isinstance(caught.value, NeedsConfirmation)
    row = next(e for e in caught.value.errors if words in e.message)
    assert row.sheet == "学校" and row.row == 3 and ("经度" in row.column or "纬度" in row.column)
    assert not School.objects.exists()


def test_a_swapped_point_needs_confirmation_then_is_stored_corrected(admin):
    data = registry(schools=[with_point("34.746599", "113.625368"), with_point("113.1", "34.1", code="1990102002")])
    with pytest.raises(NeedsConfirmation) as caught:
        registry_import(actor=admin, data=data, filename="a.xlsx")
    assert [(w.row, w.message[:30]) for w in caught.value.warnings] == [(2, caught.value.warnings[0].message[:30])]
    assert "可能填反了" in caught.value.warnings[0].message and "经度" in caught.value.warnings[0].column
    assert not School.objects.exists() and not AuditLog.objects.filter(action="registry.import").exists()
    registry_import(actor=admin, data=data, filename="a.xlsx", confirm=True)
    assert points() == [("1990102001", D("113.625368"), D("34.746599")), ("1990102002", D("113.1"), D("34.1"))]
    assert len(AuditLog.objects.get(action="registry.import").after["warnings_confirmed"]) == 1


def test_errors_win_over_warnings(admin):
    data = registry(schools=[with_point("34.7", "113.6"), with_point("2.3", "48.8", code="1990102002")])
    with pytest.raises(ApplicationError) as caught:
        registry_import(actor=admin, data=data, filename="a.xlsx", confirm=True)
    assert not isinstance(caught.value, NeedsConfirmation)
    assert not School.objects.exists()


def test_blank_cells_keep_the_stored_point_and_an_old_template_too(admin):
    registry_import(actor=admin, data=registry(schools=[with_point("113.6", "34.7")]), filename="a.xlsx")
    registry_import(actor=admin, data=registry(schools=[with_point("", "", name="改名小学")]), filename="b.xlsx")
    assert points() == [("1990102001", D("113.6"), D("34.7"))]
    registry_import(actor=admin, data=registry(schools=[school(name="再改名小学")]), filename="c.xlsx")
    assert points() == [("1990102001", D("113.6"), D("34.7"))]


def test_the_import_page_asks_to_confirm_warnings(admin, client):
    client.force_login(admin)
    data = registry(schools=[with_point("34.7", "113.6")])
    url = reverse("schools:import")
    page = client.post(url, {"file": SimpleUploadedFile("a.xlsx", data)})
    text = page.content.decode()
    assert page.status_code == 200 and "可能填反了" in text and 'name="confirm"' in text
    assert not School.objects.exists()
    page = client.post(url, {"file": SimpleUploadedFile("a.xlsx", data), "confirm": "on"})
    assert "导入成功" in page.content.decode()
    assert points() == [("1990102001", D("113.6"), D("34.7"))]


# ---- the service and the edit form ---------------------------------------------------------------------------


def test_the_service_refuses_a_point_outside_china_or_half_a_point(world):
    target = world.schools_a[0]
    for lon, lat in (("2.3", "48.8"), ("113.6", None), ("34.7", "113.6")):
        with pytest.raises(ApplicationError):
            school_save(actor=world.office_a, school=target, longitude=lon, latitude=lat)
    target.refresh_from_db()
    assert target.longitude is None
    school_save(actor=world.office_a, school=target, longitude="113.6", latitude="34.7")
    target.refresh_from_db()
    assert (target.longitude, target.latitude) == (D("113.6"), D("34.7"))


def form_data(school_obj, **changes):
    data = {"name": school_obj.name, "school_type": school_obj.school_type, "ownership": school_obj.ownership,
            "urban_rural": school_obj.urban_rural, "region": school_obj.region_id, "students_primary": 300,
            "classes_primary": 8, "longitude": "", "latitude": ""}
    data.update(changes)
    return data


def test_the_edit_form_saves_a_point(world, login):
    client = login(world.office_a)
    target = world.schools_a[0]
    url = reverse("schools:edit", args=[target.pk])
    assert 'name="longitude"' in client.get(url).content.decode()
    response = client.post(url, form_data(target, longitude="113.625368", latitude="34.746599"))
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.longitude, target.latitude) == (D("113.625368"), D("34.746599"))
    assert 'value="113.625368"' in client.get(url).content.decode()


@pytest.mark.parametrize(("lon", "lat", "words"), [("113.6", "", "同时填写"), ("abc", "34.7", "应为数字"),
                                                   ("2.3", "48.8", "不在中国境内")])
def test_the_edit_form_refuses_a_bad_point(world, login, lon, lat, words):
    client = login(world.office_a)
    target = world.schools_a[0]
    response = client.post(reverse("schools:edit", args=[target.pk]), form_data(target, longitude=lon, latitude=lat))
    assert response.status_code == 200 and words in response.content.decode()
    target.refresh_from_db()
    assert target.longitude is None


def test_the_edit_form_asks_before_swapping(world, login):
    client = login(world.office_a)
    target = world.schools_a[0]
    url = reverse("schools:edit", args=[target.pk])
    response = client.post(url, form_data(target, longitude="34.7", latitude="113.6"))
    text = response.content.decode()
    assert response.status_code == 200 and "可能填反了" in text and 'name="confirm_swap"' in text
    target.refresh_from_db()
    assert target.longitude is None
    response = client.post(url, form_data(target, longitude="34.7", latitude="113.6", confirm_swap="on"))
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.longitude, target.latitude) == (D("113.6"), D("34.7"))


def test_the_edit_form_clears_a_point(world, login):
    target = world.schools_a[0]
    school_save(actor=world.office_a, school=target, longitude="113.6", latitude="34.7")
    response = login(world.office_a).post(reverse("schools:edit", args=[target.pk]), form_data(target))
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.longitude is None and target.latitude is None


def test_the_api_gives_the_point(world, login):
    target = world.schools_a[0]
    school_save(actor=world.office_a, school=target, longitude="113.6", latitude="34.7")
    body = login(world.office_a).get(f"/api/v1/schools/{target.code}").json()
    assert (body["longitude"], body["latitude"]) == (113.6, 34.7)


def test_the_export_has_the_point_as_numbers(world, login):
    target = world.schools_a[0]
    school_save(actor=world.office_a, school=target, longitude="113.625368", latitude="34.746599")
    response = login(world.office_a).get(reverse("schools:list"), {"export": "xlsx"})
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()
    header = rows[0]
    row = next(r for r in rows[1:] if r[0] == target.code)
    assert (row[header.index("经度")], row[header.index("纬度")]) == (113.625368, 34.746599)


# ---- security review of issue 22: a huge exponent is a Chinese error, not a 500 -------------------------------

HUGE = ["1e999999999999", "-1E+999999999", "9e425000000"]


@pytest.mark.parametrize("value", HUGE)
def test_a_huge_exponent_is_refused_in_the_form(world, login, value):
    client = login(world.office_a)
    target = world.schools_a[0]
    response = client.post(reverse("schools:edit", args=[target.pk]), form_data(target, longitude=value,
                                                                               latitude="34.7"))
    assert response.status_code == 200 and "不是以度为单位" in response.content.decode()
    target.refresh_from_db()
    assert target.longitude is None


@pytest.mark.parametrize("value", HUGE)
def test_a_huge_exponent_fails_the_import_in_chinese(admin, value):
    with pytest.raises(ApplicationError) as caught:
        registry_import(actor=admin, data=registry(schools=[with_point("113.6", value)]), filename="a.xlsx")
    assert any("不是以度为单位" in e.message for e in caught.value.errors)
    assert not School.objects.exists()
