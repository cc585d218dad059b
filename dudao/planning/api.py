"""The planning API: /api/v1/plans, /api/v1/calendar, /api/v1/chronicle (issue 20 item 9)."""

import dataclasses
import datetime
import re
from typing import Annotated, Literal

from django.http import Http404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate
from pydantic import BeforeValidator

from dudao.core.api_errors import error_responses
from dudao.core.listing import ApiPagination
from dudao.planning.models import PlanStatus
from dudao.planning.selectors import calendar as calendar_selectors
from dudao.planning.selectors import chronicle as chronicle_selectors
from dudao.planning.selectors import plans as plan_selectors

router = Router(tags=["工作计划"])


# ---- 工作要点 (plans) ------------------------------------------------------------------------------------------
# GET /api/v1/plans (paginated, scoped: office staff and leaders of the plan's region) and /api/v1/plans/{id}
# (the tree with derived statuses and links).

class PlanFilters(Schema):
    year: int | None = Field(None, description="年度")
    status: Literal[tuple(["", *PlanStatus.values])] = Field("", description="draft 草稿，published 已发布")
    q: str = Field("", max_length=100, description="搜索标题或文号")


class PlanOut(Schema):
    id: int
    title: str
    region: str = Field(description="区域代码")
    region_name: str
    year: int
    year_kind: str = Field(description="calendar 自然年度，school 学年度")
    number: str | None = Field(description="文号（发布后）")
    status: str
    published_at: datetime.datetime | None
    task_count: int = 0

    @staticmethod
    def resolve_region(obj) -> str:
        return obj["region"] if isinstance(obj, dict) else obj.region_id

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj["region_name"] if isinstance(obj, dict) else obj.region.name


class PlanLinkOut(Schema):
    kind: str = Field(description="对象类型，如 inspections.inspection")
    object_id: str
    title: str
    url: str = Field(description="对象页面；对象已删除时为空")
    state: str = Field(description="对象当前状态（中文）；对象已删除时为“已不存在”")
    done: bool


class PlanTaskOut(Schema):
    id: int
    text: str
    owner: str = Field(description="责任人、责任区或责任科室")
    owner_user: int | None
    owner_zone: int | None
    owner_label: str
    months: list[int]
    due_date: datetime.date | None
    progress: str = Field(description="责任人填写的进展：not_started / in_progress / done / dropped")
    progress_note: str
    status: str = Field(description="推算状态：not_started / in_progress / done / late / dropped")
    status_label: str
    links: list[PlanLinkOut]


class PlanCompletionOut(Schema):
    total: int
    not_started: int
    in_progress: int
    late: int
    done: int
    dropped: int
    counted: int = Field(description="不含已取消的任务数")
    percent: int | None = Field(description="完成率（%）；无任务或全部取消时为空")


class PlanSectionOut(Schema):
    id: int
    title: str
    area: str
    completion: PlanCompletionOut
    tasks: list[PlanTaskOut]


class PlanDetailOut(PlanOut):
    completion: PlanCompletionOut
    sections: list[PlanSectionOut]


@router.get("/plans", response=list[PlanOut])
@paginate(ApiPagination, page_size=50)
def list_plans(request, filters: Query[PlanFilters]):
    """工作要点：本人可见的（本区域督导室、领导；管理员全部），可按年度、状态筛选，按标题或文号搜索。"""
    return plan_selectors.plan_list(request.user, year=str(filters.year or ""), status=filters.status, q=filters.q)


def _link_out(row) -> dict:
    target = row.target
    if target is None:
        return {"kind": row.link.kind, "object_id": row.link.object_id, "title": row.link.title, "url": "",
                "state": "已不存在", "done": False}
    return {"kind": target.kind, "object_id": target.object_id, "title": target.title, "url": target.url,
            "state": target.state, "done": target.done}


@router.get("/plans/{int:pk}", response=PlanDetailOut)
def get_plan(request, pk: int):
    """一份工作要点：各部分及其工作任务，每项任务的推算状态（由关联对象或责任人进展得出）、关联对象和完成情况。"""
    plan = plan_selectors.plan_for(request.user, pk)
    tree = plan_selectors.plan_tree(plan, timezone.localdate())
    plan.task_count = sum(len(s.tasks) for s in tree.sections)
    sections = [{
        "id": s.section.pk, "title": s.section.title, "area": s.section.area, "completion": s.completion,
        "tasks": [{
            "id": r.task.pk, "text": r.task.text, "owner": r.owner, "owner_user": r.task.owner_user_id,
            "owner_zone": r.task.owner_zone_id, "owner_label": r.task.owner_label, "months": r.task.months or [],
            "due_date": r.task.due_date, "progress": r.task.progress, "progress_note": r.task.progress_note,
            "status": r.status, "status_label": r.status_label, "links": [_link_out(lk) for lk in r.links]}
            for r in s.tasks]} for s in tree.sections]
    return {**PlanOut.model_validate(plan).model_dump(), "completion": tree.completion, "sections": sections}
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


def _iso_date(value):
    """Only YYYY-MM-DD: pydantic would also take a number as a Unix timestamp (to=0 is 1970-01-01)."""
    if value is not None and not (isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value)):
        raise ValueError("日期格式应为 YYYY-MM-DD，如 2026-09-01")
    return value


IsoDate = Annotated[datetime.date | None, BeforeValidator(_iso_date)]


class CalendarWindow(Schema):
    from_: IsoDate = Field(None, alias="from", description="开始日期，如 2026-09-01；省略为本月第一天（北京时间）")
    to: IsoDate = Field(None, description="结束日期（含当日），与开始日期相差不超过 400 天；省略为开始日期所在月的最后一天")


@router.get("/calendar", response=list[CalendarItemOut], summary="行事历：本人可见的日程事项",
            openapi_extra=error_responses(400))
@paginate(ApiPagination, page_size=200)
def calendar_list(request, window: Query[CalendarWindow]):
    """本人数据范围内各模块的日程事项（督导评估进校、调查、质量监测测试、整改与督办期限、创建任务、交叉督导、培训、
    工作任务、会议），按开始日期排序，分页（?page=&page_size=）。"""
    from_ = window.from_ or (window.to or timezone.localdate()).replace(day=1)
    to = window.to or calendar_selectors.month_bounds(from_.year, from_.month)[1]
    # A window the schema cannot describe is a business refusal: 400 with the reason (as the other such rules).
    if to < from_:
        raise HttpError(400, "结束日期（to）不能早于开始日期（from）。")
    if (to - from_).days > calendar_selectors.MAX_DAYS:
        raise HttpError(400, f"查询时间跨度不能超过 {calendar_selectors.MAX_DAYS} 天，请缩短 from 与 to 之间的间隔。")
    labels = calendar_selectors.source_labels()
    return [{**dataclasses.asdict(item), "school_ids": list(item.school_ids),
             "source_label": labels.get(item.source, item.source)}
            for item in calendar_selectors.calendar_items(request.user, from_, to)]
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
@paginate(ApiPagination, page_size=200)
def list_chronicle(request, year: int | None = Query(None, description="年度（2000—2100）；省略为今年（北京时间）")):
    """大事记：本人所在区域（督导室、领导）某年度已采用的条目，按日期排列，分页；待确认和已舍弃的建议不在其中。
    year 不是整数为 422；超出 2000—2100 为 404（与其他按年度查询的接口一致：没有该年度的数据）。"""
    year = timezone.localdate().year if year is None else year
    if not chronicle_selectors.FIRST_YEAR <= year <= chronicle_selectors.LAST_YEAR:
        raise Http404(f"没有 {str(year)[:8]} 年度的大事记：年度应在 {chronicle_selectors.FIRST_YEAR}—"
                      f"{chronicle_selectors.LAST_YEAR} 之间。")
    return list(chronicle_selectors.api_entries(request.user, year))
