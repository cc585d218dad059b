"""Frameworks API: the list and one framework's definition (GET /api/v1/frameworks, /api/v1/frameworks/{id})."""

from ninja import Router, Schema
from ninja.pagination import paginate

from dudao.core.listing import ApiPagination
from dudao.core.scope import get_visible_or_404
from dudao.frameworks import selectors
from dudao.frameworks.models import Framework

router = Router(tags=["指标体系"])


def _out(f: Framework) -> dict:
    return {"id": f.pk, "name": f.name, "version": f.version, "family": f.family, "kind": f.kind, "target": f.target,
            "region": f.region_id, "status": f.status, "official": f.official}


class FrameworkOut(Schema):
    id: int
    name: str
    version: int
    family: str
    kind: str
    target: str
    region: str
    status: str
    official: str

    @staticmethod
    def resolve_region(obj) -> str:
        return obj.region_id


@router.get("/frameworks", response=list[FrameworkOut])
@paginate(ApiPagination, page_size=50)
def framework_list(request, kind: str = "", frozen: bool | None = None):
    frameworks = selectors.framework_list(request.user).order_by("kind", "name", "-version", "id")
    if kind:
        frameworks = frameworks.filter(kind=kind)
    if frozen is not None:
        frameworks = frameworks.filter(status="frozen" if frozen else "draft")
    return frameworks


@router.get("/frameworks/{pk}")
def framework_detail(request, pk: int):
    framework = get_visible_or_404(Framework.objects.select_related("region"), request.user, pk=pk)
    return {**_out(framework), "definition": framework.definition}
