"""The 审计报告 (.docx from the sandboxed template audit_report: 文号 and findings in it; a template with a forbidden
construct is refused), publication on the public results page and its withdrawal, the forged school POST, the
school's upload, to-dos, year figures and the archive."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx import Document

from dudao.audits.models import AuditCase, AuditCaseStatus, AuditCaseTransition
from dudao.audits.services import cases as services
from dudao.audits.services import reports
from dudao.audits.todo import overdue_requests, school_requests
from dudao.audits.year import archive_reports, calendar_fieldwork, year_figures
from dudao.core.errors import ApplicationError
from dudao.documents import files
from dudao.documents.render import DocumentError, check_template, default_template_path
from dudao.rectification.followup import publication_withdraw
from dudao.rectification.models import Publication, PublicationKind
from tests.audits.cases_data import make_case, pdf, person, plan, started

pytestmark = pytest.mark.django_db


def _docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


@pytest.fixture
def reported(world):
    case = started(world, make_case(world))
    services.finding_add(actor=world.office_a, case=case, text="报销凭证未附验收单", category="finance",
                         amount="12800", severity=2)
    services.finding_add(actor=world.office_a, case=case, text="资产核销不及时", category="assets")
    return reports.report_issue(actor=world.office_a, case=case, number="甲督审〔2026〕7号",
                                issued_on=timezone.localdate(), summary="财务收支总体真实、合法。",
                                conclusion="履行经济责任情况总体较好。")


def test_the_report_holds_the_number_and_the_findings(world, login, reported):
    response = login(world.office_a).get(reverse("audits:report_download", args=[reported.pk]))
    assert response.status_code == 200
    text = _docx_text(b"".join(response.streaming_content))
    assert "甲督审〔2026〕7号" in text and "报销凭证未附验收单" in text and "资产核销不及时" in text
    assert "12,800.00" in text and "王建国" in text and "甲区第一小学" in text and "履行经济责任情况总体较好" in text
    assert reported.report_file.sha256 == files.sha256_of(files.read_blob(reported.report_file.path))


def test_a_draft_is_rendered_for_the_office_before_issue(world, login):
    case = started(world, make_case(world))
    response = login(world.office_a).get(reverse("audits:report_download", args=[case.pk]))
    assert response.status_code == 200 and "（文号待定）" in _docx_text(response.content)


def test_a_template_with_a_forbidden_construct_is_refused():
    document = Document()
    document.add_paragraph("{{ title.__class__.__mro__ }}")
    buffer = io.BytesIO()
    document.save(buffer)
    with pytest.raises(DocumentError):
        check_template(buffer.getvalue(), "audit_report")
    # the shipped default passes the same check with the sample data
    check_template(default_template_path("audit_report").read_bytes(), "audit_report")


def test_publication_and_withdrawal(world, client, reported):
    assert reported.status == AuditCaseStatus.REPORTED
    case = reports.report_publish(actor=world.office_a, case=reported)
    item = Publication.objects.get()
    assert item.kind == PublicationKind.AUDIT and item.region_code == world.county_a.code
    assert "甲督审〔2026〕7号" in item.body and "财务收支总体真实、合法" in item.body
    assert "报销凭证未附验收单" not in item.body and "发现问题 2 个" in item.body  # the summary, not the papers
    page = client.get(reverse("results:list")).content.decode()
    assert item.title in page
    assert client.get(reverse("results:detail", args=[item.pk])).status_code == 200
    with pytest.raises(ApplicationError, match="撤回原因"):
        reports.report_withdraw(actor=world.office_a, case=case, reason=" ")
    case = reports.report_withdraw(actor=world.office_a, case=case, reason="报告内容需更正")
    item.refresh_from_db()
    assert item.withdrawn_at and item.withdraw_reason == "报告内容需更正"
    assert case.status == AuditCaseStatus.REPORTED and case.publication is None
    assert item.title not in client.get(reverse("results:list")).content.decode()
    assert client.get(reverse("results:detail", args=[item.pk])).status_code == 404
    notes = [t.note for t in AuditCaseTransition.history(case)]
    assert "撤回公开：报告内容需更正" in notes
    reports.report_publish(actor=world.office_a, case=case)  # published anew
    assert Publication.objects.filter(withdrawn_at__isnull=True).count() == 1


def test_withdrawn_elsewhere_is_tolerated(world, reported):
    case = reports.report_publish(actor=world.office_a, case=reported)
    publication_withdraw(actor=world.office_a, item=case.publication, reason="在公开管理页撤回")
    case = reports.report_withdraw(actor=world.office_a, case=case, reason="同步撤回")
    assert case.status == AuditCaseStatus.REPORTED


def test_a_forged_school_of_another_district_is_refused_in_chinese(world, login):
    the_plan = plan(world)
    today = timezone.localdate()
    data = {"school": world.schools_b[0].pk, "auditee_name": "乙县校长", "auditee_position": "principal",
            "reason": "departure", "term_from": "2019-09-01", "term_to": (today - datetime.timedelta(days=9)).isoformat(),
            "period_from": "2023-01-01", "period_to": (today - datetime.timedelta(days=9)).isoformat()}
    response = login(world.office_a).post(reverse("audits:case_create", args=[the_plan.pk]), data)
    assert response.status_code == 400 and "不在本区（县）" in response.content.decode()
    assert not AuditCase.objects.exists()
    data["school"] = world.schools_a[0].pk
    response = login(world.office_a).post(reverse("audits:case_create", args=[the_plan.pk]), data)
    assert response.status_code == 302 and AuditCase.objects.count() == 1
    # another district's office cannot even reach the form
    assert login(world.office_b).get(reverse("audits:case_create", args=[the_plan.pk])).status_code == 404


def test_school_uploads_a_requested_document(world, login):
    case = started(world, make_case(world))
    item = services.request_add(actor=world.office_a, case=case, title="财务报表",
                                due_on=timezone.localdate() + datetime.timedelta(days=2))
    school = login(world.principal_a)
    fake = SimpleUploadedFile("报表.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = school.post(reverse("audits:request_upload", args=[item.pk]), {"file": fake}, follow=True)
    item.refresh_from_db()
    assert item.file_id is None and "alert" in response.content.decode()
    school.post(reverse("audits:request_upload", args=[item.pk]), {"file": pdf()})
    item.refresh_from_db()
    assert item.file_id and item.uploaded_by == world.principal_a
    # another school's user cannot upload to it
    other = login(person(world, "other_school", "school", school=world.schools_a[1]))
    assert other.post(reverse("audits:request_upload", args=[item.pk]), {"file": pdf()}).status_code == 404


def test_todos_year_figures_calendar_and_archive(world, reported):
    today = timezone.localdate()
    in_progress = started(world, make_case(world, plan(world, today.year - 1), school=world.schools_a[2],
                                           auditee_name="李四", fieldwork_from=None, fieldwork_to=None))
    item = services.request_add(actor=world.office_a, case=in_progress, title="资产台账",
                                due_on=today + datetime.timedelta(days=1))
    assert [t.key for t in school_requests(world.principal_a, today)] == []
    assert [t.key for t in overdue_requests(world.office_a, today)] == []
    type(item).objects.filter(pk=item.pk).update(due_on=today - datetime.timedelta(days=1))
    assert [t.key for t in overdue_requests(world.office_a, today)] == [f"audits.request:{item.pk}:overdue"]
    assert overdue_requests(world.office_b, today) == []
    reports.report_publish(actor=world.office_a, case=reported)
    figures = {f.key: f.value for f in year_figures(world.county_a.code, datetime.date(today.year, 1, 1),
                                                      datetime.date(today.year, 12, 31))}
    assert figures == {"audits.planned": 1, "audits.audited": 1, "audits.published": 1}
    assert year_figures(world.county_b.code, datetime.date(today.year, 1, 1),
                        datetime.date(today.year, 12, 31))[1].value == 0
    items = calendar_fieldwork(world.office_a, today - datetime.timedelta(days=30), today)
    assert [i.key for i in items] == [str(reported.pk)] and calendar_fieldwork(world.office_b, today, today) == []
    archived = list(archive_reports(world.county_a.code, datetime.date(today.year, 1, 1), today))
    assert len(archived) == 1 and "甲督审〔2026〕7号" in archived[0].title
