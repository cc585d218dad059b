"""What checks shows on the 驾驶舱 (register_cockpit_section) and the map (register_map_layer); see
dudao/rectification/cockpit.py for the shape. One block per area; append inside your block."""

from collections import defaultdict

from django.urls import reverse

from dudao.checks.selectors import outputs as outputs_selectors
from dudao.core.registries import (
    COCKPIT_YEARS,
    FigureReader,
    Metric,
    cockpit_child_finder,
    cockpit_periods,
    register_cockpit_section,
)

# --- outputs: the 专项检查 section (rounds started in the year, read as FigureReader through selectors/outputs) --


def _outputs_fold(region_code: str, year: int, children) -> tuple[dict, dict, dict]:
    """({"now": totals, "prev": totals}, {child key: totals of the year}, {"now": rounds, "prev": rounds})."""
    reader, periods = FigureReader(region_code), cockpit_periods(year)
    by_school = any(c.school_id is not None for c in children)
    find = cockpit_child_finder(children)
    fields = ("targets", "done", "failed", "findings", "settled")
    whole, parts, rounds = {}, defaultdict(lambda: dict.fromkeys(fields, 0)), {}
    for name in COCKPIT_YEARS:
        start, end = periods[name][0], periods[name][1]
        rows = outputs_selectors.year_rows(reader, start, end, by_school=by_school)
        whole[name] = {f: sum(r[f] for r in rows) for f in fields}
        rounds[name] = outputs_selectors.year_round_count(reader, start, end)
        if name == "now":
            for row in rows:
                key = find(row["region_code"], row.get("school_id"))
                if key is not None:
                    for f in fields:
                        parts[key][f] += row[f]
    return whole, dict(parts), rounds


def _outputs_rate(totals: dict) -> float | None:
    return round(100.0 * totals["done"] / totals["targets"], 1) if totals["targets"] else None


def outputs_metrics(region_code: str, year: int, children) -> list:
    whole, parts, rounds = _outputs_fold(region_code, year, children)
    now, prev = whole["now"], whole["prev"]
    url = reverse("checks:round_list")
    src = f"checks.selectors.outputs.year_rows：{year} 年开始的专项检查（不含草稿）的检查对象与不合格项"

    def counts(field):  # a child with no target in the year's rounds has no figure (None), not 0
        return {c.key: parts[c.key][field] if c.key in parts and parts[c.key]["targets"] else None
                for c in children}

    def some(totals, field):
        return totals[field] if totals["targets"] else None

    return [
        Metric("checks.rounds", "开展专项检查", rounds["now"], "次", rounds["prev"], url=url,
               source=f"checks.selectors.outputs.year_round_count：{year} 年开始、检查本区域学校的专项检查（不含草稿）"),
        Metric("checks.coverage_rate", "专项检查完成率", _outputs_rate(now), "%", _outputs_rate(prev), url=url,
               breakdown={c.key: _outputs_rate(parts[c.key]) if c.key in parts else None for c in children}, source=src,
               note="完成率 = 已检查对象 / 检查对象"),
        Metric("checks.failed", "专项检查不合格项", some(now, "failed"), "个", some(prev, "failed"), url=url,
               higher_is_better=False, breakdown=counts("failed"), source=src),
        Metric("checks.findings", "专项检查登记问题", some(now, "findings"), "个", some(prev, "findings"), url=url,
               higher_is_better=False, breakdown=counts("findings"), source=src + "：已登记为问题（进入问题台账）"),
        Metric("checks.settled", "现场整改到位", some(now, "settled"), "个", some(prev, "settled"), url=url,
               breakdown=counts("settled"), source=src + "：检查时现场整改到位"),
    ]


def register_cockpit() -> None:
    # outputs
    register_cockpit_section("checks", "专项检查", outputs_metrics, order=35)
    # registry
    # annual
    # violations
    pass
