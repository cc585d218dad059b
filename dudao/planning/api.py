"""The planning API: /api/v1/plans, /api/v1/calendar, /api/v1/chronicle (issue 20 item 9)."""

import datetime

from django.http import Http404
from ninja import Field, Query, Router, Schema

from dudao.core.api_errors import error_responses
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


@router.get("/chronicle", response=list[ChronicleOut], openapi_extra=error_responses(404))
def list_chronicle(request, year: int = Query(..., description="年度（2000—2100），必填")):
    """大事记：本人所在区域（督导室、领导）某年度已采用的条目，按日期排列；待确认和已舍弃的建议不在其中。
    一年的大事记条目有限，不分页。缺少 year 或不是整数为 422；超出 2000—2100 为 404（与其他按年度查询的接口一致：
    没有该年度的数据）。"""
    if not chronicle_selectors.FIRST_YEAR <= year <= chronicle_selectors.LAST_YEAR:
        raise Http404(f"没有 {str(year)[:8]} 年度的大事记：年度应在 {chronicle_selectors.FIRST_YEAR}—"
                      f"{chronicle_selectors.LAST_YEAR} 之间。")
    return list(chronicle_selectors.api_entries(request.user, year))
