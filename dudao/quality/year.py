"""What quality gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

import datetime

from django.db.models import Min
from django.urls import reverse

from dudao.core.dates import local_date, local_span
from dudao.core.registries import (
    CalendarItem,
    Figure,
    FigureReader,
    KeyEvent,
    LinkTarget,
    day_bounds,
    period_label,
    plan_link_ids,
    register_archive_source,
    register_calendar_source,
    register_key_events,
    register_plan_link,
    register_year_figures,
    scope_reaches,
    stored_archive_item,
    url_for_pk,
)
from dudao.core.scope import prefix_q, region_prefix, scope_for
from dudao.quality import selectors
from dudao.quality.models import (
    ExternalReport,
    Report,
    ReportBatch,
    ReportStatus,
    Round,
    RoundSchool,
    RoundStatus,
)

# --- plan links (工作要点) ----------------------------------------------------------------------------------



def plan_link_choices(user, region_code: str, q: str = "") -> list[tuple[str, str]]:
    """质量监测 rounds of the region the user may see, matching q (title, or the id), newest first, at most 50."""
    rows = Round.objects.visible_to(user).filter(prefix_q("region__code", [region_prefix(region_code)]))
    q = (q or "").strip()
    if q:
        rows = rows.filter(pk=int(q)) if q.isdecimal() else rows.filter(title__icontains=q)
    return [(str(pk), title) for pk, title in rows.order_by("-test_date", "-pk").values_list("pk", "title")[:50]]


def plan_link_resolve(object_ids) -> dict[str, LinkTarget]:
    """Unscoped (the caller checks region and scope): done once the round's results are published."""
    return {str(r.pk): LinkTarget(
        kind="quality.round", object_id=str(r.pk), title=r.title, url=reverse("quality:round_detail", args=[r.pk]),
        region_code=r.region_id, done=r.status == RoundStatus.PUBLISHED, state=r.get_status_display(),
        day=r.test_date) for r in Round.objects.filter(pk__in=plan_link_ids(object_ids))}


# --- calendar items (行事历) -------------------------------------------------------------------------------

def calendar_tests(user, start, end):
    """Each round's test date: the monitors go into the round's schools that day (enters_school). The title is
    the round's; the drawn subject is not shown (schools learn it on the test date)."""
    scope = scope_for(user)
    rounds = {r.pk: r for r in Round.objects.visible_to(user).filter(test_date__range=(start, end))
              .only("pk", "title", "test_date", "grade", "region_id")}
    if not rounds:
        return []
    schools: dict[int, list[int]] = {pk: [] for pk in rounds}
    for round_id, school_id, region_code in (RoundSchool.objects.filter(round_id__in=rounds)
                                             .values_list("round_id", "school_id", "school__region_id")):
        if scope_reaches(scope, region_code=region_code, school_id=school_id):
            schools[round_id].append(school_id)
    url = url_for_pk("quality:round_detail")
    return [CalendarItem(
        source="quality.test", key=str(pk), title=f"学业质量监测测试：{r.title}", start=r.test_date, end=r.test_date,
        url=url(pk), region_code=r.region_id, school_ids=tuple(sorted(schools[pk])),
        enters_school=bool(schools[pk]), detail=f"{r.grade} 年级，{len(schools[pk])} 所学校")
        for pk, r in rounds.items()]


# --- key events (大事记) -----------------------------------------------------------------------------------

def round_events(region_code: str, start: datetime.date, end: datetime.date) -> list[KeyEvent]:
    """A monitoring round's results published, and its reports first generated (the first finished batch)."""
    begin, stop = local_span(start, end)
    published = (Round.objects.filter(region__code__startswith=region_code, published_at__gte=begin,
                                      published_at__lt=stop).order_by("published_at", "pk"))
    events = [KeyEvent(key=f"quality.results:{r.pk}", day=local_date(r.published_at), title=f"发布{r.title}结果",
                       text=f"{r.year}—{r.year + 1}学年{r.get_term_display()}{r.grade}年级学业质量监测结果向学校发布。",
                       url=reverse("quality:round_detail", args=[r.pk]), region_code=r.region_id,
                       importance="important") for r in published]
    firsts = (ReportBatch.objects.filter(round__region__code__startswith=region_code, status=ReportStatus.DONE)
              .values("round_id").annotate(first=Min("finished_at")).filter(first__gte=begin, first__lt=stop))
    rounds = Round.objects.in_bulk([row["round_id"] for row in firsts])
    for row in sorted(firsts, key=lambda x: (x["first"], x["round_id"])):
        r = rounds[row["round_id"]]
        events.append(KeyEvent(key=f"quality.reports:{r.pk}", day=local_date(row["first"]),
                               title=f"形成{r.title}报告", text="区域监测报告及各校监测报告已生成。",
                               url=reverse("quality:reports", args=[r.pk]), region_code=r.region_id))
    return events


# --- year figures (年度工作总结) ----------------------------------------------------------------------------

def year_figures(region_code: str, start: datetime.date, end: datetime.date) -> list[Figure]:
    """质量监测 rounds tested in the period; pupils and pass rates of the published ones, as the round's results
    page shows them to a leader (selectors.subject_results, county figures)."""
    reader, period = FigureReader(region_code), period_label(start, end)
    rounds = list(selectors.round_list(reader).filter(
        region__code__startswith=region_prefix(region_code)[:6], test_date__gte=start, test_date__lte=end)
        .order_by("test_date", "id"))
    published = [r for r in rounds if r.status == RoundStatus.PUBLISHED]
    highlights, pupils = [], 0
    for round in published:
        most = 0
        for subject in selectors.round_subjects(round, user=reader):
            county = selectors.subject_results(round, subject, user=reader)["county"]
            most = max(most, county["n"] or 0)
            rate = county.get("pass_rate")
            highlights.append((round.title, subject.name, county["n"] or 0,
                               "—" if rate is None else f"{rate:.1f}"))
        pupils += most
    return [
        Figure("quality.rounds", "组织义务教育质量监测", len(rounds), "轮",
               f"quality.selectors.round_list：{period} 测试的轮次"),
        Figure("quality.published", "其中已发布结果", len(published), "轮",
               f"quality.selectors.round_list：{period} 测试且结果已发布"),
        Figure("quality.pupils", "参测学生（已发布轮次）", pupils, "人",
               "quality.selectors.subject_results：各轮次参测人数最多学科的人数之和",
               columns=("轮次", "学科", "参测人数", "合格率（%）"), rows=tuple(highlights)),
    ]



# --- 简报 materials ----------------------------------------------------------------------------------------


# --- archive documents (督导档案) --------------------------------------------------------------------------

def archive_quality_reports(region_code: str, start, end):
    """评估监测: the stored 监测报告 of rounds tested in [start, end] (the latest of each school and format), and the
    external (national, provincial, city) reports uploaded then."""
    prefix = region_prefix(region_code)
    latest: dict[tuple, Report] = {}
    reports = (Report.objects.filter(round__region__code__startswith=prefix, round__test_date__gte=start,
                                     round__test_date__lte=end)
               .select_related("file", "round", "school").order_by("round_id", "school_id", "format", "created_at", "id"))
    for r in reports:
        latest[(r.round_id, r.school_id, r.format)] = r  # ordered oldest first: the newest wins
    for r in latest.values():
        who = r.school.name if r.school_id else "全区"
        yield stored_archive_item("monitoring", f"{r.round.title} 监测报告（{who}，{r.get_format_display()}）",
                                  r.round.test_date, r.file, source=f"quality.report:{r.pk}")
    low, high = day_bounds(start, end)
    external = (ExternalReport.objects.filter(school__region__code__startswith=prefix, uploaded_at__gte=low,
                                              uploaded_at__lt=high).select_related("file", "school").order_by("uploaded_at"))
    for e in external:
        yield stored_archive_item("monitoring", f"{e.school.name} {e.title}（{e.get_level_display()}）",
                                  local_date(e.uploaded_at), e.file, source=f"quality.external_report:{e.pk}")


def register_year() -> None:
    # plan links
    register_plan_link("quality.round", "质量监测", choices=plan_link_choices, resolve=plan_link_resolve)

    # calendar items
    register_calendar_source("quality.test", "质量监测", calendar_tests, enters_school=True)

    # key events
    register_key_events("quality.round", "质量监测", round_events)

    # year figures
    register_year_figures("quality", "义务教育质量监测", year_figures, order=60)

    # 简报 materials

    # archive documents
    register_archive_source("quality.reports", archive_quality_reports)

    return
