"""The reviews API (issue 21 item 6): /api/v1/reviews, /api/v1/result-uses. Scoped like the pages."""

from ninja import Router

router = Router(tags=["督政与迎检"])


# ---- upward ----
# GET /api/v1/reviews (paginated, filters), GET /api/v1/reviews/{id} (indicators, assignees, progress; a unit
# user gets only its own indicators and assignments), POST /api/v1/reviews/assignments/{id}/evidence (multipart:
# statement and files; the page's service and checks).

import datetime as _upward_datetime  # noqa: E402
from typing import Literal as _UpwardLiteral  # noqa: E402

from ninja import Field as _UpwardField  # noqa: E402
from ninja import File as _UpwardFile  # noqa: E402
from ninja import Form as _UpwardForm  # noqa: E402
from ninja import Query as _UpwardQuery  # noqa: E402
from ninja import Schema as _UpwardSchema  # noqa: E402
from ninja import Status as _UpwardStatus  # noqa: E402
from ninja.files import UploadedFile as _UpwardUploadedFile  # noqa: E402
from ninja.pagination import paginate as _upward_paginate  # noqa: E402

from dudao.core.listing import ApiPagination as _UpwardPagination  # noqa: E402
from dudao.reviews.models import ReviewKind, ReviewLevel, ReviewStatus  # noqa: E402
from dudao.reviews.selectors import upward as upward_selectors  # noqa: E402
from dudao.reviews.services import upward as upward_services  # noqa: E402


class ReviewFilters(_UpwardSchema):
    year: int | None = _UpwardField(None, description="年度（2000–2100 之外的值被忽略）")
    level: _UpwardLiteral[tuple(["", *ReviewLevel.values])] = _UpwardField("", description="national 国家，province 省，city 市")
    kind: _UpwardLiteral[tuple(["", *ReviewKind.values])] = _UpwardField("", description="duties 履行教育职责评价，special 专项督导，creation 创建认定，recheck 复查")
    status: _UpwardLiteral[tuple(["", *ReviewStatus.values])] = _UpwardField("", description="preparing 迎检准备，submitted 材料已报送，visited 已实地督查，closed 已结束")
    q: str = _UpwardField("", max_length=100, description="搜索名称、检查机关或区县")


class ReviewOut(_UpwardSchema):
    id: int
    title: str
    level: str
    kind: str
    body: str = _UpwardField(description="检查机关")
    year: int
    region: str = _UpwardField(description="受检区县代码")
    region_name: str
    status: str
    status_label: str
    materials_due: _upward_datetime.date | None
    visit_starts: _upward_datetime.date | None
    visit_ends: _upward_datetime.date | None

    @staticmethod
    def resolve_region(obj) -> str:
        return obj["region"] if isinstance(obj, dict) else obj.region_id

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj["region_name"] if isinstance(obj, dict) else obj.region.name

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj["status_label"] if isinstance(obj, dict) else obj.get_status_display()


class AssignmentOut(_UpwardSchema):
    id: int
    unit: int | None = _UpwardField(description="责任单位（政府单位编号）；分配给督导室人员时为空")
    user: int | None = _UpwardField(description="责任人（督导室人员）；分配给单位时为空")
    assignee: str
    request: str
    due_on: _upward_datetime.date
    status: str = _UpwardField(description="pending 待提交，submitted 待审核，returned 已退回，accepted 已采纳")


class IndicatorOut(_UpwardSchema):
    id: int
    code: str
    parent: int | None
    depth: int
    text: str
    weight: float | None
    materials: str
    self_score: float | None = _UpwardField(description="自评得分（上级指标为下级汇总）；单位用户不可见，为空")
    assignments: list[AssignmentOut]


class ProgressOut(_UpwardSchema):
    assigned: int
    submitted: int
    returned: int
    accepted: int
    percent: int = _UpwardField(description="已采纳分工占比（%）")
    total_score: float | None = _UpwardField(description="自评总分；单位用户为空")


class ReviewDetailOut(ReviewOut):
    indicators: list[IndicatorOut]
    progress: ProgressOut


class EvidenceOut(_UpwardSchema):
    id: int
    assignment: int
    version: int
    statement: str
    files: list[str] = _UpwardField(description="上传的文件名")
    decision: str


@router.get("/reviews", response=list[ReviewOut])
@_upward_paginate(_UpwardPagination, page_size=50)
def list_reviews(request, filters: _UpwardQuery[ReviewFilters]):
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
def post_evidence(request, pk: int, statement: str = _UpwardForm(..., min_length=1, max_length=20000, description="情况说明"),
                  files: _UpwardFile[list[_UpwardUploadedFile]] = None):
    """责任单位（或责任人）提交一版迎检材料：情况说明（必填）和佐证文件（PDF、Word、Excel、JPG、PNG，数量和大小
    上限为平台参数），与网页相同的检查。被拒绝时返回 400 和中文原因。"""
    assignment = upward_selectors.get_assignment_for(request.user, pk)
    evidence = upward_services.evidence_submit(actor=request.user, assignment=assignment, statement=statement,
                                               uploads=list(files or []))
    return _UpwardStatus(201, {"id": evidence.pk, "assignment": assignment.pk, "version": evidence.version,
                 "statement": evidence.statement, "files": [f.original_name for f in evidence.files.all()],
                 "decision": evidence.decision})
# ---- uses ----
# GET /api/v1/result-uses: the 结果运用 register, paginated and scoped like the page (a unit user sees the uses it
# recorded or that name it, and those of its own results).

import datetime as _uses_datetime  # noqa: E402
from typing import Literal as _UsesLiteral  # noqa: E402

from ninja import Field as _UsesField  # noqa: E402
from ninja import Query as _UsesQuery  # noqa: E402
from ninja import Schema as _UsesSchema  # noqa: E402
from ninja.pagination import paginate as _uses_paginate  # noqa: E402

from dudao.core.listing import ApiPagination as _UsesPagination  # noqa: E402
from dudao.reviews import results as _use_results  # noqa: E402
from dudao.reviews.models import UsePurpose as _UsePurpose  # noqa: E402
from dudao.reviews.selectors import uses as _use_selectors  # noqa: E402


class ResultUseFilters(_UsesSchema):
    year: int | None = _UsesField(None, description="运用年度（无此年度时为空列表）")
    purpose: _UsesLiteral[tuple(["", *_UsePurpose.values])] = _UsesField("", description="运用方式")
    unit: int | None = _UsesField(None, description="运用单位（政府单位编号；无此单位时为空列表）")
    kind: _UsesLiteral[tuple(["", *_use_results.KINDS])] = _UsesField("", description="结果类型")
    q: str = _UsesField("", max_length=100, description="搜索督导结果、运用单位、运用情况或文号")


class ResultUseOut(_UsesSchema):
    id: int
    region: str = _UsesField(description="区县代码")
    result_kind: str = _UsesField(description="结果类型，如 inspections.target")
    result_kind_label: str
    result_id: str
    result_label: str = _UsesField(description="督导结果（登记时的表述）")
    result_year: int
    school: int | None = _UsesField(description="结果所属学校")
    unit: int | None = _UsesField(description="结果所属政府单位")
    user_unit: int | None = _UsesField(description="运用单位（政府单位编号；名单外单位为空）")
    user_name: str = _UsesField(description="运用单位名称")
    purpose: str
    purpose_label: str
    used_on: _uses_datetime.date
    decision: str
    document_number: str
    has_document: bool
    recorded_at: _uses_datetime.datetime

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region_id

    @staticmethod
    def resolve_result_kind_label(obj) -> str:
        return _use_results.kind_label(obj.result_kind)

    @staticmethod
    def resolve_school(obj):
        return obj.school_id

    @staticmethod
    def resolve_unit(obj):
        return obj.unit_id

    @staticmethod
    def resolve_user_unit(obj):
        return obj.user_unit_id

    @staticmethod
    def resolve_purpose_label(obj) -> str:
        return str(obj.get_purpose_display())

    @staticmethod
    def resolve_has_document(obj) -> bool:
        return bool(obj.document_id)


@router.get("/result-uses", response=list[ResultUseOut], summary="督导结果运用登记（按权限范围）")
@_uses_paginate(_UsesPagination, page_size=50)
def list_result_uses(request, filters: _UsesQuery[ResultUseFilters]):
    return _use_selectors.use_list(request.user, year=str(filters.year or ""), purpose=filters.purpose,
                                   user_unit=str(filters.unit or ""), kind=filters.kind, q=filters.q)
# ---- targets ----
# GET /api/v1/projects (paginated, scoped: office and leaders of the county, member schools' users, the contact)
# and /api/v1/projects/{id} (members with roles and their figures at the start and end of the period).

import datetime  # noqa: E402
from typing import Literal  # noqa: E402

from ninja import Field, Query, Schema  # noqa: E402
from ninja.pagination import paginate  # noqa: E402

from dudao.core.display import person_name  # noqa: E402
from dudao.core.listing import ApiPagination  # noqa: E402
from dudao.reviews.selectors import projects as project_selectors  # noqa: E402
from dudao.schools.models import ProjectType  # noqa: E402


class ProjectFilters(Schema):
    year: int | None = Field(None, description="年度（项目周期覆盖该年）")
    project_type: Literal[tuple(["", *ProjectType.values])] = Field(
        "", description="strong 强校工程，entrusted 委托管理，mutual 城乡互助成长，group 集团化办学，other 其他")
    q: str = Field("", max_length=64, description="搜索项目名称或成员学校")


class KeyFigureOut(Schema):
    label: str
    baseline: str = ""
    target: str = ""
    actual: str = ""


class ProjectOut(Schema):
    id: int
    name: str
    project_type: str
    project_type_label: str
    region: str = Field(description="县（区）代码")
    region_name: str
    starts_on: datetime.date
    ends_on: datetime.date
    contact: str = Field(description="联系人姓名；未指定为空")
    member_count: int = 0

    @staticmethod
    def resolve_project_type_label(obj) -> str:
        if isinstance(obj, dict):
            return obj["project_type_label"]
        return obj.get_project_type_display()

    @staticmethod
    def resolve_region(obj) -> str:
        if isinstance(obj, dict):
            return obj["region"]
        return obj.region_id

    @staticmethod
    def resolve_region_name(obj) -> str:
        if isinstance(obj, dict):
            return obj["region_name"]
        return obj.region.name

    @staticmethod
    def resolve_contact(obj) -> str:
        if isinstance(obj, dict):
            return obj["contact"]
        return person_name(obj.contact) if obj.contact else ""


class MemberFigureOut(Schema):
    label: str
    start_year: int | None
    end_year: int | None
    start: str = Field(description="期初数据；缺失为“无数据”")
    end: str = Field(description="期末数据；缺失为“无数据”")


class ProjectMemberOut(Schema):
    school: int
    school_code: str
    school_name: str
    role: str
    role_label: str
    figures: list[MemberFigureOut]


class ProjectDetailOut(ProjectOut):
    goals: str
    key_figures: list[KeyFigureOut]
    members: list[ProjectMemberOut]


@router.get("/projects", response=list[ProjectOut])
@paginate(ApiPagination, page_size=50)
def list_projects(request, filters: Query[ProjectFilters]):
    """帮扶项目（强校工程、委托管理、城乡互助成长、集团化办学）：本人可见的，可按年度、类型筛选，按名称或成员学校搜索。"""
    return project_selectors.project_list(request.user, year=str(filters.year or ""),
                                          project_type=filters.project_type, q=filters.q)


@router.get("/projects/{int:pk}", response=ProjectDetailOut)
def get_project(request, pk: int):
    """一个帮扶项目：目标、关键指标、成员学校及其角色，以及各成员学校期初、期末的统计、质量监测和满意度数据。"""
    project = project_selectors.project_for(request.user, pk)
    members = project_selectors.members_of(project)
    project.member_count = len(members)
    figures = project_selectors.member_figures(request.user, project, members)
    return {**ProjectOut.model_validate(project).model_dump(), "goals": project.goals,
            "key_figures": [f for f in project.key_figures if isinstance(f, dict) and f.get("label")],
            "members": [{"school": m["school"].pk, "school_code": m["school"].code, "school_name": m["school"].name,
                         "role": m["member"].role, "role_label": m["member"].get_role_display(),
                         "figures": [{"label": r["label"], "start_year": r["years"][0], "end_year": r["years"][1],
                                      "start": r["cells"][0], "end": r["cells"][1]} for r in m["rows"]]}
                        for m in figures]}
