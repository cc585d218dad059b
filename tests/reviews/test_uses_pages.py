"""The 结果运用 pages: the register (scope, filters, export), recording through the form, a use's page, delete,
the annual export per using unit (.xlsx, .docx), the profile sections and GET /api/v1/result-uses."""

import datetime
import io
import zipfile

import pytest
import time_machine
from python_calamine import CalamineWorkbook

from dudao.core.services import token_issue
from dudao.reviews.models import ResultUse
from dudao.reviews.services.uses import use_record
from tests.reviews import uses_data

NOW = datetime.datetime(2026, 3, 10, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
pytestmark = pytest.mark.usefixtures("_frozen")


@pytest.fixture
def _frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def data(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = uses_data.build(world)
    data.use = use_record(actor=world.office_a, result_key=f"inspections.target:{data.failing.pk}",
                          purpose="appointment", used_on=datetime.date(2026, 1, 5), user_unit=data.hr.pk,
                          decision="=HYPERLINK(\"http://evil.example\",\"点击\")", document_number="甲人社〔2026〕3号",
                          upload=uses_data.pdf_upload())
    data.use_b = use_record(actor=world.office_b, result_key=f"inspections.target:{data.failing_b.pk}",
                            purpose="pay", used_on=datetime.date(2026, 1, 6), user_unit=data.hr_b.pk,
                            decision="乙县绩效工资核减。")
    data.use_case = use_record(actor=world.office_a, result_key=f"rectification.accountability:{data.case.pk}",
                               purpose="annual", used_on=datetime.date(2026, 2, 1), user_name="区纪委监委",
                               decision="年度考核不得评为优秀。")
    return data


def test_the_office_sees_its_countys_uses_only(world, data, login):
    page = login(world.office_a).get("/reviews/uses/").content.decode()
    assert "甲区人力资源和社会保障局" in page and "区纪委监委" in page and "乙县" not in page


def test_a_unit_user_sees_the_uses_it_made_or_that_name_it(world, data, login):
    client = login(data.hr_user)
    page = client.get("/reviews/uses/").content.decode()
    assert "甲区第一小学" in page and "区纪委监委" not in page
    assert client.get(f"/reviews/uses/{data.use_case.pk}/").status_code == 404


def test_a_school_sees_the_uses_of_its_own_results(world, data, login):
    page = login(world.principal_a).get("/reviews/uses/").content.decode()
    assert "甲区第一小学" in page and "区纪委监委" not in page


def test_another_districts_office_gets_404(world, data, login):
    client = login(world.office_b)
    assert client.get(f"/reviews/uses/{data.use.pk}/").status_code == 404
    assert client.get(f"/reviews/uses/{data.use.pk}/edit/").status_code == 404
    assert client.post(f"/reviews/uses/{data.use.pk}/delete/", {"reason": "x"}).status_code == 404
    assert ResultUse.objects.filter(pk=data.use.pk).exists()


@pytest.mark.parametrize("query, shown, hidden", [
    ("?purpose=annual", "区纪委监委", "甲人社"), ("?kind=rectification.accountability", "区纪委监委", "甲人社"),
    ("?q=甲人社", "甲人社", "区纪委监委"), ("?year=2026", "甲人社", "暂无"), ("?purpose=bogus", "没有符合条件", "甲人社"),
    ("?year=abc", "没有符合条件", "甲人社"), ("?kind=__class__", "没有符合条件", "甲人社"),
])
def test_the_register_filters(world, data, login, query, shown, hidden):
    page = login(world.office_a).get("/reviews/uses/" + query).content.decode()
    assert shown in page and hidden not in page


def test_the_register_filters_by_using_unit_and_by_school(world, data, login):
    client = login(world.office_a)
    page = client.get(f"/reviews/uses/?user_unit={data.hr.pk}").content.decode()
    assert "甲人社" in page and "区纪委监委" not in page
    page = client.get(f"/reviews/uses/?school={world.schools_a[3].pk}").content.decode()
    assert "区纪委监委" in page and "甲人社" not in page


def test_the_export_writes_text_never_formulas(world, data, login):
    response = login(world.office_a).get("/reviews/uses/?export=xlsx")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula cell
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    values = [v for row in rows for v in row]
    assert '=HYPERLINK("http://evil.example","点击")' in values and "区纪委监委" in values
    assert not any(isinstance(v, str) and "乙县" in v for v in values)


def test_the_office_records_through_the_form_with_a_document(world, data, login):
    client = login(world.office_a)
    page = client.get("/reviews/uses/new/?kind=inspections.target&q=第二小学").content.decode()
    assert "甲区第二小学" in page and "乙县" not in page
    response = client.post("/reviews/uses/new/", {
        "result": f"inspections.target:{data.good.pk}", "kind": "inspections.target", "user_unit": str(world.unit_a.pk),
        "purpose": "honours", "used_on": "2026-03-01", "decision": "评为区级先进学校。", "document_number": "甲府〔2026〕1号",
        "document": uses_data.png_upload()})
    assert response.status_code == 302
    use = ResultUse.objects.get(result_id=str(data.good.pk))
    assert use.user_unit == world.unit_a and use.document.kind == "image"


def test_the_form_shows_refusals_in_chinese(world, data, login):
    client = login(data.hr_user)
    response = client.post("/reviews/uses/new/", {
        "result": f"inspections.target:{data.failing.pk}", "user_unit": str(world.unit_a.pk),
        "purpose": "pay", "used_on": "2026-03-01", "decision": "绩效工资核减。"})
    assert response.status_code == 400  # another unit than theirs is not even offered
    response = client.post("/reviews/uses/new/", {
        "result": f"inspections.target:{data.failing_b.pk}", "user_unit": str(data.hr.pk),
        "purpose": "pay", "used_on": "2026-03-01", "decision": "绩效工资核减。"})
    assert response.status_code == 400 and "督导室或本县（区）的单位用户" in response.content.decode()
    response = client.post("/reviews/uses/new/", {
        "result": f"inspections.target:{data.failing.pk}", "user_unit": str(data.hr.pk),
        "purpose": "pay", "used_on": "2026-03-11", "decision": "绩效工资核减。"})
    assert response.status_code == 400 and "不能晚于今天" in response.content.decode()


def test_the_form_never_shows_another_countys_result(world, data, login):
    page = login(data.hr_user).get(f"/reviews/uses/new/?result=inspections.target:{data.failing_b.pk}").content.decode()
    assert "乙县第一小学" not in page
    page = login(world.office_a).get(f"/reviews/uses/new/?result=inspections.target:{data.failing.pk}").content.decode()
    assert "甲区第一小学：不合格" in page


def test_leaders_and_schools_cannot_open_the_form(world, data, login):
    assert login(world.leader_a).get("/reviews/uses/new/").status_code == 404
    assert login(world.principal_a).get("/reviews/uses/new/").status_code == 404


def test_delete_is_a_post_of_the_office_with_a_reason(world, data, login):
    client = login(world.office_a)
    assert client.get(f"/reviews/uses/{data.use.pk}/delete/").status_code == 405
    assert login(data.hr_user).post(f"/reviews/uses/{data.use.pk}/delete/", {"reason": "x"}).status_code == 404
    client = login(world.office_a)
    client.post(f"/reviews/uses/{data.use.pk}/delete/", {"reason": ""})
    assert ResultUse.objects.filter(pk=data.use.pk).exists()
    assert client.post(f"/reviews/uses/{data.use.pk}/delete/", {"reason": "重复登记"}).status_code == 302
    assert not ResultUse.objects.filter(pk=data.use.pk).exists()


def test_the_use_page_links_its_document_and_result(world, data, login):
    page = login(world.office_a).get(f"/reviews/uses/{data.use.pk}/").content.decode()
    assert "决定.pdf" in page and f"/inspections/targets/{data.failing.pk}/" in page and "删除" in page


def test_the_annual_export_per_using_unit(world, data, login):
    client = login(world.office_a)
    page = client.get("/reviews/uses/annual/?year=2026").content.decode()
    assert "甲区人力资源和社会保障局" in page and "区纪委监委" in page and "乙县" not in page
    xlsx = client.get(f"/reviews/uses/annual/export/?year=2026&unit={data.hr.pk}")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    docx = client.get("/reviews/uses/annual/export/?year=2026&name=区纪委监委&format=docx")
    assert docx.status_code == 200
    with zipfile.ZipFile(io.BytesIO(docx.content)) as archive:
        body = archive.read("word/document.xml").decode()
    assert "区纪委监委2026年度督导结果运用情况" in body and "年度考核" in body
    # another county's unit, a year with nothing, junk: 404
    assert client.get(f"/reviews/uses/annual/export/?year=2026&unit={data.hr_b.pk}").status_code == 404
    assert client.get("/reviews/uses/annual/export/?year=2025&name=区纪委监委").status_code == 404
    assert client.get("/reviews/uses/annual/export/?year=x&unit=1").status_code == 404


def test_a_docx_export_escapes_template_syntax_in_the_data(world, data, login):
    use_record(actor=world.office_a, result_key=f"inspections.target:{data.good.pk}", purpose="honours",
               used_on=datetime.date(2026, 3, 1), user_name="某单位",
               decision="{{ 7*7 }}{% for x in ().__class__.__mro__ %}{% endfor %}<w:p>")
    docx = login(world.office_a).get("/reviews/uses/annual/export/?year=2026&name=某单位&format=docx")
    assert docx.status_code == 200
    with zipfile.ZipFile(io.BytesIO(docx.content)) as archive:
        body = archive.read("word/document.xml").decode()
    assert "{{ 7*7 }}" in body and "49" not in body.split("{{ 7*7 }}")[0][-5:] and "&lt;w:p&gt;" in body


def test_the_school_and_unit_profiles_list_their_uses(world, data, login):
    client = login(world.office_a)
    page = client.get(f"/schools/{world.schools_a[0].pk}/").content.decode()
    assert "督导结果运用" in page and "甲区人力资源和社会保障局" in page
    use_record(actor=world.office_a, result_key=f"reviews.reporter:{data.reporter.pk}", purpose="annual",
               used_on=datetime.date(2026, 1, 20), user_name="区委组织部", decision="年度考核定为一般。")
    page = client.get(f"/regions/units/{world.unit_a.pk}/").content.decode()
    assert "督导结果运用" in page and "区委组织部" in page
    page = login(world.principal_a).get(f"/schools/{world.schools_a[0].pk}/").content.decode()
    assert "甲区人力资源和社会保障局" in page


def test_the_inspection_target_page_lists_the_uses_of_its_result(world, data, login):
    page = login(world.office_a).get(f"/inspections/targets/{data.failing.pk}/").content.decode()
    assert "督导结果运用" in page and "甲区人力资源和社会保障局" in page and "登记运用" in page
    assert "乙县绩效工资核减" not in page  # another county's use of another result
    other = login(world.office_b).get(f"/inspections/targets/{data.failing.pk}/")
    assert other.status_code == 404


def test_the_api_lists_uses_in_scope_with_filters(world, data, client):
    key, _token = token_issue(user=data.hr_user)
    headers = {"Authorization": f"Bearer {key}"}
    body = client.get("/api/v1/result-uses", headers=headers).json()
    assert [i["id"] for i in body["items"]] == [data.use.pk] and body["items"][0]["user_unit"] == data.hr.pk
    key, _token = token_issue(user=world.office_a)
    headers = {"Authorization": f"Bearer {key}"}
    body = client.get("/api/v1/result-uses?purpose=annual", headers=headers).json()
    assert [i["user_name"] for i in body["items"]] == ["区纪委监委"]
    assert client.get("/api/v1/result-uses?kind=inspections.target", headers=headers).json()["count"] == 1
    assert client.get("/api/v1/result-uses?kind=bogus", headers=headers).status_code == 422
    assert client.get("/api/v1/result-uses?year=2026", headers=headers).json()["count"] == 2
    assert client.get("/api/v1/result-uses?page=999999999999", headers=headers).json()["items"] == []
