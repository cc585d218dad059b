"""fill API (issue 23): the tablet's filled checklist for one target, idempotent by client id like visits.

POST /api/v1/checks/{id}/targets/{target_id}/submissions takes multipart form data: `data` (JSON, schema
SubmissionIn: the client id, the visit's times and text, the answers) and one photo file per item, keyed
`photo_<item id>`. The same client id again returns the stored submission (200) instead of a new one (201)."""

import datetime
import uuid
from decimal import Decimal

from ninja import Form, Router, Schema, Status
from pydantic import ValidationError

from dudao.checks.selectors import fill as selectors
from dudao.checks.selectors.rounds import get_round_for
from dudao.checks.services.fill import check_submit
from dudao.core.api_errors import validation_error_body
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.people.selectors import inspector_for_user

router = Router(tags=["专项检查与民办教育"])

PHOTO_PREFIX = "photo_"


class AnswerIn(Schema):
    item: int
    value: str = ""
    number: str | None = None
    note: str = ""
    settle: str = ""


class SubmissionIn(Schema):
    client_id: uuid.UUID
    started_at: datetime.datetime
    ended_at: datetime.datetime
    narrative: str = ""
    methods: dict[str, int] = {}
    items: list[str] = []
    topic: str = ""
    highlights: str = ""
    campus: str = ""
    note: str = ""
    answers: list[AnswerIn]


class FindingOut(Schema):
    id: int
    status: str
    follow_up: str
    description: str


class AnswerOut(Schema):
    item_id: int
    value: str
    number: Decimal | None
    note: str
    failed: bool
    settled_on_spot: bool
    photo_id: int | None
    finding: FindingOut | None


class SubmissionOut(Schema):
    id: int
    client_id: uuid.UUID
    round_id: int
    target_id: int
    school_code: str
    visit_id: int | None
    inspector_id: int
    submitted_at: datetime.datetime
    outside_window: bool
    failed_count: int
    veto_failed: bool
    note: str
    answers: list[AnswerOut]
    created: bool = False
    warning: str = ""

    @staticmethod
    def resolve_round_id(obj) -> int:
        return obj.target.round_id

    @staticmethod
    def resolve_school_code(obj) -> str:
        return obj.target.school.code

    @staticmethod
    def resolve_answers(obj) -> list:
        rows = getattr(obj, "answer_rows", None)  # a new submission: the rows check_submit wrote
        return list(obj.answers.all()) if rows is None else rows

    @staticmethod
    def resolve_warning(obj) -> str:
        return "检查日期不在本次专项检查的检查时间内，已照常保存并作标记。" if obj.outside_window else ""


def _data_message(errors: list[dict]) -> str:
    if any(e.get("type") == "json_invalid" for e in errors):
        return "检查记录数据（data）不是有效的 JSON。"
    detail = validation_error_body([{**e, "loc": ("data", *e.get("loc", ()))} for e in errors])["detail"]
    return detail.replace("请求参数有误", "检查记录数据（data）有误", 1)


@router.post("/checks/{int:pk}/targets/{int:target_id}/submissions", response={200: SubmissionOut, 201: SubmissionOut})
def submit_check(request, pk: int, target_id: int,
                 data: str = Form(..., min_length=1, description="检查记录，JSON 文本，结构见 SubmissionIn")):
    try:
        payload = SubmissionIn.model_validate_json(data)
    except ValidationError as exc:
        raise ApplicationError(_data_message(exc.errors())) from None
    inspector = inspector_for_user(request.user)
    if inspector is None:
        raise PermissionDenied("当前账号没有关联督学，不能提交检查记录。")
    check_round = get_round_for(request.user, pk)
    target = selectors.get_target_by_id_for(request.user, target_id, inspector)
    campus = selectors.target_campus(target, payload.campus) if payload.campus else None
    photos = {}
    for key in request.FILES:
        if not key.startswith(PHOTO_PREFIX):
            raise ApplicationError(f"无法识别的上传字段：{key[:40]}（照片应命名为 photo_<检查项编号>）。")
        photos[key[len(PHOTO_PREFIX):]] = request.FILES[key]
    visit = {"started_at": payload.started_at, "ended_at": payload.ended_at, "narrative": payload.narrative,
             "methods": payload.methods, "items": payload.items, "topic": payload.topic,
             "highlights": payload.highlights, "campus": campus}
    submission, created = check_submit(
        actor=request.user, target=target, round=check_round, client_id=payload.client_id, visit=visit,
        answers=[a.dict() for a in payload.answers], answer_photos=photos, note=payload.note, inspector=inspector)
    if not created:  # a retry: the stored submission as it is; a new one answers from the objects in hand
        submission = selectors.get_submission_for(request.user, submission.pk)
    submission.created = created
    return Status(201 if created else 200, submission)


@router.get("/checks/submissions/{int:pk}", response=SubmissionOut)
def get_submission(request, pk: int):
    return selectors.get_submission_for(request.user, pk)
