"""What inspections gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

import datetime
from collections import Counter, defaultdict

from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from dudao.core.dates import cn_date, local_date
from dudao.core.registries import (
    ArchiveItem,
    Material,
    material_key_id,
    register_archive_source,
    register_briefing_material,
    stored_archive_item,
)
from dudao.core.scope import region_prefix
from dudao.inspections.models import (
    Inspection,
    InspectionKind,
    InspectionStage,
    LeafEvidence,
    Opinion,
    Target,
)
from dudao.inspections.opinions import opinion_docx
from dudao.inspections.reports import notice_docx, report_context, report_docx
from dudao.inspections.selectors import project_report

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
# A project belongs to the year it starts in. Its 督导通知, 督导报告 and 意见书 are rendered on demand (lazily, while
# the zip is written) from the editable templates; the targets' evidence files are stored.

REPORTED_STAGES = {InspectionStage.ISSUED, InspectionStage.RECTIFYING, InspectionStage.RECHECKED, InspectionStage.ARCHIVED}


def _archive_category(inspection: Inspection) -> str:
    return "duzheng" if inspection.kind == InspectionKind.DUZHENG else "duxue"


def _inspection_report_docx(inspection_id: int) -> bytes:
    inspection = Inspection.objects.select_related("county", "framework").get(pk=inspection_id)
    report = project_report(inspection)
    return report_docx(inspection, report_context(inspection, report), report)


def _opinion_docx(opinion_id: int) -> bytes:
    return opinion_docx(Opinion.objects.select_related("target__inspection__county", "target__inspection__framework",
                                                       "target__school", "target__unit").get(pk=opinion_id))


def archive_inspection_documents(region_code: str, start, end):
    """Per project started in [start, end] in the region: its 督导通知 (once numbered), 督导报告 (once the opinions
    are issued), each issued 意见书, and the evidence files its targets uploaded."""
    projects = {p.pk: p for p in Inspection.objects.filter(
        county__code__startswith=region_prefix(region_code), starts_on__gte=start, starts_on__lte=end)
        .select_related("county")}
    for p in projects.values():
        category = _archive_category(p)
        if p.notice_number:
            yield ArchiveItem(category, f"{p.name} 督导通知（{p.notice_number}）", p.starts_on, f"{p.name}_督导通知.docx",
                              render=lambda pk=p.pk: notice_docx(Inspection.objects.select_related("county", "framework")
                                                                 .get(pk=pk)), source=f"inspections.notice:{p.pk}")
        if p.stage in REPORTED_STAGES:
            yield ArchiveItem(category, f"{p.name} 督导报告", p.ends_on, f"{p.name}_督导报告.docx",
                              render=lambda pk=p.pk: _inspection_report_docx(pk), source=f"inspections.report:{p.pk}")
    opinions = (Opinion.objects.filter(target__inspection_id__in=projects, issued_at__isnull=False)
                .select_related("target__school", "target__unit").order_by("issued_at", "id"))
    for o in opinions:
        p = projects[o.target.inspection_id]
        yield ArchiveItem(_archive_category(p), f"{p.name} 督导意见书 {o.number or ''} {o.target.target_name}".strip(),
                          local_date(o.issued_at), f"{o.number or o.pk}_{o.target.target_name}_督导意见书.docx",
                          render=lambda pk=o.pk: _opinion_docx(pk), source=f"inspections.opinion:{o.pk}")
    evidence = (LeafEvidence.objects.filter(target__inspection_id__in=projects)
                .select_related("file", "target__school", "target__unit").order_by("uploaded_at", "id"))
    for e in evidence.iterator(chunk_size=500):
        p = projects[e.target.inspection_id]
        yield stored_archive_item(_archive_category(p), f"{p.name} {e.target.target_name} 佐证材料（{e.leaf}）",
                                  max(start, min(end, local_date(e.uploaded_at))), e.file,
                                  source=f"inspections.leaf_evidence:{e.pk}")
    materials = (Target.materials.through.objects.filter(target__inspection_id__in=projects)
                 .select_related("storedfile", "target__school", "target__unit").order_by("id"))
    for m in materials.iterator(chunk_size=500):
        p = projects[m.target.inspection_id]
        yield stored_archive_item(_archive_category(p), f"{p.name} {m.target.target_name} 自评佐证材料",
                                  max(start, min(end, local_date(m.storedfile.uploaded_at))), m.storedfile,
                                  source=f"inspections.target_material:{m.target_id}")


def register_year() -> None:
    # plan links

    # calendar items

    # key events

    # year figures

    # 简报 materials
    register_briefing_material("inspections.results", "督导评估结果", "inspection", inspection_results)

    # archive documents
    register_archive_source("inspections.documents", archive_inspection_documents)

    return
