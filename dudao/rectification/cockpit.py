"""What rectification gives the leader's cockpit (驾驶舱) and its map, read through rectification's own selectors as
FigureReader(region): the same rows and the same engine (engine.rates) as the 整改统计 page and the 年度工作总结.
Registered by register_cockpit(), called from registrations.register()."""

from collections import defaultdict

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from dudao.core.registries import (
    FigureReader,
    Metric,
    cockpit_child_finder,
    figure_period,
    register_cockpit_section,
    register_map_layer,
    year_bounds,
)
from dudao.rectification import engine, selectors
from dudao.rectification.models import DONE_STATUSES, FindingStatus


def _tallies(region_code: str, year: int, children) -> tuple[engine.Tally, dict[str, engine.Tally]]:
    """The year's findings of the region (raised in the year) as one Tally, and one per child: one grouped query."""
    start, end = year_bounds(year, timezone.localdate())
    since, until = figure_period(start, end)
    done = Q(status__in=DONE_STATUSES)
    overdue = Q(status=FindingStatus.OPEN, due_date__lt=end)
    rows = (selectors.finding_list(FigureReader(region_code)).select_related(None).order_by()
            .filter(raised_at__gte=since, raised_at__lt=until)
            .values("region_code", "school_id")
            .annotate(total=Count("id"), done=Count("id", filter=done),
                      on_time=Count("id", filter=done & Q(closed_on_time=True)), overdue=Count("id", filter=overdue)))
    find = cockpit_child_finder(children)
    whole, parts = engine.Tally(), defaultdict(engine.Tally)
    for row in rows:
        tally = engine.Tally(row["total"], row["done"], row["on_time"], row["overdue"])
        whole = whole + tally
        key = find(row["region_code"], row["school_id"])
        if key is not None:
            parts[key] = parts[key] + tally
    return whole, parts


def metrics(region_code: str, year: int, children) -> list:
    whole, parts = _tallies(region_code, year, children)
    before, _ = _tallies(region_code, year - 1, ())
    now, prev = engine.rates(whole), engine.rates(before)
    by_child = {key: engine.rates(t) for key, t in parts.items()}
    url = reverse("rectification:dashboard")
    src = f"rectification.selectors.finding_list：{year} 年提出的问题，rectification.engine.rates（与整改统计同一算法）"
    return [
        Metric("rectification.raised", "发现问题", now["total"], "个", prev["total"], url=url, higher_is_better=False,
               breakdown={k: r["total"] for k, r in by_child.items()}, source=src),
        Metric("rectification.rate", "整改率", now["rate"], "%", prev["rate"], url=url,
               breakdown={k: r["rate"] for k, r in by_child.items()}, source=src, note="整改率 = 已整改 / 发现问题"),
        # further figures of this section (按期整改率, overdue, 督办/约谈/问责): area "figures-a"
    ]


def open_findings_by_school(region_code: str, year: int) -> dict[int, int]:
    """未整改问题 per school now (whatever the year raised), for the map."""
    rows = (selectors.finding_list(FigureReader(region_code)).select_related(None).order_by()
            .filter(status=FindingStatus.OPEN, school_id__isnull=False)
            .values("school_id").annotate(n=Count("id")))
    return {row["school_id"]: row["n"] for row in rows}


def register_cockpit() -> None:
    register_cockpit_section("rectification", "问题整改", metrics, order=30)
    register_map_layer("rectification.open_findings", "未整改问题", open_findings_by_school, unit="个",
                       higher_is_better=False)
