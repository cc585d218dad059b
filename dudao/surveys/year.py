"""What surveys gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

import datetime

from django.urls import reverse
from django.utils import timezone

from dudao.core.dates import local_date
from dudao.core.registries import (
    Figure,
    FigureReader,
    LinkTarget,
    figure_period,
    period_label,
    register_plan_link,
    register_year_figures,
)
from dudao.core.scope import prefix_q, region_prefix
from dudao.regions.models import Region, RegionLevel
from dudao.surveys import selectors
from dudao.surveys.models import SurveyRound

# --- plan links (工作要点) ----------------------------------------------------------------------------------


def _plan_link_ids(object_ids) -> list[int]:
    return [int(i) for i in object_ids if str(i).isdigit()]


def plan_link_choices(user, region_code: str, q: str = "") -> list[tuple[str, str]]:
    """Survey rounds of the region the user may see, matching q (name, or the id), newest first, at most 50."""
    rows = SurveyRound.objects.visible_to(user).filter(prefix_q("county__code", [region_prefix(region_code)]))
    q = (q or "").strip()
    if q:
        rows = rows.filter(pk=int(q)) if q.isdigit() else rows.filter(name__icontains=q)
    return [(str(pk), name) for pk, name in rows.order_by("-opens_at", "-pk").values_list("pk", "name")[:50]]


def plan_link_resolve(object_ids) -> dict[str, LinkTarget]:
    """Unscoped (the caller checks region and scope): done once the round is closed (ended early, or past its
    closing time)."""
    now = timezone.now()
    return {str(r.pk): LinkTarget(
        kind="surveys.round", object_id=str(r.pk), title=r.name, url=reverse("surveys:round_detail", args=[r.pk]),
        region_code=r.county_id, done=r.closed_at is not None or r.closes_at <= now, state=r.status_label,
        day=local_date(r.opens_at)) for r in SurveyRound.objects.filter(pk__in=_plan_link_ids(object_ids))}


# --- calendar items (行事历) -------------------------------------------------------------------------------


# --- key events (大事记) -----------------------------------------------------------------------------------


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
    counties = list(Region.objects.filter(level=RegionLevel.COUNTY, code__startswith=prefix[:6]).order_by("code"))
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

    # key events

    # year figures
    register_year_figures("surveys", "满意度调查与社会认可度", year_figures, order=40)

    # 简报 materials

    # archive documents

    return
