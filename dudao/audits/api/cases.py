"""API of area cases (issue 24 item 8): GET /api/v1/audits and GET /api/v1/audits/{id}, scoped like the pages.

The office and the leaders of the county see its cases; a team member the cases they audit; the auditee (by user
account) and the audited school's users their own case only once the report is issued. Anyone else: an empty list
and 404 for a case. The detail gives findings with their 整改 status; the working papers (document requests and
uploads) only to the office and the team."""

import datetime
from typing import Literal

from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from dudao.audits.models import AuditCaseStatus, AuditReason
from dudao.audits.selectors import cases as selectors
from dudao.audits.services.cases import may_work_on
from dudao.core.listing import ApiPagination

router = Router(tags=["内审"])


class CaseFilters(Schema):
    status: Literal[tuple(["", *AuditCaseStatus.values])] = Field(
        "", description="planned 计划，in_progress 实施中，reported 报告已出具，published 已公开，closed 已结案")
    reason: Literal[tuple(["", *AuditReason.values])] = Field("", description="departure 离任，rotation 轮岗，in_office 任中")
    year: int | None = Field(None, description="计划年度")
    q: str = Field("", max_length=50, description="搜索被审计人、学校或文号")


class CaseOut(Schema):
    id: int
    year: int
    region_code: str = Field(description="区（县）代码")
    school: int
    school_name: str
    auditee_name: str
    auditee_position: str
    auditee_position_label: str
    reason: str
    reason_label: str
    term_from: datetime.date
    term_to: datetime.date | None
    period_from: datetime.date
    period_to: datetime.date
    fieldwork_from: datetime.date | None
    fieldwork_to: datetime.date | None
    status: str
    status_label: str
    finding_count: int
    report_number: str = Field(description="报告文号；未出具为空")
    report_issued_on: datetime.date | None
    published: bool = Field(description="报告摘要当前在结果公开页面上")

    @staticmethod
    def resolve_year(obj) -> int:
        return obj["year"] if isinstance(obj, dict) else obj.plan.year

    @staticmethod
    def resolve_school_name(obj) -> str:
        return obj["school_name"] if isinstance(obj, dict) else obj.school.name

    @staticmethod
    def resolve_school(obj) -> int:
        return obj["school"] if isinstance(obj, dict) else obj.school_id

    @staticmethod
    def resolve_auditee_position_label(obj) -> str:
        return obj["auditee_position_label"] if isinstance(obj, dict) else obj.get_auditee_position_display()

    @staticmethod
    def resolve_reason_label(obj) -> str:
        return obj["reason_label"] if isinstance(obj, dict) else obj.get_reason_display()

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj["status_label"] if isinstance(obj, dict) else obj.get_status_display()

    @staticmethod
    def resolve_finding_count(obj) -> int:
        return obj["finding_count"] if isinstance(obj, dict) else obj.n_findings

    @staticmethod
    def resolve_published(obj) -> bool:
        return obj["published"] if isinstance(obj, dict) else bool(obj.publication_id)


class FindingOut(Schema):
    id: int
    text: str
    category: str
    category_label: str
    amount: str | None = Field(description="涉及金额（元），两位小数的字符串")
    severity: int
    rectification_id: int | None = Field(description="转入整改台账的问题编号")
    rectification_status: str = Field(description="整改状态（中文）；未转入为空")


class RequestOut(Schema):
    id: int
    title: str
    due_on: datetime.date
    submitted: bool
    overdue: bool


class CaseDetailOut(CaseOut):
    team: list[str] = Field(description="审计组成员（组长在前）")
    findings: list[FindingOut]
    requests: list[RequestOut] = Field(description="资料清单：只对督导室和审计组成员列出")
    report_summary: str


@router.get("/audits", response=list[CaseOut])
@paginate(ApiPagination, page_size=50)
def list_audits(request, filters: Query[CaseFilters]):
    """内审审计事项：本人可见的，可按状态、审计类型、年度筛选，按被审计人、学校、文号搜索。"""
    return selectors.case_list(request.user, status=filters.status, reason=filters.reason,
                               year=str(filters.year or ""), q=filters.q)


@router.get("/audits/{int:pk}", response=CaseDetailOut)
def get_audit(request, pk: int):
    """一个审计事项：基本情况、审计组、发现的问题及其整改状态、报告摘要；资料清单只对督导室和审计组成员。"""
    case = selectors.case_list(request.user).filter(pk=pk).first()
    if case is None:
        raise Http404("未找到该对象，或您无权查看。")
    worker = may_work_on(request.user, case)
    today = timezone.localdate()
    findings = [{"id": f.pk, "text": f.text, "category": f.category, "category_label": f.get_category_display(),
                 "amount": str(f.amount) if f.amount is not None else None, "severity": f.severity,
                 "rectification_id": f.rect_finding_id,
                 "rectification_status": f.rect_finding.get_status_display() if f.rect_finding else ""}
                for f in selectors.findings_of(case)]
    requests = [{"id": r.pk, "title": r.title, "due_on": r.due_on, "submitted": bool(r.file_id),
                 "overdue": not r.file_id and r.due_on < today and case.status == AuditCaseStatus.IN_PROGRESS}
                for r in selectors.requests_of(case)] if worker else []
    return {**CaseOut.model_validate(case).model_dump(), "team": [m.name for m in selectors.team(case)],
            "findings": findings, "requests": requests, "report_summary": case.report_summary if case.is_issued else ""}
