"""The rectification API (/api/v1/findings, notices, orders, talks, cases) with the personas: scope as the pages,
404 outside it, the school's 签收 and 整改报告 and the inspector's 核查 through the same services, idempotent by
client id, the evidence rule, and pagination."""

import datetime
import json
import uuid

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dudao.core.errors import ApplicationError
from dudao.core.models import AuditLog
from dudao.rectification import accountability, notices
from dudao.rectification.jobs import run_deadlines
from dudao.rectification.models import (
    Finding,
    FindingReport,
    FindingStatus,
    NoticeClientWrite,
    NoticeStatus,
    NoticeTransition,
    RectificationNotice,
    SupervisionOrder,
)
from dudao.rectification.services import finding_raise
from tests.rectification.conftest import evidence, on_the_day

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def _on_today():
    with on_the_day(TODAY):
        yield


@pytest.fixture
def notice(world, ledger):
    return notices.notice_issue(actor=world.office_a, findings=ledger.findings, days=10, requirement="两周内整改到位。")


@pytest.fixture
def notice_b(world):
    """A notice in district B (乙县), which nobody in district A may see."""
    finding = finding_raise(actor=world.office_b, source="manual", school=world.schools_b[0], description="乙县的问题。")
    return notices.notice_issue(actor=world.office_b, findings=[finding], days=10)


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def _report(client, notice, findings, *, files=None, client_id=None, evidence_of=None):
    """POST a report: one evidence file per finding unless `evidence_of` says otherwise."""
    files = [evidence(f"照片{k}.jpg") for k in range(len(findings))] if files is None else files
    evidence_of = evidence_of or {f.pk: [k] for k, f in enumerate(findings)}
    data = {"client_id": str(client_id or uuid.uuid4()),
            "reports": [{"finding": f.pk, "measures": f"已整改：{f.description}", "evidence": evidence_of.get(f.pk, [])}
                        for f in findings]}
    return client.post(f"/api/v1/notices/{notice.pk}/report", {"data": json.dumps(data, ensure_ascii=False),
                                                                "evidence": files})


# ---- reading ----------------------------------------------------------------------------------------------------

def test_findings_are_scoped_like_the_ledger(world, ledger, login):
    other_school = finding_raise(actor=world.office_a, source="manual", school=world.schools_a[1], description="厕所无障碍设施缺失。")
    town = finding_raise(actor=world.office_a, source="complaint", unit=world.unit_a, description="镇财政教育投入不足。")
    b = finding_raise(actor=world.office_b, source="manual", school=world.schools_b[0], description="乙县的问题。")

    def ids(user, query=""):
        body = login(user).get(f"/api/v1/findings{query}").json()
        return {item["id"] for item in body["items"]}

    office = ids(world.office_a)
    assert {f.pk for f in ledger.findings} | {other_school.pk, town.pk} <= office and b.pk not in office
    assert ids(world.principal_a) == {f.pk for f in ledger.findings}
    assert ids(world.town_a) == {town.pk}
    assert ids(world.leader_a) == office
    assert ids(world.office_b) == {b.pk}
    assert ids(world.expert) == set()
    for user in (world.office_b, world.principal_a, world.town_a):
        assert login(user).get(f"/api/v1/findings/{other_school.pk}").status_code == 404
    assert login(world.office_a).get(f"/api/v1/findings/{b.pk}").status_code == 404


def test_the_ledger_filters(world, ledger, login):
    town = finding_raise(actor=world.office_a, source="complaint", unit=world.unit_a, description="镇财政教育投入不足。",
                         category_label="经费投入", due_date=TODAY - datetime.timedelta(days=3))
    client = login(world.office_a)

    def ids(**query):
        response = client.get("/api/v1/findings", query)
        assert response.status_code == 200, response.content
        return {item["id"] for item in response.json()["items"]}

    first, second = ledger.findings
    assert ids(target="unit") == {town.pk}
    assert ids(target="school") == {first.pk, second.pk}
    assert ids(source="complaint") == {town.pk}
    assert ids(category="经费") == {town.pk}
    assert ids(category="r7") == {first.pk, second.pk}
    assert ids(overdue="true") == {town.pk}
    assert ids(q="食堂") == {first.pk}
    assert ids(q="甲二镇人民") == {town.pk}  # the unit's name
    assert first.pk in ids(q=first.school.name[-4:])  # the school's name
    assert ids(region="990102002") == {town.pk}
    assert ids(status="closed") == set()
    assert ids(status="open") == {first.pk, second.pk, town.pk}
    item = client.get("/api/v1/findings", {"overdue": "true"}).json()["items"][0]
    assert item["target_name"] == "甲二镇人民政府" and item["overdue"] is True and item["source_label"] == "投诉举报"
    assert item["progress"] == "逾期未下发整改通知"
    bad = client.get("/api/v1/findings", {"status": "nonsense"})
    assert bad.status_code == 422 and "status" in bad.json()["detail"]


def test_findings_paginate_with_a_capped_count(world, ledger, login):
    for k in range(5):
        finding_raise(actor=world.office_a, source="manual", school=world.schools_a[1], description=f"问题{k}。")
    client = login(world.office_a)
    body = client.get("/api/v1/findings", {"page_size": 3}).json()
    assert body["count"] == 7 and body["count_capped"] is False and len(body["items"]) == 3
    pages = [client.get("/api/v1/findings", {"page_size": 3, "page": p}).json()["items"] for p in (1, 2, 3)]
    seen = [item["id"] for page in pages for item in page]
    assert len(seen) == 7 and len(set(seen)) == 7
    assert seen == sorted(seen, reverse=True)  # newest first (all raised in this test, so ids follow time)
    assert client.get("/api/v1/findings", {"page": 99}).json()["items"] == []
    # Over the cap: the count stops there and says so, and pages beyond it are still served.
    from dudao.core.listing import ApiPagination, CappedApiPagination

    paginator = CappedApiPagination(count_cap=4, page_size=3)
    qs = Finding.objects.order_by("-id")
    page = paginator.paginate_queryset(qs, ApiPagination.Input(page=1), None)
    assert page["count"] == 4 and page["count_capped"] is True and len(page["items"]) == 3
    beyond = paginator.paginate_queryset(qs, ApiPagination.Input(page=3), None)
    assert [f.pk for f in beyond["items"]] == [f.pk for f in qs][6:7]
    with pytest.raises(ApplicationError, match="请缩小筛选范围"):  # too deep to be read: the client is asked to filter
        paginator.paginate_queryset(Finding.objects.order_by("-id"), ApiPagination.Input(page=10**9), None)


def test_a_finding_with_its_timeline(world, ledger, notice, login):
    client = login(world.principal_a)
    notices.notice_acknowledge(actor=world.principal_a, notice=notice)
    body = client.get(f"/api/v1/findings/{ledger.findings[0].pk}").json()
    labels = [event["label"] for event in body["timeline"]]
    assert labels[0] == "提出问题（手工录入）" and labels[1].startswith("下发整改通知书") and "已签收" in labels
    assert body["notice_id"] == notice.pk and body["progress"] == "已签收" and body["evidence_count"] == 0
    assert body["timeline"][2]["who"] == "principal_a"


def test_notices_list_and_detail(world, ledger, notice, notice_b, login):
    client = login(world.principal_a)
    body = client.get("/api/v1/notices").json()
    assert [n["id"] for n in body["items"]] == [notice.pk] and body["count"] == 1
    detail = client.get(f"/api/v1/notices/{notice.pk}").json()
    assert detail["number"] == notice.number and detail["status"] == "issued" and detail["status_label"] == "已下发"
    assert [f["id"] for f in detail["findings"]] == sorted(f.pk for f in ledger.findings)
    assert detail["actions"] == ["acknowledge"] and detail["transitions"][0]["label"] == "下发"
    assert login(world.office_a).get(f"/api/v1/notices/{notice.pk}").json()["actions"] == []
    assert login(world.office_a).get("/api/v1/notices", {"status": "reported"}).json()["items"] == []
    for user in (world.office_b, world.town_a, world.expert):
        assert login(user).get(f"/api/v1/notices/{notice.pk}").status_code == 404, user
    assert login(world.office_a).get(f"/api/v1/notices/{notice_b.pk}").status_code == 404
    assert [n["id"] for n in login(world.office_b).get("/api/v1/notices").json()["items"]] == [notice_b.pk]


# ---- the school's 签收 and 整改报告, the inspector's 核查 ------------------------------------------------------------

def test_the_loop_through_the_api(world, ledger, notice, login):
    school = login(world.principal_a)
    ack = uuid.uuid4()
    response = _post(school, f"/api/v1/notices/{notice.pk}/acknowledge", {"client_id": str(ack)})
    assert response.status_code == 201, response.content
    assert response.json()["created"] is True and response.json()["notice"]["status"] == "acknowledged"

    response = _report(school, notice, ledger.findings)
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "reported"
    assert FindingReport.objects.filter(notice=notice).count() == 2
    assert all(r.evidence.count() == 1 for r in FindingReport.objects.filter(notice=notice))

    inspector = login(world.inspector_a)
    assert inspector.get(f"/api/v1/notices/{notice.pk}").json()["actions"] == ["file", "verify"]
    response = _post(inspector, f"/api/v1/notices/{notice.pk}/verify",
                     {"client_id": str(uuid.uuid4()), "accepted": True, "note": "佐证齐全。", "on_site": True})
    assert response.status_code == 201, response.content
    assert response.json()["notice"]["status"] == "closed"
    assert set(Finding.objects.filter(notice=notice).values_list("status", flat=True)) == {FindingStatus.CLOSED}
    assert AuditLog.objects.filter(action="notice.verify", actor=world.inspector_a).count() == 1
    timeline = login(world.office_a).get(f"/api/v1/findings/{ledger.findings[0].pk}").json()["timeline"]
    assert [e["label"] for e in timeline][-2:] == ["提交整改报告", "核查通过"]
    assert "实地核查通过" in timeline[-1]["note"]


def test_a_return_with_reasons_and_a_return_without(world, ledger, notice, login):
    notices.notice_acknowledge(actor=world.principal_a, notice=notice)
    assert _report(login(world.principal_a), notice, ledger.findings).status_code == 201
    inspector = login(world.inspector_a)
    url = f"/api/v1/notices/{notice.pk}/verify"
    refused = _post(inspector, url, {"client_id": str(uuid.uuid4()), "accepted": False, "note": ""})
    assert refused.status_code == 400 and refused.json()["detail"] == "退回整改须写明理由。"
    returned = _post(inspector, url, {"client_id": str(uuid.uuid4()), "accepted": False, "note": "照片不清晰。"})
    assert returned.status_code == 201 and returned.json()["status"] == "rectifying"


def test_repeated_client_ids_create_nothing(world, ledger, notice, login):
    school = login(world.principal_a)
    client_id = str(uuid.uuid4())
    url = f"/api/v1/notices/{notice.pk}/acknowledge"
    assert _post(school, url, {"client_id": client_id}).status_code == 201
    transitions = NoticeTransition.objects.filter(notice=notice).count()
    again = _post(school, url, {"client_id": client_id})
    assert again.status_code == 200 and again.json()["created"] is False and again.json()["status"] == "acknowledged"
    assert NoticeTransition.objects.filter(notice=notice).count() == transitions
    # A new id for the same move is refused by the service: the notice is signed already.
    refused = _post(school, url, {"client_id": str(uuid.uuid4())})
    assert refused.status_code == 400 and "不能变为" in refused.json()["detail"]

    report_id = uuid.uuid4()
    assert _report(school, notice, ledger.findings, client_id=report_id).status_code == 201
    reports, audits = FindingReport.objects.count(), AuditLog.objects.filter(action="notice.report").count()
    again = _report(school, notice, ledger.findings, client_id=report_id)
    assert again.status_code == 200 and again.json()["created"] is False and again.json()["action"] == "report"
    assert FindingReport.objects.count() == reports and AuditLog.objects.filter(action="notice.report").count() == audits
    assert NoticeClientWrite.objects.count() == 2

    # The same id for another action is a conflict, and changes nothing.
    conflict = _post(login(world.inspector_a), f"/api/v1/notices/{notice.pk}/verify",
                     {"client_id": str(report_id), "accepted": True})
    assert conflict.status_code == 409 and "客户端编号" in conflict.json()["detail"]
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.REPORTED


def test_a_report_without_evidence_is_refused_with_the_pages_message(world, ledger, notice, login):
    notices.notice_acknowledge(actor=world.principal_a, notice=notice)
    school = login(world.principal_a)
    response = _report(school, notice, ledger.findings, files=[], evidence_of={f.pk: [] for f in ledger.findings})
    assert response.status_code == 400
    assert response.json()["detail"] == "每个问题都要上传整改佐证材料（照片或文件），没有佐证不能提交。"
    page = school.post(f"/rectification/notices/{notice.pk}/report/",
                       {f"measures_{f.pk}": "已整改。" for f in ledger.findings}, follow=True)
    assert response.json()["detail"] in page.content.decode()  # the same sentence as the page
    # A file that is not an image or document is refused by the same upload check as the page.
    from django.core.files.uploadedfile import SimpleUploadedFile

    fake = [SimpleUploadedFile("a.jpg", b"not an image", content_type="image/jpeg"), evidence()]
    response = _report(school, notice, ledger.findings, files=fake)
    assert response.status_code == 400 and response.json()["detail"]
    # Evidence indexes must point at uploaded files, each used once.
    response = _report(school, notice, ledger.findings, evidence_of={f.pk: [5] for f in ledger.findings})
    assert response.status_code == 400 and "超出范围" in response.json()["detail"]
    response = _report(school, notice, ledger.findings[:1])
    assert response.status_code == 400 and "没有填写整改措施" in response.json()["detail"]
    bad_json = school.post(f"/api/v1/notices/{notice.pk}/report", {"data": "{"})
    assert bad_json.status_code == 400 and "不是有效的 JSON" in bad_json.json()["detail"]
    assert FindingReport.objects.count() == 0 and NoticeClientWrite.objects.filter(action="report").count() == 0
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ACKNOWLEDGED


def test_writes_outside_the_scope_are_404_and_wrong_roles_403(world, ledger, notice, notice_b, login):
    other_school = finding_raise(actor=world.office_a, source="manual", school=world.schools_a[1], description="别校的问题。")
    other_notice = notices.notice_issue(actor=world.office_a, findings=[other_school], days=10)
    school = login(world.principal_a)
    for target in (other_notice, notice_b):  # another school's notice; another district's
        assert _post(school, f"/api/v1/notices/{target.pk}/acknowledge", {"client_id": str(uuid.uuid4())}).status_code == 404
        assert _report(school, target, list(target.findings.all())).status_code == 404
    assert _post(login(world.office_a), f"/api/v1/notices/{notice_b.pk}/verify",
                 {"client_id": str(uuid.uuid4()), "accepted": True}).status_code == 404
    # The inspector sees the notice but is not the school: 403 with the service's message.
    refused = _post(login(world.inspector_a), f"/api/v1/notices/{notice.pk}/acknowledge", {"client_id": str(uuid.uuid4())})
    assert refused.status_code == 403 and refused.json()["detail"] == "只有被督导的学校或单位可以办理本项。"
    # Verifying before any report: the workflow refuses.
    early = _post(login(world.office_a), f"/api/v1/notices/{notice.pk}/verify",
                  {"client_id": str(uuid.uuid4()), "accepted": True})
    assert early.status_code == 400 and "不能变为" in early.json()["detail"]
    assert NoticeClientWrite.objects.count() == 0


# ---- 督办单, 约谈, 问责 -------------------------------------------------------------------------------------------

def test_orders_with_the_departments_response(world, ledger, notice, login):
    with time_machine.travel(notice.due_date + datetime.timedelta(days=1)):
        assert run_deadlines()["orders"] == 1
    order = SupervisionOrder.objects.get(notice=notice)
    notices.order_respond(actor=ledger.bureau_user, order=order, response="已约见校长，督促一周内完成。")
    for user in (world.office_a, ledger.bureau_user, world.principal_a):
        body = login(user).get("/api/v1/orders").json()
        assert [o["id"] for o in body["items"]] == [order.pk], user
    item = login(world.office_a).get("/api/v1/orders").json()["items"][0]
    assert item["response"] == "已约见校长，督促一周内完成。" and item["department_name"] == "甲区教育局"
    assert item["status"] == "acknowledged" and item["notice_number"] == notice.number
    detail = login(world.office_a).get(f"/api/v1/orders/{order.pk}").json()
    assert detail["acknowledged_by"] == "教育局督办员" and len(detail["findings"]) == 2
    assert login(world.office_a).get("/api/v1/orders", {"status": "closed"}).json()["items"] == []
    for user in (world.office_b, world.town_a):
        assert login(user).get(f"/api/v1/orders/{order.pk}").status_code == 404
        assert login(user).get("/api/v1/orders").json()["items"] == []


def test_talks_and_cases(world, ledger, login):
    talk = accountability.talk_propose(actor=world.office_a, reason="多项问题逾期未整改。", findings=ledger.findings)
    case = accountability.case_file(actor=world.office_a, target_kind="person", situation="irregular",
                                    facts="违规组织补课。", filed_on=TODAY, school=world.schools_a[0],
                                    person_name="张三", person_post="校长", talk=talk)
    body = login(world.office_a).get("/api/v1/talks").json()
    assert [t["id"] for t in body["items"]] == [talk.pk]
    assert body["items"][0]["finding_ids"] == sorted(f.pk for f in ledger.findings)
    assert login(world.principal_a).get(f"/api/v1/talks/{talk.pk}").json()["case_ids"] == [case.pk]
    assert login(world.office_b).get(f"/api/v1/talks/{talk.pk}").status_code == 404
    assert login(world.office_b).get("/api/v1/talks").json()["items"] == []

    cases = login(world.leader_a).get("/api/v1/cases").json()
    assert [c["id"] for c in cases["items"]] == [case.pk] and cases["items"][0]["step_label"] == "立案"
    detail = login(world.office_a).get(f"/api/v1/cases/{case.pk}").json()
    assert detail["steps"][0]["step"] == "filed" and detail["target_name"].endswith("张三（校长）")
    # 问责 is for the region's staff, as on the pages: the school concerned gets 404, like another district.
    for user in (world.principal_a, world.office_b):
        assert login(user).get(f"/api/v1/cases/{case.pk}").status_code == 404
    assert login(world.principal_a).get("/api/v1/cases").status_code == 404
    assert login(world.office_b).get("/api/v1/cases").json()["items"] == []


# ---- pagination everywhere and bounded queries --------------------------------------------------------------------

def test_every_list_endpoint_of_the_api_paginates(world, login):
    from dudao.api import api

    schema = api.get_openapi_schema()
    lists = [path for path, methods in schema["paths"].items()
             if "get" in methods and "{" not in path and path not in UNPAGINATED]
    for path in lists:
        params = {p["name"] for p in schema["paths"][path]["get"].get("parameters", [])}
        assert {"page", "page_size"} <= params, path
    body = login(world.admin).get("/api/v1/inspections").json()
    assert set(body) == {"items", "count"}


# GET operations without a path parameter that are not lists: one object or one report each.
UNPAGINATED = {"/api/v1/monitoring/balanced", "/api/v1/monitoring/preschool",
               # area "home": the 工作台's to-do list, a plain array as issue 22 specifies it; bounded (at most 20
               # items per source) and measured constant in the number of items (tests/dashboard/test_home_queries.py)
               "/api/v1/me/tasks"}


def test_the_findings_list_takes_the_same_queries_for_1_and_50_rows(world, ledger, login):
    client = login(world.office_a)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/findings").status_code == 200
        return len(ctx)

    one = queries()
    for k in range(48):
        finding_raise(actor=world.office_a, source="manual", school=world.schools_a[k % 5], description=f"问题{k}。")
    notices.notice_issue(actor=world.office_a, findings=list(Finding.objects.filter(school=world.schools_a[1])), days=5)
    assert queries() == one



def test_a_report_refused_for_its_state_stores_no_file(world):
    """A notice not yet signed refuses the report before any evidence is written to the file storage."""
    finding = finding_raise(actor=world.office_a, source="manual", school=world.schools_a[0], description="围墙破损。")
    notice = notices.notice_issue(actor=world.office_a, findings=[finding], days=10)
    stored_before = _stored_files()
    for _ in range(2):
        with pytest.raises(ApplicationError, match="不能变为"):
            notices.notice_report(actor=world.principal_a, notice=notice,
                                  reports={finding.pk: ("已整改。", [evidence()])})
    assert RectificationNotice.objects.get(pk=notice.pk).status == NoticeStatus.ISSUED
    assert _stored_files() == stored_before


def test_over_long_measures_are_refused(world):
    finding = finding_raise(actor=world.office_a, source="manual", school=world.schools_a[0], description="围墙破损。")
    notice = notices.notice_issue(actor=world.office_a, findings=[finding], days=10)
    notices.notice_acknowledge(actor=world.principal_a, notice=notice)
    with pytest.raises(ApplicationError, match="不超过 5000 字"):
        notices.notice_report(actor=world.principal_a, notice=notice, reports={finding.pk: ("很" * 5001, [evidence()])})
    notices.notice_report(actor=world.principal_a, notice=notice, reports={finding.pk: ("很" * 5000, [evidence()])})


def _stored_files() -> int:
    def walk(path):
        dirs, names = default_storage.listdir(path)
        return len(names) + sum(walk(f"{path}/{d}" if path else d) for d in dirs)
    return walk("")
