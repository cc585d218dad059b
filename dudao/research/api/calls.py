"""API of area calls: 征集评选 (issue 24 item 8).

GET /api/v1/calls: the calls visible to the user (office and leaders: their region's; schools and inspectors: the
calls of their region they may enter; experts: the calls they are assigned to), with counts, paginated.
GET /api/v1/calls/{id}/score-entries: an assigned expert's entries for the tablet, anonymised (entry codes, no
author, school or file name), with their own score if any."""

import datetime
from decimal import Decimal
from typing import Literal

from django.http import Http404
from django.urls import reverse
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from dudao.core.listing import ApiPagination
from dudao.frameworks.scoring import build_tree
from dudao.research.models import CallKind, CallStatus
from dudao.research.selectors import calls as selectors

router = Router(tags=["研究与征集评选"])


class CallFilters(Schema):
    status: Literal[tuple(["", *CallStatus.values])] = Field(
        "", description="draft 草稿，open 征集中，reviewing 评审中，rated 已评定，published 已公布")
    kind: Literal[tuple(["", *CallKind.values])] = Field("", description="paper 论文，case 典型案例，achievement 研究成果，double_reduction 双减成果")
    year: int | None = Field(None, description="年度（截止日期所在年）")
    q: str = Field("", max_length=64, description="搜索名称")


class CallOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    region: str = Field(description="组织区划代码")
    region_name: str
    year: int
    opens_on: datetime.date
    deadline: datetime.date = Field(description="截止日期（北京时间当天 24:00 截止）")
    status: str
    status_label: str
    categories: list[str]
    eligibility: str = Field(description="可投稿人员")
    entry_count: int = Field(description="有效作品数（不含撤回）")
    expert_count: int = Field(description="评审专家数")

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region_id

    @staticmethod
    def resolve_region_name(obj) -> str:
        return obj.region.name

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_eligibility(obj) -> str:
        return obj.eligibility_display

    @staticmethod
    def resolve_entry_count(obj) -> int:
        return obj.n_entries

    @staticmethod
    def resolve_expert_count(obj) -> int:
        return obj.n_experts


class LeafOut(Schema):
    code: str
    name: str
    max: float | None = Field(None, description="满分（按分值评分的指标）")
    kind: str | None = None


class ScoreEntryOut(Schema):
    id: int
    code: str = Field(description="作品编号（匿名）")
    title: str
    category: str
    abstract: str
    document_url: str = Field(description="匿名稿下载地址（以作品编号命名，已去除作者信息）")
    my_total: Decimal | None = Field(None, description="本人已提交的总分")
    my_values: dict = Field(default_factory=dict)


class ScoreEntriesOut(Schema):
    call: int
    title: str
    scoring_open: bool
    leaves: list[LeafOut]
    entries: list[ScoreEntryOut]
    recused: int = Field(description="按回避规定未分配给本人的作品数")


@router.get("/calls", response=list[CallOut])
@paginate(ApiPagination, page_size=50)
def list_calls(request, filters: Query[CallFilters]):
    """征集评选：本人可见的，附有效作品数和评审专家数；可按状态、类别、年度筛选，按名称搜索。"""
    return selectors.call_list(request.user, status=filters.status, kind=filters.kind,
                               year=str(filters.year or ""), q=filters.q)


@router.get("/calls/{int:pk}/score-entries", response=ScoreEntriesOut)
def score_entries(request, pk: int):
    """评审专家的平板：分配给本人的作品（匿名：只有编号、标题、类别、摘要），回避的作品不列出。"""
    expert = selectors.expert_of(request.user)
    call = selectors.get_call_for(request.user, pk)
    assignment = selectors.assignment_for(call, expert) if expert else None
    if assignment is None:
        raise Http404("您不是该征集评选的评审专家。")
    entries, recused = selectors.expert_entries(call, expert, assignment)
    scores = selectors.scores_by(expert, entries)
    leaves = [{"code": n.code, "name": n.name, "max": (n.rule or {}).get("max"), "kind": (n.rule or {}).get("kind")}
              for n in build_tree(call.framework.definition).leaves]
    return {"call": call.pk, "title": call.title, "scoring_open": call.status == CallStatus.REVIEWING,
            "leaves": leaves, "recused": recused,
            "entries": [{"id": e.pk, "code": e.code, "title": e.title, "category": e.category, "abstract": e.abstract,
                         "document_url": reverse("research:call_score_document", args=[e.pk]),
                         "my_total": scores[e.pk].total if e.pk in scores else None,
                         "my_values": scores[e.pk].values if e.pk in scores else {}} for e in entries]}
