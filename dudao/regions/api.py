"""GET /api/v1/regions and /api/v1/units, scoped like the pages."""

from ninja import Query, Router, Schema
from ninja.pagination import paginate

from dudao.core.listing import ApiPagination
from dudao.regions import selectors

router = Router(tags=["行政区划与政府单位"])


class RegionOut(Schema):
    code: str
    name: str
    level: str
    parent_code: str | None

    @staticmethod
    def resolve_parent_code(obj) -> str | None:
        return obj.parent_id


class UnitOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    kind_label: str
    region_code: str
    is_education_authority: bool

    @staticmethod
    def resolve_kind_label(obj) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_region_code(obj) -> str:
        return obj.region_id


class RegionFilters(Schema):
    level: str = ""
    q: str = ""


class UnitFilters(Schema):
    kind: str = ""
    region: str = ""
    q: str = ""


@router.get("/regions", response=list[RegionOut])
@paginate(ApiPagination, page_size=100)
def list_regions(request, filters: Query[RegionFilters]):
    return selectors.region_list(request.user, level=filters.level, q=filters.q)


@router.get("/units", response=list[UnitOut])
@paginate(ApiPagination, page_size=50)
def list_units(request, filters: Query[UnitFilters]):
    return selectors.unit_list(request.user, kind=filters.kind, region=filters.region, q=filters.q)
