"""创建 campaigns: task lists, progress with evidence, the board, and overdue tasks becoming findings."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.monitoring import campaigns, selectors
from dudao.monitoring.models import CampaignTask
from dudao.rectification.models import Finding

TODAY = datetime.date(2026, 11, 24)


def pdf():
    return SimpleUploadedFile("证明.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")


@pytest.fixture
def campaign(world):
    c = campaigns.campaign_create(actor=world.office_a, kind="balanced", county=world.county_a,
                                  name="甲区创建义务教育优质均衡发展区", target_year=2027)
    return c


def test_task_list_progress_and_completion(world, campaign):
    task = campaigns.task_add(actor=world.office_a, campaign=campaign, title="新建甲二镇中心小学运动场",
                              measures="区财政安排专项资金", deadline=TODAY + datetime.timedelta(days=30), unit=world.unit_a)
    with pytest.raises(ApplicationError, match="责任单位（学校）不在本县"):
        campaigns.task_add(actor=world.office_a, campaign=campaign, title="x", measures="", deadline=TODAY,
                           unit=world.unit_b)
    with pytest.raises(PermissionDenied):
        campaigns.task_add(actor=world.office_b, campaign=campaign, title="x", measures="", deadline=TODAY,
                           unit=world.unit_a)
    # The responsible town government reports; others may not.
    campaigns.progress_report(actor=world.town_a, task=task, progress=40, note="已完成立项", today=TODAY)
    with pytest.raises(PermissionDenied):
        campaigns.progress_report(actor=world.principal_a, task=task, progress=50, note="x", today=TODAY)
    with pytest.raises(ApplicationError, match="进度不能低于"):
        campaigns.progress_report(actor=world.town_a, task=task, progress=30, note="x", today=TODAY)
    with pytest.raises(ApplicationError, match="须上传佐证材料"):
        campaigns.progress_report(actor=world.town_a, task=task, progress=100, note="完工", today=TODAY)
    campaigns.progress_report(actor=world.town_a, task=task, progress=100, note="完工验收", uploads=[pdf()], today=TODAY)
    task.refresh_from_db()
    assert task.done_at == TODAY and task.state(TODAY) == "done"
    assert task.updates.first().evidence.count() == 1
    # Scope: the town sees the campaign through its task; the other district does not.
    assert list(selectors.campaign_list(world.town_a)) == [campaign]
    assert not selectors.campaign_list(world.office_b).exists()


def test_board_groups_by_owner_and_month(world, campaign):
    school = world.schools_a[0]
    for title, days, owner in [("A", -10, {"unit": world.unit_a}), ("B", 20, {"unit": world.unit_a}),
                               ("C", 45, {"school": school})]:
        campaigns.task_add(actor=world.office_a, campaign=campaign, title=title, measures="",
                           deadline=TODAY + datetime.timedelta(days=days), **owner)
    board = selectors.campaign_board(selectors.campaign_tasks(world.office_a, campaign), TODAY)
    assert [m.month for m in board["months"]] == [11, 12, 1]
    assert board["rows"][0]["owner"] == world.unit_a.name and board["rows"][0]["overdue"] == 1
    assert board["counts"]["已逾期"] == 1 and board["counts"]["未开始"] == 2


def test_overdue_tasks_become_findings_once(world, campaign):
    task = campaigns.task_add(actor=world.office_a, campaign=campaign, title="补充体育教师 6 名", measures="公开招聘",
                              deadline=TODAY - datetime.timedelta(days=1), school=world.schools_a[0])
    assert campaigns.overdue_to_findings(today=TODAY) == 1
    assert campaigns.overdue_to_findings(today=TODAY) == 0
    task.refresh_from_db()
    finding = task.finding
    assert finding.school == world.schools_a[0] and finding.source == "monitoring"
    assert "补充体育教师 6 名" in finding.description and finding.requirement == "公开招聘"
    assert Finding.objects.count() == 1


def test_run_deadlines_command_includes_campaign_tasks(world, campaign):
    campaigns.task_add(actor=world.office_a, campaign=campaign, title="t", measures="",
                       deadline=datetime.date(2020, 1, 1), unit=world.unit_a)
    out = io.StringIO()
    call_command("run_deadlines", "--now", stdout=out)
    assert "创建任务逾期转问题 1 项" in out.getvalue()
    assert CampaignTask.objects.get().finding is not None


def test_pages(world, campaign, login):
    office = login(world.office_a)
    response = office.post(f"/monitoring/campaigns/{campaign.pk}/", {
        "title": "学校体育场地达标", "owner": f"unit:{world.unit_a.pk}", "deadline": "2026-12-31", "measures": "租借"})
    assert response.status_code == 302
    html = office.get(f"/monitoring/campaigns/{campaign.pk}/").content.decode()
    assert "挂图作战" in html and "学校体育场地达标" in html and "2026年12月" in html
    bad = office.post(f"/monitoring/campaigns/{campaign.pk}/", {"title": "", "owner": "", "deadline": "x"}, follow=True)
    assert "输入有误" in bad.content.decode()
    task = CampaignTask.objects.get()
    town = login(world.town_a)
    response = town.post(f"/monitoring/tasks/{task.pk}/", {"progress": "100", "note": "完成", "evidence": pdf()})
    assert response.status_code == 302
    assert "完成" in town.get(f"/monitoring/tasks/{task.pk}/").content.decode()
    assert login(world.office_b).get(f"/monitoring/tasks/{task.pk}/").status_code == 404
    xlsx = login(world.office_a).get(f"/monitoring/campaigns/{campaign.pk}/?export=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    created = login(world.office_a).post("/monitoring/campaigns/", {
        "kind": "preschool", "county": world.county_a.code, "name": "甲区创建学前教育普及普惠区", "target_year": "2028"})
    assert created.status_code == 302
