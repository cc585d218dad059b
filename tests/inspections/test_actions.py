"""One action, one view: each project and target action has its own POST-only URL. For each: it works, a
refusal comes back as the Chinese message with nothing changed, and someone without the role or outside the
county gets 404. The rules behind the buttons (self-assessment, recusal, what may I do now) are selectors the
pages and the API share."""

import datetime

import pytest
from django.utils import timezone

from dudao.core.errors import ApplicationError
from dudao.inspections import opinions, selectors, services
from dudao.inspections.models import Inspection, InspectionStage, Score
from dudao.people.services import inspector_save
from tests.inspections.conftest import LEAVES, go, ready

STAGES = [InspectionStage.NOTIFIED, InspectionStage.SELF, InspectionStage.REVIEW, InspectionStage.ONSITE,
          InspectionStage.DELIBERATION, InspectionStage.FEEDBACK]
PROJECT_URLS = ["advance", "number", "targets", "team", "batch", "batch/retry"]
TARGET_URLS = ["scores", "materials", "review", "appeal", "appeal/respond", "opinion"]


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"])


def test_every_action_url_refuses_a_get_cleanly(world, project, expert_user, login):
    targets = ready(world, project, expert_user)
    office = login(world.office_a)
    for url in [f"/inspections/{project.pk}/{a}/" for a in PROJECT_URLS] + [
            f"/inspections/targets/{targets[0].pk}/{a}/" for a in TARGET_URLS]:
        assert office.get(url).status_code == 405, url
    assert office.get(f"/inspections/{project.pk}/").status_code == 200  # the pages stay GET
    assert office.get(f"/inspections/targets/{targets[0].pk}/").status_code == 200
    assert office.post(f"/inspections/targets/{targets[0].pk}/", {"action": "review"}).status_code == 405


def test_project_actions_work_refuse_and_404_outside(world, project, expert_user, login):
    office = login(world.office_a)
    ok = office.post(f"/inspections/{project.pk}/number/", {"number": "甲督〔2026〕9号"}, follow=True)
    assert "文号已保存。" in messages_of(ok)
    bad = office.post(f"/inspections/{project.pk}/number/", {"number": " "}, follow=True)
    assert "请填写文号。" in messages_of(bad)
    assert Inspection.objects.get(pk=project.pk).notice_number == "甲督〔2026〕9号"
    bad = office.post(f"/inspections/{project.pk}/advance/", {"to": "notified"}, follow=True)
    assert "还没有督导对象" in messages_of(bad) and Inspection.objects.get(pk=project.pk).stage == InspectionStage.PLANNED
    bad = office.post(f"/inspections/{project.pk}/targets/", {"school_types": ["primary"], "count": "两"}, follow=True)
    assert "抽样数量应为正整数。" in messages_of(bad) and not project.targets.exists()
    done = office.post(f"/inspections/{project.pk}/targets/", {"school_types": ["primary"]}, follow=True)
    assert "已添加督导对象。" in messages_of(done) and project.targets.count() == 2
    target = project.targets.order_by("pk").first()
    bad = office.post(f"/inspections/{project.pk}/team/", {"target": target.pk, "user": 0}, follow=True)
    assert "请选择督导对象和成员。" in messages_of(bad)
    done = office.post(f"/inspections/{project.pk}/team/", {"target": target.pk, "user": world.inspector_a.pk,
                                                              "role": "leader"}, follow=True)
    assert "督导组已更新。" in messages_of(done) and target.team.filter(user=world.inspector_a).exists()
    bad = office.post(f"/inspections/{project.pk}/batch/", follow=True)
    assert "该项目还没有督导意见书。" in messages_of(bad)
    bad = office.post(f"/inspections/{project.pk}/batch/retry/", follow=True)
    assert "该项目没有批量生成记录。" in messages_of(bad)
    # Someone in scope but not the office, and another county's office: 404 for every project action.
    for user in (world.leader_a, world.office_b, world.principal_a):
        client = login(user)
        for action in PROJECT_URLS:
            assert client.post(f"/inspections/{project.pk}/{action}/", {"number": "X", "to": "notified",
                                                                         "school_types": ["primary"]}).status_code == 404
    project.refresh_from_db()
    assert project.notice_number == "甲督〔2026〕9号" and project.stage == InspectionStage.PLANNED


def test_target_actions_work_refuse_and_404_outside(world, project, expert_user, login):
    targets = ready(world, project, expert_user)
    target = targets[0]
    principal = login(world.principal_a)
    bad = principal.post(f"/inspections/targets/{target.pk}/materials/", {"report": "自评报告"}, follow=True)
    assert "只能在“自评中”阶段提交自评材料。" in messages_of(bad)
    go(world, project, InspectionStage.NOTIFIED, InspectionStage.SELF)
    ok = principal.post(f"/inspections/targets/{target.pk}/materials/", {"report": "自评报告"}, follow=True)
    assert "自评材料已提交。" in messages_of(ok)
    assert login(world.office_b).post(f"/inspections/targets/{target.pk}/materials/", {"report": "x"}).status_code == 404
    # review: the office only (404 for the principal and the team), in 材料审核
    for user in (world.principal_a, world.inspector_a, world.office_b):
        assert login(user).post(f"/inspections/targets/{target.pk}/review/", {"note": "补"}).status_code == 404
    office = login(world.office_a)
    bad = office.post(f"/inspections/targets/{target.pk}/review/", {"note": "请补充"}, follow=True)
    assert "只能在“材料审核”阶段填写审核意见。" in messages_of(bad)
    go(world, project, InspectionStage.REVIEW)
    ok = office.post(f"/inspections/targets/{target.pk}/review/", {"note": "请补充"}, follow=True)
    assert "审核意见已保存。" in messages_of(ok)
    # opinion: the office, while 汇总评议 or 意见反馈
    bad = office.post(f"/inspections/targets/{target.pk}/opinion/", {"evaluation": "好"}, follow=True)
    assert "督导意见书在“汇总评议”或“意见反馈”阶段撰写" in messages_of(bad)
    go(world, project, InspectionStage.ONSITE)
    for t in targets:
        for leaf in LEAVES:
            services.score_record(actor=world.inspector_a, target=t, leaf=leaf, value="A")
    go(world, project, InspectionStage.DELIBERATION)
    bad = office.post(f"/inspections/targets/{target.pk}/opinion/", {"evaluation": " "}, follow=True)
    assert "请填写总体评价。" in messages_of(bad)
    assert login(world.inspector_a).post(f"/inspections/targets/{target.pk}/opinion/",
                                         {"evaluation": "好"}).status_code == 404
    office = login(world.office_a)
    due = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    ok = office.post(f"/inspections/targets/{target.pk}/opinion/", {"evaluation": "办学规范。", "p-text": ["问题"],
                                                                    "p-req": ["要求"], "p-due": [due]}, follow=True)
    assert "督导意见书已保存。" in messages_of(ok)
    # appeal: the target's own users, in 意见反馈; the answer: the office
    principal = login(world.principal_a)  # one test client: each login replaces the session
    bad = principal.post(f"/inspections/targets/{target.pk}/appeal/", {"text": "有异议"}, follow=True)
    assert "只能在“意见反馈”阶段申辩。" in messages_of(bad) and not target.appeals.exists()
    go(world, project, InspectionStage.FEEDBACK)
    principal = login(world.principal_a)
    ok = principal.post(f"/inspections/targets/{target.pk}/appeal/", {"text": "有异议"}, follow=True)
    assert "申辩已提交，督导室将予以答复。" in messages_of(ok)
    appeal = target.appeals.get()
    assert principal.post(f"/inspections/targets/{target.pk}/appeal/respond/",
                          {"appeal": appeal.pk, "response": "维持"}).status_code == 404
    office = login(world.office_a)
    assert office.post(f"/inspections/targets/{targets[1].pk}/appeal/respond/",  # another target's appeal
                       {"appeal": appeal.pk, "response": "维持"}).status_code == 404
    bad = office.post(f"/inspections/targets/{target.pk}/appeal/respond/", {"appeal": appeal.pk, "response": ""},
                      follow=True)
    assert "请填写答复。" in messages_of(bad)
    ok = office.post(f"/inspections/targets/{target.pk}/appeal/respond/", {"appeal": appeal.pk, "response": "维持"},
                     follow=True)
    assert "已答复申辩。" in messages_of(ok) and opinions.open_appeals(project) == 0


def test_scores_url_saves_all_or_nothing_and_404_outside(world, project, expert_user, login):
    targets = ready(world, project, expert_user)
    go(world, project, *STAGES[:4])
    expert = login(expert_user)
    bad = expert.post(f"/inspections/targets/{targets[0].pk}/scores/", {"v-A1.1": "B", "v-A1.2": "Z"})
    assert bad.status_code == 400 and "全部未保存" in bad.content.decode() and not Score.objects.exists()
    ok = expert.post(f"/inspections/targets/{targets[0].pk}/scores/", {"v-A1.1": "B"}, follow=True)
    assert "已保存 1 项评分" in messages_of(ok) and Score.objects.count() == 1
    assert login(world.office_b).post(f"/inspections/targets/{targets[0].pk}/scores/",
                                      {"v-A1.1": "B"}).status_code == 404


def test_what_each_person_may_do_on_a_target_follows_role_and_stage(world, project, expert_user):
    targets = ready(world, project, expert_user)
    target = targets[0]
    go(world, project, InspectionStage.NOTIFIED, InspectionStage.SELF)
    target.refresh_from_db()
    assert selectors.is_self_assessment(world.principal_a, target)
    assert not selectors.is_self_assessment(world.inspector_a, target)
    assert selectors.target_actions(world.principal_a, target) == {"self_score", "materials"}
    assert selectors.target_actions(world.office_a, target) == {"appeal_respond"}
    assert selectors.target_actions(expert_user, target) == frozenset()
    go(world, project, InspectionStage.REVIEW, InspectionStage.ONSITE)
    target = type(target).objects.select_related("inspection").get(pk=target.pk)
    assert not selectors.is_self_assessment(world.principal_a, target)
    assert selectors.target_actions(expert_user, target) == {"score"}
    assert selectors.target_actions(world.principal_a, target) == frozenset()
    assert selectors.project_actions(world.leader_a, target.inspection) == frozenset()
    assert {"advance", "team", "number"} <= selectors.project_actions(world.office_a, target.inspection)
    assert "targets" not in selectors.project_actions(world.office_a, target.inspection)


def test_the_api_uses_the_same_self_assessment_rule(world, project, expert_user, login):
    targets = ready(world, project, expert_user)
    go(world, project, InspectionStage.NOTIFIED, InspectionStage.SELF)
    sheet = login(world.principal_a).get(f"/api/v1/inspections/targets/{targets[0].pk}/sheet").json()
    assert sheet["self_assessment"] is True and len(sheet["leaves"]) == 8
    sheet = login(world.inspector_a).get(f"/api/v1/inspections/targets/{targets[0].pk}/sheet").json()
    assert sheet["self_assessment"] is False


def test_recusal_a_member_linked_to_the_school_later_may_not_score_it(world, project, expert_user, login):
    """回避: put on the team first, then registered as working at the school: the sheet is empty, the page has
    no form, the API and the service refuse."""
    from tests.zones.conftest import make_inspector

    targets = ready(world, project, expert_user)
    record = make_inspector(world.office_a, world.county_a, "DX009", "专家王", user=expert_user)
    go(world, project, *STAGES[:4])
    targets = [type(t).objects.select_related("inspection__framework").get(pk=t.pk) for t in targets]
    assert selectors.target_actions(expert_user, targets[0]) == {"score"}
    inspector_save(actor=world.office_a, inspector=record, home_school_id=targets[0].school_id)
    target = targets[0]
    assert selectors.target_actions(expert_user, target) == frozenset()
    assert selectors.score_sheet(target, expert_user, False) == []
    client = login(expert_user)
    assert 'id="score-form"' not in client.get(f"/inspections/targets/{target.pk}/").content.decode()
    refused = client.post(f"/api/v1/inspections/targets/{target.pk}/scores", [{"leaf": "A1.1", "value": "A"}],
                          content_type="application/json")
    assert refused.status_code == 400 and "回避" in refused.json()["errors"][0]["message"]
    with pytest.raises(ApplicationError, match="回避：专家王|回避：王专家"):
        services.score_record(actor=expert_user, target=target, leaf="A1.1", value="A")
    assert not Score.objects.filter(scorer=expert_user).exists()
    # the other target, not linked: still theirs to score
    assert selectors.target_actions(expert_user, targets[1]) == {"score"}
    # and the team cannot take them on again for the linked school
    with pytest.raises(ApplicationError, match="回避"):
        services.team_assign(actor=world.office_a, target=target, user=expert_user, role="expert")
