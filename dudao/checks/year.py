"""The office's year (docs/architecture.md): 行事历 items, key events, year figures, 简报 materials and archive
documents of checks. See dudao/zones/year.py for the shape. One block per area; append inside your block."""

import datetime

from dudao.checks.models import CheckRound, CheckTarget
from dudao.checks.selectors import outputs as outputs_selectors
from dudao.checks.year_annual import register_annual_year
from dudao.core.registries import (
    CalendarItem,
    Figure,
    FigureReader,
    period_label,
    register_calendar_source,
    register_year_figures,
    scope_reaches,
    url_for_pk,
)
from dudao.core.scope import scope_for

# --- outputs: the year's 专项检查 figures (年度工作总结) ------------------------------------------------------------


def outputs_year_figures(region_code: str, start: datetime.date, end: datetime.date) -> list[Figure]:
    """专项检查 of the period (rounds, not drafts, starting in it), read as a leader of the region."""
    reader, period = FigureReader(region_code), period_label(start, end)
    rows = outputs_selectors.year_rows(reader, start, end)
    total = {f: sum(r[f] for r in rows) for f in ("targets", "done", "failed", "findings", "settled")}
    by_kind = outputs_selectors.year_by_kind(reader, start, end)
    src = f"checks.selectors.outputs.year_rows：{period} 开始的专项检查（不含草稿）"
    rate = round(100.0 * total["done"] / total["targets"], 1) if total["targets"] else None
    return [
        Figure("checks.rounds", "开展专项检查", outputs_selectors.year_round_count(reader, start, end), "次",
               f"checks.selectors.outputs.year_round_count：{period} 开始、检查本区域学校的专项检查（不含草稿）",
               columns=("检查类别", "检查次数", "检查对象（所）", "已检查（所）"), rows=tuple(by_kind)),
        Figure("checks.targets", "专项检查对象", total["targets"], "所次", src),
        Figure("checks.done", "已完成检查", total["done"], "所次", src),
        Figure("checks.coverage_rate", "专项检查完成率", rate, "%", src + "：已检查 ÷ 检查对象"),
        Figure("checks.failed", "专项检查发现不合格项", total["failed"], "个", src),
        Figure("checks.findings", "专项检查登记问题", total["findings"], "个", src + "：已登记为问题"),
        Figure("checks.settled", "现场整改到位", total["settled"], "个", src + "：检查时现场整改到位"),
    ]

# ---- rounds: 行事历 ------------------------------------------------------------------------------------------------


def calendar_rounds(user, start, end):
    """Each visible 专项检查 round over its window, with the target schools the user may see. Not counted as
    entering the schools (enters_school False): the check itself is made inside a 督导纪实 visit, the record of
    the visit."""
    scope = scope_for(user)
    rounds = {r.pk: r for r in CheckRound.objects.visible_to(user).filter(starts_on__lte=end, ends_on__gte=start)
              .only("pk", "title", "kind", "status", "starts_on", "ends_on", "region_id")}
    if not rounds:
        return []
    schools: dict[int, list[int]] = {pk: [] for pk in rounds}
    for round_id, school_id, region_code in (CheckTarget.objects.filter(round_id__in=rounds)
                                             .values_list("round_id", "school_id", "region_code").order_by("pk")):
        if scope_reaches(scope, region_code=region_code, school_id=school_id):
            schools[round_id].append(school_id)
    url = url_for_pk("checks:round_detail")
    return [CalendarItem(
        source="checks.rounds", key=str(pk), title=r.title, start=r.starts_on, end=max(r.ends_on, r.starts_on),
        url=url(pk), region_code=r.region_id, school_ids=tuple(schools[pk]),
        detail=f"{r.get_kind_display()}（{r.get_status_display()}）：{len(schools[pk])} 个检查对象")
        for pk, r in rounds.items()]


def register_year() -> None:
    # rounds
    register_calendar_source("checks.rounds", "专项检查", calendar_rounds)
    # outputs
    register_year_figures("checks", "专项检查", outputs_year_figures, order=35)
    # annual
    register_annual_year()
    # violations
    # requests
