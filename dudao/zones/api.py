"""挂牌督导 API: zones, assignments and visits; POST /visits is idempotent by client_id so a tablet can retry.

POST /api/v1/visits takes multipart form data: `data` (the visit as JSON, schema VisitIn) and any number of
`photos` files. The same client_id again returns the visit already recorded (200) instead of a new one (201).
"""

import datetime
import uuid

from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import ValidationError

from dudao.core.api_errors import validation_error_body
from dudao.core.errors import ApplicationError
from dudao.core.listing import ApiPagination
from dudao.people.selectors import inspector_for_user
from dudao.zones import selectors, services

router = Router(tags=["挂牌督导"])


class ZoneOut(Schema):
    id: int
    code: str
    name: str
    region_id: str
    lead_id: int | None
    school_count: int
    inspector_count: int


class AssignmentOut(Schema):
    id: int
    zone_id: int
    inspector_id: int
    school_code: str
    campus: str | None
    started_on: datetime.date
    ended_on: datetime.date | None

    @staticmethod
    def resolve_school_code(obj) -> str:
        return obj.school.code

    @staticmethod
    def resolve_campus(obj) -> str | None:
        return obj.campus.name if obj.campus_id else None


class ProblemIn(Schema):
    item: str
    follow_up: str
    description: str
    requirement: str = ""


class LessonIn(Schema):
    class_name: str
    subject: str
    teacher: str
    rating: str
    notes: str = ""


class VisitIn(Schema):
    client_id: uuid.UUID
    school_code: str
    campus: str = ""
    started_at: datetime.datetime
    ended_at: datetime.datetime
    methods: dict[str, int]
    items: list[str]
    narrative: str
    highlights: str = ""
    topic: str = ""
    reason: str = "assigned"
    reason_note: str = ""
    companion_card_nos: list[str] = []
    problems: list[ProblemIn] = []
    lessons: list[LessonIn] = []


class VisitOut(Schema):
    id: int
    client_id: uuid.UUID
    inspector_id: int
    school_code: str
    started_at: datetime.datetime
    ended_at: datetime.datetime
    reason: str
    status: str
    items: list[str]
    methods: dict
    photo_count: int
    created: bool = False

    @staticmethod
    def resolve_school_code(obj) -> str:
        return obj.school.code

    @staticmethod
    def resolve_photo_count(obj) -> int:
        return len(obj.files.all())


def visit_data_message(errors: list[dict]) -> str:
    """The `data` field's problems in Chinese, field by field (pydantic's own text is English)."""
    if any(e.get("type") == "json_invalid" for e in errors):
        return "督导纪实数据（data）不是有效的 JSON。"
    detail = validation_error_body([{**e, "loc": ("data", *e.get("loc", ()))} for e in errors])["detail"]
    return detail.replace("请求参数有误", "督导纪实数据（data）有误", 1)


@router.get("/zones", response=list[ZoneOut])
@paginate(ApiPagination, page_size=50)
def list_zones(request, region: str = ""):
    return selectors.zone_list(request.user, region=region)


@router.get("/zones/{int:pk}", response=ZoneOut)
def get_zone(request, pk: int):
    selectors.get_zone_for(request.user, pk)
    return selectors.zone_list(request.user).get(pk=pk)


@router.get("/assignments", response=list[AssignmentOut])
@paginate(ApiPagination, page_size=100)
def list_assignments(request, region: str = "", current: bool = True):
    return selectors.assignment_list(request.user, region=region, current=current)


@router.get("/visits", response=list[VisitOut])
@paginate(ApiPagination, page_size=50)
def list_visits(request, region: str = "", reason: str = "", status: str = ""):
    return selectors.visit_list(request.user, region=region, reason=reason, status=status).prefetch_related("files")


@router.get("/visits/{int:pk}", response=VisitOut)
def get_visit(request, pk: int):
    return selectors.get_visit_for(request.user, pk)


@router.post("/visits", response={200: VisitOut, 201: VisitOut})
def create_visit(request, data: str = Form(..., min_length=1, description="督导纪实，JSON 文本，结构见 VisitIn"),
                 photos: File[list[UploadedFile]] = None):
    try:
        payload = VisitIn.model_validate_json(data)
    except ValidationError as exc:
        raise ApplicationError(visit_data_message(exc.errors())) from None
    inspector = inspector_for_user(request.user)
    if inspector is None:
        raise ApplicationError("当前账号没有关联督学，不能提交督导纪实。")
    school, campus = selectors.visit_target(inspector, school_code=payload.school_code, campus_name=payload.campus)
    companions = selectors.visit_companions(card_nos=payload.companion_card_nos)
    if len(companions) != len(set(payload.companion_card_nos)):
        raise ApplicationError("随行督学的督学证号有误。")
    visit, created = services.visit_submit(
        actor=request.user, client_id=payload.client_id, inspector=inspector, school=school, campus=campus,
        started_at=payload.started_at, ended_at=payload.ended_at, methods=payload.methods, items=payload.items,
        narrative=payload.narrative, highlights=payload.highlights, topic=payload.topic, reason=payload.reason,
        reason_note=payload.reason_note, companions=companions, problems=[p.dict() for p in payload.problems],
        lessons=[lesson.dict() for lesson in payload.lessons], photos=photos or [])
    visit.created = created
    return Status(201 if created else 200, visit)
