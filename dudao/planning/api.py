"""The planning API: /api/v1/plans, /api/v1/calendar, /api/v1/chronicle (issue 20 item 9)."""

import dataclasses
import datetime

from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from dudao.core.api_errors import error_responses
from dudao.planning.selectors import calendar as calendar_selectors

router = Router(tags=["工作计划"])


# --- 行事历 (calendar) -------------------------------------------------------------------------------------

class CalendarItemOut(Schema):
    source: str = Field(description="来源，如 inspections.site_visit")
    source_label: str = Field(description="类别，如 督导评估")
    key: str = Field(description="来源内唯一、稳定的编号")
    title: str
    start: datetime.date = Field(description="开始日期（北京时间）")
    end: datetime.date = Field(description="结束日期（含当日）")
    url: str
    region_code: str
    school_ids: list[int]
    enters_school: bool = Field(description="是否为进校督导检查（计入每学期进校次数）")
    detail: str


class CalendarWindow(Schema):
    from_: datetime.date = Field(alias="from", description="开始日期，如 2026-09-01")
    to: datetime.date = Field(description="结束日期（含当日），与开始日期相差不超过 400 天")


@router.get("/calendar", response=list[CalendarItemOut], summary="行事历：本人可见的日程事项",
            openapi_extra=error_responses(422))
def calendar_list(request, window: Query[CalendarWindow]):
    """本人数据范围内各模块的日程事项（督导评估进校、调查、质量监测测试、整改与督办期限、创建任务、交叉督导、培训、
    工作任务、会议），按开始日期排序。"""
    from_, to = window.from_, window.to
    if to < from_:
        raise HttpError(422, "结束日期（to）不能早于开始日期（from）。")
    if (to - from_).days > calendar_selectors.MAX_DAYS:
        raise HttpError(422, f"查询时间跨度不能超过 {calendar_selectors.MAX_DAYS} 天，请缩短 from 与 to 之间的间隔。")
    labels = calendar_selectors.source_labels()
    return [{**dataclasses.asdict(item), "school_ids": list(item.school_ids),
             "source_label": labels.get(item.source, item.source)}
            for item in calendar_selectors.calendar_items(request.user, from_, to)]
