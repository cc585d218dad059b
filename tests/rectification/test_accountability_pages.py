"""约谈 and 问责 through the pages: propose from the ledger, record the talk, file a case and walk its steps."""

import datetime

import pytest
from django.utils import timezone

from dudao.rectification.models import AccountabilityCase, Finding, Talk
from tests.rectification.conftest import evidence, on_the_day

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _on_today():
    with on_the_day(TODAY):
        yield


def test_talk_from_the_ledger_to_a_case_with_a_decision(world, ledger, login):
    office = login(world.office_a)
    ids = [f.pk for f in ledger.findings]
    assert "消防通道" in office.get("/rectification/talks/new/", {"ids": ids}).content.decode()
    response = office.post("/rectification/talks/new/", {"findings": ",".join(map(str, ids)), "reason": "问题长期未整改。"})
    talk = Talk.objects.get()
    assert response["Location"] == f"/rectification/talks/{talk.pk}/"
    due = (TODAY + datetime.timedelta(days=20)).isoformat()
    page = office.post(f"/rectification/talks/{talk.pk}/hold/", {
        "held_on": TODAY.isoformat(), "conducted_by": "区教育督导委员会办公室", "persons": "王某（校长）",
        "content": "指出问题，提出整改要求。", "commit_text_0": "两周内清理消防通道", "commit_due_0": "",
    }, follow=True).content.decode()
    assert "每项整改承诺都要写明内容和完成期限" in page
    talk.refresh_from_db()
    assert talk.status == "proposed"
    office.post(f"/rectification/talks/{talk.pk}/hold/", {
        "held_on": TODAY.isoformat(), "conducted_by": "区教育督导委员会办公室", "persons": "王某（校长）",
        "content": "指出问题，提出整改要求。", "recipients": "区教育局", "commit_text_0": "两周内清理消防通道",
        "commit_due_0": due, "record": evidence("约谈记录.jpg")})
    talk.refresh_from_db()
    assert talk.status == "held" and Finding.objects.filter(source="talk").count() == 1
    page = office.get(f"/rectification/talks/{talk.pk}/").content.decode()
    assert "约谈记录.jpg" in page and "据此立案问责" in page

    form = office.get(f"/rectification/cases/new/?talk={talk.pk}").content.decode()
    assert world.schools_a[0].code in form
    office.post("/rectification/cases/new/", {
        "target_kind": "person", "code": world.schools_a[0].code, "person_name": "王某", "person_post": "校长",
        "situation": "duty", "facts": "约谈后仍未整改。", "filed_on": TODAY.isoformat(), "talk": talk.pk})
    case = AccountabilityCase.objects.get()
    assert case.talk == talk and case.findings.count() == 3
    page = office.post(f"/rectification/cases/{case.pk}/step/", {"step": "decided", "on": TODAY.isoformat()},
                       follow=True).content.decode()
    assert "陈述申辩之前，不能作出问责决定" in page
    for step, note in [("investigated", "认定属实"), ("notified", "已送达"), ("defended", "放弃申辩"), ("reviewed", "同意")]:
        office.post(f"/rectification/cases/{case.pk}/step/", {"step": step, "on": TODAY.isoformat(), "note": note})
    page = office.get(f"/rectification/cases/{case.pk}/").content.decode()
    assert "作出决定" in page and "通报批评" in page and "资源调整" not in page  # forms for a person only
    office.post(f"/rectification/cases/{case.pk}/step/", {
        "step": "decided", "on": TODAY.isoformat(), "decision_form": "criticism", "decision_basis": "依据问责办法第十条。",
        "effective_on": TODAY.isoformat()})
    case.refresh_from_db()
    assert case.step == "decided" and case.decision_form == "criticism"
    assert case.number in office.get("/rectification/cases/").content.decode()
    assert login(world.principal_a).get(f"/rectification/cases/{case.pk}/").status_code == 404
    assert login(world.office_b).get(f"/rectification/talks/{talk.pk}/").status_code == 404


def test_an_unknown_code_is_refused(world, ledger, login):
    page = login(world.office_a).post("/rectification/cases/new/", {
        "target_kind": "unit", "code": world.schools_b[0].code, "situation": "duty", "facts": "x",
        "filed_on": TODAY.isoformat()}).content.decode()
    assert "未找到学校或单位" in page and not AccountabilityCase.objects.exists()


def test_a_commendation_shows_next_to_the_problems(world, ledger, login):
    school = world.schools_a[0]
    office = login(world.office_a)
    url = f"/rectification/record/school/{school.pk}/"
    page = office.post(url, {"title": "督导评估优秀学校", "reason": "整改及时到位。", "basis": "", "awarded_by": "区教育督导委员会",
                             "awarded_on": TODAY.isoformat()}).content.decode()
    assert "这个字段是必填项" in page
    office.post(url, {"title": "督导评估优秀学校", "reason": "整改及时到位。", "basis": "2026年度办学行为督导评估（优秀）",
                      "awarded_by": "区教育督导委员会", "awarded_on": TODAY.isoformat()})
    assert "整改与表彰" in office.get(f"/schools/{school.pk}/").content.decode()
    future = office.post(url, {"title": "x", "reason": "x", "basis": "x", "awarded_by": "x",
                               "awarded_on": (TODAY + datetime.timedelta(days=1)).isoformat()}).content.decode()
    assert "表彰日期不能晚于今天" in future
    page = login(world.principal_a).get(url).content.decode()  # the same client, now the principal's session
    assert "督导评估优秀学校" in page and "食堂留样记录不全" in page and "登记表彰" not in page
    assert login(world.principal_a).post(url, {"title": "自评优秀"}).status_code == 404
    assert login(world.office_b).get(url).status_code == 404
