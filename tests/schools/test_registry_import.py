"""The registry import: all of it or none of it, idempotent, and every bad input named precisely."""

import io
import os

import pytest
import xlsxwriter

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog
from dudao.regions.models import GovUnit, Region
from dudao.schools.imports import registry_import
from dudao.schools.models import Campus, School
from tests.schools.workbooks import REGIONS, UNITS, campus, registry, school, strip_formula_values


@pytest.fixture
def admin(db, django_user_model):
    return django_user_model.objects.create_superuser("root", password="Root-pass-2026")


def counts():
    return (Region.objects.count(), GovUnit.objects.count(), School.objects.count(), Campus.objects.count(),
            AuditLog.objects.count())


def refused(admin, data, filename="导入.xlsx") -> list:
    """Import must fail, change nothing, and return the error list as plain dicts."""
    before = counts()
    with pytest.raises(ApplicationError) as caught:
        registry_import(actor=admin, data=data, filename=filename)
    assert counts() == before, "a refused import must change nothing"
    return [e.as_dict() for e in caught.value.errors] or [{"message": caught.value.message}]


def test_it_imports_every_sheet_and_writes_one_audit_record(admin):
    data = registry(schools=[school(), school("1990102002", "甲区九年一贯制学校", "九年一贯制学校", p15=200)],
                    campuses=[campus("1990102002", "本部", "小学、初中"), campus("1990102002", "东校区", "初中", "否")])
    summary = registry_import(actor=admin, data=data, filename="a.xlsx")
    assert summary["学校"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert summary["校区"]["created"] == 2
    assert School.objects.get(code="1990102002").students_junior == 200
    assert School.objects.get(code="1990102001").competent_unit.code == "UA02"
    assert AuditLog.objects.filter(action="registry.import").count() == 1


def test_it_is_idempotent(admin):
    data = registry(schools=[school()], campuses=[campus()])
    registry_import(actor=admin, data=data, filename="a.xlsx")
    summary = registry_import(actor=admin, data=data, filename="a.xlsx")
    assert all(r["created"] == 0 and r["updated"] == 0 for r in summary.values())
    assert School.objects.count() == 1 and Campus.objects.count() == 1


def test_it_updates_by_natural_key(admin):
    registry_import(actor=admin, data=registry(schools=[school()]), filename="a.xlsx")
    summary = registry_import(actor=admin, data=registry(schools=[school(name="甲区实验小学")]), filename="a.xlsx")
    assert summary["学校"]["updated"] == 1
    assert School.objects.get().name == "甲区实验小学"


def test_it_refuses_wrong_typed_cells(admin):
    errors = refused(admin, registry(schools=[school(p14="三百")]))
    assert errors == [{"sheet": "学校", "row": 2, "column": "O（小学在校生数）", "message": "应为整数，实际为“三百”"}]


def test_it_refuses_negative_enrolments(admin):
    errors = refused(admin, registry(schools=[school(p14=-5)]))
    assert errors[0]["row"] == 2 and "不能为负数" in errors[0]["message"]


def test_it_refuses_empty_required_cells(admin):
    errors = refused(admin, registry(schools=[school(p1="")]))
    assert errors[0]["column"] == "B（学校名称）" and errors[0]["message"] == "必填项为空"


def test_it_refuses_duplicate_codes_inside_the_file(admin):
    errors = refused(admin, registry(schools=[school(), school(name="重复")]))
    assert errors[0]["row"] == 3 and "与第 2 行重复" in errors[0]["message"]


def test_it_refuses_unknown_region_codes(admin):
    errors = refused(admin, registry(schools=[school(town="990102777")]))
    assert "区划代码 990102777 不存在" in errors[0]["message"] and errors[0]["column"] == "G（所在乡镇代码）"


def test_it_refuses_a_town_code_outside_its_county(admin):
    regions = [*REGIONS, ["990103", "乙县", "县（区）", "990100"], ["990103005", "错位镇", "乡镇（街道）", "990102"]]
    errors = refused(admin, registry(regions=regions, units=UNITS))
    assert errors[0]["row"] == 7 and "不在其上级 990102 的代码范围内" in errors[0]["message"]


def test_it_refuses_stages_the_school_type_does_not_teach(admin):
    errors = refused(admin, registry(schools=[school(p15=100)]))
    assert "小学不设初中学段" in errors[0]["message"]


def test_it_refuses_a_20_mb_file_of_junk(admin):
    errors = refused(admin, os.urandom(20 * 1024 * 1024))
    assert "文件过大" in errors[0]["message"]


def test_it_refuses_junk_with_an_excel_name(admin):
    errors = refused(admin, os.urandom(4096), "学校.xlsx")
    assert "不是有效的 .xlsx" in errors[0]["message"]
    errors = refused(admin, b"PK\x03\x04" + os.urandom(4096), "学校.xlsx")
    assert "无法读取" in errors[0]["message"]
    errors = refused(admin, os.urandom(4096), "学校.xls")
    assert "不是有效的 .xls" in errors[0]["message"]


def _workbook(write) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    write(book, book.add_worksheet("学校"))
    book.close()
    return buffer.getvalue()


HEADERS = ["学校标识码", "学校名称", "办学类型", "举办者", "城乡分类", "所在乡镇代码", "小学在校生数"]


def _with_regions(admin):
    registry_import(actor=admin, data=registry(), filename="r.xlsx")


def test_it_refuses_formula_cells_without_a_cached_value(admin):
    _with_regions(admin)

    def write(book, sheet):
        sheet.write_row(0, 0, HEADERS)
        sheet.write_row(1, 0, ["1990102001", "甲区第一小学", "小学", "公办", "城区", "990102001"])
        sheet.write_formula(1, 6, "=100*3")

    errors = refused(admin, strip_formula_values(_workbook(write)))
    assert errors[0]["column"] == "G" and "公式但没有计算结果" in errors[0]["message"]


def test_it_reads_formulas_as_their_values(admin):
    _with_regions(admin)

    def write(book, sheet):
        sheet.write_row(0, 0, HEADERS)
        sheet.write_row(1, 0, ["1990102001", "甲区第一小学", "小学", "公办", "城区", "990102001"])
        sheet.write_formula(1, 6, "=100*3", None, 300)

    registry_import(actor=admin, data=_workbook(write), filename="f.xlsx")
    assert School.objects.get().students_primary == 300


def test_it_refuses_merged_header_cells(admin):
    _with_regions(admin)

    def write(book, sheet):
        sheet.merge_range(0, 0, 0, 1, "学校标识码")
        sheet.write_row(0, 2, HEADERS[2:])
        sheet.write_row(1, 0, ["1990102001", "甲区第一小学", "小学", "公办", "城区", "990102001", 300])

    errors = refused(admin, _workbook(write))
    assert any("合并单元格" in e["message"] for e in errors)


def test_it_refuses_unknown_headers_and_sheets(admin):
    _with_regions(admin)

    def write(book, sheet):
        sheet.write_row(0, 0, [*HEADERS, "备注栏"])
        sheet.write_row(1, 0, ["1990102001", "甲区第一小学", "小学", "公办", "城区", "990102001", 300, "x"])
        book.add_worksheet("随便").write(0, 0, "数据")

    errors = refused(admin, _workbook(write))
    messages = " ".join(e["message"] for e in errors)
    assert "无法识别的表头“备注栏”" in messages and "无法识别的工作表" in messages


def test_it_imports_gbk_csv_recognised_by_its_headers(admin):
    _with_regions(admin)
    text = ",".join(HEADERS) + "\n1990102001,甲区第一小学,小学,公办,城区,990102001,321\n"
    registry_import(actor=admin, data=text.encode("gbk"), filename="学校.csv")
    assert School.objects.get().students_primary == 321


def test_it_refuses_rows_outside_the_office_users_scope(world):
    data = registry(regions=[], units=[], schools=[school("1990102009", town="990102001")])
    with pytest.raises(ApplicationError) as caught:
        registry_import(actor=world.office_b, data=data, filename="b.xlsx")
    assert "不在您的管辖范围内" in caught.value.errors[0].message
    with pytest.raises(ApplicationError) as caught:
        registry_import(actor=world.office_b, data=registry(regions=[], units=[], schools=[
            school("1990102001", town="990103001")]), filename="b.xlsx")
    assert "已被您管辖范围以外的学校使用" in caught.value.errors[0].message
    assert School.objects.get(code="1990102001").name == "甲区第一小学"


def test_it_refuses_users_who_may_not_import(world):
    with pytest.raises(PermissionDenied):
        registry_import(actor=world.leader_a, data=registry(), filename="x.xlsx")
