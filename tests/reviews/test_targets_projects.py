"""帮扶项目 (issue 21 item 5): create/update with members and roles (the office of the county only; members and
contact checked), the list (filters, search, export, pages), the project page with member figures at the start
and end of the period (无数据 when missing, never 0), the API, the target page section; hostile inputs."""

import datetime
import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog
from dudao.frameworks import services as frameworks
from dudao.inspections import services as inspections
from dudao.inspections.models import InspectionStage
from dudao.monitoring.models import SchoolStats, StatsImport
from dudao.schools import projects as services
from dudao.schools.models import EducationGroup, Project
from tests.inspections.conftest import (
    LEAVES,
    expert_user,  # noqa: F401 -- the fixture
    go,
)

START, END = datetime.date(2024, 9, 1), datetime.date(2026, 8, 31)


@pytest.fixture
def inspection(world):
    framework = frameworks.framework_from_template(actor=world.office_a, region=world.county_a, template_code="zone")
    framework = frameworks.framework_freeze(actor=world.office_a, framework=framework)
    return inspections.inspection_create(actor=world.office_a, county=world.county_a, name="甲区2026年专项督导",
                                         kind="special", framework=framework, year=2026,
                                         starts_on=datetime.date(2026, 11, 1), ends_on=datetime.date(2026, 12, 31))


def _create(world, **overrides):
    a = world.schools_a
    kwargs = dict(actor=world.office_a, region=world.county_a, name="甲区强校工程", project_type="strong",
                  starts_on=START, ends_on=END, contact=world.principal_a.pk, goals="三年内薄弱校质量达到全区平均",
                  key_figures=[{"label": "合格率", "baseline": "80%", "target": "90%", "actual": ""}],
                  members=[(a[0].pk, "trustee"), (a[1].pk, "trusted"), (a[2].pk, "trusted"), (a[4].pk, "trusted")])
    kwargs.update(overrides)
    return services.project_create(**kwargs)


def test_create_update_and_audit(world):
    project = _create(world)
    assert project.members.count() == 4 and project.contact == world.principal_a
    assert AuditLog.objects.filter(action="project.create").count() == 1
    services.project_update(actor=world.office_a, project=project, name="甲区强校工程（二期）", project_type="strong",
                            starts_on=START, ends_on=END, members=[(world.schools_a[0].pk, "lead")], contact=None)
    project.refresh_from_db()
    assert project.name.endswith("二期）") and project.members.get().role == "lead" and project.contact is None
    assert AuditLog.objects.get(action="project.update").before["members"]


@pytest.mark.parametrize("overrides, fragment", [
    ({"members": []}, "至少选择一所"),
    ({"members": [(1, "trustee"), (1, "trusted")]}, "不能重复加入"),
    ({"members": [("1 OR 1=1", "trustee")]}, "无效"),
    ({"members": [(10**30, "trustee")]}, "无效"),
    ({"members": [(1, "boss")]}, "选择角色"),
    ({"project_type": "x"}, "项目类型"),
    ({"ends_on": datetime.date(2020, 1, 1)}, "不能早于"),
    ({"name": "x" * 200}, "不超过"),
    ({"key_figures": [{"label": "", "baseline": "1"}]}, "须填写名称"),
    ({"key_figures": [{"label": "x", "target": "9" * 40}]}, "不超过"),
    ({"key_figures": [{"label": f"k{i}"} for i in range(21)]}, "不能超过 20"),
])
def test_bad_input_is_refused(world, overrides, fragment):
    if "members" in overrides and overrides["members"] and overrides["members"][0][0] == 1:
        pk = world.schools_a[0].pk
        overrides = {"members": [(pk, r) for _s, r in overrides["members"]]}
    with pytest.raises(ApplicationError, match=fragment):
        _create(world, **overrides)
    assert not Project.objects.exists()


def test_another_countys_school_or_contact_or_office(world):
    with pytest.raises(ApplicationError, match="不在甲区"):
        _create(world, members=[(world.schools_a[0].pk, "trustee"), (world.schools_b[0].pk, "trusted")])
    with pytest.raises(ApplicationError, match="联系人须是甲区"):
        _create(world, contact=world.office_b.pk)  # a contact without scope over the project
    with pytest.raises(ApplicationError, match="联系人须是甲区"):
        _create(world, contact=world.expert.pk)
    with pytest.raises(PermissionDenied):
        _create(world, actor=world.office_b)
    with pytest.raises(PermissionDenied):
        _create(world, actor=world.principal_a)
    project = _create(world)
    with pytest.raises(PermissionDenied):
        services.project_update(actor=world.office_b, project=project, name="x", project_type="strong",
                                starts_on=START, ends_on=END, members=[(world.schools_b[0].pk, "lead")])


def test_scope(world):
    project = _create(world, contact=world.town_a.pk, members=[(world.schools_a[1].pk, "trustee")])
    assert set(Project.objects.visible_to(world.leader_a)) == {project}
    assert set(Project.objects.visible_to(world.town_a)) == {project}  # the contact
    assert not Project.objects.visible_to(world.principal_a).exists()  # school 1 is not a member
    assert not Project.objects.visible_to(world.office_b).exists()


def _stats(world, school, year, students):
    batch = StatsImport.objects.create(year=year, filename="x.xlsx", rows=1, created_by=world.admin)
    SchoolStats.objects.create(school=school, year=year, batch=batch, students_primary=students,
                               qualified_teachers=20, backbone_teachers=3)


def test_pages_list_filters_export_detail(world, login):
    project = _create(world)
    _create(world, name="乡村帮扶计划", project_type="mutual", starts_on=datetime.date(2020, 1, 1),
            ends_on=datetime.date(2021, 1, 1), members=[(world.schools_a[3].pk, "helper")])
    _stats(world, world.schools_a[0], 2024, 300)
    _stats(world, world.schools_a[0], 2026, 360)
    client = login(world.office_a)
    url = reverse("reviews:project_list")
    assert "甲区强校工程" in client.get(url).content.decode()
    assert "乡村帮扶计划" not in client.get(url, {"year": "2025"}).content.decode()
    assert "甲区强校工程" not in client.get(url, {"type": "mutual"}).content.decode()
    assert "乡村帮扶计划" in client.get(url, {"q": "中心幼儿园"}).content.decode()  # by member school
    assert client.get(url, {"year": "x' OR 1=1", "type": "<script>"}).status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(client.get(url, {"export": "xlsx"}).content)).get_sheet_by_index(
        0).to_python()
    assert len(rows) == 3 and rows[0][1] == "项目名称"
    page = client.get(reverse("reviews:project_detail", args=[project.pk])).content.decode()
    assert "托管方" in page and "被托管方" in page and "合格率" in page
    assert "300" in page and "360" in page and "2024年" in page and "2026年" in page
    assert "无数据" in page  # the other schools have no statistics, no quality, no survey
    assert ">0<" not in page
    assert login(world.office_b).get(reverse("reviews:project_detail", args=[project.pk])).status_code == 404
    assert login(world.principal_a).get(reverse("reviews:project_detail", args=[project.pk])).status_code == 200


def test_create_and_edit_pages(world, login):
    client = login(world.office_a)
    a = world.schools_a
    form = {"region": "990102", "name": "委托管理项目", "project_type": "entrusted", "starts_on": "2025-09-01",
            "ends_on": "2027-08-31", "contact": "", "goals": "",
            "member_school": [a[0].pk, a[1].pk, ""], "member_role": ["trustee", "trusted", ""],
            "figure_label": ["优秀率", ""], "figure_baseline": ["10%", ""], "figure_target": ["20%", ""],
            "figure_actual": ["", ""]}
    assert client.get(reverse("reviews:project_create")).status_code == 200
    response = client.post(reverse("reviews:project_create"), {**form, "member_school": [a[0].pk, a[0].pk]})
    assert response.status_code == 400 and "不能重复加入" in response.content.decode()
    response = client.post(reverse("reviews:project_create"), {**form, "region": "990103"})
    assert response.status_code == 400  # not one of the office's counties
    response = client.post(reverse("reviews:project_create"), form)
    project = Project.objects.get()
    assert response.status_code == 302 and project.key_figures[0]["label"] == "优秀率"
    edit = reverse("reviews:project_edit", args=[project.pk])
    assert client.post(edit, {**form, "name": "委托管理项目（改）"}).status_code == 302
    assert Project.objects.get().name == "委托管理项目（改）"
    assert login(world.office_b).get(edit).status_code == 404
    assert login(world.principal_a).get(reverse("reviews:project_create")).status_code == 404


def test_api(world, client):
    project = _create(world)
    _stats(world, world.schools_a[0], 2024, 300)
    client.force_login(world.office_a)
    body = client.get("/api/v1/projects", {"project_type": "strong", "year": 2025}).json()
    assert body["count"] == 1 and body["items"][0]["member_count"] == 4
    assert body["items"][0]["project_type_label"] == "强校工程"
    detail = client.get(f"/api/v1/projects/{project.pk}").json()
    first = detail["members"][0]
    assert first["role_label"] == "托管方" and first["figures"][0] == {
        "label": "在校生数", "start_year": 2024, "end_year": None, "start": "300", "end": "无数据"}
    assert client.get("/api/v1/projects", {"project_type": "bad"}).status_code in (400, 422)
    client.force_login(world.office_b)
    assert client.get("/api/v1/projects").json()["count"] == 0
    assert client.get(f"/api/v1/projects/{project.pk}").status_code == 404


def test_target_page_shows_member_figures(world, inspection, login, expert_user):  # noqa: F811
    proj = _create(world)
    _stats(world, world.schools_a[1], 2024, 111)
    group = EducationGroup.objects.create(code="G1", name="甲区第一集团", kind="group", region=world.county_a,
                                          lead_school=world.schools_a[0])
    group.members.set(world.schools_a[:2])
    targets = inspections.targets_add(actor=world.office_a, inspection=inspection, projects=[proj], groups=[group])
    for target in targets:
        inspections.team_assign(actor=world.office_a, target=target, user=expert_user, role="leader")
    inspections.notice_number_set(actor=world.office_a, inspection=inspection, number="甲督〔2026〕1号")
    go(world, inspection, InspectionStage.NOTIFIED, InspectionStage.SELF, InspectionStage.REVIEW, InspectionStage.ONSITE)
    for target in targets:
        for leaf in LEAVES:
            inspections.score_record(actor=expert_user, target=target, leaf=leaf, value="B")
    client = login(world.office_a)
    for target in targets:
        page = client.get(reverse("inspections:target", args=[target.pk])).content.decode()
        assert "成员学校期初、期末数据" in page and "甲区第二小学" in page and "111" in page


def test_export_keeps_formulas_as_text_and_names_escaped(world, login):
    project = _create(world, name='=HYPERLINK("http://x","点我")<script>')
    client = login(world.office_a)
    export = client.get(reverse("reviews:project_list"), {"export": "xlsx"})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0).to_python()
    assert rows[1][1] == '=HYPERLINK("http://x","点我")<script>'  # a text cell, not a formula
    page = client.get(reverse("reviews:project_detail", args=[project.pk])).content.decode()
    assert "<script>" not in page and "&lt;script&gt;" in page
