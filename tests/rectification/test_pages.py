"""The ledger and workflow pages: scope, filters, export, and the whole loop driven through HTTP."""

import datetime

import time_machine
from django.utils import timezone

from dudao.core.models import Notification
from dudao.core.tabular import read_upload
from dudao.rectification import notices
from dudao.rectification.jobs import run_deadlines
from dudao.rectification.models import Finding, NoticeStatus, SupervisionOrder
from dudao.rectification.services import finding_raise
from tests.rectification.conftest import evidence


def test_a_school_sees_its_own_ledger_only(world, ledger, login):
    other = finding_raise(actor=world.office_a, source="manual", school=world.schools_a[1], description="厕所无障碍设施缺失。")
    page = login(world.principal_a).get("/rectification/").content.decode()
    assert "食堂留样记录不全" in page and "厕所无障碍" not in page
    assert login(world.principal_a).get(f"/rectification/findings/{other.pk}/").status_code == 404
    office_page = login(world.office_a).get("/rectification/").content.decode()
    assert "厕所无障碍" in office_page and "下发整改通知书" in office_page
    assert "食堂留样" not in login(world.office_b).get("/rectification/").content.decode()


def test_ledger_filters_and_the_excel_layout(world, ledger, login):
    notices.notice_issue(actor=world.office_a, findings=ledger.findings[:1], days=5, requirement="一周内补齐。")
    client = login(world.office_a)
    assert "消防通道" not in client.get("/rectification/?q=食堂").content.decode()
    assert "食堂留样" not in client.get("/rectification/?source=visit").content.decode()
    assert "食堂留样" not in client.get("/rectification/?target=unit").content.decode()
    response = client.get("/rectification/?export=1&q=食堂")
    sheet = read_upload(response.content, "台账.xlsx")[0]
    assert sheet.header == ["序号", "单位", "问题", "来源", "整改要求", "期限", "责任人", "进展", "状态"]
    rows = [cells for _number, cells in sheet.rows]
    assert len(rows) == 1 and rows[0][:4] == ["1", world.schools_a[0].name, "食堂留样记录不全。", "手工录入"]
    assert rows[0][4] == "一周内补齐。" and rows[0][7] == "已下发" and rows[0][8] == "待整改"


def test_the_loop_through_the_pages(world, ledger, login):
    """Office issues from the ledger; the deadline passes; the job orders the bureau, which sees and signs it;
    the school reports with evidence; the inspector verifies; the findings close."""
    office = login(world.office_a)
    ids = [f.pk for f in ledger.findings]
    form = office.get("/rectification/notices/new/", {"ids": ids}).content.decode()
    assert "消防通道堆放杂物" in form
    due = timezone.localdate() + datetime.timedelta(days=10)
    response = office.post("/rectification/notices/new/", {"findings": ",".join(map(str, ids)), "due_date": due.isoformat()})
    notice = Finding.objects.get(pk=ids[0]).notice
    assert response.status_code == 302 and response["Location"] == f"/rectification/notices/{notice.pk}/"

    with time_machine.travel(due + datetime.timedelta(days=1)):
        assert run_deadlines()["orders"] == 1
    order = SupervisionOrder.objects.get(notice=notice)
    bureau = login(ledger.bureau_user)
    assert Notification.objects.filter(user=ledger.bureau_user, url=f"/rectification/orders/{order.pk}/").exists()
    assert order.number in bureau.get("/rectification/orders/").content.decode()
    assert "食堂留样" in bureau.get("/rectification/").content.decode()  # the department sees what it presses
    bureau.post(f"/rectification/orders/{order.pk}/respond/", {"response": "已约见校长，督促一周内完成。"})
    order.refresh_from_db()
    assert order.status == "acknowledged"

    school = login(world.principal_a)
    school.post(f"/rectification/notices/{notice.pk}/acknowledge/")
    page = school.get(f"/rectification/notices/{notice.pk}/").content.decode()
    assert "提交整改报告" in page
    refused = school.post(f"/rectification/notices/{notice.pk}/report/", {f"measures_{i}": "已整改" for i in ids}, follow=True)
    assert "没有佐证不能提交" in refused.content.decode()
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.ACKNOWLEDGED
    payload = {f"measures_{i}": "已整改，见照片。" for i in ids} | {f"evidence_{i}": evidence() for i in ids}
    school.post(f"/rectification/notices/{notice.pk}/report/", payload)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.REPORTED

    inspector = login(world.inspector_a)
    assert "核查整改" in inspector.get(f"/rectification/notices/{notice.pk}/").content.decode()
    inspector.post(f"/rectification/notices/{notice.pk}/verify/", {"accepted": "1", "on_site": "on", "note": "现场查看属实。"})
    assert set(Finding.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"closed"}
    timeline = inspector.get(f"/rectification/findings/{ids[0]}/").content.decode()
    for step in ("提出问题", "下发整改通知书", "下达督办单", "签收督办单", "提交整改报告", "核查通过"):
        assert step in timeline


def test_refusals_come_back_as_chinese_messages(world, ledger, login):
    office = login(world.office_a)
    ids = ",".join(str(f.pk) for f in ledger.findings)
    past = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    page = office.post("/rectification/notices/new/", {"findings": ids, "due_date": past}).content.decode()
    assert "整改期限必须晚于今天" in page and not Finding.objects.filter(notice__isnull=False).exists()
    notice = notices.notice_issue(actor=world.office_a, findings=ledger.findings, days=10)
    page = office.post(f"/rectification/notices/{notice.pk}/order/", follow=True).content.decode()
    assert "未逾期" in page and not SupervisionOrder.objects.exists()
    page = login(world.principal_a).post(f"/rectification/notices/{notice.pk}/verify/", {"accepted": "1"},
                                         follow=True).content.decode()
    assert "只有该校责任督学或督导室可以核查整改" in page
    assert login(world.office_b).get(f"/rectification/notices/{notice.pk}/").status_code == 404


def test_the_notice_as_word_and_pdf(world, ledger, login):
    import io

    from docx import Document

    notice = notices.notice_issue(actor=world.office_a, findings=ledger.findings, days=10, requirement="限期整改。")
    client = login(world.principal_a)
    response = client.get(f"/rectification/notices/{notice.pk}/document.docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    tables = "\n".join(c.text for t in Document(io.BytesIO(response.content)).tables for r in t.rows for c in r.cells)
    assert notice.number in text and world.schools_a[0].name in text and "限期整改。" in text
    assert "消防通道堆放杂物。" in tables and "{{" not in text + tables
    pdf = client.get(f"/rectification/notices/{notice.pk}/document.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert login(world.office_b).get(f"/rectification/notices/{notice.pk}/document.pdf").status_code == 404


def test_the_ledger_counts_up_to_a_cap(world, ledger, login, monkeypatch):
    from dudao.rectification import views

    monkeypatch.setattr(views, "LEDGER_COUNT_CAP", 1)
    page = login(world.office_a).get("/rectification/").content.decode()
    assert "超过 1 条" in page
    monkeypatch.setattr(views, "LEDGER_COUNT_CAP", 5)
    assert "共 2 条" in login(world.office_a).get("/rectification/").content.decode()


def test_one_finding_cannot_be_selected_twice_into_a_notice(world, ledger, login):
    import pytest

    from dudao.core.errors import ApplicationError

    office = login(world.office_a)
    first = ledger.findings[0].pk
    page = office.post("/rectification/notices/new/", {"findings": f"{first},{first}", "days": "10"})
    assert page.status_code == 200 and "不能在一份整改通知书中选择两次" in page.content.decode()
    assert not Finding.objects.filter(notice__isnull=False).exists()
    with pytest.raises(ApplicationError, match="选择两次"):
        notices.notice_issue(actor=world.office_a, findings=[ledger.findings[0], ledger.findings[0]], days=10)
    assert not Finding.objects.filter(notice__isnull=False).exists()


def test_the_ledger_filters_by_region_and_category_from_lists(world, ledger, login):
    finding_raise(actor=world.office_a, source="manual", school=world.schools_a[1], category="r1",
                          category_label="校园安全", description="消防器材过期。")
    office = login(world.office_a)
    page = office.get("/rectification/").content.decode()
    assert 'name="region" placeholder' not in page and 'name="category" placeholder' not in page
    assert f'<option value="{world.county_a.code}"' in page and f'<option value="{world.county_b.code}"' not in page
    assert '<option value="校园安全"' in page and '<option value="食堂、食品、饮水、宿舍卫生"' in page
    chosen = office.get("/rectification/", {"category": "校园安全"}).content.decode()
    assert "消防器材过期" in chosen and "食堂留样记录不全" not in chosen
    assert '<option value="校园安全" selected' in chosen
    town = world.schools_a[1].region_id
    assert "消防器材过期" in office.get("/rectification/", {"region": town}).content.decode()
