"""督导简报 and 信息报送 pages: the list (filters, Excel, bounded queries), the editor and its picker, the actions and
their refusals, the Word and PDF downloads, the 报送 log and form, and scope (404 for district B, schools and
units; the leader reads but does not write)."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from python_calamine import CalamineWorkbook

from dudao.planning.models import Briefing, BriefingStatus, Submission
from dudao.planning.services import briefings as services
from tests.planning.briefings_fixtures import docx_text, exe_as_pdf, materials_fixture, pdf_upload  # noqa: F401 -- fixture


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _briefing(world, title="督导工作动态", **kwargs):
    return services.briefing_create(actor=world.office_a, region=world.county_a, year=timezone.localdate().year,
                                    title=title, **kwargs)


def test_compose_issue_and_download_through_the_pages(world, login, materials):
    client = login(world.office_a)
    year = timezone.localdate().year
    response = client.post("/planning/briefings/new/", {"region": world.county_a.code, "year": year,
                                                        "title": "春季督导工作动态"})
    briefing = Briefing.objects.get(title="春季督导工作动态")
    assert response.status_code == 302 and response["Location"] == f"/planning/briefings/{briefing.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "还没有栏目" in page and "选用材料" in page and "撰写正文" in page
    # the picker (htmx partial): the visit with 亮点 of district A, not B's
    response = client.get(f"/planning/briefings/{briefing.pk}/materials/?source=zones.visit_highlights",
                          HTTP_HX_REQUEST="true")
    assert response.status_code == 200, response
    part = response.content.decode()
    assert "甲区第一小学督导亮点" in part and "乙县" not in part and "<html" not in part
    assert "选用" in part
    full = client.get(f"/planning/briefings/{briefing.pk}/materials/?source=inspections.results&q=综合")
    assert full.status_code == 200 and "甲区2026年综合督导结果" in full.content.decode()
    client.post(f"/planning/briefings/{briefing.pk}/sections/add/", {
        "kind": "visit", "source_key": f"zones.visit:{materials.visit.pk}", "text": "被忽略"})
    client.post(f"/planning/briefings/{briefing.pk}/sections/add/", {
        "kind": "inspection", "source_key": f"inspections.inspection:{materials.inspection.pk}"})
    client.post(f"/planning/briefings/{briefing.pk}/sections/add/", {
        "kind": "text", "heading": "下一步工作", "text": "第一段。\n第二段。"})
    sections = list(briefing.sections.order_by("order"))
    assert [s.kind for s in sections] == ["visit", "inspection", "text"]
    part = client.get(f"/planning/briefings/{briefing.pk}/materials/?source=zones.visit_highlights",
                      HTTP_HX_REQUEST="true").content.decode()
    assert "已选用" in part
    client.post(f"/planning/briefings/{briefing.pk}/sections/{sections[2].pk}/move/", {"direction": "up"})
    client.post(f"/planning/briefings/{briefing.pk}/sections/{sections[0].pk}/", {"heading": "亮点", "text": "改写。"})
    assert [s.heading for s in briefing.sections.order_by("order")] == ["亮点", "下一步工作", "甲区2026年综合督导结果"]
    response = client.post(f"/planning/briefings/{briefing.pk}/issue/", follow=True)
    assert f"已印发：{year}年第1期" in response.content.decode()
    briefing.refresh_from_db()
    assert briefing.status == BriefingStatus.ISSUED and briefing.issue_no == 1
    page = client.get(f"/planning/briefings/{briefing.pk}/").content.decode()
    assert "栏目已固定" in page and "撰写正文" not in page and "向社会公开" in page
    # after issue the editor refuses with the Chinese message
    response = client.post(f"/planning/briefings/{briefing.pk}/sections/add/", {"kind": "text", "text": "晚了"},
                           follow=True)
    assert "栏目不能再修改" in response.content.decode()
    word = client.get(f"/planning/briefings/{briefing.pk}/download.docx")
    assert word.status_code == 200 and "attachment" in word["Content-Disposition"]
    text = docx_text(word.content)
    assert "督导简报" in text and f"{year}年第1期" in text and "第一段。\n第二段。" in text
    assert "示范" not in text and "甲区人民政府教育督导室" in text
    pdf = client.get(f"/planning/briefings/{briefing.pk}/download.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and len(pdf.content) > 5000
    assert client.get(f"/planning/briefings/{briefing.pk}/download.txt").status_code == 404
    response = client.post(f"/planning/briefings/{briefing.pk}/publish/", follow=True)
    assert "已在结果公开页面发布" in response.content.decode()


def test_refusals_show_their_message(world, login):
    client = login(world.office_a)
    briefing = _briefing(world)
    response = client.post(f"/planning/briefings/{briefing.pk}/issue/", follow=True)
    assert "还没有任何栏目，不能印发" in response.content.decode()
    response = client.post(f"/planning/briefings/{briefing.pk}/publish/", follow=True)
    assert "须先印发" in response.content.decode()
    response = client.post(f"/planning/briefings/{briefing.pk}/sections/add/", {"kind": "text", "text": ""}, follow=True)
    assert "正文不能为空" in response.content.decode()
    response = client.post("/planning/briefings/new/", {"region": world.county_b.code, "year": 2026, "title": "x"},
                           follow=True)
    assert "输入有误" in response.content.decode() and Briefing.objects.count() == 1
    assert client.get(f"/planning/briefings/{briefing.pk}/issue/").status_code == 405


def test_list_filters_exports_and_bounded_queries(world, login):
    for n in range(3):
        _briefing(world, title=f"第{n}期草稿")
    issued = _briefing(world, title="已印发的一期")
    services.section_add(actor=world.office_a, briefing=issued, kind="text", text="防溺水专项督导。")
    services.briefing_issue(actor=world.office_a, briefing=issued)
    services.briefing_create(actor=world.office_b, region=world.county_b, year=2026, title="乙县简报")
    client = login(world.office_a)
    page = client.get("/planning/briefings/").content.decode()
    assert "已印发的一期" in page and "第0期草稿" in page and "乙县简报" not in page and "新建一期简报" in page
    page = client.get("/planning/briefings/?status=issued").content.decode()
    assert "已印发的一期" in page and "第0期草稿" not in page
    services.section_add(actor=world.office_a, briefing=_briefing(world, title="两个栏目"), kind="text", text="防溺水。")
    page = client.get("/planning/briefings/?q=防溺水").content.decode()
    assert "已印发的一期" in page and "两个栏目" in page and "第1期草稿" not in page
    export = client.get("/planning/briefings/?q=防溺水&export=xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0).to_python()
    assert sorted(r[5] for r in rows[1:]) == [1, 1]  # 栏目数 counted once whatever the search matched
    page = client.get("/planning/briefings/?year=1999").content.decode()
    assert "没有符合条件的简报" in page
    export = client.get("/planning/briefings/?export=xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0).to_python()
    assert rows[0][:3] == ["年度", "期号", "标题"] and len(rows) == 6 and ["第1期", "已印发的一期"] in [r[1:3] for r in rows]
    with CaptureQueriesContext(connection) as few:
        client.get("/planning/briefings/")
    for n in range(20):
        _briefing(world, title=f"更多{n}")
    with CaptureQueriesContext(connection) as many:
        client.get("/planning/briefings/")
    assert len(many) == len(few)


def test_scope_404s_and_the_leader_reads_only(world, login, materials):
    briefing = _briefing(world)
    section = services.section_add(actor=world.office_a, briefing=briefing, kind="text", text="正文")
    urls = [f"/planning/briefings/{briefing.pk}/", f"/planning/briefings/{briefing.pk}/download.docx",
            f"/planning/briefings/{briefing.pk}/materials/"]
    posts = [f"/planning/briefings/{briefing.pk}/issue/", f"/planning/briefings/{briefing.pk}/publish/",
             f"/planning/briefings/{briefing.pk}/sections/add/",
             f"/planning/briefings/{briefing.pk}/sections/{section.pk}/delete/"]
    for user in (world.office_b, world.principal_a, world.town_a, world.inspector_a):
        client = login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user.username, url)
        for url in posts:
            assert client.post(url, {"kind": "text", "text": "x"}).status_code == 404, (user.username, url)
        client.logout()
    for user in (world.principal_a, world.town_a):
        client = login(user)
        assert client.get("/planning/briefings/").status_code == 404
        assert client.get("/planning/submissions/").status_code == 404
        client.logout()
    client = login(world.office_b)
    assert "督导工作动态" not in client.get("/planning/briefings/").content.decode()
    client.logout()
    leader = login(world.leader_a)
    page = leader.get(f"/planning/briefings/{briefing.pk}/").content.decode()
    assert "正文" in page and "撰写正文" not in page and "印发</button>" not in page
    assert leader.get(f"/planning/briefings/{briefing.pk}/materials/").status_code == 404
    assert leader.post(f"/planning/briefings/{briefing.pk}/issue/").status_code == 404
    assert Briefing.objects.get(pk=briefing.pk).status == BriefingStatus.DRAFT
    # a section of another briefing through this one's URL is a 404
    other = _briefing(world, title="另一期")
    client = login(world.office_a)
    assert client.post(f"/planning/briefings/{other.pk}/sections/{section.pk}/delete/").status_code == 404


def test_submission_pages(world, login, media):
    client = login(world.office_a)
    form = client.get("/planning/submissions/new/")
    page = form.content.decode()
    assert form.status_code == 200 and world.unit_a.name in page and world.unit_b.name not in page
    today = timezone.localdate().isoformat()
    base = {"region": world.county_a.code, "kind": "report", "title": "上半年督导报告", "sent_on": today,
            "recipient_unit": "", "recipient": "", "briefing": "", "note": ""}
    response = client.post("/planning/submissions/new/", {**base, "upload": pdf_upload()})
    assert response.status_code == 400 and "请选择报送单位，或填写报送对象" in response.content.decode()
    response = client.post("/planning/submissions/new/", {**base, "recipient": "市教育督导室"})
    assert response.status_code == 400 and "请上传报送的文件" in response.content.decode()
    response = client.post("/planning/submissions/new/", {**base, "recipient": "市教育督导室", "upload": exe_as_pdf()})
    assert response.status_code == 400 and "不是支持的文档" in response.content.decode()
    response = client.post("/planning/submissions/new/", {**base, "recipient_unit": world.unit_b.pk,
                                                          "upload": pdf_upload()})
    assert response.status_code == 400  # not a choice of this office
    assert not Submission.objects.exists()
    response = client.post("/planning/submissions/new/", {**base, "recipient_unit": world.unit_a.pk,
                                                          "upload": pdf_upload()})
    assert response.status_code == 302
    item = Submission.objects.get()
    page = client.get("/planning/submissions/").content.decode()
    assert "上半年督导报告" in page and world.unit_a.name in page and "报告.pdf" in page and "删除" in page
    assert "/documents/f/" in page
    export = client.get("/planning/submissions/?export=xlsx&kind=report")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "报送日期" and rows[1][2] == "上半年督导报告"
    assert "没有符合条件的报送记录" in client.get("/planning/submissions/?kind=briefing").content.decode()
    assert "日期请按" in client.get("/planning/submissions/?date_from=昨天").content.decode()
    leader = login(world.leader_a)
    page = leader.get("/planning/submissions/").content.decode()
    assert "上半年督导报告" in page and "删除</button>" not in page
    assert leader.get("/planning/submissions/new/").status_code == 404
    assert leader.post(f"/planning/submissions/{item.pk}/delete/").status_code == 404
    other = login(world.office_b)
    assert "上半年督导报告" not in other.get("/planning/submissions/").content.decode()
    assert other.post(f"/planning/submissions/{item.pk}/delete/").status_code == 404
    client = login(world.office_a)
    response = client.post(f"/planning/submissions/{item.pk}/delete/", follow=True)
    assert "已删除报送记录" in response.content.decode() and not Submission.objects.exists()
