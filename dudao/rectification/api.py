"""整改 API: the ledger (问题台账) with each finding's timeline, 整改通知书 with the target's 签收 and 整改报告 and the
verifier's 核查, 督办单 with the department's response, 约谈 and 问责. Scoped exactly like the pages (the same
selectors); the writes call the pages' services, idempotent by client_id like POST /visits: the same client_id
again returns the first result (200) and changes nothing.

POST /api/v1/notices/{id}/report takes multipart form data: `data` (JSON, schema ReportIn) and the `evidence`
files; each finding's `evidence` lists the indexes (from 0) of its files in that list.
"""

import datetime
import uuid
from typing import Literal

from django.http import Http404
from django.utils import timezone
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import ValidationError

from dudao.core.api_errors import error_responses, validation_error_body
from dudao.core.display import person_name
from dudao.core.errors import ApplicationError
from dudao.core.listing import ApiPagination, CappedApiPagination
from dudao.core.models import Role
from dudao.core.scope import scope_for
from dudao.rectification import notices, selectors
from dudao.rectification.client_writes import notice_write_once
from dudao.rectification.models import (
    CaseStep,
    FindingSource,
    FindingStatus,
    NoticeStatus,
    OrderStatus,
    RectificationNotice,
    SupervisionOrder,
    TalkStatus,
)

router = Router(tags=["整改"])

LEDGER_COUNT_CAP = 10_000  # as the ledger page: beyond it `count_capped` says "more than", filter to narrow
# What a row of the list reads (of the finding and the joined school, unit and notice): at 2 million findings the
# page's cost is as much Python as database, and the joined tables' other 60 columns are not needed.
LEDGER_COLUMNS = (
    "source", "school_id", "unit_id", "region_code", "category", "category_label", "severity", "description",
    "requirement", "responsible_person", "due_date", "raised_at", "status", "closed_at", "notice_id",
    "school__name", "unit__name", "notice__status", "notice__due_date", "notice__escalated_at")


def _target_name(obj) -> str:
    target = obj.school or obj.unit
    return str(target) if target else ""


# ---- schemas ----------------------------------------------------------------------------------------------------

class TargetStatusOut(Schema):
    """The resolvers the rectification records share (finding, notice, talk): the target's name and the status's
    Chinese label. A schema inheriting it declares `target_name: str` and `status_label: str` itself."""

    @staticmethod
    def resolve_target_name(obj) -> str:
        return _target_name(obj)

    @staticmethod
    def resolve_status_label(obj) -> str:
        return str(obj.get_status_display())


class OverdueOut(TargetStatusOut):
    """…and whether it is overdue (finding, notice): declares `overdue: bool`."""

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue


class FindingOut(OverdueOut):
    id: int
    source: str
    source_label: str
    school_id: int | None
    unit_id: int | None
    target_name: str
    region_code: str
    category: str
    category_label: str
    severity: int
    description: str
    requirement: str
    responsible_person: str
    due_date: datetime.date | None
    raised_at: datetime.datetime
    status: str
    status_label: str
    overdue: bool
    progress: str = Field(description="进展：在整改流程中的位置，与问题台账“进展”列相同")
    notice_id: int | None
    closed_at: datetime.datetime | None

    @staticmethod
    def resolve_source_label(obj) -> str:
        return str(obj.get_source_display())

    @staticmethod
    def resolve_progress(obj) -> str:
        return selectors.progress_label(obj, timezone.localdate())


class EventOut(Schema):
    at: datetime.datetime
    label: str
    who: str
    note: str
    url: str


class FindingDetailOut(FindingOut):
    follow_up: str
    evidence_count: int
    timeline: list[EventOut]


class NoticeOut(OverdueOut):
    id: int
    number: str
    school_id: int | None
    unit_id: int | None
    target_name: str
    region_code: str
    requirement: str
    due_date: datetime.date
    status: str
    status_label: str
    overdue: bool
    issued_at: datetime.datetime
    reported_at: datetime.datetime | None
    verify_due_date: datetime.date | None
    filed_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    escalated_at: datetime.datetime | None


class NoticeFindingOut(Schema):
    id: int
    description: str
    status: str
    due_date: datetime.date | None


class TransitionOut(Schema):
    at: datetime.datetime
    from_status: str
    to_status: str
    label: str
    actor: str
    note: str


class ReportOut(Schema):
    finding_id: int
    measures: str
    submitted_by: str
    submitted_at: datetime.datetime
    evidence_count: int


class NoticeDetailOut(NoticeOut):
    findings: list[NoticeFindingOut]
    transitions: list[TransitionOut]
    reports: list[ReportOut]
    order_id: int | None
    actions: list[str] = Field(description="当前用户可办理的操作：acknowledge 签收、start 开始整改、report 提交整改报告、"
                                           "verify 核查、file 报督导室备案、order 下达督办单")

    @staticmethod
    def resolve_findings(obj):
        return obj.findings_out

    @staticmethod
    def resolve_transitions(obj):
        return obj.transitions_out

    @staticmethod
    def resolve_reports(obj):
        return obj.reports_out

    @staticmethod
    def resolve_actions(obj):
        return obj.actions_out


class NoticeWriteOut(Schema):
    client_id: uuid.UUID
    action: str
    created: bool = Field(description="false：该客户端编号此前已提交过，本次未做任何更改")
    status: str = Field(description="该次操作后整改通知书的状态")
    notice: NoticeOut


class OrderOut(TargetStatusOut):
    id: int
    number: str
    notice_id: int
    notice_number: str
    target_name: str
    region_code: str
    department_id: int
    department_name: str
    status: str
    status_label: str
    issued_at: datetime.datetime
    due_date: datetime.date
    acknowledged_at: datetime.datetime | None
    response: str = Field(description="主管部门反馈的督办落实情况")

    @staticmethod
    def resolve_notice_number(obj) -> str:
        return obj.notice.number

    @staticmethod
    def resolve_target_name(obj) -> str:  # the notice's target
        return _target_name(obj.notice)

    @staticmethod
    def resolve_department_name(obj) -> str:
        return obj.department.name


class OrderDetailOut(OrderOut):
    acknowledged_by: str = Field(description="签收督办单的人")
    findings: list[NoticeFindingOut]

    @staticmethod
    def resolve_acknowledged_by(obj) -> str:
        return person_name(obj.acknowledged_by) if obj.acknowledged_by_id else ""

    @staticmethod
    def resolve_findings(obj):
        return obj.notice.findings.order_by("id")


class TalkOut(TargetStatusOut):
    id: int
    school_id: int | None
    unit_id: int | None
    target_name: str
    region_code: str
    status: str
    status_label: str
    reason: str
    proposed_at: datetime.datetime
    held_on: datetime.date | None
    conducted_by: str
    persons: str
    decided_at: datetime.datetime | None
    dismiss_reason: str
    finding_ids: list[int]

    @staticmethod
    def resolve_finding_ids(obj) -> list[int]:
        return sorted(f.pk for f in obj.findings.all())


class TalkDetailOut(TalkOut):
    content: str
    recipients: str
    case_ids: list[int]


class CaseOut(Schema):
    id: int
    number: str
    target_kind: str
    school_id: int | None
    unit_id: int | None
    target_name: str
    person_name: str
    person_post: str
    region_code: str
    situation: str
    situation_label: str
    step: str
    step_label: str
    filed_on: datetime.date
    investigation_due: datetime.date
    decision_form: str
    decided_on: datetime.date | None
    effective_on: datetime.date | None
    talk_id: int | None

    @staticmethod
    def resolve_target_name(obj) -> str:
        return obj.target_name

    @staticmethod
    def resolve_situation_label(obj) -> str:
        return str(obj.get_situation_display())

    @staticmethod
    def resolve_step_label(obj) -> str:
        return str(obj.get_step_display())


class CaseStepOut(Schema):
    step: str
    label: str
    on: datetime.date
    note: str
    actor: str


class CaseDetailOut(CaseOut):
    facts: str
    decision_basis: str
    severe_grounds: list[str]
    steps: list[CaseStepOut]
    finding_ids: list[int]

    @staticmethod
    def resolve_steps(obj):
        return obj.steps_out


# ---- filters ----------------------------------------------------------------------------------------------------

class FindingFilters(Schema):
    region: str = Field("", max_length=12, description="区划代码或前缀，如 990102")
    target: Literal["", "school", "unit"] = Field("", description="school 学校，unit 政府单位")
    source: Literal[tuple(["", *FindingSource.values])] = Field("", description="问题来源")
    category: str = Field("", max_length=128, description="类别代码或类别名称中的文字")
    status: Literal[tuple(["", *FindingStatus.values])] = ""
    overdue: bool = Field(False, description="true：只看逾期未整改的")
    q: str = Field("", max_length=100, description="搜索问题描述、学校或单位名称、责任人")


class NoticeFilters(Schema):
    status: Literal[tuple(["", *NoticeStatus.values])] = ""
    overdue: bool = False
    q: str = Field("", max_length=100, description="搜索文号、学校或单位名称")


# ---- 问题台账 -------------------------------------------------------------------------------------------------

@router.get("/findings", response=list[FindingOut])
@paginate(CappedApiPagination, page_size=50, count_cap=LEDGER_COUNT_CAP, ids_first=True)
def list_findings(request, filters: Query[FindingFilters]):
    """问题台账：与网页相同的筛选（区划、对象、来源、类别、状态、逾期、搜索），按提出时间倒序。"""
    return selectors.ledger(request.user, region=filters.region, q=filters.q, target=filters.target,
                            source=filters.source, category=filters.category, status=filters.status,
                            overdue="1" if filters.overdue else "").only(*LEDGER_COLUMNS)


@router.get("/findings/{int:pk}", response=FindingDetailOut)
def get_finding(request, pk: int):
    """一个问题及其全过程：提出、整改通知书各环节、整改报告、督办单反馈、回头看、约谈建议。"""
    finding = selectors.get_finding_for(request.user, pk)
    finding.timeline = selectors.finding_timeline(finding)
    finding.evidence_count = finding.evidence.count()
    return finding


# ---- 整改通知书 ------------------------------------------------------------------------------------------------

@router.get("/notices", response=list[NoticeOut])
@paginate(ApiPagination, page_size=50)
def list_notices(request, filters: Query[NoticeFilters]):
    return selectors.notice_list(request.user, status=filters.status, overdue="1" if filters.overdue else "",
                                 q=filters.q)


def _notice_detail(user, notice: RectificationNotice) -> RectificationNotice:
    notice.findings_out = list(notice.findings.order_by("id"))
    notice.transitions_out = [
        {"at": t.at, "from_status": t.from_status, "to_status": t.to_status, "label": t.label, "actor": person_name(t.actor),
         "note": t.note} for t in notice.transitions.select_related("actor")]
    notice.reports_out = [
        {"finding_id": r.finding_id, "measures": r.measures, "submitted_by": person_name(r.submitted_by),
         "submitted_at": r.submitted_at, "evidence_count": len(r.evidence.all())} for r in selectors.notice_reports(notice)]
    notice.order_id = SupervisionOrder.objects.filter(notice_id=notice.pk).values_list("pk", flat=True).first()
    notice.actions_out = sorted(selectors.notice_actions(user, notice))
    return notice


@router.get("/notices/{int:pk}", response=NoticeDetailOut)
def get_notice(request, pk: int):
    """整改通知书：所含问题、流转记录、整改报告，以及当前用户可办理的操作。"""
    return _notice_detail(request.user, selectors.get_notice_for(request.user, pk))


class ClientIn(Schema):
    client_id: uuid.UUID = Field(description="客户端生成的编号（UUID）；重试时用同一编号，不会重复办理")


class VerifyIn(ClientIn):
    accepted: bool = Field(description="true 核查通过；false 退回整改（须写明理由）")
    note: str = Field("", max_length=2000, description="核查意见；退回整改时必填")
    on_site: bool = Field(False, description="true 实地核查；false 书面核查")


class ReportItemIn(Schema):
    finding: int = Field(description="问题编号（本通知书中的问题）")
    measures: str = Field(description="整改措施与成效")
    evidence: list[int] = Field([], description="本问题佐证材料在 evidence 文件列表中的序号（从 0 开始）")


class ReportIn(ClientIn):
    reports: list[ReportItemIn] = Field(description="本通知书中每个问题一项")


def _write_out(record, created: bool) -> Status:
    notice = RectificationNotice.objects.select_related("school", "unit").get(pk=record.notice_id)
    body = {"client_id": record.client_id, "action": record.action, "created": created, "status": record.status,
            "notice": notice}
    return Status(201 if created else 200, body)


WRITE_RESPONSES = {200: NoticeWriteOut, 201: NoticeWriteOut}


@router.post("/notices/{int:pk}/acknowledge", response=WRITE_RESPONSES, openapi_extra=error_responses(409))
def acknowledge_notice(request, pk: int, payload: ClientIn):
    """学校或单位签收整改通知书。"""
    notice = selectors.get_notice_for(request.user, pk)
    record, created = notice_write_once(
        actor=request.user, client_id=payload.client_id, notice=notice, action="acknowledge",
        write=lambda: notices.notice_acknowledge(actor=request.user, notice=notice))
    return _write_out(record, created)


@router.post("/notices/{int:pk}/start", response=WRITE_RESPONSES, openapi_extra=error_responses(409))
def start_notice(request, pk: int, payload: ClientIn):
    """学校或单位开始整改（可省略：签收后可直接提交整改报告）。"""
    notice = selectors.get_notice_for(request.user, pk)
    record, created = notice_write_once(
        actor=request.user, client_id=payload.client_id, notice=notice, action="start",
        write=lambda: notices.notice_start(actor=request.user, notice=notice))
    return _write_out(record, created)


def _report_data(data: str) -> ReportIn:
    try:
        return ReportIn.model_validate_json(data)
    except ValidationError as exc:
        if any(e.get("type") == "json_invalid" for e in exc.errors()):
            raise ApplicationError("整改报告数据（data）不是有效的 JSON。") from None
        detail = validation_error_body([{**e, "loc": ("data", *e.get("loc", ()))} for e in exc.errors()])["detail"]
        raise ApplicationError(detail.replace("请求参数有误", "整改报告数据（data）有误", 1)) from None


def _reports(payload: ReportIn, uploads: list) -> dict[int, tuple[str, list]]:
    """The service's {finding id: (measures, files)} from the request; every file belongs to exactly one finding."""
    reports, used = {}, []
    for item in payload.reports:
        if item.finding in reports:
            raise ApplicationError(f"问题 {item.finding} 在整改报告中出现了两次。")
        wrong = [i for i in item.evidence if not 0 <= i < len(uploads)]
        if wrong:
            raise ApplicationError(f"问题 {item.finding} 的佐证文件序号 {wrong[0]} 超出范围（共上传 {len(uploads)} 个文件）。")
        reports[item.finding] = (item.measures, [uploads[i] for i in item.evidence])
        used += item.evidence
    if len(used) != len(set(used)) or set(used) != set(range(len(uploads))):
        raise ApplicationError("每个上传的佐证文件都必须且只能对应一个问题，未做任何更改。")
    return reports


@router.post("/notices/{int:pk}/report", response=WRITE_RESPONSES, openapi_extra=error_responses(409))
def report_notice(request, pk: int, data: str = Form(..., min_length=1, description="整改报告，JSON 文本，结构见 ReportIn"),
                  evidence: File[list[UploadedFile]] = None):
    """学校或单位提交整改报告：每个问题写明整改措施与成效，并上传佐证材料（照片或文件，检查方式与网页相同）。"""
    notice = selectors.get_notice_for(request.user, pk)
    payload = _report_data(data)
    record, created = notice_write_once(
        actor=request.user, client_id=payload.client_id, notice=notice, action="report",
        write=lambda: notices.notice_report(actor=request.user, notice=notice,
                                            reports=_reports(payload, list(evidence or []))))
    return _write_out(record, created)


@router.post("/notices/{int:pk}/verify", response=WRITE_RESPONSES, openapi_extra=error_responses(409))
def verify_notice(request, pk: int, payload: VerifyIn):
    """责任督学或督导室核查整改报告：通过（问题办结）或退回整改（写明理由）。"""
    notice = selectors.get_notice_for(request.user, pk)
    record, created = notice_write_once(
        actor=request.user, client_id=payload.client_id, notice=notice, action="verify",
        write=lambda: notices.notice_verify(actor=request.user, notice=notice, accepted=payload.accepted,
                                            note=payload.note, on_site=payload.on_site))
    return _write_out(record, created)


# ---- 督办单, 约谈, 问责 -------------------------------------------------------------------------------------------

@router.get("/orders", response=list[OrderOut])
@paginate(ApiPagination, page_size=50)
def list_orders(request, status: Literal[tuple(["", *OrderStatus.values])] = ""):
    """督办单及主管部门的反馈。"""
    return selectors.order_list(request.user, status=status)


@router.get("/orders/{int:pk}", response=OrderDetailOut)
def get_order(request, pk: int):
    return selectors.get_order_for(request.user, pk)


@router.get("/talks", response=list[TalkOut])
@paginate(ApiPagination, page_size=50)
def list_talks(request, status: Literal[tuple(["", *TalkStatus.values])] = ""):
    """约谈（建议约谈、已约谈、不予约谈）。"""
    return selectors.talk_list(request.user, status=status)


@router.get("/talks/{int:pk}", response=TalkDetailOut)
def get_talk(request, pk: int):
    talk = selectors.get_talk_for(request.user, pk)
    talk.case_ids = list(talk.cases.order_by("id").values_list("pk", flat=True))
    return talk


def _require_region_staff(user) -> None:
    """问责 is for the region's office staff and leaders, as on the pages."""
    scope = scope_for(user)
    if not (scope.everything or scope.has_role(Role.OFFICE, Role.LEADER)):
        raise Http404


@router.get("/cases", response=list[CaseOut], openapi_extra=error_responses(404))
@paginate(ApiPagination, page_size=50)
def list_cases(request, step: Literal[tuple(["", *CaseStep.values])] = "",
               q: str = Query("", max_length=100, description="搜索案号、学校或单位名称、被问责人")):
    """问责案件（督导室与领导可见，与网页相同）。"""
    _require_region_staff(request.user)
    return selectors.case_list(request.user, step=step, q=q)


@router.get("/cases/{int:pk}", response=CaseDetailOut)
def get_case(request, pk: int):
    case = selectors.get_case_for(request.user, pk)
    _require_region_staff(request.user)
    case.steps_out = [{"step": s.step, "label": str(s.get_step_display()), "on": s.on, "note": s.note,
                       "actor": person_name(s.actor)} for s in selectors.case_steps(case)]
    case.finding_ids = list(case.findings.order_by("id").values_list("pk", flat=True))
    return case


