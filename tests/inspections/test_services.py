"""Inspection projects: targets (chosen and sampled with a seed), teams with recusal, every allowed workflow move
and a sample of forbidden ones, scoring by team members only, self-assessment, results from the engine."""

import datetime
import io

import pytest
from django.utils import timezone
from docx import Document

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import Policy
from dudao.frameworks import services as frameworks
from dudao.inspections import opinions, services
from dudao.inspections.models import INSPECTION_WORKFLOW, Inspection, InspectionStage, Opinion, Transition
from dudao.rectification.models import Finding
from tests.inspections.conftest import LEAVES, go, ready


def test_draft_frameworks_cannot_be_used(world):
    draft = frameworks.framework_from_template(actor=world.office_a, region=world.county_a, template_code="zone")
    with pytest.raises(ApplicationError, match="已定版"):
        services.inspection_create(actor=world.office_a, county=world.county_a, name="x", kind="special",
                                   framework=draft, year=2026, starts_on=datetime.date(2026, 1, 1),
                                   ends_on=datetime.date(2026, 2, 1))


def test_sampling_is_reproducible_from_the_seed(world, project):
    from dudao.schools.models import School

    candidates = School.objects.filter(region__code__startswith=world.county_a.code)
    first = services.targets_sample(actor=world.office_a, inspection=project, candidates=candidates, count=3, seed=42)
    project.refresh_from_db()
    assert project.sample_seed == 42 and len(first) == 3
    again = Inspection.objects.create(county=project.county, name="复现", kind="special", framework=project.framework,
                                      year=2026, starts_on=project.starts_on, ends_on=project.ends_on,
                                      created_by=world.office_a)
    second = services.targets_sample(actor=world.office_a, inspection=again, candidates=candidates, count=3, seed=42)
    assert [t.school_id for t in first] == [t.school_id for t in second]
    with pytest.raises(ApplicationError, match="抽样数量"):
        services.targets_sample(actor=world.office_a, inspection=again, candidates=candidates, count=99)
    with pytest.raises(ApplicationError, match="不在甲区"):
        services.targets_add(actor=world.office_a, inspection=project, schools=world.schools_b[:1])


def test_recusal_and_one_leader(world, project, expert_user):
    target = services.targets_add(actor=world.office_a, inspection=project, schools=world.schools_a[:1])[0]
    with pytest.raises(ApplicationError, match="回避"):
        services.team_assign(actor=world.office_a, target=target, user=world.principal_a, role="expert")
    services.team_assign(actor=world.office_a, target=target, user=world.inspector_a, role="leader")
    with pytest.raises(ApplicationError, match="只能有一名组长"):
        services.team_assign(actor=world.office_a, target=target, user=expert_user, role="leader")
    with pytest.raises(ApplicationError, match="考查要点不存在"):
        services.team_assign(actor=world.office_a, target=target, user=expert_user, role="expert", leaves=["Z9"])


def test_busy_people_get_a_warning(world, project, expert_user):
    Policy.objects.create(key="inspections.concurrent_projects_max", region_code="", value=0)
    target = services.targets_add(actor=world.office_a, inspection=project, schools=world.schools_a[:1])[0]
    _member, warnings = services.team_assign(actor=world.office_a, target=target, user=expert_user, role="expert")
    assert warnings and "同时参加 1 个" in warnings[0]


def test_every_allowed_move_and_forbidden_ones(world, project, expert_user):
    with pytest.raises(ApplicationError, match="文号") as exc:
        go(world, project, InspectionStage.NOTIFIED)
    assert "没有督导对象" in exc.value.message
    ready(world, project, expert_user)
    with pytest.raises(ApplicationError, match="可转到：已通知"):
        go(world, project, InspectionStage.ONSITE)
    project = go(world, project, InspectionStage.NOTIFIED, InspectionStage.SELF, InspectionStage.REVIEW)
    with pytest.raises(ApplicationError, match="理由"):
        go(world, project, InspectionStage.SELF)
    project = go(world, project, InspectionStage.SELF, note="自评材料不全，请补充")
    project = go(world, project, InspectionStage.REVIEW, InspectionStage.ONSITE, InspectionStage.DELIBERATION)
    project = go(world, project, InspectionStage.ONSITE, note="补充评分")
    project = go(world, project, InspectionStage.DELIBERATION)
    with pytest.raises(ApplicationError, match="未评分"):
        go(world, project, InspectionStage.FEEDBACK)
    project.refresh_from_db()
    assert project.stage == InspectionStage.DELIBERATION
    stages = [t.to_status for t in Transition.objects.filter(inspection=project)]
    assert stages == ["planned", "notified", "self", "review", "self", "review", "onsite", "deliberation", "onsite",
                      "deliberation"]
    assert all(INSPECTION_WORKFLOW.allows(a, b) for a, b in zip(stages[:-1], stages[1:], strict=True) if a != b)


def test_scoring_results_and_issue_after_the_appeal_window(world, project, expert_user):
    targets = ready(world, project, expert_user)
    project = go(world, project, InspectionStage.NOTIFIED, InspectionStage.SELF)
    services.self_score_record(actor=world.principal_a, target=targets[0], leaf="A1.1", value="A", note="制度齐全")
    with pytest.raises(PermissionDenied):
        services.self_score_record(actor=world.principal_a, target=targets[1], leaf="A1.1", value="A")
    with pytest.raises(ApplicationError, match="不能评分"):
        services.score_record(actor=expert_user, target=targets[0], leaf="A1.1", value="B")
    project = go(world, project, InspectionStage.REVIEW, InspectionStage.ONSITE)
    with pytest.raises(PermissionDenied):
        services.score_record(actor=world.office_b, target=targets[0], leaf="A1.1", value="B")
    with pytest.raises(ApplicationError, match="不在 A、B、C、D"):
        services.score_record(actor=expert_user, target=targets[0], leaf="A1.1", value="E")
    with pytest.raises(ApplicationError, match="不在本项目"):
        services.score_record(actor=expert_user, target=targets[0], leaf="Q1", value="A")
    for target in targets:
        for leaf in LEAVES:
            services.score_record(actor=expert_user, target=target, leaf=leaf, value="B")
            services.score_record(actor=world.inspector_a, target=target, leaf=leaf,
                                  value="A" if target == targets[0] else "N/A" if leaf == "A1.8" else "D")
    project = go(world, project, InspectionStage.DELIBERATION, InspectionStage.FEEDBACK)
    targets[0].refresh_from_db()
    targets[1].refresh_from_db()
    assert targets[0].score == pytest.approx(90) and targets[0].level == "优秀"   # mean of A (10) and B (8)
    # A1.1–A1.7: B and D → 40 each; A1.8: the leader marked it N/A, so only B → 80. (7 × 40 + 80) / 8 = 45.
    assert targets[1].score == pytest.approx(45) and targets[1].level == "不合格"
    gap = services.target_evaluation(targets[0]).gaps["A1.1"]
    assert gap == pytest.approx(0.1)  # self A (1.0) vs experts 0.9
    with pytest.raises(ApplicationError, match="申辩期"):
        go(world, project, InspectionStage.ISSUED)
    later = timezone.now() + datetime.timedelta(days=16)
    with pytest.raises(ApplicationError, match="还没有撰写督导意见书"):
        services.inspection_advance(actor=world.office_a, inspection=project, to=InspectionStage.ISSUED, now=later)
    with pytest.raises(ApplicationError, match="晚于今天"):
        opinions.opinion_save(actor=world.office_a, target=targets[1], evaluation="x", strengths="",
                              problems=[{"text": "作业公示不到位", "due_date": "2020-01-01"}])
    due = (timezone.localdate() + datetime.timedelta(days=90)).isoformat()
    opinions.opinion_save(actor=world.office_a, target=targets[0], evaluation="办学规范，管理有序。",
                          strengths="课后服务丰富。", problems=[])
    opinions.opinion_save(actor=world.office_a, target=targets[1], evaluation="基础管理薄弱。", strengths="",
                          problems=[{"text": "作业公示制度未落实。", "requirement": "每周公示作业。", "due_date": due},
                                    {"text": "  ", "due_date": ""}])
    project = services.inspection_advance(actor=world.office_a, inspection=project, to=InspectionStage.ISSUED, now=later)
    assert project.stage == InspectionStage.ISSUED
    numbers = sorted(Opinion.objects.values_list("number", flat=True))
    assert numbers[0].startswith("甲区督意〔") and len(set(numbers)) == 2
    finding = Finding.objects.get(source="inspection")
    assert finding.school == targets[1].school and finding.due_date.isoformat() == due
    assert finding.source_id == str(targets[1].pk) and finding.requirement == "每周公示作业。"
    followup = Inspection.objects.get(previous=project)
    assert followup.kind == "followup" and followup.stage == InspectionStage.PLANNED
    assert followup.starts_on == opinions.add_months(timezone.localtime(later).date(), 6)   # 专项: +6 months
    assert set(followup.targets.values_list("school_id", flat=True)) == {t.school_id for t in targets}
    document = Document(io.BytesIO(opinions.opinion_docx(Opinion.objects.get(target=targets[1]))))
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "甲区第二小学" in text and "45.0" in text and "作业公示制度未落实" in text and "甲区督意" in text
    assert opinions.opinion_pdf(Opinion.objects.get(target=targets[0]))[:4] == b"%PDF"
    with pytest.raises(ApplicationError, match="出具后不能修改"):
        opinions.opinion_save(actor=world.office_a, target=targets[0], evaluation="改", strengths="", problems=[])
    with pytest.raises(ApplicationError, match="意见书出具后"):
        services.team_assign(actor=world.office_a, target=targets[0], user=expert_user, role="expert")


def test_only_the_county_office_moves_projects(world, project):
    with pytest.raises(PermissionDenied):
        services.inspection_advance(actor=world.office_b, inspection=project, to=InspectionStage.NOTIFIED)
    with pytest.raises(ApplicationError, match="已被其他"):
        services.notice_number_set(actor=world.office_a, inspection=project, number="甲督〔2026〕1号")
        other = Inspection.objects.create(county=project.county, name="另一个", kind="special",
                                          framework=project.framework, year=2026, starts_on=project.starts_on,
                                          ends_on=project.ends_on, created_by=world.office_a)
        services.notice_number_set(actor=world.office_a, inspection=other, number="甲督〔2026〕1号")


def test_scope(world, project, expert_user):
    ready(world, project, expert_user)
    assert Inspection.objects.visible_to(world.office_a).count() == 1
    assert Inspection.objects.visible_to(world.principal_a).count() == 1   # its school is a target
    assert Inspection.objects.visible_to(expert_user).count() == 1         # on a team
    assert Inspection.objects.visible_to(world.office_b).count() == 0
    assert Inspection.objects.visible_to(world.town_a).count() == 0


def test_an_inspectors_assigned_school_is_not_theirs_to_self_assess(world, project, expert_user):
    targets = ready(world, project, expert_user)
    go(world, project, InspectionStage.NOTIFIED, InspectionStage.SELF)
    from dudao.core.scope import scope_for

    assert world.schools_a[0].pk in scope_for(world.inspector_a).school_ids  # in the inspector's scope: they visit it
    with pytest.raises(PermissionDenied, match="本单位"):
        services.self_score_record(actor=world.inspector_a, target=targets[0], leaf="A1.1", value="A")
