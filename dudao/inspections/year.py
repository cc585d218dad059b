"""What inspections gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

import datetime
from collections import Counter

from django.urls import reverse

from dudao.core.registries import (
    Figure,
    FigureReader,
    LinkTarget,
    period_label,
    register_plan_link,
    register_year_figures,
)
from dudao.core.scope import prefix_q, region_prefix
from dudao.inspections import selectors
from dudao.inspections.models import Inspection, InspectionKind, InspectionStage

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

def year_figures(region_code: str, start: datetime.date, end: datetime.date) -> list[Figure]:
    """督导评估项目 started in the period, by kind, with their targets' levels (inspections' own selectors)."""
    reader, period = FigureReader(region_code), period_label(start, end)
    projects = list(selectors.inspection_list(reader).filter(
        county__code__startswith=region_prefix(region_code), starts_on__gte=start, starts_on__lte=end).order_by("starts_on", "id"))
    kinds = Counter(p.kind for p in projects)
    targets = Counter()
    levels = Counter()
    for project in projects:
        targets[project.kind] += project.target_count
        for level in selectors.targets_for(reader, project).order_by().values_list("level", flat=True):
            levels[level or "未评定"] += 1
    labels = dict(InspectionKind.choices)
    source = f"inspections.selectors.inspection_list：{period} 开始的项目"
    kind_rows = tuple((str(labels.get(k, k)), kinds[k], targets[k]) for k in labels if kinds[k])
    level_rows = tuple((level, n) for level, n in sorted(levels.items(), key=lambda kv: (kv[0] == "未评定", kv[0])))
    rated = sum(n for level, n in levels.items() if level != "未评定")
    return [
        Figure("inspections.projects", "开展督导评估项目", len(projects), "项", source,
               columns=("类型", "项目数", "督导对象数"), rows=kind_rows),
        Figure("inspections.targets", "督导评估对象", sum(targets.values()), "个",
               source + "，inspection_list 的 target_count 合计"),
        Figure("inspections.rated", "已评定等级的对象", rated, "个",
               f"inspections.selectors.targets_for：{period} 开始的项目的督导对象等级",
               columns=("等级", "对象数"), rows=level_rows),
    ]



# --- 简报 materials ----------------------------------------------------------------------------------------


# --- archive documents (督导档案) --------------------------------------------------------------------------


def register_year() -> None:
    # plan links
    register_plan_link("inspections.inspection", "督导评估项目", choices=plan_link_choices, resolve=plan_link_resolve)

    # calendar items

    # key events

    # year figures
    register_year_figures("inspections", "督导评估", year_figures, order=20)

    # 简报 materials

    # archive documents

    return
