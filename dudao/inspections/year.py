"""What inspections gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

import datetime
from collections import Counter, defaultdict

from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from dudao.core.dates import cn_date, local_date
from dudao.core.registries import Material, material_key_id, register_briefing_material
from dudao.core.scope import region_prefix
from dudao.inspections.models import Inspection, InspectionStage, Target

# --- plan links (工作要点) ----------------------------------------------------------------------------------


# --- calendar items (行事历) -------------------------------------------------------------------------------


# --- key events (大事记) -----------------------------------------------------------------------------------


# --- year figures (年度工作总结) ----------------------------------------------------------------------------


# --- 简报 materials ----------------------------------------------------------------------------------------

OPINION_STAGES = (InspectionStage.ISSUED, InspectionStage.RECTIFYING, InspectionStage.RECHECKED,
                  InspectionStage.ARCHIVED)
TOP_TARGETS = 3


def _result_text(inspection: Inspection, day: datetime.date, targets: list[Target]) -> str:
    """"…共督导 10 个对象，平均得分 82.4 分；等级分布：优秀 3 个、良好 5 个、合格 2 个；得分前列：A（93.5 分）…"."""
    scored = sorted((t for t in targets if t.score is not None), key=lambda t: (-t.score, t.target_name))
    parts = [f"{cn_date(day)}，{inspection.name}（{inspection.get_kind_display()}）出具督导意见书，共督导 {len(targets)} 个对象"]
    if scored:
        parts.append(f"平均得分 {sum(t.score for t in scored) / len(scored):.1f} 分")
    levels = Counter(t.level for t in targets if t.level)
    if levels:
        best = {level: max((t.score or 0) for t in targets if t.level == level) for level in levels}
        order = sorted(levels, key=lambda level: -best[level])  # the level of the highest scores first
        parts.append("等级分布：" + "、".join(f"{level} {levels[level]} 个" for level in order))
    if scored:
        parts.append("得分前列：" + "、".join(f"{t.target_name}（{t.score:.1f} 分{'，' + t.level if t.level else ''}）"
                                          for t in scored[:TOP_TARGETS]))
    return "；".join(parts) + "。"


def inspection_results(user, region_code: str, start: datetime.date, end: datetime.date, q: str = "") -> list[Material]:
    """督导评估结果: projects of the region whose 意见书 were issued in [start, end] (their level distribution and
    best-scoring targets, from the stored results), newest first."""
    tz = timezone.get_current_timezone()
    inspections = Inspection.objects.visible_to(user).filter(
        county__code__startswith=region_prefix(region_code), stage__in=OPINION_STAGES,
    ).annotate(issued=Max("targets__opinion__issued_at")).filter(
        issued__gte=datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
        issued__lt=datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz))
    key_id = material_key_id(q, "inspections.inspection")
    if key_id is not None:
        inspections = inspections.filter(pk=key_id)
    elif q:
        inspections = inspections.filter(Q(name__contains=q))
    inspections = list(inspections.order_by("-issued", "-id")[:50])
    targets = defaultdict(list)
    for target in Target.objects.filter(inspection__in=inspections).select_related("school", "unit"):
        targets[target.inspection_id].append(target)
    found = []
    for inspection in inspections:
        day = local_date(inspection.issued)
        found.append(Material(
            key=f"inspections.inspection:{inspection.pk}", day=day, heading=f"{inspection.name}结果",
            text=_result_text(inspection, day, targets[inspection.pk]),
            url=reverse("inspections:detail", args=[inspection.pk])))
    return found


# --- archive documents (督导档案) --------------------------------------------------------------------------


def register_year() -> None:
    # plan links

    # calendar items

    # key events

    # year figures

    # 简报 materials
    register_briefing_material("inspections.results", "督导评估结果", "inspection", inspection_results)

    # archive documents

    return
