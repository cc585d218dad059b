"""What monitoring gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

import datetime

from django.db.models import Count, F, Max, Q, Sum
from django.urls import reverse

from dudao.core.dates import cn_date, local_date
from dudao.core.registries import (
    CalendarItem,
    Figure,
    FigureReader,
    KeyEvent,
    LinkTarget,
    day_bounds,
    plan_link_ids,
    register_archive_source,
    register_calendar_source,
    register_key_events,
    register_plan_link,
    register_year_figures,
    stored_archive_item,
    url_for_pk,
)
from dudao.core.scope import prefix_q, region_prefix
from dudao.monitoring import engine, selectors
from dudao.monitoring.models import Campaign, CampaignTask, GuaranteeEvidence, SchoolStats, TaskProgress
from dudao.regions.models import Region, RegionLevel

# --- plan links (工作要点) ----------------------------------------------------------------------------------



def plan_link_choices(user, region_code: str, q: str = "") -> list[tuple[str, str]]:
    """创建工作 of the region the user may see, matching q (name, or the id), newest first, at most 50."""
    rows = Campaign.objects.visible_to(user).filter(prefix_q("county__code", [region_prefix(region_code)]))
    q = (q or "").strip()
    if q:
        rows = rows.filter(pk=int(q)) if q.isdecimal() else rows.filter(name__icontains=q)
    return [(str(pk), name) for pk, name in rows.order_by("-created_at", "-pk").values_list("pk", "name")[:50]]


def plan_link_resolve(object_ids) -> dict[str, LinkTarget]:
    """Unscoped (the caller checks region and scope). A campaign has no status of its own: it is completed when it
    has tasks and every one of them is done (done_at set)."""
    rows = Campaign.objects.filter(pk__in=plan_link_ids(object_ids)).annotate(
        total=Count("tasks"), finished=Count("tasks", filter=Q(tasks__done_at__isnull=False)))
    return {str(c.pk): LinkTarget(
        kind="monitoring.campaign", object_id=str(c.pk), title=c.name,
        url=reverse("monitoring:campaign_detail", args=[c.pk]), region_code=c.county_id,
        done=c.total > 0 and c.finished == c.total,
        state=f"任务已完成 {c.finished}/{c.total}" if c.total else "尚无任务") for c in rows}


# --- calendar items (行事历) -------------------------------------------------------------------------------

def calendar_campaign_tasks(user, start, end):
    """Each 创建 task's deadline, for the office and the department or school responsible for it."""
    rows = (CampaignTask.objects.visible_to(user).filter(deadline__range=(start, end))
            .values_list("pk", "title", "deadline", "done_at", "region_code", "school_id", "campaign__name",
                         "school__name", "unit__name"))
    url = url_for_pk("monitoring:task_detail")
    return [CalendarItem(
        source="monitoring.campaign_task", key=str(pk), title=f"创建任务期限：{title}", start=deadline, end=deadline,
        url=url(pk), region_code=region, school_ids=(school_id,) if school_id else (),
        detail=f"{campaign}；责任单位：{school or unit}" + ("；已完成" if done else ""))
        for pk, title, deadline, done, region, school_id, campaign, school, unit in rows]


# --- key events (大事记) -----------------------------------------------------------------------------------

def campaign_events(region_code: str, start: datetime.date, end: datetime.date) -> list[KeyEvent]:
    """创建 work: each task completed (on its 完成日期), and the campaign completed (its last task done)."""
    done = (CampaignTask.objects.filter(campaign__county__code__startswith=region_code, done_at__gte=start,
                                        done_at__lte=end)
            .select_related("campaign", "school", "unit").order_by("done_at", "pk"))
    events = [KeyEvent(key=f"monitoring.campaign_task:{t.pk}", day=t.done_at,
                       title=f"{t.campaign.name}：完成“{t.title}”",
                       text=f"责任单位：{t.target_name}；完成时限{cn_date(t.deadline)}"
                            + ("，逾期完成。" if t.done_at > t.deadline else "，按期完成。"),
                       url=reverse("monitoring:task_detail", args=[t.pk]), region_code=t.campaign.county_id)
              for t in done]
    finished = (Campaign.objects.filter(county__code__startswith=region_code, tasks__isnull=False)
                .annotate(tasks_n=Count("tasks"), done_n=Count("tasks", filter=Q(tasks__done_at__isnull=False)),
                          last=Max("tasks__done_at"))
                .filter(tasks_n=F("done_n"), last__gte=start, last__lte=end).order_by("last", "pk"))
    events += [KeyEvent(key=f"monitoring.campaign:{c.pk}", day=c.last, title=f"{c.name}各项任务全部完成",
                        text=f"{c.get_kind_display()}共 {c.tasks_n} 项任务全部完成，迎接{c.target_year}年国家评估认定。",
                        url=reverse("monitoring:campaign_detail", args=[c.pk]), region_code=c.county_id,
                        importance="major") for c in finished]
    return events


# --- year figures (年度工作总结) ----------------------------------------------------------------------------

def year_figures(region_code: str, start: datetime.date, end: datetime.date) -> list[Figure]:
    """优质均衡 and 学前 status of each county of the region on its latest statistics year not after the period's
    (monitoring's own reports), and the 创建 campaigns' task states on the period's last day (挂图作战 counts)."""
    reader = FigureReader(region_code)
    prefix = region_prefix(region_code)[:6]
    counties = list(Region.objects.filter(level=RegionLevel.COUNTY, code__startswith=prefix).order_by("code"))
    balanced_rows, preschool_rows = [], []
    balanced_passed = preschool_met = preschool_total = 0
    for county in counties:
        years = [y for y in selectors.years_available(reader, county.code) if y <= start.year]
        if not years:
            continue
        year = max(years)
        report = selectors.balanced_report(reader, county, year)
        for summary in report.summaries:
            balanced_rows.append((county.name, f"{year}年", str(engine.STAGE_LABELS[summary["stage"]]),
                                  f"{summary['indicators_passed']}/{len(engine.INDICATORS)}",
                                  f"{summary['schools'] - summary['schools_failing']}/{summary['schools']}"))
            balanced_passed += summary["indicators_passed"]
        result = selectors.preschool_report(reader, county, year)
        if result is not None:
            met = sum(1 for ind in result.indicators.values() if ind["passed"])
            preschool_met += met
            preschool_total += len(result.indicators)
            preschool_rows.append((county.name, f"{year}年", f"{met}/{len(result.indicators)}"))
    counts: dict[str, int] = {}
    campaigns = list(selectors.campaign_list(reader).filter(county__code__startswith=prefix))
    for campaign in campaigns:
        board = selectors.campaign_board(selectors.campaign_tasks(reader, campaign), end)
        for label, n in board["counts"].items():
            counts[label] = counts.get(label, 0) + n
    total_tasks = sum(counts.values())
    src_balanced = f"monitoring.selectors.balanced_report：{start.year}年及以前最近一年的学校统计"
    return [
        Figure("monitoring.balanced_indicators", "优质均衡差异系数达标项数", balanced_passed if balanced_rows else None,
               "项", src_balanced + "（各县各学段合计）",
               columns=("县（区）", "统计年度", "学段", "差异系数达标", "学校达标"), rows=tuple(balanced_rows)),
        Figure("monitoring.preschool_indicators", "学前教育普及普惠指标达标", preschool_met if preschool_rows else None,
               "项", f"monitoring.selectors.preschool_report：{start.year}年及以前最近一年（共 {preschool_total} 项）",
               columns=("县（区）", "统计年度", "达标指标"), rows=tuple(preschool_rows)),
        Figure("monitoring.campaign_tasks", "创建任务", total_tasks, "项",
               f"monitoring.selectors.campaign_board：{len(campaigns)} 个创建项目，截至 {end.isoformat()}",
               columns=("状态", "任务数"), rows=tuple((label, n) for label, n in counts.items())),
        Figure("monitoring.campaign_done", "创建任务已完成（含逾期完成）",
               counts.get("按期完成", 0) + counts.get("逾期完成", 0), "项",
               f"monitoring.selectors.campaign_board：截至 {end.isoformat()}"),
    ]



# --- year figures: 事业统计 (schools and students; issue 21, the 公报项目表) -----------------------------------------

def stats_figures(region_code: str, start: datetime.date, end: datetime.date) -> list[Figure]:
    """Schools and students of the region from the latest statistics year (学年) not after the period's year: 学年
    2025 is 2025—2026学年, the one whose autumn falls in 2025. Counted from SchoolStats rows, one per school."""
    rows = SchoolStats.objects.visible_to(FigureReader(region_code)).filter(year__lte=start.year)
    year = rows.aggregate(latest=Max("year"))["latest"]
    if year is None:
        src = f"monitoring.SchoolStats：{start.year}学年及以前无学校统计数据"
        return [Figure("monitoring.stats_schools", "学校数（事业统计）", None, "所", src),
                Figure("monitoring.stats_students", "在校生数（事业统计）", None, "人", src),
                Figure("monitoring.stats_primary", "小学在校生数", None, "人", src),
                Figure("monitoring.stats_junior", "初中在校生数", None, "人", src)]
    totals = rows.filter(year=year).aggregate(schools=Count("id"), primary=Sum("students_primary"),
                                              junior=Sum("students_junior"), senior=Sum("students_senior"))
    primary, junior, senior = (totals[k] or 0 for k in ("primary", "junior", "senior"))
    src = f"monitoring.SchoolStats：{year}—{year + 1}学年统计数据，{totals['schools']} 条学校记录"
    return [
        Figure("monitoring.stats_schools", "学校数（事业统计）", totals["schools"], "所", src),
        Figure("monitoring.stats_students", "在校生数（事业统计）", primary + junior + senior, "人", src,
               columns=("学段", "在校生（人）"), rows=(("小学", primary), ("初中", junior), ("高中", senior))),
        Figure("monitoring.stats_primary", "小学在校生数", primary, "人", src),
        Figure("monitoring.stats_junior", "初中在校生数", junior, "人", src),
    ]


# --- 简报 materials ----------------------------------------------------------------------------------------


# --- archive documents (督导档案) --------------------------------------------------------------------------

def archive_monitoring_files(region_code: str, start, end):
    """评估监测: the evidence of 创建 campaign progress reports made in [start, end], and the county's 政府保障/教育质量
    evidence files last updated then. Statistics imports (StatsImport) keep no file, so none is listed."""
    prefix = region_prefix(region_code)
    progress = (TaskProgress.evidence.through.objects.filter(
        taskprogress__task__region_code__startswith=prefix, taskprogress__reported_on__gte=start,
        taskprogress__reported_on__lte=end)
        .select_related("storedfile", "taskprogress__task__campaign").order_by("taskprogress__reported_on", "id"))
    for row in progress.iterator(chunk_size=500):
        p = row.taskprogress
        yield stored_archive_item("monitoring", f"{p.task.campaign} {p.task.target_name} 创建进展佐证（{p.progress}%）",
                                  p.reported_on, row.storedfile, source=f"monitoring.task_progress:{p.pk}")
    low, high = day_bounds(start, end)
    guarantee = (GuaranteeEvidence.files.through.objects.filter(
        guaranteeevidence__county__code__startswith=prefix, guaranteeevidence__updated_at__gte=low,
        guaranteeevidence__updated_at__lt=high).select_related("storedfile", "guaranteeevidence").order_by("id"))
    for row in guarantee.iterator(chunk_size=500):
        g = row.guaranteeevidence
        yield stored_archive_item("monitoring", f"{g.year}学年 保障与质量佐证 {g.item}", local_date(g.updated_at),
                                  row.storedfile, source=f"monitoring.guarantee_evidence:{g.pk}")


def register_year() -> None:
    # plan links
    register_plan_link("monitoring.campaign", "创建工作", choices=plan_link_choices, resolve=plan_link_resolve)

    # calendar items
    register_calendar_source("monitoring.campaign_task", "创建任务", calendar_campaign_tasks)

    # key events
    register_key_events("monitoring.campaign", "创建工作", campaign_events)

    # year figures
    register_year_figures("monitoring", "评估监测（优质均衡、学前普及普惠、创建）", year_figures, order=50)
    register_year_figures("monitoring.stats", "学校与学生（事业统计）", stats_figures, order=5)

    # 简报 materials

    # archive documents
    register_archive_source("monitoring.files", archive_monitoring_files)

    return
