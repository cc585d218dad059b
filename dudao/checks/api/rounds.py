"""The 专项检查 rounds API (issue 23 item 6): GET /api/v1/checks and GET /api/v1/checks/{id}.

The list is paginated and scoped like the round list page (office and leaders: their region's rounds; an inspector:
the rounds they check a target in, with their own targets counted). The detail gives the checklist and the targets:
all of them (capped, with the total) to the office and leaders of the round's region, an inspector only their own,
so the tablet can fill them offline."""

import datetime
from typing import Literal

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from dudao.checks.models import CheckKind, CheckTarget, RoundStatus
from dudao.checks.selectors import rounds as selectors
from dudao.core.listing import ApiPagination
from dudao.core.scope import scope_for

router = Router(tags=["专项检查与民办教育"])
TARGETS_CAP = 1000


class RoundFilters(Schema):
    status: Literal[tuple(["", *RoundStatus.values])] = Field("", description="draft 草稿，open 检查中，closed 已结束")
    kind: Literal[tuple(["", *CheckKind.values])] = Field("", description="检查类别")
    year: int | None = Field(None, description="年度（检查时间覆盖该年）；不在 1900–2999 之间时没有结果")
    q: str = Field("", max_length=64, description="搜索检查名称")


class RoundOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    region: str = Field(description="组织区划代码")
    region_name: str
    starts_on: datetime.date
    ends_on: datetime.date
    status: str
    status_label: str
    target_count: int = Field(description="检查对象数")
    done_count: int = Field(description="已检查的对象数")
    my_targets: int = Field(0, description="本人负责检查的对象数（督学）")
    my_pending: int = Field(0, description="本人尚未检查的对象数（检查中的轮次）")

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj["kind_label"] if isinstance(obj, dict) else obj.get_kind_display()

    @staticmethod
    def resolve_region(obj) -> str:
        return obj["region"] if isinstance(obj, dict) else obj.region_id

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj["region_name"] if isinstance(obj, dict) else obj.region.name

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj["status_label"] if isinstance(obj, dict) else obj.get_status_display()


class ItemOut(Schema):
    id: int
    order: int
    text: str
    guidance: str
    answer_kind: str = Field(description="yes_no 是/否/不适用，number 数值，text 文字记录")
    number_min: float | None = None
    number_max: float | None = None
    unit: str
    photo_required: bool = Field(description="不合格时须拍照")
    veto: bool = Field(description="一票否决项")
    finding_text: str
    finding_category: str
    severity: int


class TargetOut(Schema):
    id: int
    school: int
    school_code: str
    school_name: str
    region_code: str = Field(description="所在乡镇（街道）代码")
    inspector: int | None = None
    inspector_name: str = Field(description="检查督学；未安排为空")
    status: str = Field(description="pending 未检查，done 已检查")
    done_at: datetime.datetime | None = None
    failed_count: int
    veto_failed: bool


class RoundDetailOut(RoundOut):
    description: str
    items: list[ItemOut]
    targets: list[TargetOut]
    targets_total: int = Field(description="本人可见的检查对象总数（targets 最多返回 1000 个）")
    targets_capped: bool = Field(description="true：targets 只列出了前 1000 个")


@router.get("/checks", response=list[RoundOut])
@paginate(ApiPagination, page_size=50)
def list_checks(request, filters: Query[RoundFilters]):
    """专项检查轮次：本人可见的，可按状态、类别、年度筛选，按名称搜索；督学负责的轮次附本人的检查对象数，待检查的在前。"""
    return selectors.round_list(request.user, status=filters.status, kind=filters.kind,
                                year=str(filters.year or ""), q=filters.q)


def _target_row(t: CheckTarget) -> dict:
    return {"id": t.pk, "school": t.school_id, "school_code": t.school.code, "school_name": t.school.name,
            "region_code": t.region_code, "inspector": t.inspector_id,
            "inspector_name": t.inspector.name if t.inspector else "", "status": t.status, "done_at": t.done_at,
            "failed_count": t.failed_count, "veto_failed": t.veto_failed}


@router.get("/checks/{int:pk}", response=RoundDetailOut)
def get_check(request, pk: int):
    """一轮专项检查：检查清单（检查项、填写方式、合格范围、须拍照、一票否决、不合格时登记的问题）和检查对象。
    本区划督导室、领导可见全部对象（最多列出 1000 个）；督学只见本人负责检查的对象。"""
    check_round = selectors.round_for_api(request.user, pk)
    if scope_for(request.user).covers_region(check_round.region_id):
        targets = CheckTarget.objects.visible_to(request.user).filter(round=check_round)
    else:
        targets = CheckTarget.objects.filter(round=check_round, inspector__user_id=request.user.pk)
    total = targets.count()
    rows = list(targets.select_related("school", "inspector").order_by("region_code", "school__name", "id")
                [:TARGETS_CAP])
    items = [{"id": i.pk, "order": i.order, "text": i.text, "guidance": i.guidance, "answer_kind": i.answer_kind,
              "number_min": float(i.number_min) if i.number_min is not None else None,
              "number_max": float(i.number_max) if i.number_max is not None else None, "unit": i.unit,
              "photo_required": i.photo_required, "veto": i.veto, "finding_text": i.finding_text,
              "finding_category": i.finding_category, "severity": i.severity}
             for i in check_round.items.order_by("order", "id")]
    return {**RoundOut.model_validate(check_round).model_dump(), "description": check_round.description,
            "items": items, "targets": [_target_row(t) for t in rows], "targets_total": total,
            "targets_capped": total > TARGETS_CAP}
