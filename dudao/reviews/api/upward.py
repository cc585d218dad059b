"""The 迎检 API: /api/v1/reviews, /api/v1/reviews/{id}, POST /api/v1/reviews/assignments/{id}/evidence.

GET /api/v1/reviews (paginated, filters), GET /api/v1/reviews/{id} (indicators, assignees, progress; a unit
user gets only its own indicators and assignments), POST /api/v1/reviews/assignments/{id}/evidence (multipart:
statement and files; the page's service and checks)."""

import datetime
from typing import Literal

from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from dudao.core.listing import ApiPagination
from dudao.reviews.models import ReviewKind, ReviewLevel, ReviewStatus
from dudao.reviews.selectors import upward as upward_selectors
from dudao.reviews.services import upward as upward_services

router = Router(tags=["督政与迎检"])


class ReviewFilters(Schema):
    year: int | None = Field(None, description="年度（2000–2100 之外的值被忽略）")
    level: Literal[tuple(["", *ReviewLevel.values])] = Field("", description="national 国家，province 省，city 市")
    kind: Literal[tuple(["", *ReviewKind.values])] = Field("", description="duties 履行教育职责评价，special 专项督导，creation 创建认定，recheck 复查")
    status: Literal[tuple(["", *ReviewStatus.values])] = Field("", description="preparing 迎检准备，submitted 材料已报送，visited 已实地督查，closed 已结束")
    q: str = Field("", max_length=100, description="搜索名称、检查机关或区县")


class ReviewOut(Schema):
    id: int
    title: str
    level: str
    kind: str
    body: str = Field(description="检查机关")
    year: int
    region: str = Field(description="受检区县代码")
    region_name: str
    status: str
    status_label: str
    materials_due: datetime.date | None
    visit_starts: datetime.date | None
    visit_ends: datetime.date | None

    @staticmethod
    def resolve_region(obj) -> str:
        return obj["region"] if isinstance(obj, dict) else obj.region_id

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj["region_name"] if isinstance(obj, dict) else obj.region.name

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj["status_label"] if isinstance(obj, dict) else obj.get_status_display()


class AssignmentOut(Schema):
    id: int
    unit: int | None = Field(description="责任单位（政府单位编号）；分配给督导室人员时为空")
    user: int | None = Field(description="责任人（督导室人员）；分配给单位时为空")
    assignee: str
    request: str
    due_on: datetime.date
    status: str = Field(description="pending 待提交，submitted 待审核，returned 已退回，accepted 已采纳")


class IndicatorOut(Schema):
    id: int
    code: str
    parent: int | None
    depth: int
    text: str
    weight: float | None
    materials: str
    self_score: float | None = Field(description="自评得分（上级指标为下级汇总）；单位用户不可见，为空")
    assignments: list[AssignmentOut]


class ProgressOut(Schema):
    assigned: int
    submitted: int
    returned: int
    accepted: int
    percent: int = Field(description="已采纳分工占比（%）")
    total_score: float | None = Field(description="自评总分；单位用户为空")


class ReviewDetailOut(ReviewOut):
    indicators: list[IndicatorOut]
    progress: ProgressOut


class EvidenceOut(Schema):
    id: int
    assignment: int
    version: int
    statement: str
    files: list[str] = Field(description="上传的文件名")
    decision: str


@router.get("/reviews", response=list[ReviewOut])
@paginate(ApiPagination, page_size=50)
def list_reviews(request, filters: Query[ReviewFilters]):
    """迎检：本区县督导室和领导可见全部；单位用户只见有本单位分工的迎检。可按年度、层级、类型、状态筛选并搜索。"""
    return upward_selectors.review_list(request.user, year=str(filters.year or ""), level=filters.level,
                                        kind=filters.kind, status=filters.status, q=filters.q)


@router.get("/reviews/{int:pk}", response=ReviewDetailOut)
def get_review(request, pk: int):
    """一次迎检：指标（任意层级）、每项指标的责任单位/人和状态、进度。单位用户只得到分配给本单位的指标和分工。"""
    review = upward_selectors.get_review_for(request.user, pk)
    view = upward_selectors.review_view(request.user, review)
    full = upward_selectors.reads_all(request.user, review)
    indicators = [{
        "id": r.indicator.pk, "code": r.indicator.code, "parent": r.indicator.parent_id if full else None,
        "depth": r.depth, "text": r.indicator.text, "weight": r.indicator.weight, "materials": r.indicator.materials,
        "self_score": r.score if full else None,
        "assignments": [{"id": a.pk, "unit": a.unit_id, "user": a.user_id, "assignee": a.assignee_name,
                         "request": a.request, "due_on": a.due_on, "status": a.status} for a in r.assignments]}
        for r in view.rows]
    return {**ReviewOut.model_validate(review).model_dump(), "indicators": indicators, "progress": {
        "assigned": view.assigned, "submitted": view.submitted, "returned": view.returned, "accepted": view.accepted,
        "percent": view.progress, "total_score": view.total}}


@router.post("/reviews/assignments/{int:pk}/evidence", response={201: EvidenceOut})
def post_evidence(request, pk: int, statement: str = Form(..., min_length=1, max_length=20000, description="情况说明"),
                  files: File[list[UploadedFile]] = None):
    """责任单位（或责任人）提交一版迎检材料：情况说明（必填）和佐证文件（PDF、Word、Excel、JPG、PNG，数量和大小
    上限为平台参数），与网页相同的检查。被拒绝时返回 400 和中文原因。"""
    assignment = upward_selectors.get_assignment_for(request.user, pk)
    evidence = upward_services.evidence_submit(actor=request.user, assignment=assignment, statement=statement,
                                               uploads=list(files or []))
    return Status(201, {"id": evidence.pk, "assignment": assignment.pk, "version": evidence.version,
                 "statement": evidence.statement, "files": [f.original_name for f in evidence.files.all()],
                 "decision": evidence.decision})
