"""What inspections gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

import datetime
from collections import Counter, defaultdict

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from dudao.core.dates import cn_date, local_date, local_span
from dudao.core.registries import (
    ArchiveItem,
    CalendarItem,
    Figure,
    FigureReader,
    KeyEvent,
    LinkTarget,
    Material,
    material_key_id,
    period_label,
    plan_link_ids,
    register_archive_source,
    register_briefing_material,
    register_calendar_source,
    register_key_events,
    register_plan_link,
    register_year_figures,
    scope_reaches,
    stored_archive_item,
    url_for_pk,
)
from dudao.core.scope import prefix_q, region_prefix, scope_for
from dudao.inspections import selectors
from dudao.inspections.models import (
    Inspection,
    InspectionKind,
    InspectionStage,
    LeafEvidence,
    Opinion,
    Target,
    TeamMember,
    Transition,
)
from dudao.inspections.opinions import opinion_docx
from dudao.inspections.reports import notice_docx, report_context, report_docx
from dudao.inspections.selectors import project_report

# --- plan links (工作要点) ----------------------------------------------------------------------------------

# An inspection project carries out its plan task once its 意见书 is issued (or at a later stage).
PLAN_DONE_STAGES = {InspectionStage.ISSUED, InspectionStage.RECTIFYING, InspectionStage.RECHECKED,
                    InspectionStage.ARCHIVED}



def plan_link_choices(user, region_code: str, q: str = "") -> list[tuple[str, str]]:
    """Inspection projects of the region the user may see, matching q (name, or the id), newest first, at most 50."""
    rows = Inspection.objects.visible_to(user).filter(prefix_q("county__code", [region_prefix(region_code)]))
    q = (q or "").strip()
    if q:
        rows = rows.filter(pk=int(q)) if q.isdecimal() else rows.filter(name__icontains=q)
    return [(str(pk), name) for pk, name in rows.order_by("-starts_on", "-pk").values_list("pk", "name")[:50]]


def plan_link_resolve(object_ids) -> dict[str, LinkTarget]:
    """Unscoped (the caller checks region and scope): done at 已出具意见书 or later."""
    return {str(i.pk): LinkTarget(
        kind="inspections.inspection", object_id=str(i.pk), title=i.name, url=reverse("inspections:detail", args=[i.pk]),
        region_code=i.county_id, done=i.stage in PLAN_DONE_STAGES, state=i.get_stage_display(), day=i.starts_on)
        for i in Inspection.objects.filter(pk__in=plan_link_ids(object_ids))}


# --- calendar items (行事历) -------------------------------------------------------------------------------

def calendar_site_visits(user, start, end):
    """Each project's window (starts_on–ends_on) with the target schools the user may see: a supervision visit
    into each of them (enters_school, counted against the per-term limit). Units (督政) are listed, not counted."""
    scope = scope_for(user)
    projects = {p.pk: p for p in Inspection.objects.visible_to(user).filter(starts_on__lte=end, ends_on__gte=start)
                .select_related("county").only("pk", "name", "kind", "starts_on", "ends_on", "county__code")}
    if not projects:
        return []
    mine = TeamMember.objects.filter(target=OuterRef("pk"), user_id=user.pk)
    targets: dict[int, list] = {pk: [] for pk in projects}
    for row in (Target.objects.filter(inspection_id__in=projects).annotate(mine=Exists(mine))
                .values("inspection_id", "school_id", "unit_id", "region_code", "mine", "school__name", "unit__name",
                        "group__name", "centre__name", "project__name", "group__lead_school_id",
                        "centre__contact_id", "project__contact_id")
                .order_by("region_code", "pk")):
        if row["mine"] or scope_reaches(scope, region_code=row["region_code"],
                                        school_id=row["school_id"] or row["group__lead_school_id"],
                                        unit_id=row["unit_id"]) \
                or user.pk in (row["centre__contact_id"], row["project__contact_id"]):
            targets[row["inspection_id"]].append(row)
    url = url_for_pk("inspections:detail")
    items = []
    for pk, project in projects.items():
        rows = targets[pk]
        if not rows and not scope.everything and not any(project.county.code.startswith(p)
                                                         for p in scope.region_prefixes):
            continue
        school_ids = tuple(r["school_id"] for r in rows if r["school_id"])
        names = [r["school__name"] or r["unit__name"] or r["group__name"] or r["centre__name"] or r["project__name"]
                 for r in rows]
        shown = "、".join(names[:3]) + (f"等 {len(names)} 个对象" if len(names) > 3 else "")
        items.append(CalendarItem(
            source="inspections.site_visit", key=str(pk), title=project.name, start=project.starts_on,
            end=max(project.ends_on, project.starts_on), url=url(pk),
            region_code=rows[0]["region_code"] if len(rows) == 1 else project.county.code, school_ids=school_ids,
            enters_school=bool(school_ids), detail=f"{project.get_kind_display()}：{shown or '尚未确定督导对象'}"))
    return items


# --- key events (大事记) -----------------------------------------------------------------------------------

def opinion_events(region_code: str, start: datetime.date, end: datetime.date) -> list[KeyEvent]:
    """A project's 督导意见书 issued: the day it reached 已出具意见书, once per project, with how many."""
    begin, stop = local_span(start, end)
    moves = (Transition.objects.filter(to_status=InspectionStage.ISSUED, at__gte=begin, at__lt=stop,
                                       inspection__county__code__startswith=region_code)
             .select_related("inspection").order_by("at", "pk"))
    first = {}
    for move in moves:
        first.setdefault(move.inspection_id, move)
    counts = {row["target__inspection_id"]: row["n"] for row in Opinion.objects.filter(
        target__inspection_id__in=list(first), issued_at__isnull=False).values("target__inspection_id").annotate(
        n=Count("pk"))}
    events = []
    for pk, move in first.items():
        inspection, n = move.inspection, counts.get(pk, 0)
        events.append(KeyEvent(
            key=f"inspections.opinions:{pk}", day=local_date(move.at),
            title=f"{inspection.name}出具督导意见书" + (f" {n} 份" if n else ""),
            text=f"{inspection.get_kind_display()}“{inspection.name}”完成评议，出具督导意见书{n}份，进入整改阶段。",
            url=reverse("inspections:detail", args=[pk]), region_code=inspection.county_id, importance="important"))
    return events


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
    for target in Target.objects.filter(inspection__in=inspections).select_related(
            "school", "unit", "group", "centre", "project"):
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
                                                       "target__school", "target__unit", "target__group", "target__centre", "target__project").get(pk=opinion_id))


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
                .select_related("target__school", "target__unit", "target__group", "target__centre", "target__project").order_by("issued_at", "id"))
    for o in opinions:
        p = projects[o.target.inspection_id]
        yield ArchiveItem(_archive_category(p), f"{p.name} 督导意见书 {o.number or ''} {o.target.target_name}".strip(),
                          local_date(o.issued_at), f"{o.number or o.pk}_{o.target.target_name}_督导意见书.docx",
                          render=lambda pk=o.pk: _opinion_docx(pk), source=f"inspections.opinion:{o.pk}")
    evidence = (LeafEvidence.objects.filter(target__inspection_id__in=projects)
                .select_related("file", "target__school", "target__unit", "target__group", "target__centre", "target__project").order_by("uploaded_at", "id"))
    for e in evidence.iterator(chunk_size=500):
        p = projects[e.target.inspection_id]
        yield stored_archive_item(_archive_category(p), f"{p.name} {e.target.target_name} 佐证材料（{e.leaf}）",
                                  max(start, min(end, local_date(e.uploaded_at))), e.file,
                                  source=f"inspections.leaf_evidence:{e.pk}")
    materials = (Target.materials.through.objects.filter(target__inspection_id__in=projects)
                 .select_related("storedfile", "target__school", "target__unit", "target__group", "target__centre", "target__project").order_by("id"))
    for m in materials.iterator(chunk_size=500):
        p = projects[m.target.inspection_id]
        yield stored_archive_item(_archive_category(p), f"{p.name} {m.target.target_name} 自评佐证材料",
                                  max(start, min(end, local_date(m.storedfile.uploaded_at))), m.storedfile,
                                  source=f"inspections.target_material:{m.target_id}")


def register_year() -> None:
    # plan links
    register_plan_link("inspections.inspection", "督导评估项目", choices=plan_link_choices, resolve=plan_link_resolve)

    # calendar items
    register_calendar_source("inspections.site_visit", "督导评估", calendar_site_visits, enters_school=True)

    # key events
    register_key_events("inspections.opinions", "督导意见书出具", opinion_events)

    # year figures
    register_year_figures("inspections", "督导评估", year_figures, order=20)

    # 简报 materials
    register_briefing_material("inspections.results", "督导评估结果", "inspection", inspection_results)

    # archive documents
    register_archive_source("inspections.documents", archive_inspection_documents)

    return
