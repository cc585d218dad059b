"""整改通知书 workflow: issue, sign, report with evidence, verify or return; and what is refused."""

import datetime

import pytest
from django.utils import timezone

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog, Notification
from dudao.documents.models import StoredFile
from dudao.rectification import notices
from dudao.rectification.models import Finding, NoticeStatus, RectificationNotice
from tests.rectification.conftest import evidence


def _report(notice, findings):
    return {f.pk: (f"已整改：{f.description}", [evidence()]) for f in findings}


def test_a_notice_goes_from_issue_to_verified_and_closes_its_findings(world, ledger):
    notice = notices.notice_issue(actor=world.office_a, findings=ledger.findings, days=20, requirement="限期整改。")
    assert notice.number == f"甲区督整〔{timezone.localdate().year}〕1号"
    assert notice.due_date == timezone.localdate() + datetime.timedelta(days=20)
    assert set(Finding.objects.filter(notice=notice).values_list("due_date", flat=True)) == {notice.due_date}
    assert Notification.objects.filter(user=world.principal_a, key=f"notice:{notice.pk}:issued").exists()

    notices.notice_acknowledge(actor=world.principal_a, notice=notice)
    notices.notice_start(actor=world.principal_a, notice=notice)
    notices.notice_report(actor=world.principal_a, notice=notice, reports=_report(notice, ledger.findings))
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.REPORTED and notice.verify_due_date is not None
    assert notice.reports.count() == 2 and all(r.evidence.count() == 1 for r in notice.reports.all())

    notices.notice_verify(actor=world.inspector_a, notice=notice, accepted=False, note="照片不清楚，请补充。")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.RECTIFYING
    notices.notice_report(actor=world.principal_a, notice=notice, reports=_report(notice, ledger.findings))
    notices.notice_verify(actor=world.inspector_a, notice=notice, accepted=True, on_site=True)
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.CLOSED and notice.closed_at
    assert set(Finding.objects.filter(notice=notice).values_list("status", flat=True)) == {"closed"}
    steps = list(notice.transitions.values_list("to_status", flat=True))
    assert steps == ["issued", "acknowledged", "rectifying", "reported", "rectifying", "reported", "closed"]
    assert AuditLog.objects.filter(action="notice.verify", object_id=str(notice.pk)).exists()


def test_what_the_workflow_refuses(world, ledger):
    with pytest.raises(ApplicationError, match="晚于今天"):
        notices.notice_issue(actor=world.office_a, findings=ledger.findings, due_date=timezone.localdate())
    with pytest.raises(PermissionDenied):
        notices.notice_issue(actor=world.office_b, findings=ledger.findings, days=10)
    notice = notices.notice_issue(actor=world.office_a, findings=ledger.findings, days=10)
    with pytest.raises(ApplicationError, match="已在整改通知书"):
        notices.notice_issue(actor=world.office_a, findings=ledger.findings[:1], days=10)
    with pytest.raises(ApplicationError, match="不能变为"):  # reporting before signing for it
        notices.notice_report(actor=world.principal_a, notice=notice, reports=_report(notice, ledger.findings))
    assert not StoredFile.objects.exists()  # the refused report left no file rows behind
    with pytest.raises(PermissionDenied):  # another school's user
        notices.notice_acknowledge(actor=world.town_a, notice=notice)
    notices.notice_acknowledge(actor=world.principal_a, notice=notice)
    no_evidence = {f.pk: ("已整改。", []) for f in ledger.findings}
    with pytest.raises(ApplicationError, match="没有佐证"):
        notices.notice_report(actor=world.principal_a, notice=notice, reports=no_evidence)
    with pytest.raises(ApplicationError, match="没有填写整改措施"):
        notices.notice_report(actor=world.principal_a, notice=notice, reports=_report(notice, ledger.findings[:1]))
    assert RectificationNotice.objects.get(pk=notice.pk).status == NoticeStatus.ACKNOWLEDGED
    with pytest.raises(ApplicationError, match="未逾期"):
        notices.order_issue(actor=world.office_a, notice=notice)

    notices.notice_report(actor=world.principal_a, notice=notice, reports=_report(notice, ledger.findings))
    with pytest.raises(ApplicationError, match="写明理由"):
        notices.notice_verify(actor=world.office_a, notice=notice, accepted=False)
    with pytest.raises(PermissionDenied, match="不能核查自己"):  # the school cannot verify its own report
        notices.notice_verify(actor=world.principal_a, notice=notice, accepted=True)
    notices.notice_verify(actor=world.office_a, notice=notice, accepted=True)
    with pytest.raises(ApplicationError, match="已办结"):
        notices.finding_update(actor=world.office_a, finding=ledger.findings[0], description="改一下")


def test_a_manual_order_needs_an_overdue_notice_and_goes_to_the_competent_department(world, ledger):
    notice = notices.notice_issue(actor=world.office_a, findings=ledger.findings, days=5)
    RectificationNotice.objects.filter(pk=notice.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=1))
    order = notices.order_issue(actor=world.office_a, notice=notice)
    assert order.department == ledger.bureau and order.number.startswith("甲区督办〔")
    assert Notification.objects.filter(user=ledger.bureau_user, key=f"order:{order.pk}:issued").exists()
    with pytest.raises(ApplicationError, match="已下达过"):
        notices.order_issue(actor=world.office_a, notice=notice)
    with pytest.raises(PermissionDenied):
        notices.order_respond(actor=world.town_a, order=order, response="已督促")
    notices.order_respond(actor=ledger.bureau_user, order=order, response="已约见校长，督促一周内整改到位。")
    order.refresh_from_db()
    assert order.status == "acknowledged" and order.acknowledged_by == ledger.bureau_user


def test_the_inbox_shows_a_users_own_messages_and_marks_them_read(world, ledger, login):
    notice = notices.notice_issue(actor=world.office_a, findings=ledger.findings, days=10)
    client = login(world.principal_a)
    page = client.get("/inbox/").content.decode()
    assert notice.number in page and 'badge text-bg-danger">1<' in page
    client.post("/inbox/")
    assert not Notification.objects.filter(user=world.principal_a, read_at__isnull=True).exists()
    assert notice.number not in login(world.office_b).get("/inbox/").content.decode()


def test_the_inspector_files_the_report_with_the_office(world, ledger):
    assert notices.add_workdays(datetime.date(2026, 11, 27), 3) == datetime.date(2026, 12, 2)  # Friday + 3 → Wednesday
    notice = notices.notice_issue(actor=world.office_a, findings=ledger.findings, days=10)
    with pytest.raises(PermissionDenied):
        notices.notice_file(actor=world.principal_a, notice=notice)
    with pytest.raises(ApplicationError, match="尚未提交整改报告"):
        notices.notice_file(actor=world.inspector_a, notice=notice)
    notices.notice_acknowledge(actor=world.principal_a, notice=notice)
    notices.notice_report(actor=world.principal_a, notice=notice, reports=_report(notice, ledger.findings))
    notice.refresh_from_db()
    assert notice.file_due_date == notices.add_workdays(timezone.localdate(), 3)
    notices.notice_file(actor=world.inspector_a, notice=notice)
    notice.refresh_from_db()
    assert notice.filed_at is not None and notice.transitions.filter(event="file").exists()
    assert Notification.objects.filter(user=world.office_a, key__startswith=f"notice:{notice.pk}:filed").exists()
    with pytest.raises(ApplicationError, match="已报督导室备案"):
        notices.notice_file(actor=world.inspector_a, notice=notice)
