"""The reviews API (issue 21 item 6): /api/v1/reviews, /api/v1/result-uses. Scoped like the pages."""

from ninja import Router

router = Router(tags=["督政与迎检"])


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
