"""Forms that the stage no longer allows are not offered, and the services refuse them; the 流程记录 is in
time order even when a project was recorded with past dates (the demo's)."""

import datetime
import re

import pytest
from django.utils import timezone

from dudao.core.errors import ApplicationError
from dudao.inspections import opinions, services
from dudao.inspections.models import InspectionStage, TeamMember
from tests.inspections.conftest import LEAVES, go, ready


def test_a_project_in_rectification_offers_no_target_or_team_forms(world, project, expert_user, login):
    targets = ready(world, project, expert_user)
    office = login(world.office_a)
    page = office.get(f"/inspections/{project.pk}/").content.decode()
    assert "添加督导对象" in page and "督导组成员" in page
    project = go(world, project, InspectionStage.NOTIFIED, InspectionStage.SELF)
    page = office.get(f"/inspections/{project.pk}/").content.decode()
    assert "添加督导对象" not in page and "督导组成员" in page  # the team may still change
    project = go(world, project, InspectionStage.REVIEW, InspectionStage.ONSITE)
    for target in targets:
        for leaf in LEAVES:
            services.score_record(actor=expert_user, target=target, leaf=leaf, value="B")
            services.score_record(actor=world.inspector_a, target=target, leaf=leaf, value="A")
    project = go(world, project, InspectionStage.DELIBERATION, InspectionStage.FEEDBACK)
    for target in targets:
        opinions.opinion_save(actor=world.office_a, target=target, evaluation="办学规范。", strengths="", problems=[])
    later = timezone.now() + datetime.timedelta(days=16)
    for stage in (InspectionStage.ISSUED, InspectionStage.RECTIFYING):
        project = services.inspection_advance(actor=world.office_a, inspection=project, to=stage, now=later)
    page = office.get(f"/inspections/{project.pk}/").content.decode()
    assert "整改中" in page
    assert "添加督导对象" not in page and 'value="targets"' not in page
    assert "督导组成员" not in page and 'value="team"' not in page
    before = (project.targets.count(), TeamMember.objects.count())
    refused = office.post(f"/inspections/{project.pk}/targets/", {"school_types": ["primary"]}, follow=True)
    assert "督导对象只能在“计划”或“已通知”阶段调整" in refused.content.decode()
    refused = office.post(f"/inspections/{project.pk}/team/", {"target": targets[0].pk,
                                                          "user": world.inspector_a.pk, "role": "expert"}, follow=True)
    assert "意见书出具后不能再调整督导组" in refused.content.decode()
    assert (project.targets.count(), TeamMember.objects.count()) == before
    with pytest.raises(ApplicationError, match="阶段调整"):
        services.targets_add(actor=world.office_a, inspection=project, schools=world.schools_a[2:3])


def test_the_workflow_log_is_in_time_order(world, login):
    from dudao.frameworks import services as frameworks

    framework = frameworks.framework_freeze(actor=world.office_a, framework=frameworks.framework_from_template(
        actor=world.office_a, region=world.county_a, template_code="zone"))
    created = timezone.now() - datetime.timedelta(days=30)
    project = services.inspection_create(actor=world.office_a, county=world.county_a, name="回溯录入的项目",
                                         kind="special", framework=framework, year=2026, now=created,
                                         starts_on=datetime.date(2026, 11, 1), ends_on=datetime.date(2026, 12, 31))
    services.targets_add(actor=world.office_a, inspection=project, schools=world.schools_a[:1])
    target = project.targets.get()
    services.team_assign(actor=world.office_a, target=target, user=world.inspector_a, role="leader")
    services.notice_number_set(actor=world.office_a, inspection=project, number="甲督〔2026〕9号")
    services.inspection_advance(actor=world.office_a, inspection=project, to=InspectionStage.NOTIFIED,
                                now=created + datetime.timedelta(days=2))
    page = login(world.office_a).get(f"/inspections/{project.pk}/").content.decode()
    log = page[page.index("流程记录"):]
    assert log.index("建立项目") < log.index("已通知")
    stamps = re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d", log)
    assert stamps == sorted(stamps) and len(stamps) == 2


def test_the_experts_home_page_lists_the_targets_to_score(world, project, expert_user, login):
    # the 工作台's to-do list (inspections.score source) replaced the old "我的督导评分任务" table (area "home")
    home = login(expert_user).get("/").content.decode()
    assert "暂无待办" in home and "督导评估评分" not in home
    targets = ready(world, project, expert_user)
    project = go(world, project, InspectionStage.NOTIFIED, InspectionStage.SELF, InspectionStage.REVIEW, InspectionStage.ONSITE)
    services.score_record(actor=expert_user, target=targets[0], leaf=LEAVES[0], value="B")
    home = login(expert_user).get("/").content.decode()
    assert "暂无待办" not in home and "督导评估评分" in home
    for target in targets:
        assert f"/inspections/targets/{target.pk}/" in home and target.school.name in home
    assert "已评 1/8 项" in home and "已评 0/8 项" in home
    # the other county's office sees none of them on its own home page
    assert "督导评估评分（" not in login(world.office_b).get("/").content.decode()


def test_the_scoring_form_counts_every_filled_item_and_saves_from_the_bottom(world, project, expert_user, login):
    targets = ready(world, project, expert_user)
    go(world, project, InspectionStage.NOTIFIED, InspectionStage.SELF, InspectionStage.REVIEW, InspectionStage.ONSITE)
    expert = login(expert_user)
    url = f"/inspections/targets/{targets[0].pk}/"
    page = expert.get(url).content.decode()
    assert 'id="score-save"' in page and "已评 0 / 8 项" in page
    first = expert.post(url + "scores/", {"v-A1.1": "A", "v-A1.2": "B"}, follow=True).content.decode()
    assert "已保存 2 项评分（共 8 项，本次修改 2 项）" in first and "已评 2 / 8 项" in first
    second = expert.post(url + "scores/", {"v-A1.1": "A", "v-A1.2": "B", "v-A1.3": "C"}, follow=True).content.decode()
    assert "已保存 3 项评分（共 8 项，本次修改 1 项）" in second and "已评 3 / 8 项" in second
    same = expert.post(url + "scores/", {"v-A1.1": "A", "v-A1.2": "B", "v-A1.3": "C"}, follow=True).content.decode()
    assert "没有需要保存的修改（已评 3 / 8 项）" in same
