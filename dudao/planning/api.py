"""The planning API: /api/v1/plans, /api/v1/calendar, /api/v1/chronicle (issue 20 item 9)."""

import datetime

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from dudao.core.listing import ApiPagination
from dudao.planning.selectors import chronicle as chronicle_selectors

router = Router(tags=["工作计划"])


# ---- 大事记 (chronicle) ---------------------------------------------------------------------------------------


class ChronicleOut(Schema):
    id: int
    day: datetime.date = Field(description="日期（北京时间）")
    title: str
    text: str
    importance: str = Field(description="normal 一般，important 重要，major 重大")
    importance_label: str
    region: str = Field(description="区域代码")
    region_name: str
    source: str = Field(description="平台建议的来源（如 inspections.opinions）；手工录入为空")
    url: str = Field(description="关联记录的页面地址")

    @staticmethod
    def resolve_importance_label(obj) -> str:
        return obj.get_importance_display()

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region_id

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name


@router.get("/chronicle", response=list[ChronicleOut])
@paginate(ApiPagination, page_size=100)
def list_chronicle(request, year: int = Query(..., ge=2000, le=2100, description="年度（2000—2100）")):
    """大事记：本人所在区域（督导室、领导）某年度已采用的条目，按日期排列；待确认和已舍弃的建议不在其中。"""
    return chronicle_selectors.api_entries(request.user, year)
