"""Reads for the monitoring pages and API: statistics as an engine frame, scoped through visible_to(user)."""

from dataclasses import dataclass

import polars as pl

from dudao.core.policy import PolicyTable
from dudao.monitoring import engine
from dudao.monitoring.engine import RESOURCES, BalancedRules
from dudao.monitoring.models import SchoolStats, StatsImport
from dudao.regions.models import Level, Region

RULE_KEYS = {
    "standards": "monitoring.balanced_standards",
    "cv_limits": "monitoring.balanced_cv_limits",
    "min_met": "monitoring.balanced_min_met",
    "floor_ratio": "monitoring.balanced_floor_ratio",
    "split_weights": "monitoring.split_weights",
    "teaching_point_min_students": "monitoring.teaching_point_min_students",
}


def rules_for(region_code: str) -> BalancedRules:
    table = PolicyTable(list(RULE_KEYS.values()))
    return BalancedRules(**{field: table.get(key, region_code) for field, key in RULE_KEYS.items()})


def counties_visible(user):
    return Region.objects.visible_to(user).filter(level=Level.COUNTY).order_by("code")


def years_available(user, county_code: str = "") -> list[int]:
    rows = SchoolStats.objects.visible_to(user)
    if county_code:
        rows = rows.filter(school__region__parent_id=county_code)
    return sorted(rows.values_list("year", flat=True).distinct(), reverse=True)


def stats_frame(user, *, year: int, county_code: str = "") -> pl.DataFrame:
    """One row per school for the year, in the engine's columns; per-stage figures become columns."""
    rows = SchoolStats.objects.visible_to(user).filter(year=year)
    if county_code:
        rows = rows.filter(school__region__parent_id=county_code)
    fields = ["school__region__parent_id", "school__code", "school__name", "school__school_type",
              "students_primary", "students_junior", "students_senior", *RESOURCES, "stage_values"]
    data = list(rows.order_by("school__code").values_list(*fields))
    columns = {name: [] for name in engine.SCHOOL_COLUMNS + RESOURCES}
    stage_columns = {f"{r}__{s}" for r in RESOURCES for s in ("primary", "junior", "senior")}
    per_stage = {c: [] for c in stage_columns}
    for county, code, name, school_type, *values, stage_values in data:
        for key, value in zip(["county", "code", "name", "school_type"], [county or "", code, name, school_type],
                              strict=True):
            columns[key].append(value)
        for key, value in zip(["students_primary", "students_junior", "students_senior", *RESOURCES], values,
                              strict=True):
            columns[key].append(value)
        for column in stage_columns:
            per_stage[column].append(stage_values.get(column))
    used = {c: v for c, v in per_stage.items() if any(x is not None for x in v)}
    schema = {c: pl.String for c in ("county", "code", "name", "school_type")}
    schema.update({c: pl.Int64 for c in ("students_primary", "students_junior", "students_senior")})
    schema.update({c: pl.Float64 for c in (*RESOURCES, *used)})
    return pl.DataFrame({**columns, **used}, schema=schema)


@dataclass
class BalancedReport:
    county: Region
    year: int
    rules: BalancedRules
    result: engine.BalancedResult
    summaries: list[dict]

    @property
    def empty(self) -> bool:
        return self.result.schools.is_empty()


def balanced_report(user, county: Region, year: int) -> BalancedReport:
    rules = rules_for(county.code)
    result = engine.evaluate(stats_frame(user, year=year, county_code=county.code), rules)
    return BalancedReport(county, year, rules, result, engine.county_summaries(result))


def balanced_trend(user, county: Region) -> list[dict]:
    """CV per indicator and stage for every year with statistics (the trend chart)."""
    out = []
    rules = rules_for(county.code)
    for year in sorted(years_available(user, county.code)):
        values = engine.indicator_values(engine.stage_parts(stats_frame(user, year=year, county_code=county.code),
                                                            rules))
        for row in engine.county_cvs(values, rules).iter_rows(named=True):
            out.append({"year": year, "stage": row["stage"], "indicator": row["indicator"], "cv": row["cv"]})
    return out


def recent_imports(user, limit: int = 10):
    visible = SchoolStats.objects.visible_to(user).values("batch_id")
    return StatsImport.objects.filter(pk__in=visible).select_related("created_by")[:limit]
