"""The 结果运用 API: /api/v1/result-uses.

GET /api/v1/result-uses: the 结果运用 register, paginated and scoped like the page (a unit user sees the uses it
recorded or that name it, and those of its own results)."""

import datetime
from typing import Literal

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from dudao.core.listing import ApiPagination
from dudao.reviews import results
from dudao.reviews.models import UsePurpose
from dudao.reviews.selectors import uses as use_selectors

router = Router(tags=["督政与迎检"])


class ResultUseFilters(Schema):
    year: int | None = Field(None, description="运用年度（无此年度时为空列表）")
    purpose: Literal[tuple(["", *UsePurpose.values])] = Field("", description="运用方式")
    unit: int | None = Field(None, description="运用单位（政府单位编号；无此单位时为空列表）")
    kind: Literal[tuple(["", *results.KINDS])] = Field("", description="结果类型")
    q: str = Field("", max_length=100, description="搜索督导结果、运用单位、运用情况或文号")


class ResultUseOut(Schema):
    id: int
    region: str = Field(description="区县代码")
    result_kind: str = Field(description="结果类型，如 inspections.target")
    result_kind_label: str
    result_id: str
    result_label: str = Field(description="督导结果（登记时的表述）")
    result_year: int
    school: int | None = Field(description="结果所属学校")
    unit: int | None = Field(description="结果所属政府单位")
    user_unit: int | None = Field(description="运用单位（政府单位编号；名单外单位为空）")
    user_name: str = Field(description="运用单位名称")
    purpose: str
    purpose_label: str
    used_on: datetime.date
    decision: str
    document_number: str
    has_document: bool
    recorded_at: datetime.datetime

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region_id

    @staticmethod
    def resolve_result_kind_label(obj) -> str:
        return results.kind_label(obj.result_kind)

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
@paginate(ApiPagination, page_size=50)
def list_result_uses(request, filters: Query[ResultUseFilters]):
    return use_selectors.use_list(request.user, year=str(filters.year or ""), purpose=filters.purpose,
                                   user_unit=str(filters.unit or ""), kind=filters.kind, q=filters.q)
