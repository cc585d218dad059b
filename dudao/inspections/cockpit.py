"""What inspections gives the leader's cockpit (驾驶舱), read through inspections's own selectors as
FigureReader(region): the projects of inspection_list started in the year and their targets' levels, the same reads as
the 年度工作总结 (inspections.year.year_figures). Registered by register_cockpit(), called from registrations.register().

Two queries per call whatever the number of projects, targets, towns or schools: the projects of the year and the
year before, and their targets grouped by project, place and level, folded into the children with
cockpit_child_finder. A project belongs to a county; a town's figures are the county's projects that have a target
in the town (a town leader's own reader sees no project: inspection_list is scoped by the project's county)."""

from collections import defaultdict

from django.db.models import Count
from django.urls import reverse
from django.utils import timezone

from dudao.core.registries import (
    FigureReader,
    Metric,
    cockpit_child_finder,
    register_cockpit_section,
    year_bounds,
)
from dudao.core.scope import region_prefix
from dudao.inspections import selectors
from dudao.inspections.models import Target
from dudao.inspections.year import PLAN_DONE_STAGES

YEARS = ("now", "prev")
# The levels of the built-in frameworks' level lines (frameworks.scoring), best first; a framework may name its own.
LEVELS = (("excellent", "优秀"), ("good", "良好"), ("pass", "合格"), ("fail", "不合格"))


def _percent(part: int, whole: int) -> float | None:
    return None if not whole else round(100.0 * part / whole, 1)


def metrics(region_code: str, year: int, children) -> list:
    prefix = region_prefix(region_code)
    town = len(prefix) > 6
    reader = FigureReader(prefix[:6] if town else region_code)
    today = timezone.localdate()
    start, end = year_bounds(year, today)
    prev_start, prev_end = year_bounds(year - 1, today)
    projects = {row["id"]: row for row in selectors.inspection_list(reader).order_by().filter(
        county__code__startswith=prefix[:6] if town else prefix, starts_on__gte=prev_start, starts_on__lte=end)
        .values("id", "starts_on", "stage")}
    for row in projects.values():
        row["year"] = "now" if row["starts_on"] >= start else "prev"
    targets = Target.objects.filter(inspection_id__in=list(projects))
    if town:
        targets = targets.filter(region_code__startswith=prefix)
    rows = targets.order_by().values("inspection_id", "region_code", "school_id", "level").annotate(n=Count("id"))

    find = cockpit_child_finder(children)
    count = {y: defaultdict(int) for y in YEARS}  # "targets", "rated", each level
    with_target = {y: set() for y in YEARS}
    parts = defaultdict(lambda: defaultdict(int))
    child_projects, child_finished = defaultdict(set), defaultdict(set)
    for row in rows:
        project = projects[row["inspection_id"]]
        y, level, n = project["year"], row["level"], row["n"]
        with_target[y].add(row["inspection_id"])
        counted = {"targets": n} | ({"rated": n, level: n} if level else {})
        for name, value in counted.items():
            count[y][name] += value
        key = find(row["region_code"], row["school_id"])
        if key is not None and y == "now":
            for name, value in counted.items():
                parts[key][name] += value
            child_projects[key].add(row["inspection_id"])
            if project["stage"] in PLAN_DONE_STAGES:
                child_finished[key].add(row["inspection_id"])

    def ids(y: str) -> set:  # a town counts only the projects with a target in it
        return with_target[y] if town else {pk for pk, p in projects.items() if p["year"] == y}

    started = {y: len(ids(y)) for y in YEARS}
    finished = {y: sum(1 for pk in ids(y) if projects[pk]["stage"] in PLAN_DONE_STAGES) for y in YEARS}
    url = reverse("inspections:list")
    src = f"inspections.selectors.inspection_list：{year} 年开始的项目" + ("（有督导对象在本乡镇的本县项目）" if town else "")
    levels_src = src + "，其督导对象的等级（inspections.selectors.targets_for 同一数据）"

    def count_or_none(y: str, name: str):  # no project at all: no data
        return count[y][name] if started[y] else None

    def filled(name: str):  # a count over every child (0 where the year's projects have no target there)
        return {c.key: parts[c.key][name] if c.key in parts else 0 for c in children} if started["now"] else {}

    metrics_ = [
        Metric("inspections.projects", "开展督导评估项目", started["now"], "项", started["prev"], url=url,
               breakdown={c.key: len(child_projects.get(c.key, ())) for c in children}, source=src,
               note="分项为有督导对象在该地的项目数（一个项目可涉及多地，分项不可相加）"),
        Metric("inspections.finished", "已出具意见书的项目", finished["now"] if started["now"] else None, "项",
               finished["prev"] if started["prev"] else None, url=url,
               breakdown={k: len(child_finished[k]) for k in child_projects}, source=src + "，阶段为已出具意见书及以后",
               note="完成 = 项目已进入“已出具意见书”“整改中”“已复查”或“归档”阶段"),
        Metric("inspections.targets", "督导评估对象", count_or_none("now", "targets"), "个",
               count_or_none("prev", "targets"), url=url, breakdown=filled("targets"),
               source=src + "，其督导对象（inspection_list 的 target_count 合计）"),
        Metric("inspections.rated", "已评定等级的对象", count_or_none("now", "rated"), "个", count_or_none("prev", "rated"),
               url=url, breakdown=filled("rated"), source=levels_src),
    ]
    for key, label in LEVELS:
        metrics_.append(Metric(
            f"inspections.level_{key}", f"{label}率", _percent(count["now"][label], count["now"]["rated"]), "%",
            _percent(count["prev"][label], count["prev"]["rated"]), url=url, higher_is_better=key != "fail",
            breakdown={k: _percent(p[label], p["rated"]) for k, p in parts.items() if p["rated"]}, source=levels_src,
            note=f"{label}率 = 等级为“{label}”的对象 / 已评定等级的对象（等级名称以各项目指标体系的等级线为准）"))
    return metrics_


def register_cockpit() -> None:
    register_cockpit_section("inspections", "督导评估", metrics, order=20)
