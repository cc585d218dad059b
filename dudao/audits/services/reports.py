"""The 审计报告 of a case: issue it (文号 typed by the office, unique per county and year; the Word document is
rendered from the sandboxed template "audit_report" and stored, so later template edits do not change an issued
report), publish its summary on the public results page (rectification Publication kind 审计报告) and withdraw it,
and turn findings into 整改 findings on the school, once each. Keyword-only, atomic, audited."""

import datetime
import re

from django.db import transaction
from django.utils import timezone

from dudao.audits.models import AUDIT_CASE_WORKFLOW, AuditCase, AuditCaseStatus, AuditFinding, AuditTeamRole
from dudao.audits.services.cases import _text, locked, move, require_office
from dudao.core.audit import audit_record, snapshot
from dudao.core.dates import cn_date
from dudao.core.errors import ApplicationError
from dudao.documents import files
from dudao.documents.selectors import render_docx
from dudao.documents.services import file_record
from dudao.rectification.followup import publication_publish, publication_withdraw
from dudao.rectification.models import FindingSource, PublicationKind
from dudao.rectification.services import finding_raise
from dudao.regions.models import Region

S = AuditCaseStatus
DOCNO_MAX = 64
SUMMARY_MAX = 3000
SOURCE_TYPE = "audits.auditfinding"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_NOT_NAME = re.compile(r"[\x00-\x1f/\\:*?\"<>|]")


def _money(amount) -> str:
    return f"{amount:,.2f}" if amount is not None else "—"


def report_context(case: AuditCase, *, number: str = "", issued_on: datetime.date | None = None,
                   summary: str = "", conclusion: str = "") -> dict:
    """Plain data for the Word template audit_report (see documents.render.TEMPLATES)."""
    county = Region.objects.filter(code=case.region_code).values_list("name", flat=True).first() or ""
    team = list(case.team.all())
    findings = list(case.findings.all())
    total = sum((f.amount for f in findings if f.amount is not None), start=0)
    return {
        "title": f"关于{case.school.name}{case.auditee_name}同志{case.get_reason_display()}经济责任审计的报告",
        "number": number or case.report_number or "（文号待定）",
        "office": f"{county}人民政府教育督导室" if county else "教育督导室",
        "school": case.school.name, "auditee": case.auditee_name, "position": case.get_auditee_position_display(),
        "reason": case.get_reason_display(),
        "term": f"{cn_date(case.term_from)}至{cn_date(case.term_to) if case.term_to else '今'}",
        "period": f"{cn_date(case.period_from)}至{cn_date(case.period_to)}",
        "fieldwork": (f"{cn_date(case.fieldwork_from)}至{cn_date(case.fieldwork_to)}" if case.fieldwork_from else "—"),
        "leader": "、".join(m.name for m in team if m.role == AuditTeamRole.LEADER) or "—",
        "members": "、".join(m.name for m in team if m.role != AuditTeamRole.LEADER) or "—",
        "summary": summary or case.report_summary, "conclusion": conclusion or case.report_conclusion,
        "findings": [{"no": n, "category": f.get_category_display(), "text": f.text, "amount": _money(f.amount),
                      "severity": f.get_severity_display()} for n, f in enumerate(findings, 1)],
        "finding_count": len(findings), "amount_total": _money(total if findings else None),
        "issued_on": cn_date(issued_on or case.report_issued_on or timezone.localdate()),
    }


def report_docx(case: AuditCase, **overrides) -> bytes:
    return render_docx("audit_report", case.region_code, report_context(case, **overrides))


def report_filename(case: AuditCase) -> str:
    name = _NOT_NAME.sub("", f"{case.school.name}{case.auditee_name}审计报告")[:80]
    return f"{name}.docx"


def report_issue(*, actor, case: AuditCase, number: str, issued_on, summary: str, conclusion: str) -> AuditCase:
    """实施中 → 报告已出具. The 文号 is typed (the office numbers its own documents) and must be unused in the county
    for the year of issue; the issue date is not in the future nor before the fieldwork began."""
    number = _text(number, label="报告文号", limit=DOCNO_MAX)
    summary = _text(summary, label="报告摘要（用于公开）", limit=SUMMARY_MAX)
    conclusion = _text(conclusion, label="审计评价与结论")
    if not isinstance(issued_on, datetime.date):
        raise ApplicationError("请填写报告出具日期。")
    if issued_on > timezone.localdate():
        raise ApplicationError("报告出具日期不能晚于今天。")
    require_office(actor, case.region_code, "出具审计报告")
    # rendered before the transaction (slow, and a template that fails refuses the issue with its reason)
    data = report_docx(case, number=number, issued_on=issued_on, summary=summary, conclusion=conclusion)
    digest = files.sha256_of(data)
    path = files.write_blob(digest, data)
    with transaction.atomic():
        case = locked(case)
        require_office(actor, case.region_code, "出具审计报告")
        if case.status != S.IN_PROGRESS:
            raise ApplicationError(f"审计事项当前为“{case.get_status_display()}”，只有实施中的审计才能出具报告。")
        if case.fieldwork_from and issued_on < case.fieldwork_from:
            raise ApplicationError("报告出具日期不能早于现场审计开始日期。")
        if AuditCase.objects.filter(region_code=case.region_code, report_year=issued_on.year,
                                    report_number=number).exclude(pk=case.pk).exists():
            raise ApplicationError(f"文号“{number}”在{issued_on.year}年已被本区（县）其他审计报告使用，请核对文号。")
        before = snapshot(case)
        move(case, actor=actor, to_status=S.REPORTED, note=f"文号：{number}")
        case.report_number, case.report_year, case.report_issued_on = number, issued_on.year, issued_on
        case.report_summary, case.report_conclusion = summary, conclusion
        case.report_file = file_record(actor=actor, checked=files.CheckedFile(
            digest, len(data), DOCX, "document", report_filename(case), path))
        case.save()
        audit_record(actor=actor, action="audits.report_issue", obj=case, region_code=case.region_code,
                     before=before, after={**snapshot(case), "sha256": digest})
    return case


def publication_text(case: AuditCase) -> tuple[str, str]:
    """What goes public: the title, 文号, who and why, the summary and the number of findings; never the working
    papers (requests, uploaded documents, team notes) or the findings' text."""
    title = f"{case.school.name}{case.get_auditee_position_display()}{case.auditee_name}{case.get_reason_display()}审计报告"
    body = "\n".join([
        f"文号：{case.report_number}（{cn_date(case.report_issued_on)}出具）",
        f"被审计人：{case.auditee_name}，{case.school.name}{case.get_auditee_position_display()}；"
        f"审计类型：{case.get_reason_display()}审计；审计期间：{cn_date(case.period_from)}至{cn_date(case.period_to)}。",
        case.report_summary,
        f"审计发现问题 {case.findings.count()} 个，已按规定移交整改。" if case.findings.exists() else "审计未发现需要整改的问题。",
    ])
    return title[:200], body


@transaction.atomic
def report_publish(*, actor, case: AuditCase) -> AuditCase:
    case = locked(case)
    require_office(actor, case.region_code, "公开审计报告")
    AUDIT_CASE_WORKFLOW.check(case.status, S.PUBLISHED)
    title, body = publication_text(case)
    item = publication_publish(actor=actor, kind=PublicationKind.AUDIT, region_code=case.region_code, title=title,
                               body=body)
    before = snapshot(case)
    move(case, actor=actor, to_status=S.PUBLISHED, note=f"公开信息 #{item.pk}")
    case.publication = item
    case.save()
    audit_record(actor=actor, action="audits.report_publish", obj=case, region_code=case.region_code, before=before,
                 after=snapshot(case))
    return case


@transaction.atomic
def report_withdraw(*, actor, case: AuditCase, reason: str) -> AuditCase:
    """Take the summary off the public page (the Publication is marked withdrawn with the reason, both records
    stay); the case goes back to 报告已出具 and may be published again."""
    case = locked(case)
    require_office(actor, case.region_code, "撤回公开的审计报告")
    reason = _text(reason, label="撤回原因", limit=200)
    AUDIT_CASE_WORKFLOW.check(case.status, S.REPORTED)
    if case.publication is None:
        raise ApplicationError("该审计报告没有公开记录。")
    if case.publication.withdrawn_at is None:  # else already withdrawn on the 结果公开 management page
        publication_withdraw(actor=actor, item=case.publication, reason=reason)
    before = snapshot(case)
    move(case, actor=actor, to_status=S.REPORTED, note=f"撤回公开：{reason}")
    case.publication = None
    case.save()
    audit_record(actor=actor, action="audits.report_withdraw", obj=case, region_code=case.region_code,
                 before=before, after={**snapshot(case), "reason": reason})
    return case


@transaction.atomic
def finding_to_rectification(*, actor, finding: AuditFinding, due_date: datetime.date | None = None,
                             requirement: str = ""):
    """The finding becomes a 整改 finding on the audited school (source 内审), once: a second call returns the
    finding already raised. Only after the report is issued (the school sees the finding then)."""
    finding = AuditFinding.objects.select_for_update().select_related("case", "case__school").get(pk=finding.pk)
    case = finding.case
    require_office(actor, case.region_code, "将审计发现的问题转入整改")
    if finding.rect_finding_id:
        return finding.rect_finding
    if not case.is_issued:
        raise ApplicationError("审计报告出具后才能将问题转入整改台账。")
    requirement = _text(requirement, label="整改要求", required=False)
    if due_date is not None and due_date < timezone.localdate():
        raise ApplicationError("整改期限不能早于今天。")
    raised = finding_raise(
        actor=actor, source=FindingSource.AUDIT, description=finding.text, school=case.school,
        source_type=SOURCE_TYPE, source_id=str(finding.pk), category=finding.category,
        category_label=finding.get_category_display(), follow_up="report", severity=finding.severity,
        requirement=requirement or f"按审计报告（{case.report_number}）要求整改。", due_date=due_date)
    finding.rect_finding = raised
    finding.save(update_fields=["rect_finding"])
    audit_record(actor=actor, action="audits.finding_raise", obj=case, region_code=case.region_code,
                 after={"finding": finding.pk, "rectification": raised.pk})
    return raised
