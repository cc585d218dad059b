"""What inspections gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

from django.urls import reverse

from dudao.core.registries import LinkTarget, register_plan_link
from dudao.core.scope import prefix_q, region_prefix
from dudao.inspections.models import Inspection, InspectionStage

# --- plan links (工作要点) ----------------------------------------------------------------------------------

# An inspection project carries out its plan task once its 意见书 is issued (or at a later stage).
PLAN_DONE_STAGES = {InspectionStage.ISSUED, InspectionStage.RECTIFYING, InspectionStage.RECHECKED,
                    InspectionStage.ARCHIVED}


def _plan_link_ids(object_ids) -> list[int]:
    return [int(i) for i in object_ids if str(i).isdigit()]


def plan_link_choices(user, region_code: str, q: str = "") -> list[tuple[str, str]]:
    """Inspection projects of the region the user may see, matching q (name, or the id), newest first, at most 50."""
    rows = Inspection.objects.visible_to(user).filter(prefix_q("county__code", [region_prefix(region_code)]))
    q = (q or "").strip()
    if q:
        rows = rows.filter(pk=int(q)) if q.isdigit() else rows.filter(name__icontains=q)
    return [(str(pk), name) for pk, name in rows.order_by("-starts_on", "-pk").values_list("pk", "name")[:50]]


def plan_link_resolve(object_ids) -> dict[str, LinkTarget]:
    """Unscoped (the caller checks region and scope): done at 已出具意见书 or later."""
    return {str(i.pk): LinkTarget(
        kind="inspections.inspection", object_id=str(i.pk), title=i.name, url=reverse("inspections:detail", args=[i.pk]),
        region_code=i.county_id, done=i.stage in PLAN_DONE_STAGES, state=i.get_stage_display(), day=i.starts_on)
        for i in Inspection.objects.filter(pk__in=_plan_link_ids(object_ids))}


# --- calendar items (行事历) -------------------------------------------------------------------------------


# --- key events (大事记) -----------------------------------------------------------------------------------


# --- year figures (年度工作总结) ----------------------------------------------------------------------------


# --- 简报 materials ----------------------------------------------------------------------------------------


# --- archive documents (督导档案) --------------------------------------------------------------------------


def register_year() -> None:
    # plan links
    register_plan_link("inspections.inspection", "督导评估项目", choices=plan_link_choices, resolve=plan_link_resolve)

    # calendar items

    # key events

    # year figures

    # 简报 materials

    # archive documents

    return
