"""Frameworks API: the list and one framework's definition (GET /api/v1/frameworks, /api/v1/frameworks/{id})."""

from ninja import Router

from dudao.core.scope import get_visible_or_404
from dudao.frameworks import selectors
from dudao.frameworks.models import Framework

router = Router(tags=["指标体系"])


def _out(f: Framework) -> dict:
    return {"id": f.pk, "name": f.name, "version": f.version, "family": f.family, "kind": f.kind, "target": f.target,
            "region": f.region_id, "status": f.status, "official": f.official}


@router.get("/frameworks")
def framework_list(request, kind: str = "", frozen: bool | None = None):
    frameworks = selectors.framework_list(request.user)
    if kind:
        frameworks = frameworks.filter(kind=kind)
    if frozen is not None:
        frameworks = frameworks.filter(status="frozen" if frozen else "draft")
    return [_out(f) for f in frameworks[:500]]


@router.get("/frameworks/{pk}")
def framework_detail(request, pk: int):
    framework = get_visible_or_404(Framework.objects.select_related("region"), request.user, pk=pk)
    return {**_out(framework), "definition": framework.definition}
