"""One action, one URL for surveys: each action on a round, its answers or a questionnaire has its own
POST-only view. A GET is refused (405); anyone but the county's office gets 404 and nothing changes; each
works, and a refusal comes back as the Chinese message."""

from dudao.surveys.models import Questionnaire, SurveyResponse
from tests.surveys.test_pages import fill

ROUND_URLS = ["close/", "finding/", "codes/", "recognition/", "answers/exclude-flagged/", "answers/exclude/",
              "answers/include/"]
QUESTIONNAIRE_URLS = ["questions/", "questions/up/", "questions/down/", "questions/remove/", "save/", "publish/",
                      "new-version/"]


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def _questionnaire(client, world) -> Questionnaire:
    client.post("/surveys/questionnaires/", {"county": world.county_a.code, "template": "teacher"})
    return Questionnaire.objects.get(template_code="teacher")


def test_round_actions_one_url_each(world, survey, login):
    fill(survey, world.schools_a[0], 2)
    office = login(world.office_a)
    for url in ROUND_URLS:
        assert office.get(f"/surveys/{survey.pk}/{url}").status_code == 405, url
    response = SurveyResponse.objects.filter(round=survey).first()
    for user in (world.office_b, world.principal_a, world.leader_a):
        client = login(user)
        for url in ROUND_URLS:
            assert client.post(f"/surveys/{survey.pk}/{url}", {"response": response.pk}).status_code == 404, url
    survey.refresh_from_db()
    assert survey.is_open() and not SurveyResponse.objects.filter(excluded=True).exists()
    office = login(world.office_a)
    bad = office.post(f"/surveys/{survey.pk}/codes/", {"school": world.schools_a[0].pk, "count": 0}, follow=True)
    assert "请选择学校并填写 1—2000 的数量。" in messages_of(bad)
    done = office.post(f"/surveys/{survey.pk}/answers/exclude/?school={world.schools_a[0].pk}",
                       {"response": response.pk, "note": "重复提交"})
    assert done.status_code == 302 and done["Location"].endswith(f"/answers/?school={world.schools_a[0].pk}")
    assert SurveyResponse.objects.get(pk=response.pk).excluded
    done = office.post(f"/surveys/{survey.pk}/answers/include/", {"response": response.pk}, follow=True)
    assert "答卷已恢复计入。" in messages_of(done) and not SurveyResponse.objects.get(pk=response.pk).excluded
    done = office.post(f"/surveys/{survey.pk}/answers/exclude-flagged/", {"note": "批量"}, follow=True)
    assert "疑似异常答卷已剔除。" in messages_of(done)
    done = office.post(f"/surveys/{survey.pk}/close/", follow=True)
    assert "调查已结束。" in messages_of(done)
    survey.refresh_from_db()
    assert not survey.is_open() and survey.closed_at


def test_questionnaire_actions_one_url_each(world, login):
    office = login(world.office_a)
    q = _questionnaire(office, world)
    for url in QUESTIONNAIRE_URLS:
        assert office.get(f"/surveys/questionnaires/{q.pk}/{url}").status_code == 405, url
    section = next(i for i, s in enumerate(q.definition["sections"]) if len(s["questions"]) > 1)
    first = q.definition["sections"][section]["questions"][0]["code"]
    for user in (world.office_b, world.leader_a):
        client = login(user)
        for url in QUESTIONNAIRE_URLS:
            assert client.post(f"/surveys/questionnaires/{q.pk}/{url}", {"code": first}).status_code == 404, url
    office = login(world.office_a)
    bad = office.post(f"/surveys/questionnaires/{q.pk}/save/", {"title": "", "definition": "{"})
    assert bad.status_code == 400 and "输入有误" in messages_of(bad)
    done = office.post(f"/surveys/questionnaires/{q.pk}/questions/down/", {"code": first}, follow=True)
    assert "已更新。" in messages_of(done)
    q.refresh_from_db()
    assert q.definition["sections"][section]["questions"][1]["code"] == first
    office.post(f"/surveys/questionnaires/{q.pk}/questions/up/", {"code": first})
    office.post(f"/surveys/questionnaires/{q.pk}/questions/remove/", {"code": first})
    q.refresh_from_db()
    assert first not in [x["code"] for s in q.definition["sections"] for x in s["questions"]]
    bad = office.post(f"/surveys/questionnaires/{q.pk}/new-version/", follow=True)
    assert "草稿可以直接修改，无需生成新版本。" in messages_of(bad) and Questionnaire.objects.count() == 1
    office.post(f"/surveys/questionnaires/{q.pk}/publish/")
    done = office.post(f"/surveys/questionnaires/{q.pk}/new-version/")
    newer = Questionnaire.objects.exclude(pk=q.pk).get()
    assert done["Location"] == f"/surveys/questionnaires/{newer.pk}/" and newer.version == 2
