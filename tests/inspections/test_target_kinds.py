"""Inspection targets of the new kinds (issue 21 item 5): education groups, management centres and projects beside
schools and units — exactly one per target, who fills the self-assessment, where findings go, who sees them —
and the 年度综合目标考核 ranking with level quotas written to the targets."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import Policy, Role
from dudao.core.services import role_assign, user_create
from dudao.frameworks import services as frameworks
from dudao.inspections import annual, opinions, selectors, services
from dudao.inspections.models import Inspection, InspectionStage, Target
from dudao.rectification.models import Finding
from dudao.regions.models import GovUnit
from dudao.schools.models import EducationGroup, ManagementCentre, Project, ProjectMember
from tests.conftest import PASSWORD
from tests.inspections.conftest import LEAVES, go


@pytest.fixture
def kinds(world):
    town_a2 = world.schools_a[2].region
    bureau = GovUnit.objects.create(code="UA09", name="甲区教育局", kind="department", region=world.county_a)
    centre_contact = user_create(actor=world.admin, username="centre_c", full_name="中心联系人", password=PASSWORD)
    role_assign(actor=world.admin, user=centre_contact, role=Role.SCHOOL, school=world.schools_a[2])
    project_contact = user_create(actor=world.admin, username="proj_c", full_name="项目联系人", password=PASSWORD)
    group = EducationGroup.objects.create(code="G1", name="甲区第一小学教育集团", kind="group", region=world.county_a,
                                          lead_school=world.schools_a[0])
    group.members.set(world.schools_a[:2])
    centre = ManagementCentre.objects.create(code="C1", name="甲二镇教管中心", region=town_a2, contact=centre_contact,
                                             competent_unit=bureau)
    project = Project.objects.create(name="甲区强校工程", project_type="strong", region=world.county_a,
                                     starts_on=datetime.date(2024, 9, 1), ends_on=datetime.date(2026, 8, 31),
                                     contact=project_contact)
    ProjectMember.objects.create(project=project, school=world.schools_a[1], role="trusted")
    ProjectMember.objects.create(project=project, school=world.schools_a[4], role="trustee")
    other_group = EducationGroup.objects.create(code="G9", name="乙县教育集团", kind="group", region=world.county_b,
                                                lead_school=world.schools_b[0])
    return {"group": group, "centre": centre, "project": project, "bureau": bureau, "centre_contact": centre_contact,
            "project_contact": project_contact, "other_group": other_group}


def _add(world, project, kinds):
    return services.targets_add(actor=world.office_a, inspection=project, groups=[kinds["group"]],
                                centres=[kinds["centre"]], projects=[kinds["project"]])


def _team(world, project, targets, leader):
    for target in targets:
        services.team_assign(actor=world.office_a, target=target, user=leader, role="leader")
    services.notice_number_set(actor=world.office_a, inspection=project, number="甲督〔2026〕9号")


def test_targets_of_every_kind(world, project, kinds):
    created = _add(world, project, kinds)
    assert [t.kind for t in created] == ["group", "centre", "project"]
    assert {str(t) for t in created} == {"甲区第一小学教育集团", "甲二镇教管中心", "甲区强校工程"}
    assert {t.region_code for t in created} == {"990102", "990102002"}
    assert _add(world, project, kinds) == []  # each once
    with pytest.raises(ApplicationError, match="不在甲区"):
        services.targets_add(actor=world.office_a, inspection=project, groups=[kinds["other_group"]])
    with pytest.raises(IntegrityError), transaction.atomic():  # exactly one of the five
        Target.objects.create(inspection=project, group=kinds["group"], centre=kinds["centre"], region_code="990102")
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(inspection=project, region_code="990102")


def test_who_fills_the_self_assessment(world, project, kinds, expert_user):
    group_t, centre_t, project_t = _add(world, project, kinds)
    _team(world, project, [group_t, centre_t, project_t], expert_user)
    go(world, project, InspectionStage.NOTIFIED, InspectionStage.SELF)
    services.self_score_record(actor=world.principal_a, target=group_t, leaf="A1.1", value="A")  # lead school
    services.self_score_record(actor=kinds["centre_contact"], target=centre_t, leaf="A1.1", value="B")
    services.self_score_record(actor=kinds["project_contact"], target=project_t, leaf="A1.1", value="B")
    for actor, target in [(kinds["centre_contact"], group_t), (world.principal_a, centre_t),
                          (world.principal_a, project_t), (world.office_b, group_t), (world.town_a, centre_t)]:
        with pytest.raises(PermissionDenied):
            services.self_score_record(actor=actor, target=target, leaf="A1.1", value="A")
    # Each sees its own target only; the inspection is in their list.
    assert [t.pk for t in selectors.targets_for(kinds["project_contact"], project)] == [project_t.pk]
    assert [t.pk for t in selectors.targets_for(world.principal_a, project)] == [group_t.pk]
    assert Inspection.objects.visible_to(kinds["project_contact"]).filter(pk=project.pk).exists()
    assert not Inspection.objects.visible_to(world.office_b).filter(pk=project.pk).exists()
    # A contact may not inspect their own target.
    assert services.recusal_reason(kinds["project_contact"], project_t)
    assert services.recusal_reason(world.principal_a, group_t)


def test_findings_go_to_the_responsible_school_or_unit(world, project, kinds, expert_user):
    targets = _add(world, project, kinds)
    _team(world, project, targets, expert_user)
    go(world, project, InspectionStage.NOTIFIED, InspectionStage.SELF, InspectionStage.REVIEW, InspectionStage.ONSITE)
    for target in targets:
        for leaf in LEAVES:
            services.score_record(actor=expert_user, target=target, leaf=leaf, value="C")
    go(world, project, InspectionStage.DELIBERATION, InspectionStage.FEEDBACK)
    due = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    for target in targets:
        opinions.opinion_save(actor=world.office_a, target=target, evaluation="基本达标。", strengths="",
                              problems=[{"text": f"{target}的问题", "requirement": "整改", "due_date": due}])
    later = timezone.now() + datetime.timedelta(days=16)
    ManagementCentre.objects.filter(pk=kinds["centre"].pk).update(competent_unit=None)
    with pytest.raises(ApplicationError, match="没有主管部门"):
        services.inspection_advance(actor=world.office_a, inspection=project, to=InspectionStage.ISSUED, now=later)
    ManagementCentre.objects.filter(pk=kinds["centre"].pk).update(competent_unit=kinds["bureau"])
    services.inspection_advance(actor=world.office_a, inspection=project, to=InspectionStage.ISSUED, now=later)
    owners = {f.description: (f.school_id, f.unit_id) for f in Finding.objects.filter(source="inspection")}
    assert owners == {"甲区第一小学教育集团的问题": (world.schools_a[0].pk, None),  # the group's lead school
                      "甲二镇教管中心的问题": (None, kinds["bureau"].pk),  # the centre's competent unit
                      "甲区强校工程的问题": (world.schools_a[4].pk, None)}  # the project's 托管方
    followup = Inspection.objects.get(previous=project)
    assert sorted(t.kind for t in followup.targets.all()) == ["centre", "group", "project"]


def test_target_page_and_office_form(world, project, kinds, login):
    client = login(world.office_a)
    url = reverse("inspections:targets_add_others", args=[project.pk])
    response = client.post(url, {"groups": [kinds["group"].pk, kinds["other_group"].pk]}, follow=True)
    assert "不在本县（区）" in response.content.decode() and not project.targets.exists()
    for bad in ("²", "1 OR 1=1", "9" * 30):
        response = client.post(url, {"centres": [bad]}, follow=True)
        assert "不在本县（区）" in response.content.decode() and not project.targets.exists()
    client.post(url, {"groups": [kinds["group"].pk], "projects": [kinds["project"].pk], "direct_schools": "1"})
    kinds_added = sorted(t.kind for t in project.targets.all())
    assert kinds_added.count("group") == 1 and kinds_added.count("project") == 1 and "school" in kinds_added
    assert login(world.principal_a).post(url, {"groups": [kinds["group"].pk]}).status_code == 404
    page = login(world.office_a).get(reverse("inspections:detail", args=[project.pk])).content.decode()
    assert "教育集团（学区）" in page and "帮扶项目" in page


# ---- 年度综合目标考核 ------------------------------------------------------------------------------------------

@pytest.fixture
def annual_project(world, kinds, expert_user):
    framework = frameworks.framework_from_template(actor=world.office_a, region=world.county_a, template_code="zone")
    framework = frameworks.framework_freeze(actor=world.office_a, framework=framework)
    project = services.inspection_create(actor=world.office_a, county=world.county_a, name="甲区2025年度综合目标考核",
                                         kind="annual", framework=framework, year=2025,
                                         starts_on=datetime.date(2026, 11, 1), ends_on=datetime.date(2026, 12, 31))
    targets = services.targets_add(actor=world.office_a, inspection=project, centres=[kinds["centre"]],
                                   schools=[world.schools_a[0], world.schools_a[1], world.schools_a[4]])
    _team(world, project, targets, expert_user)
    go(world, project, InspectionStage.NOTIFIED, InspectionStage.SELF, InspectionStage.REVIEW, InspectionStage.ONSITE)
    grades = ["A", "A", "B", "C"]  # 100, 100, 80, 60: a tie at the top
    for target, grade in zip(targets, grades, strict=True):
        for leaf in LEAVES:
            services.score_record(actor=expert_user, target=target, leaf=leaf, value=grade)
    return project, targets


def test_annual_ranking_assigns_levels_within_quotas(world, annual_project, login):
    project, targets = annual_project
    ranking = annual.annual_ranking(project)
    assert not ranking["scored"]
    with pytest.raises(ApplicationError, match="意见反馈"):
        annual.annual_levels_apply(actor=world.office_a, inspection=project)
    go(world, project, InspectionStage.DELIBERATION, InspectionStage.FEEDBACK)
    # n = 4: 优秀 ≤ 30% → 1 place, but ranks 1 and 2 tie → both drop to 良好 (≤ 40% → 1 place: the tie of 2 does
    # not fit either) → 合格; 80 and 60 take 合格 (60 is the pass score, not below it).
    client = login(world.office_a)
    page = client.get(reverse("inspections:ranking", args=[project.pk])).content.decode()
    assert "并列" in page and "待写入" in page
    client.post(reverse("inspections:ranking_apply", args=[project.pk]))
    levels = {t.pk: t.level for t in Target.objects.filter(inspection=project)}
    assert set(levels.values()) == {"合格"}
    assert login(world.principal_a).get(reverse("inspections:ranking", args=[project.pk])).status_code == 404
    assert login(world.principal_a).post(reverse("inspections:ranking_apply", args=[project.pk])).status_code == 404
    # Wider quotas: 优秀 ≤ 50% → 2 places take the tie; 良好 ≤ 30% → 1 place.
    Policy.objects.create(key="inspections.annual_quota_excellent", region_code="990102", value=0.5)
    Policy.objects.create(key="inspections.annual_quota_good", region_code="990102", value=0.3)
    Policy.objects.create(key="inspections.annual_pass_score", region_code="990102", value=70)
    annual.annual_levels_apply(actor=world.office_a, inspection=project)
    got = [Target.objects.get(pk=t.pk).level for t in targets]
    assert got == ["优秀", "优秀", "良好", "不合格"]


@pytest.mark.parametrize("value, fragment", [(0, "大于 0%"), (-0.2, "大于 0%"), (1.5, "不超过 100%"),
                                             ("三成", "0—1 之间的小数"), (0.8, "超过 100%")])
def test_impossible_quota_settings_are_refused_with_reasons(world, annual_project, value, fragment, login):
    project, _targets = annual_project
    go(world, project, InspectionStage.DELIBERATION, InspectionStage.FEEDBACK)
    Policy.objects.create(key="inspections.annual_quota_excellent", region_code="990102", value=value)
    with pytest.raises(ApplicationError, match=fragment):
        annual.annual_levels_apply(actor=world.office_a, inspection=project)
    page = login(world.office_a).get(reverse("inspections:ranking", args=[project.pk])).content.decode()
    assert "等级名额设置无法执行" in page and "按名额写入等级" not in page


def test_only_annual_projects_rank(world, project, login):
    assert login(world.office_a).get(reverse("inspections:ranking", args=[project.pk])).status_code == 404
    with pytest.raises(ApplicationError, match="年度考核"):
        annual.annual_levels_apply(actor=world.office_a, inspection=project)
