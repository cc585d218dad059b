"""Survey pages, downloads and API: the public page (no login), the office's pages, scope (404 for other
districts, aggregates only for schools), and hostile text escaped in the page, the .docx and the .xlsx."""

import io
import json
import zipfile

import pytest
from django.test import Client
from docx import Document
from python_calamine import CalamineWorkbook

from dudao.surveys.models import AccessCode, SurveyResponse
from dudao.surveys.responses import response_submit
from tests.surveys.conftest import answers

HOSTILE = '<script>alert("x")</script>=HYPERLINK("http://evil")'


def fill(survey, school, n, overall=5, text=""):
    for i in range(n):
        response_submit(survey_round=survey, school=school, raw_answers=answers(overall=overall, q7=text),
                        ip=f"10.7.{school.pk}.{i}", device=f"p{school.pk}-{i}")


def post_form(client, survey, school, data):
    return client.post(f"/public/survey/{survey.token}/{school.code}/", data, REMOTE_ADDR="10.8.0.1")


FORM = {"q1": "母亲", "q2": "5", **{f"q3.{i}": "4" for i in range(1, 9)}, "q4": "30分钟以内", "q5": "没有"}


def test_public_page_answers_once_per_device(world, survey):
    client = Client(enforce_csrf_checks=False)
    page = client.get(f"/public/survey/{survey.token}/{world.schools_a[0].code}/")
    assert page.status_code == 200 and "家长满意度" in page.content.decode()
    done = post_form(client, survey, world.schools_a[0], FORM)
    assert done.status_code == 200 and "提交成功" in done.content.decode()
    again = post_form(client, survey, world.schools_a[0], FORM)
    assert again.status_code == 409 and "已经提交过" in again.content.decode()
    assert SurveyResponse.objects.count() == 1
    reopened = client.get(f"/public/survey/{survey.token}/{world.schools_a[0].code}/").content.decode()
    assert "您已提交" in reopened and 'name="q1"' not in reopened  # not a blank questionnaire again
    other_phone = Client().get(f"/public/survey/{survey.token}/{world.schools_a[0].code}/").content.decode()
    assert "您已提交" not in other_phone and 'name="q1"' in other_phone
    forged = Client()
    forged.cookies["dudao_sv"] = "0123456789abcdef0123456789abcdef"  # unsigned: ignored
    assert 'name="q1"' in forged.get(f"/public/survey/{survey.token}/{world.schools_a[0].code}/").content.decode()


def test_public_page_keeps_answers_when_refused(world, survey):
    page = post_form(Client(), survey, world.schools_a[0], {**FORM, "q2": "", "q7": "我的意见很长"})
    html = page.content.decode()
    assert page.status_code == 400 and "此题为必答题" in html and "我的意见很长" in html
    assert 'value="4" checked' in html  # the matrix answers are still chosen
    assert SurveyResponse.objects.count() == 0


def test_unknown_links_are_404(world, survey):
    client = Client()
    assert client.get(f"/public/survey/nope/{world.schools_a[0].code}/").status_code == 404
    assert client.get(f"/public/survey/{survey.token}/{world.schools_b[0].code}/").status_code == 404


def test_api_public_post(world, survey):
    client = Client()
    url = f"/api/v1/public/surveys/{survey.token}/{world.schools_a[0].code}/responses"
    ok = client.post(url, {"answers": answers()}, content_type="application/json")
    assert ok.status_code == 201, ok.content
    assert client.post(url, {"answers": answers()}, content_type="application/json").status_code == 409  # cookie
    bad = Client().post(url, {"answers": {**answers(), "q2": 9}}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["errors"][0]["column"] == "q2"
    huge = Client().post(url, {"answers": {**answers(), "q7": "长" * 1_000_000}}, content_type="application/json")
    assert huge.status_code == 400 and "过长" in huge.json()["detail"]
    assert SurveyResponse.objects.count() == 1


def test_office_pages_and_hostile_text_escaped(world, survey, login):
    fill(survey, world.schools_a[0], 11, text=HOSTILE)
    client = login(world.office_a)
    for url in ["/surveys/", "/surveys/questionnaires/", f"/surveys/questionnaires/{survey.questionnaire_id}/",
                f"/surveys/questionnaires/{survey.questionnaire_id}/preview/", "/surveys/new/",
                f"/surveys/{survey.pk}/"]:
        assert client.get(url).status_code == 200, url
    answers_page = client.get(f"/surveys/{survey.pk}/answers/").content.decode()
    assert "<script>alert" not in answers_page and "&lt;script&gt;alert" in answers_page
    detail = client.get(f"/surveys/{survey.pk}/").content.decode()
    charts = json.loads(detail.split('<script id="survey-charts" type="application/json">')[1].split("</script>")[0])
    assert charts["threshold"] == 85 and charts["schools"][0]["rate"] == 100
    xlsx = client.get(f"/surveys/{survey.pk}/answers.xlsx")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content)).get_sheet_by_index(0).to_python()
    values = [v for row in rows for v in row]
    assert HOSTILE in values  # written as text, not a formula
    with zipfile.ZipFile(io.BytesIO(xlsx.content)) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()
    docx = client.get(f"/surveys/{survey.pk}/report.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "甲区2026年家长满意度调查" in text and "总体满意率 100.0%" in text
    assert client.get(f"/surveys/{survey.pk}/report.pdf").content[:4] == b"%PDF"
    assert client.get(f"/surveys/{survey.pk}/poster/{world.schools_a[0].pk}.pdf").content[:4] == b"%PDF"


def test_docx_escapes_hostile_school_text(world, survey, login):
    survey.schools.filter(pk=world.schools_a[0].pk)  # the school name is what reaches the table
    world.schools_a[0].name = '甲区<w:t>第一</w:t>小学&"'
    world.schools_a[0].save()
    fill(survey, world.schools_a[0], 10)
    docx = login(world.office_a).get(f"/surveys/{survey.pk}/report.docx")
    cells = [c.text for t in Document(io.BytesIO(docx.content)).tables for row in t.rows for c in row.cells]
    assert '甲区<w:t>第一</w:t>小学&"' in cells


def test_office_actions_from_the_page(world, survey, login):
    fill(survey, world.schools_a[1], 10, overall=1)
    client = login(world.office_a)
    page = client.get(f"/surveys/{survey.pk}/").content.decode()
    assert "提出问题" in page
    client.post(f"/surveys/{survey.pk}/finding/", {"school": world.schools_a[1].pk, "item": "q2",
                                           "due_date": "2027-01-15"})
    assert world.schools_a[1].finding_set.filter(source="survey").count() == 1
    client.post(f"/surveys/{survey.pk}/close/")
    survey.refresh_from_db()
    assert survey.closed_at is not None
    client.post(f"/surveys/{survey.pk}/recognition/")
    from dudao.monitoring.models import CountyInputs

    assert CountyInputs.objects.get(region=world.county_a, year=2026).recognition_rate is not None


def test_questionnaire_editor_flow(world, login):
    client = login(world.office_a)
    client.post("/surveys/questionnaires/", {"county": world.county_a.code, "template": "teacher"})
    from dudao.surveys.models import Questionnaire

    q = Questionnaire.objects.get(template_code="teacher")
    bad = client.post(f"/surveys/questionnaires/{q.pk}/questions/", {"section": "补充", "type": "single",
                                                          "text": "只有一个选项", "options": "是", "required": "on"},
                      follow=True)
    assert "至少需要 2 个" in bad.content.decode()
    client.post(f"/surveys/questionnaires/{q.pk}/questions/", {"section": "补充", "type": "multi",
                                                    "text": "您希望加强哪些培训？", "options": "教学\n德育\n信息技术"})
    q.refresh_from_db()
    assert q.definition["sections"][-1]["questions"][0]["options"] == ["教学", "德育", "信息技术"]
    client.post(f"/surveys/questionnaires/{q.pk}/publish/")
    q.refresh_from_db()
    assert q.is_published


@pytest.mark.parametrize("persona", ["office_b", "expert", "town_a"])
def test_other_users_get_404(world, survey, login, persona):
    client = login(getattr(world, persona))
    for url in [f"/surveys/{survey.pk}/", f"/surveys/{survey.pk}/answers/", f"/surveys/{survey.pk}/answers.xlsx",
                f"/surveys/questionnaires/{survey.questionnaire_id}/", f"/api/v1/surveys/rounds/{survey.pk}/results"]:
        assert client.get(url).status_code == 404, (persona, url)
    assert client.get("/api/v1/surveys/rounds").json()["items"] == []


def test_school_user_sees_own_aggregates_only(world, survey, login):
    fill(survey, world.schools_a[0], 10)
    fill(survey, world.schools_a[1], 10, overall=1)
    client = login(world.principal_a)
    html = client.get(f"/surveys/{survey.pk}/").content.decode()
    assert world.schools_a[1].name not in html and "提出问题" not in html
    assert client.get(f"/surveys/{survey.pk}/answers/").status_code == 404
    assert client.get(f"/surveys/{survey.pk}/answers.xlsx").status_code == 404
    data = client.get(f"/api/v1/surveys/rounds/{survey.pk}/results").json()
    assert [s["name"] for s in data["schools"]] == [world.schools_a[0].name] and "token" not in data["round"]
    leader = login(world.leader_a).get(f"/api/v1/surveys/rounds/{survey.pk}/results").json()
    assert len(leader["schools"]) == 3


def test_codes_pdf_lists_the_codes(world, published, login):
    import datetime

    from django.utils import timezone

    from dudao.surveys import services

    now = timezone.now()
    survey = services.round_create(actor=world.office_a, questionnaire=published, name="凭码调查", year=2026,
                                   schools=world.schools_a[:1], opens_at=now, use_codes=True,
                                   closes_at=now + datetime.timedelta(days=3))
    client = login(world.office_a)
    client.post(f"/surveys/{survey.pk}/codes/", {"school": world.schools_a[0].pk, "label": "一班",
                                           "count": 5})
    assert AccessCode.objects.filter(round=survey).count() == 5
    assert client.get(f"/surveys/{survey.pk}/codes/{world.schools_a[0].pk}.pdf").content[:4] == b"%PDF"


def test_round_list_shows_the_rounds(world, survey, login):
    html = login(world.office_a).get("/surveys/").content.decode()
    assert "甲区2026年家长满意度调查" in html and "暂无调查" not in html
    html = login(world.principal_a).get("/surveys/").content.decode()
    assert "甲区2026年家长满意度调查" in html


def test_scale_labels_from_the_editor(world, login):
    from dudao.surveys import services
    from dudao.surveys.models import Questionnaire

    q = services.questionnaire_from_template(actor=world.office_a, county=world.county_a, template_code="student")
    client = login(world.office_a)
    bad = client.post(f"/surveys/questionnaires/{q.pk}/questions/", {"section": "学习与生活", "type": "scale",
                                                          "text": "你喜欢上体育课吗？", "labels": "很喜欢/喜欢"}, follow=True)
    assert "5 个等级" in bad.content.decode()
    client.post(f"/surveys/questionnaires/{q.pk}/questions/", {"section": "学习与生活", "type": "scale",
                                                    "text": "你喜欢上体育课吗？",
                                                    "labels": "非常喜欢/喜欢/一般/不太喜欢/不喜欢"})
    added = Questionnaire.objects.get(pk=q.pk).definition["sections"][1]["questions"][-1]
    assert added["labels"][2] == "一般"
    preview = client.get(f"/surveys/questionnaires/{q.pk}/preview/").content.decode()
    assert "不太喜欢" in preview


def test_trend_counts_ended_rounds_and_marks_the_open_one(world, published, survey):
    import datetime

    from django.utils import timezone

    from dudao.surveys import selectors, services

    now = timezone.now()
    last_year = services.round_create(
        actor=world.office_a, questionnaire=published, name="甲区2025年家长满意度调查", year=2025,
        schools=world.schools_a[:3], opens_at=now - datetime.timedelta(days=3), closes_at=now + datetime.timedelta(days=7))
    fill(last_year, world.schools_a[0], 4, overall=5)
    fill(survey, world.schools_a[0], 4, overall=1)
    # The 2025 round is still open: seen from the 2026 round it is not a result yet.
    assert [t["year"] for t in selectors.trend(world.office_a, survey)] == [2026]
    services.round_close(actor=world.office_a, survey_round=last_year)
    rows = selectors.trend(world.office_a, survey)
    assert [(t["year"], t["ongoing"]) for t in rows] == [(2025, False), (2026, True)]
    assert rows[0]["rate"] == 1.0 and rows[1]["rate"] < 1.0
    assert [t["year"] for t in selectors.charts(selectors.round_results(world.office_a, survey), rows)["trend"]] == ["2025", "2026（进行中）"]
