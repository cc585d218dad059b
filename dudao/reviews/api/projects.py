"""The 帮扶项目 API: /api/v1/projects, /api/v1/projects/{id}.

GET /api/v1/projects (paginated, scoped: office and leaders of the county, member schools' users, the contact)
and /api/v1/projects/{id} (members with roles and their figures at the start and end of the period)."""

import datetime
from typing import Literal

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from dudao.core.display import person_name
from dudao.core.listing import ApiPagination
from dudao.reviews.selectors import projects as project_selectors
from dudao.schools.models import ProjectType

router = Router(tags=["督政与迎检"])


class ProjectFilters(Schema):
    year: int | None = Field(None, description="年度（项目周期覆盖该年）")
    project_type: Literal[tuple(["", *ProjectType.values])] = Field(
        "", description="strong 强校工程，entrusted 委托管理，mutual 城乡互助成长，group 集团化办学，other 其他")
    q: str = Field("", max_length=64, description="搜索项目名称或成员学校")


class KeyFigureOut(Schema):
    label: str
    baseline: str = ""
    target: str = ""
    actual: str = ""


class ProjectOut(Schema):
    id: int
    name: str
    project_type: str
    project_type_label: str
    region: str = Field(description="县（区）代码")
    region_name: str
    starts_on: datetime.date
    ends_on: datetime.date
    contact: str = Field(description="联系人姓名；未指定为空")
    member_count: int = 0

    @staticmethod
    def resolve_project_type_label(obj) -> str:
        if isinstance(obj, dict):
            return obj["project_type_label"]
        return obj.get_project_type_display()

    @staticmethod
    def resolve_region(obj) -> str:
        if isinstance(obj, dict):
            return obj["region"]
        return obj.region_id

    @staticmethod
    def resolve_region_name(obj) -> str:
        if isinstance(obj, dict):
            return obj["region_name"]
        return obj.region.name

    @staticmethod
    def resolve_contact(obj) -> str:
        if isinstance(obj, dict):
            return obj["contact"]
        return person_name(obj.contact) if obj.contact else ""


class MemberFigureOut(Schema):
    label: str
    start_year: int | None
    end_year: int | None
    start: str = Field(description="期初数据；缺失为“无数据”")
    end: str = Field(description="期末数据；缺失为“无数据”")


class ProjectMemberOut(Schema):
    school: int
    school_code: str
    school_name: str
    role: str
    role_label: str
    figures: list[MemberFigureOut]


class ProjectDetailOut(ProjectOut):
    goals: str
    key_figures: list[KeyFigureOut]
    members: list[ProjectMemberOut]


@router.get("/projects", response=list[ProjectOut])
@paginate(ApiPagination, page_size=50)
def list_projects(request, filters: Query[ProjectFilters]):
    """帮扶项目（强校工程、委托管理、城乡互助成长、集团化办学）：本人可见的，可按年度、类型筛选，按名称或成员学校搜索。"""
    return project_selectors.project_list(request.user, year=str(filters.year or ""),
                                          project_type=filters.project_type, q=filters.q)


@router.get("/projects/{int:pk}", response=ProjectDetailOut)
def get_project(request, pk: int):
    """一个帮扶项目：目标、关键指标、成员学校及其角色，以及各成员学校期初、期末的统计、质量监测和满意度数据。"""
    project = project_selectors.project_for(request.user, pk)
    members = project_selectors.members_of(project)
    project.member_count = len(members)
    figures = project_selectors.member_figures(request.user, project, members)
    return {**ProjectOut.model_validate(project).model_dump(), "goals": project.goals,
            "key_figures": [f for f in project.key_figures if isinstance(f, dict) and f.get("label")],
            "members": [{"school": m["school"].pk, "school_code": m["school"].code, "school_name": m["school"].name,
                         "role": m["member"].role, "role_label": m["member"].get_role_display(),
                         "figures": [{"label": r["label"], "start_year": r["years"][0], "end_year": r["years"][1],
                                      "start": r["cells"][0], "end": r["cells"][1]} for r in m["rows"]]}
                        for m in figures]}
