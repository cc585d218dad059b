"""The planning API: /api/v1/plans, /api/v1/calendar, /api/v1/chronicle (issue 20 item 9)."""

import datetime
from typing import Literal

from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from dudao.core.listing import ApiPagination
from dudao.planning.models import PlanStatus
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
