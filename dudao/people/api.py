"""GET /api/v1/inspectors and /api/v1/inspectors/{id}, scoped like the pages."""

from django.http import Http404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from dudao.core.listing import ApiPagination
from dudao.people import selectors

router = Router(tags=["督学"])


class InspectorOut(Schema):
    id: int
    card_no: str
    name: str
    kind: str
    source: str
    status: str
    region_code: str = Field(alias="region_id")
    employer: str
    phone: str
    training_hours: float


class InspectorFilters(Schema):
    region: str = ""
    kind: str = ""
    source: str = ""
    status: str = ""
    q: str = ""


@router.get("", response=list[InspectorOut])
@paginate(ApiPagination, page_size=50)
def list_inspectors(request, filters: Query[InspectorFilters]):
    return selectors.inspector_list(request.user, **filters.dict())


@router.get("/{int:pk}", response=InspectorOut)
def get_inspector(request, pk: int):
    found = selectors.inspector_list(request.user).filter(pk=pk).first()
    if found is None:
        raise Http404("未找到该督学，或您无权查看。")
    return found
