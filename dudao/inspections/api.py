"""Inspections API: projects, targets and results as the user may see them; a scoring sheet and a batch POST
of scores (all-or-nothing) so a tablet can download the sheet, score offline and send the scores later."""

import datetime

from ninja import Router, Schema
from ninja.pagination import paginate

from dudao.core.listing import ApiPagination
from dudao.core.scope import get_visible_or_404
from dudao.inspections import selectors, services
from dudao.inspections.models import Inspection

router = Router(tags=["督导评估"])


def _inspection_out(i: Inspection) -> dict:
    return {"id": i.pk, "name": i.name, "kind": i.kind, "county": i.county_id, "framework": i.framework_id,
            "year": i.year, "starts_on": i.starts_on, "ends_on": i.ends_on, "stage": i.stage,
            "notice_number": i.notice_number, "previous": i.previous_id}


class InspectionOut(Schema):
    id: int
    name: str
    kind: str
    county: str
    framework: int
    year: int
    starts_on: datetime.date
    ends_on: datetime.date
    stage: str
    notice_number: str
    previous: int | None

    @staticmethod
    def resolve_county(obj) -> str:
        return obj.county_id

    @staticmethod
    def resolve_framework(obj) -> int:
        return obj.framework_id

    @staticmethod
    def resolve_previous(obj) -> int | None:
        return obj.previous_id


@router.get("/inspections", response=list[InspectionOut])
@paginate(ApiPagination, page_size=50)
def inspection_list(request, year: int | None = None, stage: str = ""):
    items = selectors.inspection_list(request.user).order_by("-starts_on", "-id")
    if year:
        items = items.filter(year=year)
    if stage:
        items = items.filter(stage=stage)
    return items


@router.get("/inspections/{pk}")
def inspection_detail(request, pk: int):
    inspection = get_visible_or_404(Inspection.objects.select_related("county"), request.user, pk=pk)
    results = inspection.stage in selectors.RESULT_STAGES
    return {**_inspection_out(inspection), "targets": [
        {"id": t.pk, "name": str(t), "kind": t.kind, "school": t.school_id, "unit": t.unit_id, "group": t.group_id,
         "centre": t.centre_id, "project": t.project_id,
         **({"score": t.score, "level": t.level, "vetoed": t.vetoed} if results else {})}
        for t in selectors.targets_for(request.user, inspection)]}


@router.get("/inspections/targets/{pk}/sheet")
def score_sheet(request, pk: int):
    """The check points this user scores for the target (the self-assessment for the target's own users)."""
    target = selectors.target_for(request.user, pk)
    is_self = selectors.is_self_assessment(request.user, target)
    return {"target": target.pk, "stage": target.inspection.stage, "self_assessment": is_self,
            "leaves": selectors.score_sheet(target, request.user, is_self)}


class ScoreIn(Schema):
    leaf: str
    value: str
    note: str = ""


@router.post("/inspections/targets/{pk}/scores", response={200: dict})
def scores_post(request, pk: int, scores: list[ScoreIn]):
    """Record several scores at once: all saved, or none (400 listing each refused leaf)."""
    target = selectors.target_for(request.user, pk)
    is_self = selectors.is_self_assessment(request.user, target)
    services.scores_save(actor=request.user, target=target, is_self=is_self,
                         entries=[services.ScoreEntry(s.leaf, s.value, s.note) for s in scores])
    return {"saved": len(scores)}
