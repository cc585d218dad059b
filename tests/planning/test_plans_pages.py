"""工作要点 pages and API: scope (another county 404, a school 404, leaders read only), the journey through the
views (import → refusal list → fix → publish), the list's filters and export, and /api/v1/plans."""

import datetime
import io

import docx
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from dudao.core.services import token_issue
from dudao.planning.models import Plan, PlanTask
from dudao.planning.services import plans as services
from tests.planning.plans_helpers import make_plan

MARCH = datetime.datetime(2026, 3, 1, 10, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8)))
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def bearer(user) -> dict:
    key, _token = token_issue(user=user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def outline_docx() -> bytes:
    document = docx.Document()
    for line in ["2026年甲区教育督导工作要点", "一、扎实开展督政工作",
                 "1.开展乡镇履行教育职责评价。（责任科室：督政科；完成时间：2026年6月）",
                 "2.迎接市对区政府履职评价（9月）",
                 "二、规范开展督学工作", "1.开展幼儿园办园行为专项督导（责任科室：督学科；完成时间：2026年10月）"]:
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_scope_of_the_pages(world, login):
    plan, section, (task, _) = make_plan(world)
    pages = ["/planning/plans/", f"/planning/plans/{plan.pk}/", f"/planning/plans/tasks/{task.pk}/"]
    client = login(world.office_a)
    for url in pages:
        assert client.get(url).status_code == 200, url
    client = login(world.leader_a)
    for url in pages:
        assert client.get(url).status_code == 200, url
    detail = client.get(pages[1]).content.decode()
    assert "添加部分" not in detail and "发布" not in detail.split("总体完成情况")[0]  # leaders read only
    for user in (world.office_b, world.principal_a):
        client = login(user)
        for url in pages[1:]:
            assert client.get(url).status_code == 404, (user, url)
    assert login(world.principal_a).get(pages[0]).status_code == 404  # a school has no plans page
    assert "2026年教育督导工作要点" not in login(world.office_b).get(pages[0]).content.decode()
    client = login(world.office_b)
    assert client.post(f"/planning/plans/{plan.pk}/publish/").status_code == 404
    assert client.post(f"/planning/plans/sections/{section.pk}/tasks/add/", {"text": "x"}).status_code == 404
    assert PlanTask.objects.count() == 2


def test_a_leader_cannot_write_through_the_views(world, login):
    plan, section, _ = make_plan(world)
    client = login(world.leader_a)
    assert client.post(f"/planning/plans/{plan.pk}/sections/add/", {"title": "x", "area": "general"}).status_code == 404
    assert client.get("/planning/plans/new/").status_code == 404


@time_machine.travel(MARCH, tick=False)
def test_import_refusal_fix_publish_through_the_views(world, login):
    client = login(world.office_a)
    page = client.get("/planning/plans/import/")
    assert page.status_code == 200 and "导入为草稿" in page.content.decode()
    response = client.post("/planning/plans/import/", {
        "region": "990102", "year": 2026, "year_kind": "calendar", "title": "2026年甲区教育督导工作要点",
        "file": SimpleUploadedFile("要点.docx", outline_docx(), content_type=DOCX)})
    plan = Plan.objects.get()
    assert response.status_code == 302 and response.url == f"/planning/plans/{plan.pk}/"
    assert (plan.imported_from, plan.sections.count(), plan.tasks.count()) == ("要点.docx", 2, 3)
    second = plan.tasks.get(text="迎接市对区政府履职评价")
    assert (second.months, second.owner_label, second.due_date) == ([9], "", None)
    client.post(f"/planning/plans/{plan.pk}/publish/")
    page = client.get(f"/planning/plans/{plan.pk}/").content.decode()
    assert "以下工作任务需先补全才能发布" in page  # the flash message
    assert "“迎接市对区政府履职评价”" in page and "未指定责任人、未填写完成期限" in page  # the list
    response = client.post(f"/planning/plans/tasks/{second.pk}/edit/", {
        "text": second.text, "owner": f"u:{world.office_a.pk}", "owner_label": "", "months": ["9"],
        "due_date": "2026-09-30", "section": second.section_id})
    assert response.status_code == 302
    client.post(f"/planning/plans/{plan.pk}/publish/")
    plan.refresh_from_db()
    assert (plan.status, plan.number) == ("published", "甲区督〔2026〕1号")
    page = client.get(f"/planning/plans/{plan.pk}/").content.decode()
    assert "甲区督〔2026〕1号" in page and "未开始" in page
    assert "完成 0/3，0%" in page, page[page.find("总体完成情况"):][:600]


def test_import_errors_are_shown_and_nothing_is_made(world, login):
    client = login(world.office_a)
    response = client.post("/planning/plans/import/", {
        "region": "990102", "year": 2026, "year_kind": "calendar", "title": "x",
        "file": SimpleUploadedFile("要点.docx", b"not a document", content_type=DOCX)})
    assert response.status_code == 400 and "不是支持的文档" in response.content.decode()
    document = docx.Document()
    document.add_paragraph("请各校认真做好督导工作。")
    out = io.BytesIO()
    document.save(out)
    response = client.post("/planning/plans/import/", {
        "region": "990102", "year": 2026, "year_kind": "calendar", "title": "x",
        "file": SimpleUploadedFile("要点.docx", out.getvalue(), content_type=DOCX)})
    assert "没有识别出工作要点的结构" in response.content.decode() and "第 1 行" in response.content.decode()
    assert not Plan.objects.exists()


def test_posted_owner_ids_are_resolved_through_the_plan(world, login):
    plan, section, _ = make_plan(world)
    client = login(world.office_a)
    client.post(f"/planning/plans/sections/{section.pk}/tasks/add/", {"text": "越界", "owner": f"u:{world.office_b.pk}"})
    assert not PlanTask.objects.filter(text="越界").exists()
    client.post(f"/planning/plans/sections/{section.pk}/tasks/add/", {"text": "好", "owner": f"u:{world.office_a.pk}",
                                                                      "months": ["3", "4"], "due_date": "2026-04-30"})
    task = PlanTask.objects.get(text="好")
    assert (task.owner_user_id, task.months, task.due_date) == (world.office_a.pk, [3, 4], datetime.date(2026, 4, 30))


def test_list_filters_export_and_copy(world, login):
    plan, _s, _t = make_plan(world, year=2025)
    services.plan_publish(actor=world.office_a, plan=plan)
    make_plan(world, year=2026, title="今年草稿")
    client = login(world.office_a)
    page = client.get("/planning/plans/?status=published").content.decode().split("我负责的工作任务")[0]
    assert "2025年教育督导工作要点" in page and "今年草稿" not in page
    page = client.get("/planning/plans/?q=今年").content.decode().split("我负责的工作任务")[0]
    assert "今年草稿" in page and "2025年教育督导工作要点" not in page
    assert "没有符合条件的工作要点" in client.get("/planning/plans/?year=2030").content.decode()
    export = client.get("/planning/plans/?export=xlsx")
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
    response = client.post("/planning/plans/copy/", {"plan": plan.pk, "year": 2027})
    copy = Plan.objects.get(year=2027)
    assert response.status_code == 302 and copy.copied_from_id == plan.pk and copy.tasks.count() == 2


def test_progress_form_and_link_picker(world, login):
    plan, _section, (task, _) = make_plan(world)
    client = login(world.office_a)
    client.post(f"/planning/plans/tasks/{task.pk}/progress/", {"progress": "in_progress", "note": "已起草"})
    task.refresh_from_db()
    assert task.progress == "in_progress"
    page = client.get(f"/planning/plans/tasks/{task.pk}/?kind=planning.meeting&q=").content.decode()
    assert "没有找到符合条件的对象" in page and "已起草" in page


@time_machine.travel(MARCH, tick=False)
def test_api_list_and_tree(world, client):
    plan, _section, (task, _) = make_plan(world)
    services.task_progress_set(actor=world.office_a, task=task, progress="done", note="")
    response = client.get("/api/v1/plans", **bearer(world.leader_a))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1 and body["items"][0]["title"] == "2026年教育督导工作要点"
    assert body["items"][0]["task_count"] == 2 and body["items"][0]["region"] == "990102"
    detail = client.get(f"/api/v1/plans/{plan.pk}", **bearer(world.office_a)).json()
    assert detail["completion"]["done"] == 1 and detail["completion"]["percent"] == 50
    tasks = detail["sections"][0]["tasks"]
    assert [t["status"] for t in tasks] == ["done", "not_started"] and tasks[0]["owner"] == "office_a"
    assert client.get("/api/v1/plans", **bearer(world.office_b)).json()["count"] == 0
    assert client.get(f"/api/v1/plans/{plan.pk}", **bearer(world.office_b)).status_code == 404
    assert client.get(f"/api/v1/plans/{plan.pk}", **bearer(world.principal_a)).status_code == 404
    assert client.get("/api/v1/plans?status=nope", **bearer(world.admin)).status_code == 422


def test_a_zone_lead_finds_and_reports_their_task(world, login):
    from dudao.people.models import Inspector
    from dudao.zones.models import Zone

    lead = Inspector.objects.create(card_no="DX009", name="王督学", phone="1", kind="fulltime", source="official",
                                    region=world.county_a, appointed_on=datetime.date(2020, 1, 1),
                                    term_start=datetime.date(2024, 1, 1), user=world.inspector_a)
    zone = Zone.objects.create(code="Z9", name="第一责任区", region=world.county_a, lead=lead)
    plan, section, _ = make_plan(world, year=timezone_year())
    task = services.task_create(actor=world.office_a, section=section, text="挂牌督导全覆盖", owner_zone=zone,
                                due_date=datetime.date(timezone_year(), 12, 31))
    services.plan_publish(actor=world.office_a, plan=plan)
    client = login(world.inspector_a)
    page = client.get("/planning/plans/").content.decode()
    assert "我负责的工作任务" in page and "挂牌督导全覆盖" in page
    assert client.get(f"/planning/plans/{plan.pk}/").status_code == 404  # the plan itself is the office's
    assert "填写进展" in client.get(f"/planning/plans/tasks/{task.pk}/").content.decode()
    client.post(f"/planning/plans/tasks/{task.pk}/progress/", {"progress": "in_progress", "note": "已督导 12 所"})
    task.refresh_from_db()
    assert (task.progress, task.progress_note) == ("in_progress", "已督导 12 所")
    other = PlanTask.objects.exclude(pk=task.pk).first()
    assert client.get(f"/planning/plans/tasks/{other.pk}/").status_code == 404


def timezone_year() -> int:
    from django.utils import timezone

    return timezone.localdate().year


def test_the_excel_template_imports_as_it_is(world, login):
    client = login(world.office_a)
    template = client.get("/planning/plans/import/template/")
    assert template.status_code == 200 and template["Content-Disposition"].endswith(".xlsx")
    data = b"".join(template) if template.streaming else template.content
    response = client.post("/planning/plans/import/", {
        "region": "990102", "year": timezone_year(), "year_kind": "calendar", "title": "模板导入",
        "file": SimpleUploadedFile("大纲.xlsx", data)})
    assert response.status_code == 302
    plan = Plan.objects.get()
    tasks = list(plan.tasks.order_by("order"))
    assert [(t.owner_label, t.months) for t in tasks] == [("督政科", [9, 10, 11]), ("督政科", [5])]
    assert tasks[0].due_date == datetime.date(timezone_year(), 11, 30)
    assert tasks[1].due_date == datetime.date(timezone_year(), 5, 31)
    assert login(world.leader_a).get("/planning/plans/import/template/").status_code == 404
