"""问题清单 import: all or nothing with Chinese errors naming the row (unknown department, both/neither target, bad
and past dates, an indicator not in the review, duplicates, another county's school, huge files); each row → a
finding (上级督导) + ReviewProblem; a notice can then be issued with rectification's services; formula text stays
text; the list shows each finding's status; scope."""

import datetime
import io
import zipfile

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from python_calamine import CalamineWorkbook

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.tabular import write_template_workbook
from dudao.rectification.models import Finding, FindingSource
from dudao.rectification.notices import notice_issue
from dudao.reviews.models import ReviewProblem
from dudao.reviews.services import problems as services
from tests.reviews.outputs_fixtures import finance_unit, outputs_media, review_with_evidence  # noqa: F401 -- fixture

pytestmark = pytest.mark.django_db
TODAY = "2026-06-10 00:30 +0800"


def workbook(rows) -> bytes:
    return write_template_workbook([services.SHEET], {"问题清单": rows}, with_notes=False)


def good_rows(world):
    return [
        [1, "1.2", "教师培训经费不足。", "足额安排。", "甲区财政局", "", "2026-12-31"],
        [2, "", "体育场地不足。", "改扩建。", "", "甲区第一小学", "2027-03-31"],
        [3, "2.1", "=HYPERLINK(\"http://evil\",\"点我\")", "", "", "1990102003", "2026-12-31"],
        [4, "1.1", "镇级经费拨付滞后。", "", "UA01", "", "2026-09-30"],
    ]


@pytest.fixture
def june():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_it_imports_every_row_as_a_higher_level_finding(world, june):
    review = review_with_evidence(world)
    finance_unit(world)
    created = services.problem_import(actor=world.office_a, review=review, data=workbook(good_rows(world)),
                                      filename="问题清单.xlsx")
    assert [p.row for p in created] == [2, 3, 4, 5]
    findings = Finding.objects.filter(source_type="reviews.review", source_id=str(review.pk)).order_by("id")
    assert [f.source for f in findings] == [FindingSource.HIGHER] * 4
    assert [str(f.target) for f in findings] == ["甲区财政局", "甲区第一小学", "甲区九年一贯制学校", "甲二镇人民政府"]
    assert findings[0].due_date == datetime.date(2026, 12, 31) and findings[0].requirement == "足额安排。"
    assert findings[2].description.startswith("=HYPERLINK")  # kept as text; exports write strings, never formulas
    assert ReviewProblem.objects.filter(review=review).count() == 4

    # the normal flow: a notice for the department's finding, with rectification's own service
    notice = notice_issue(actor=world.office_a, findings=[findings[0]], days=30)
    findings[0].refresh_from_db()
    assert findings[0].notice_id == notice.pk and notice.unit_id == findings[0].unit_id


def test_a_bad_file_imports_nothing_and_names_each_row(world, june):
    review = review_with_evidence(world)
    rows = [
        [1, "1.2", "未知部门。", "", "区不存在局", "", "2026-12-31"],
        [2, "", "两个对象。", "", "甲二镇人民政府", "甲区第一小学", "2026-12-31"],
        [3, "", "没有对象。", "", "", "", "2026-12-31"],
        [4, "9.9", "指标不在体系内。", "", "UA01", "", "2026-12-31"],
        [5, "", "日期错误。", "", "UA01", "", "2026-13-45"],
        [6, "", "日期已过。", "", "UA01", "", "2026-06-09"],
        [7, "", "别县学校。", "", "", "乙县第一小学", "2026-12-31"],
        [8, "", "重复。", "", "UA01", "", "2026-12-31"],
        [9, "", "重复。", "", "UA01", "", "2026-12-31"],
        [10, "", "", "", "UA01", "", "2026-12-31"],
        [11, "", "期限太远。", "", "UA01", "", "2040-01-01"],
    ]
    with pytest.raises(ApplicationError) as caught:
        services.problem_import(actor=world.office_a, review=review, data=workbook(rows), filename="x.xlsx")
    errors = {(e.row, e.message) for e in caught.value.errors}
    assert (2, "甲区没有名称或编码为“区不存在局”的单位") in errors
    assert (3, "“责任单位”和“学校”必须填且只填一个") in errors and (4, "“责任单位”和“学校”必须填且只填一个") in errors
    assert (5, "指标编号“9.9”不在该迎检的指标体系中") in errors
    assert any(row == 6 and "无法识别" in message for row, message in errors)
    assert (7, "整改期限 2026-06-09 早于今天（2026-06-10）") in errors
    assert (8, "甲区没有名称或标识码为“乙县第一小学”的学校") in errors
    assert (10, "与第 9 行重复") in errors
    assert any(row == 11 and "必填" in message for row, message in errors)
    assert any(row == 12 and "超过 5 年" in message for row, message in errors)
    assert all(e.sheet == "问题清单" and e.column for e in caught.value.errors)
    assert Finding.objects.count() == 0 and ReviewProblem.objects.count() == 0


def test_the_same_file_twice_creates_nothing_twice(world, june):
    review = review_with_evidence(world)
    finance_unit(world)
    data = workbook(good_rows(world))
    services.problem_import(actor=world.office_a, review=review, data=data, filename="a.xlsx")
    with pytest.raises(ApplicationError) as caught:
        services.problem_import(actor=world.office_a, review=review, data=data, filename="a.xlsx")
    assert len(caught.value.errors) == 4 and "已导入过" in caught.value.errors[0].message
    assert Finding.objects.count() == 4


def test_huge_and_wrong_files_are_refused(world, june, settings):
    review = review_with_evidence(world)
    rows = [[n, "", f"问题{n}", "", "UA01", "", "2026-12-31"] for n in range(services.MAX_ROWS + 1)]
    with pytest.raises(ApplicationError, match="超过 2,000 行"):
        services.problem_import(actor=world.office_a, review=review, data=workbook(rows), filename="x.xlsx")
    with pytest.raises(ApplicationError, match="只能导入"):
        services.problem_import(actor=world.office_a, review=review, data=b"MZ\x90", filename="x.exe")
    with pytest.raises(ApplicationError):
        services.problem_import(actor=world.office_a, review=review, data=b"%PDF-1.4", filename="x.xlsx")
    for actor in (world.office_b, world.leader_a, world.town_a):
        with pytest.raises(PermissionDenied):
            services.problem_import(actor=actor, review=review, data=workbook(good_rows(world)), filename="x.xlsx")


def test_the_pages_import_list_and_export(world, june, login):
    review = review_with_evidence(world)
    finance_unit(world)
    client = login(world.office_a)
    assert client.get(f"/reviews/{review.pk}/problems/template/").status_code == 200
    bad = SimpleUploadedFile("bad.xlsx", workbook([[1, "", "x", "", "无此单位", "", "2026-12-31"]]))
    response = client.post(f"/reviews/{review.pk}/problems/import/", {"file": bad})
    assert response.status_code == 400 and "无此单位" in response.content.decode()
    good = SimpleUploadedFile("good.xlsx", workbook(good_rows(world)))
    response = client.post(f"/reviews/{review.pk}/problems/import/", {"file": good}, follow=True)
    page = response.content.decode()
    assert "已导入 4 个问题" in page and "教师培训经费不足。" in page and "待整改" in page
    assert "点我" in page and "<a href=\"http://evil" not in page
    filtered = client.get(f"/reviews/{review.pk}/problems/?q=财政").content.decode()
    assert "教师培训经费不足。" in filtered and "体育场地不足。" not in filtered
    export = client.get(f"/reviews/{review.pk}/problems/?export=xlsx")
    assert export.status_code == 200


    rows = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_name("问题清单").to_python()
    assert any(str(r[2]).startswith("=HYPERLINK") for r in rows[1:])  # written as a string cell
    assert b"<f>" not in zipfile.ZipFile(io.BytesIO(export.content)).read("xl/worksheets/sheet1.xml")
    assert login(world.leader_a).get(f"/reviews/{review.pk}/problems/").status_code == 200
    for user in (world.office_b, world.town_a):
        assert login(user).get(f"/reviews/{review.pk}/problems/").status_code == 404
    assert login(world.office_b).post(f"/reviews/{review.pk}/problems/import/", {"file": good}).status_code == 404
