"""The import page: template download, an error table in Chinese, and a success summary."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from python_calamine import CalamineWorkbook

from tests.schools.workbooks import registry, school


def test_it_offers_a_template_with_chinese_headers(world, login):
    response = login(world.office_a).get(reverse("schools:import_template"))
    book = CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    assert book.sheet_names == ["行政区划", "政府单位", "学校", "校区", "填写说明"]
    assert book.get_sheet_by_name("学校").to_python()[0][:2] == ["学校标识码*", "学校名称*"]


def test_it_shows_every_error_with_sheet_row_and_column(world, login):
    upload = SimpleUploadedFile("学校.xlsx", registry(regions=[], units=[], schools=[school("1990102010", p7="", p14="abc")]))
    response = login(world.office_a).post(reverse("schools:import"), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 400
    assert "未导入任何数据" in page and "O（小学在校生数）" in page and "应为整数" in page


def test_it_reports_what_was_imported(world, login):
    upload = SimpleUploadedFile("学校.xlsx", registry(regions=[], units=[], schools=[school("1990102010", "甲区新校", p7="")]))
    page = login(world.office_a).post(reverse("schools:import"), {"file": upload}).content.decode()
    assert "导入成功" in page and "新增 1 条" in page


def test_it_refuses_the_page_to_read_only_roles(world, login):
    assert login(world.leader_a).get(reverse("schools:import")).status_code == 404
    assert login(world.inspector_a).get(reverse("schools:import_template")).status_code == 404
