"""What surveys gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

import datetime

from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from dudao.core.dates import local_date, local_span
from dudao.core.registries import (
    CalendarItem,
    Figure,
    FigureReader,
    KeyEvent,
    LinkTarget,
    figure_period,
    period_label,
    plan_link_ids,
    register_calendar_source,
    register_key_events,
    register_plan_link,
    register_year_figures,
    scope_reaches,
    url_for_pk,
)
from dudao.core.scope import prefix_q, region_prefix, scope_for
from dudao.regions.models import Region, RegionLevel
from dudao.surveys import engine, selectors
from dudao.surveys.models import SurveyRound

# --- plan links (工作要点) ----------------------------------------------------------------------------------



def plan_link_choices(user, region_code: str, q: str = "") -> list[tuple[str, str]]:
    """Survey rounds of the region the user may see, matching q (name, or the id), newest first, at most 50."""
    rows = SurveyRound.objects.visible_to(user).filter(prefix_q("county__code", [region_prefix(region_code)]))
    q = (q or "").strip()
    if q:
        rows = rows.filter(pk=int(q)) if q.isdecimal() else rows.filter(name__icontains=q)
    return [(str(pk), name) for pk, name in rows.order_by("-opens_at", "-pk").values_list("pk", "name")[:50]]


def plan_link_resolve(object_ids) -> dict[str, LinkTarget]:
    """Unscoped (the caller checks region and scope): done once the round is closed (ended early, or past its
    closing time)."""
    now = timezone.now()
    return {str(r.pk): LinkTarget(
        kind="surveys.round", object_id=str(r.pk), title=r.name, url=reverse("surveys:round_detail", args=[r.pk]),
        region_code=r.county_id, done=r.closed_at is not None or r.closes_at <= now, state=r.status_label,
        day=local_date(r.opens_at)) for r in SurveyRound.objects.filter(pk__in=plan_link_ids(object_ids))}


# --- calendar items (行事历) -------------------------------------------------------------------------------

def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def calendar_rounds(user, start, end):
    """Each survey round's window, opening day to its last open day (closes_at is exclusive; an early close
    ends it), with the participating schools the user may see. Answered online: not a visit into a school."""
    scope = scope_for(user)
    rounds = list(SurveyRound.objects.visible_to(user).filter(
        opens_at__lt=_local_midnight(end + datetime.timedelta(days=1)), closes_at__gt=_local_midnight(start))
        .select_related("county").only("pk", "name", "group", "opens_at", "closes_at", "closed_at", "county__code"))
    if not rounds:
        return []
    schools: dict[int, list[int]] = {r.pk: [] for r in rounds}
    through = SurveyRound.schools.through
    for round_id, school_id, region_code in (through.objects.filter(surveyround_id__in=schools)
                                             .values_list("surveyround_id", "school_id", "school__region_id")):
        if scope_reaches(scope, region_code=region_code, school_id=school_id):
            schools[round_id].append(school_id)
    url = url_for_pk("surveys:round_detail")
    items = []
    for r in rounds:
        closes = min(r.closes_at, r.closed_at) if r.closed_at else r.closes_at
        last_day = local_date(closes - datetime.timedelta(microseconds=1))
        first_day = local_date(r.opens_at)
        items.append(CalendarItem(
            source="surveys.round", key=str(r.pk), title=r.name, start=first_day, end=max(first_day, last_day),
            url=url(r.pk), region_code=r.county.code,
            school_ids=tuple(sorted(schools[r.pk])), detail=f"{r.get_group_display()}调查，{len(schools[r.pk])} 所学校"))
    return items


# --- key events (大事记) -----------------------------------------------------------------------------------

def survey_events(region_code: str, start: datetime.date, end: datetime.date) -> list[KeyEvent]:
    """A survey round ended (closed early or past its deadline), with its satisfaction rate."""
    begin, stop = local_span(start, end)
    stop = min(stop, timezone.now())
    ended = (SurveyRound.objects.filter(county__code__startswith=region_code)
             .annotate(ended=Coalesce("closed_at", "closes_at")).filter(ended__gte=begin, ended__lt=stop)
             .order_by("ended", "pk"))
    events = []
    for r in ended:
        figures = engine.overall(selectors.rated_frame([r.pk]), selectors.rules_for(r.county_id))
        rate = f"，满意度 {figures['rate'] * 100:.1f}%" if figures["rate"] is not None else ""
        events.append(KeyEvent(key=f"surveys.round:{r.pk}", day=local_date(r.ended), title=f"{r.name}结束",
                               text=f"{r.get_group_display()}调查，收回问卷 {figures['responses']} 份{rate}。",
                               url=reverse("surveys:round_detail", args=[r.pk]), region_code=r.county_id))
    return events


# --- year figures (年度工作总结) ----------------------------------------------------------------------------

def _pct(ratio) -> float | None:
    return None if ratio is None else round(100.0 * ratio, 1)


def year_figures(region_code: str, start: datetime.date, end: datetime.date) -> list[Figure]:
    """Survey rounds opened in the period with their responses, and each county's 社会认可度 of the year as the
    surveys engine reports it (selectors.recognition: the recognition rounds of the year that have ended)."""
    reader, period = FigureReader(region_code), period_label(start, end)
    since, until = figure_period(start, end)
    prefix = region_prefix(region_code)
    rounds = selectors.counted(selectors.round_list(reader).filter(
        county__code__startswith=prefix[:6], opens_at__gte=since, opens_at__lt=until))
    if len(prefix) > 6:  # a town: the rounds its schools took part in
        rounds = rounds.filter(schools__region__code__startswith=prefix).distinct()
    rows = list(rounds.values_list("id", "response_count"))
    # 社会认可度 is a county figure read unscoped (selectors.recognition): only a region that contains the whole
    # county reads it; a town's summary would otherwise carry its county's rate, which its readers do not see
    counties = ([] if len(prefix) > 6 else
                list(Region.objects.filter(level=RegionLevel.COUNTY, code__startswith=prefix).order_by("code")))
    year_rows, value = [], None
    for county in counties:
        result = selectors.recognition(county, start.year)
        if result["rounds"]:
            year_rows.append((county.name, result["rounds"], result["responses"], _pct(result["rate"])))
        if len(counties) == 1:
            value = _pct(result["rate"])
    src = f"surveys.selectors.round_list + counted：{period} 开始的调查"
    figures = [
        Figure("surveys.rounds", "开展满意度调查", len(rows), "轮", src),
        Figure("surveys.responses", "有效答卷", sum(n for _i, n in rows), "份", src + "，有效答卷（未剔除）合计"),
        Figure("surveys.recognition", f"{start.year}年社会认可度（满意率）", value, "%",
               f"surveys.selectors.recognition：{start.year}年计入社会认可度且已结束的调查",
               columns=("县（区）", "调查轮次", "答卷", "满意率（%）"), rows=tuple(year_rows)),
    ]
    return figures



# --- 简报 materials ----------------------------------------------------------------------------------------


# --- archive documents (督导档案) --------------------------------------------------------------------------


def register_year() -> None:
    # plan links
    register_plan_link("surveys.round", "满意度调查", choices=plan_link_choices, resolve=plan_link_resolve)

    # calendar items
    register_calendar_source("surveys.round", "满意度调查", calendar_rounds)

    # key events
    register_key_events("surveys.round", "满意度调查", survey_events)

    # year figures
    register_year_figures("surveys", "满意度调查与社会认可度", year_figures, order=40)

    # 简报 materials

    # archive documents

    return
