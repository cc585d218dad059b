"""课题 (issue 24, research projects): 立项 with its milestones, the owner's submissions, the office's review, 结题
and 终止, refused state changes, scope, hostile input."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog
from dudao.research.models import (
    ProjectDocument,
    ProjectMilestoneKind,
    ProjectMilestoneStatus,
    ProjectStatus,
    ProjectTransition,
    ResearchProject,
)
from dudao.research.services import projects as services

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
D = datetime.timedelta(days=1)


def pdf(name="报告.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def make(world, *, owner=None, school="default", **extra):
    today = timezone.localdate()
    fields = dict(title="督导课题", level="county", started_on=today - 100 * D, planned_end=today + 300 * D,
                  opening_due=today - 50 * D, midterm_due=today + 5 * D, final_due=today + 200 * D)
    fields.update(extra)
    return services.project_create(actor=world.office_a, region=world.county_a, owner=owner or world.principal_a,
                                   school=world.schools_a[0] if school == "default" else school, **fields)


def milestone(project, kind):
    return project.milestones.get(kind=kind)


def test_create_with_three_milestones_and_the_owner_as_host(world):
    project = make(world)
    assert [m.kind for m in project.milestones.order_by("due_on")] == ["opening", "midterm", "final"]
    assert project.members.get().role == "host" and project.status == ProjectStatus.APPROVED
    assert ProjectTransition.objects.filter(project=project, to_status="approved").exists()


@pytest.mark.parametrize(("extra", "message"), [
    ({"title": " \x00 "}, "请填写课题名称"),
    ({"level": "galactic"}, "请选择课题级别"),
    ({"planned_end": timezone.localdate() - 200 * D}, "须晚于立项日期"),
    ({"midterm_due": timezone.localdate() - 60 * D}, "不能早于"),
    ({"final_due": timezone.localdate() + 400 * D}, "不能晚于计划结题日期"),
])
def test_bad_registration_refused(world, extra, message):
    with pytest.raises(ApplicationError, match=message):
        make(world, **extra)
    assert not ResearchProject.objects.exists()


def test_owner_must_be_in_the_county(world):
    with pytest.raises(ApplicationError, match="课题负责人须为"):
        make(world, owner=world.office_b)
    with pytest.raises(ApplicationError, match="课题负责人须为"):
        make(world, owner=world.expert)
    with pytest.raises(ApplicationError, match="不在本区县"):
        make(world, school=world.schools_b[0])
    with pytest.raises(PermissionDenied):
        services.project_create(actor=world.office_b, region=world.county_a, owner=world.principal_a, title="x",
                                level="county", started_on=timezone.localdate(),
                                planned_end=timezone.localdate() + 9 * D, opening_due=timezone.localdate() + D,
                                midterm_due=timezone.localdate() + 2 * D, final_due=timezone.localdate() + 3 * D)
    make(world, owner=world.office_a, school=None)  # the office's own project: ok
    number = make(world, title="编号课题", number="DD-1")
    with pytest.raises(ApplicationError, match="已被使用"):
        make(world, title="另一个", number="DD-1")
    assert number.number == "DD-1"


def test_the_path_to_conclusion(world, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    project = make(world)
    opening, midterm, final = (milestone(project, k) for k in ("opening", "midterm", "final"))
    with pytest.raises(ApplicationError, match="请先完成开题"):
        services.milestone_submit(actor=world.principal_a, milestone=midterm, uploads=[pdf()])
    with pytest.raises(ApplicationError, match="至少上传一份材料"):
        services.milestone_submit(actor=world.principal_a, milestone=opening, uploads=[])
    with pytest.raises(PermissionDenied):  # the office reviews, it does not submit for the owner
        services.milestone_submit(actor=world.office_a, milestone=opening, uploads=[pdf()])
    with pytest.raises(ApplicationError):  # an executable renamed to .pdf is refused by its content
        services.milestone_submit(actor=world.principal_a, milestone=opening,
                                  uploads=[SimpleUploadedFile("x.pdf", b"MZ\x90\x00evil", content_type="application/pdf")])
    assert not ProjectDocument.objects.exists()
    services.milestone_submit(actor=world.principal_a, milestone=opening, uploads=[pdf("开题报告.pdf")], note="方案")
    with pytest.raises(ApplicationError, match="不能再提交"):
        services.milestone_submit(actor=world.principal_a, milestone=opening, uploads=[pdf()])
    with pytest.raises(PermissionDenied):
        services.milestone_review(actor=world.principal_a, milestone=opening, passed=True)
    with pytest.raises(ApplicationError, match="退回须填写评审意见"):
        services.milestone_review(actor=world.office_a, milestone=opening, passed=False)
    services.milestone_review(actor=world.office_a, milestone=opening, passed=False, comment="补充文献综述")
    services.milestone_submit(actor=world.principal_a, milestone=opening, uploads=[pdf("开题报告2.pdf")])
    services.milestone_review(actor=world.office_a, milestone=opening, passed=True, comment="同意开题")
    project.refresh_from_db()
    assert project.status == ProjectStatus.OPENED
    with pytest.raises(ApplicationError, match="没有待评审的材料"):
        services.milestone_review(actor=world.office_a, milestone=opening, passed=True)
    services.milestone_submit(actor=world.principal_a, milestone=midterm, uploads=[pdf("中期.pdf")])
    services.milestone_review(actor=world.office_a, milestone=midterm, passed=True)
    with pytest.raises(ApplicationError, match="结题报告尚未提交"):
        services.project_conclude(actor=world.office_a, project=project, result="pass", outcome="x")
    services.milestone_submit(actor=world.principal_a, milestone=final, uploads=[pdf("结题.pdf")])
    with pytest.raises(ApplicationError, match="结题鉴定"):
        services.milestone_review(actor=world.office_a, milestone=final, passed=True)
    # 延期: the 结题报告 comes back with a later due date, the project stays in 中期
    with pytest.raises(ApplicationError, match="新截止日期"):
        services.project_conclude(actor=world.office_a, project=project, result="extended")
    services.project_conclude(actor=world.office_a, project=project, result="extended",
                              extended_to=final.due_on + 60 * D)
    final.refresh_from_db()
    project.refresh_from_db()
    assert final.status == ProjectMilestoneStatus.RETURNED and project.status == ProjectStatus.MIDTERM
    services.milestone_submit(actor=world.principal_a, milestone=final, uploads=[pdf("结题2.pdf")])
    with pytest.raises(ApplicationError, match="成果简介"):
        services.project_conclude(actor=world.office_a, project=project, result="excellent", outcome=" ")
    services.project_conclude(actor=world.office_a, project=project, result="excellent", outcome="形成督导手册一册",
                              uploads=[pdf("成果.pdf")])
    project.refresh_from_db()
    assert project.status == ProjectStatus.CONCLUDED and project.result == "excellent"
    assert ProjectDocument.objects.filter(project=project, milestone__isnull=True).count() == 1
    assert [t.to_status for t in ProjectTransition.history(project)] == ["approved", "opened", "midterm", "concluded"]
    # refused state changes after the end
    with pytest.raises(ApplicationError, match="不能变为"):
        services.project_terminate(actor=world.office_a, project=project, reason="x")
    with pytest.raises(ApplicationError, match="不能再修改"):
        services.member_add(actor=world.office_a, project=project, name="迟到者")
    assert AuditLog.objects.filter(action="research.project_conclude").count() == 1


def test_terminate_needs_a_reason_and_ends_everything(world):
    project = make(world)
    with pytest.raises(ApplicationError, match="须填写原因"):
        services.project_terminate(actor=world.office_a, project=project, reason="  ")
    services.project_terminate(actor=world.office_a, project=project, reason="负责人调离")
    with pytest.raises(ApplicationError, match="不能变为"):
        services.project_terminate(actor=world.office_a, project=project, reason="again")
    with pytest.raises(ApplicationError, match="不能再修改"):
        services.milestone_submit(actor=world.principal_a, milestone=milestone(project, "opening"), uploads=[pdf()])


def test_members(world):
    project = make(world)
    member = services.member_add(actor=world.principal_a, project=project, name="张老师", unit="甲区第一小学",
                                 username="inspector_a")
    with pytest.raises(ApplicationError, match="已是课题成员"):
        services.member_add(actor=world.principal_a, project=project, name="张老师", unit="甲区第一小学")
    with pytest.raises(ApplicationError, match="已有主持人"):
        services.member_add(actor=world.principal_a, project=project, name="李", role="host")
    with pytest.raises(ApplicationError, match="不存在，或不是本区县"):
        services.member_add(actor=world.principal_a, project=project, name="王", username="office_b")
    with pytest.raises(PermissionDenied):
        services.member_add(actor=world.office_b, project=project, name="外人")
    with pytest.raises(ApplicationError, match="负责人不能移出"):
        services.member_remove(actor=world.office_a, member=project.members.get(role="host"))
    # the member with an account sees the project and may submit
    assert ResearchProject.objects.visible_to(world.inspector_a).filter(pk=project.pk).exists()
    services.milestone_submit(actor=world.inspector_a, milestone=milestone(project, "opening"), uploads=[pdf()])
    services.member_remove(actor=world.office_a, member=member)


def test_scope(world, login):
    school_project = make(world, title="学校课题")
    office_project = make(world, title="督导室课题", owner=world.office_a, school=None)
    # scope: the office and leader of the county see both; the school its own; district B nothing
    assert set(ResearchProject.objects.visible_to(world.leader_a).values_list("title", flat=True)) == {
        "学校课题", "督导室课题"}
    assert list(ResearchProject.objects.visible_to(world.principal_a)) == [school_project]
    assert not ResearchProject.objects.visible_to(world.office_b).exists()
    assert not ResearchProject.objects.visible_to(world.expert).exists()
    client = login(world.office_b)
    assert client.get(reverse("research:project_detail", args=[school_project.pk])).status_code == 404
    client = login(world.principal_a)
    assert client.get(reverse("research:project_detail", args=[office_project.pk])).status_code == 404
    page = client.get(reverse("research:project_list")).content.decode()
    assert "学校课题" in page and "督导室课题" not in page
    assert client.get(reverse("research:project_new")).status_code == 404


def test_pages_and_export(world, login):
    project = make(world)
    client = login(world.office_a)
    assert client.get(reverse("research:project_list") + "?status=approved&q=督导&level=county").status_code == 200
    export = client.get(reverse("research:project_list") + "?export=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    page = client.get(reverse("research:project_detail", args=[project.pk])).content.decode()
    assert "开题报告" in page and "结题鉴定" in page
    assert client.get(reverse("research:project_terminate", args=[project.pk])).status_code == 405
    response = client.post(reverse("research:project_new"), {
        "title": "表单课题", "level": "school", "school": world.schools_a[1].pk, "owner": "principal_a",
        "started_on": "2026-01-01", "planned_end": "2027-06-30", "opening_due": "2026-03-01",
        "midterm_due": "2026-09-01", "final_due": "2027-06-01"})
    assert response.status_code == 200 and "课题负责人须为" in response.content.decode()  # not that school's user
    # a milestone id of another project is 404, not a write on it
    other = make(world, title="其他")
    url = reverse("research:project_milestone_review", args=[project.pk, milestone(other, ProjectMilestoneKind.OPENING).pk])
    assert client.post(url, {"decision": "pass"}).status_code == 404
