"""API of area training (issue 24 item 8): GET /api/v1/trainings (the events the user sees, with their own
enrolment) and POST /api/v1/trainings/{id}/sign-in (the QR token; signs in the caller, never anyone named)."""

import datetime
from typing import Literal

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from dudao.core.api_errors import error_responses
from dudao.core.listing import ApiPagination
from dudao.workforce.models import TrainingEvent, TrainingEventStatus, TrainingKind
from dudao.workforce.selectors import training as selectors
from dudao.workforce.services import training as services

router = Router(tags=["督学队伍"])


class TrainingFilters(Schema):
    status: Literal[tuple(["", *TrainingEventStatus.values])] = Field("", description="draft 草稿，open 报名中，closed 已结束")
    kind: Literal[tuple(["", *TrainingKind.values])] = Field("", description="培训类别")
    year: int | None = Field(None, description="年度（培训时间覆盖该年）")
    q: str = Field("", max_length=64, description="搜索培训名称")


class EnrolmentOut(Schema):
    id: int
    status: str = Field(description="enrolled 已报名，withdrawn 已退出")
    attended: int = Field(description="已签到的场次数")
    completed: bool = Field(description="已结业")
    certificate_no: str


class TrainingOut(Schema):
    id: int
    title: str
    level: str
    kind: str
    kind_label: str
    region: str = Field(description="主办区划代码")
    starts_on: datetime.date
    ends_on: datetime.date
    is_online: bool
    place: str
    hours: float
    credits: float
    audience: list[str] = Field(description="培训对象：inspector 督学，expert 专家，supervisor 学校督导管理员，staff 督导室工作人员")
    capacity: int
    enrolled_count: int
    sessions: int = Field(description="场次数")
    completion_percent: int = Field(description="结业要求：签到场次百分比")
    status: str
    status_label: str
    my_enrolment: EnrolmentOut | None = Field(None, description="本人的报名（未报名为空）")


class SignInIn(Schema):
    token: str = Field(..., min_length=1, max_length=300, description="签到二维码中的令牌（二维码地址的 t 参数）")


class SignInOut(Schema):
    session: int
    session_title: str
    signed_at: datetime.datetime
    created: bool = Field(description="true：本次签到成功；false：此前已签到，未作改动")


def _row(event, mine) -> dict:
    return {"id": event.pk, "title": event.title, "level": event.level, "kind": event.kind,
            "kind_label": event.get_kind_display(), "region": event.region_id, "starts_on": event.starts_on,
            "ends_on": event.ends_on, "is_online": event.is_online, "place": event.place, "hours": float(event.hours),
            "credits": float(event.credits), "audience": event.audience, "capacity": event.capacity,
            "enrolled_count": event.enrolled_count, "sessions": event.n_sessions,
            "completion_percent": event.completion_percent, "status": event.status,
            "status_label": event.get_status_display(),
            "my_enrolment": ({"id": mine.pk, "status": mine.status, "attended": mine.n_attended,
                              "completed": mine.completed, "certificate_no": mine.certificate_no} if mine else None)}


class TrainingPagination(ApiPagination):
    """Pages of events with the caller's enrolment: one query for the page's enrolments."""

    def paginate_queryset(self, queryset, pagination, request, **params):
        result = super().paginate_queryset(queryset, pagination, request, **params)
        events = list(result["items"])
        mine = selectors.my_enrolments(request.user, [e.pk for e in events])
        result["items"] = [_row(e, mine.get(e.pk)) for e in events]
        return result


@router.get("/trainings", response=list[TrainingOut])
@paginate(TrainingPagination, page_size=50)
def list_trainings(request, filters: Query[TrainingFilters]):
    """培训活动：本人可见的（本地区督导室、领导）、本人已报名的和本人可报名的，附本人的报名与签到情况。"""
    return selectors.event_list(request.user, status=filters.status, kind=filters.kind,
                                year=filters.year if filters.year and 1900 <= filters.year <= 2999 else None,
                                q=filters.q)


@router.post("/trainings/{int:pk}/sign-in", response={200: SignInOut, 201: SignInOut},
             openapi_extra=error_responses(404))
def sign_in(request, pk: int, payload: SignInIn):
    """扫码签到：为当前登录的本人签到二维码所指的场次。令牌过期、伪造、不属于本培训、不在签到时间、培训未在报名中、
    本人未报名（且不能自行报名）时拒绝并说明原因；重复签到返回 200 与首次签到时间，不作改动。"""
    if not TrainingEvent.objects.filter(pk=pk).exists():  # who may sign in is sign_in's to say (enrolled/audience)
        raise Http404("未找到该培训活动。")
    attendance, created = services.sign_in(actor=request.user, token=payload.token, event_id=pk)
    return Status(201 if created else 200, {"session": attendance.session_id,
                                            "session_title": attendance.session.title,
                                            "signed_at": attendance.at, "created": created})
