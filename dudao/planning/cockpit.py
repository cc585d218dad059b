"""What planning gives the leader's cockpit (驾驶舱), read through planning's own selectors as FigureReader(region):
the region's published 工作要点 of the year (a county's and those of the regions under it), each task's status derived
by the plans selectors (plan_tree: planning.status over the resolved links) on the year's last day or today, as
the 工作要点 page and the 年度工作总结 count them. Registered by register_cockpit(), called from
registrations.register().

Queries: a fixed number per published plan (plan_tree's), none per task, school or town."""

from collections import defaultdict

from django.urls import reverse
from django.utils import timezone

from dudao.core.registries import (
    FigureReader,
    Metric,
    cockpit_child_finder,
    register_cockpit_section,
    year_bounds,
)
from dudao.core.scope import prefix_q, region_prefix
from dudao.planning import status as task_statuses
from dudao.planning.models import Plan, PlanStatus
from dudao.planning.selectors.plans import plan_tree


def plan_completions(region_code: str, year: int) -> list[tuple[str, dict]]:
    """(the plan's region, its completion counts) of every published plan of the year in the region subtree."""
    _start, end = year_bounds(year, timezone.localdate())
    as_of = min(end, timezone.localdate())
    plans = (Plan.objects.visible_to(FigureReader(region_code))
             .filter(prefix_q("region__code", [region_prefix(region_code)]), year=year, status=PlanStatus.PUBLISHED)
             .order_by("region_id", "id"))
    return [(plan.region_id, plan_tree(plan, as_of).completion) for plan in plans]


def _sum(rows) -> dict:
    total = task_statuses.completion([])
    for row in rows:
        for key in total:
            if key != "percent":
                total[key] += row[key]
    total["percent"] = round(100 * total["done"] / total["counted"]) if total["counted"] else None
    return total


def metrics(region_code: str, year: int, children) -> list:
    now, before = plan_completions(region_code, year), plan_completions(region_code, year - 1)
    whole, prev = _sum(c for _r, c in now), _sum(c for _r, c in before)
    find = cockpit_child_finder(children)
    parts: dict[str, list] = defaultdict(list)
    for region, counts in now:
        key = find(region)
        if key is not None:
            parts[key].append(counts)
    by_child = {key: _sum(rows) for key, rows in parts.items()}
    url = reverse("planning:plan_list")
    src = (f"planning.selectors.plans.plan_tree（planning.status）：{year} 年已发布的工作要点 {len(now)} 份，"
           "任务状态按年末或今天推定（与工作要点页、年度工作总结同一算法）")
    return [
        Metric("planning.completion", "工作要点完成率", whole["percent"], "%", prev["percent"], limit=100, url=url,
               breakdown={k: v["percent"] for k, v in by_child.items() if v["percent"] is not None}, source=src,
               note="已完成任务 / 任务总数（已取消的不计）"),
        Metric("planning.late", "逾期未完成任务", whole["late"] if now else None, "项",
               prev["late"] if before else None, higher_is_better=False, url=url,
               breakdown={k: v["late"] for k, v in by_child.items()}, source=src),
    ]


def register_cockpit() -> None:
    register_cockpit_section("planning", "工作要点", metrics, order=90)
