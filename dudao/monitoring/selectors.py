"""Reads for the monitoring pages and API: statistics as an engine frame, scoped through visible_to(user)."""

import datetime
from dataclasses import dataclass

import polars as pl

from dudao.core.policy import PolicyTable
from dudao.core.scope import get_visible_or_404
from dudao.monitoring import engine, guarantee, preschool
from dudao.monitoring.engine import RESOURCES, BalancedRules
from dudao.monitoring.models import (
    Campaign,
    CampaignTask,
    CountyInputs,
    GuaranteeEvidence,
    SchoolStats,
    StatsImport,
)
from dudao.regions.models import Region, RegionLevel

INDICATOR_SHORT = {
    "qualified_teachers": "高学历教师", "backbone_teachers": "骨干教师", "pe_art_teachers": "体艺教师",
    "teaching_space": "教辅用房", "sports_space": "体育场馆", "equipment_value": "仪器设备", "multimedia_rooms": "多媒体教室",
}
RULE_KEYS = {
    "standards": "monitoring.balanced_standards",
    "cv_limits": "monitoring.balanced_cv_limits",
    "min_met": "monitoring.balanced_min_met",
    "floor_ratio": "monitoring.balanced_floor_ratio",
    "split_weights": "monitoring.split_weights",
    "teaching_point_min_students": "monitoring.teaching_point_min_students",
}


def rules_for(region_code: str, table: PolicyTable | None = None) -> BalancedRules:
    """The county's 优质均衡 rules; pass `table` (balanced_rules_table()) to judge many counties from one query."""
    table = table or balanced_rules_table()
    return BalancedRules(**{field: table.get(key, region_code) for field, key in RULE_KEYS.items()})


def balanced_rules_table() -> PolicyTable:
    return PolicyTable(list(RULE_KEYS.values()))


def counties_visible(user):
    return Region.objects.visible_to(user).filter(level=RegionLevel.COUNTY).order_by("code")


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
    labels = {i: INDICATOR_SHORT[i] for i in engine.INDICATORS}
    for year in sorted(years_available(user, county.code)):
        values = engine.indicator_values(engine.stage_parts(stats_frame(user, year=year, county_code=county.code),
                                                            rules))
        for row in engine.county_cvs(values, rules).sort("stage", "indicator", descending=[True, False]).iter_rows(
                named=True):
            out.append({"year": f"{year}—{year + 1}", "stage": engine.STAGE_LABELS[row["stage"]],
                        "indicator": labels[row["indicator"]], "cv": None if row["cv"] is None else round(row["cv"], 3),
                        "limit": rules.cv_limits[row["stage"]]})
    return out


def trend_stages(trend: list[dict]) -> list[tuple[str, str]]:
    """(stage, label) of the stages the trend has, primary first: one trend chart each."""
    present = {row["stage"] for row in trend}
    return [(stage, str(engine.STAGE_LABELS[stage])) for stage in ("primary", "junior")
            if str(engine.STAGE_LABELS[stage]) in present]


def recent_imports(user, limit: int = 10):
    visible = SchoolStats.objects.visible_to(user).values("batch_id")
    return StatsImport.objects.filter(pk__in=visible).select_related("created_by")[:limit]


def _fmt(value, digits=2) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


def _amount(value: float) -> str:
    return _fmt(value, 2).rstrip("0").rstrip(".")


def _percent(ratio: float) -> str:
    """Below the standard never rounds up to 100%: 0.997 is 99.7%."""
    return f"{ratio:.0%}" if ratio < 0.995 else f"{ratio:.1%}"


def report_tables(report: BalancedReport) -> dict:
    """The report's tables as plain rows (Chinese labels, formatted numbers): for the page, the Word and PDF
    监测报告 and the Excel export alike."""
    r = report.result
    label = engine.INDICATOR_LABELS
    stage = engine.STAGE_LABELS
    cvs = [{"stage": stage[c["stage"]], "indicator": label[c["indicator"]], "schools": c["schools"],
            "mean": _fmt(c["mean"]), "unit": engine.INDICATOR_UNITS[c["indicator"]], "cv": _fmt(c["cv"], 3),
            "limit": _fmt(c["cv_limit"]), "result": {True: "达标", False: "未达标", None: c["note"] or "—"}[c["passed"]]}
           for c in r.cvs.sort("stage", "indicator", descending=[True, False]).iter_rows(named=True)]
    gaps_by_part: dict[tuple, list[str]] = {}
    for g in r.school_gaps.iter_rows(named=True):
        need = f"{label[g['indicator']]}达到标准的 {_percent(g['ratio'])}，缺 {_amount(g['shortfall'])} {g['unit']}"
        if g["exempt"] and g["required"] > 0:
            need += f"（至少补 {_amount(g['required'])} {g['unit']}，使其不低于标准的 85%）"
        elif g["exempt"]:
            need += "（已不低于标准的 85%，可作为允许未达标的 1 项）"
        gaps_by_part.setdefault((g["code"], g["stage"]), []).append(need)
    schools = [{"code": s["code"], "name": s["name"], "stage": stage[s["stage"]], "students": s["students"],
                "met": s["met"], "min_ratio": _percent(s["min_ratio"]), "result": "达标" if s["passed"] else "未达标",
                "gaps": "；".join(gaps_by_part.get((s["code"], s["stage"]), []))}
               for s in r.schools.sort("stage", "code", descending=[True, False]).iter_rows(named=True)]
    fixes = [{"stage": stage[f["stage"]], "indicator": label[f["indicator"]], "code": f["code"], "name": f["name"],
              "value": _fmt(f["value"]), "level": _fmt(f["level"]), "addition": _fmt(f["addition"]), "unit": f["unit"],
              "cv": _fmt(f["cv"], 3), "cv_after": _fmt(f["cv_after"], 3)} for f in r.cv_fixes.iter_rows(named=True)]
    contributors = [{"stage": stage[c["stage"]], "indicator": label[c["indicator"]], "name": c["name"],
                     "value": _fmt(c["value"]), "mean": _fmt(c["mean"]), "share": f"{c['share']:.0%}",
                     "direction": c["direction"]} for c in r.cv_contributors.iter_rows(named=True)]
    excluded = [{"code": e["code"], "name": e["name"], "reason": e["reason"]} for e in r.exclusions.iter_rows(named=True)]
    return {"cvs": cvs, "schools": schools, "failing": [s for s in schools if s["result"] == "未达标"],
            "fixes": fixes, "contributors": contributors, "excluded": excluded,
            "summaries": [s["text"] for s in report.summaries]}


def heatmap(report: BalancedReport, stage: str) -> dict:
    """Indicator × school: each value as a share of its standard (1 = meets it), for the ECharts heat map."""
    schools = report.result.schools.filter(pl.col("stage") == stage).sort("code")
    standards = report.rules.standards[stage]
    cells = []
    for y, row in enumerate(schools.iter_rows(named=True)):
        for x, indicator in enumerate(engine.INDICATORS):
            cells.append([x, y, round(row[indicator] / standards[indicator], 3)])
    return {"indicators": [INDICATOR_SHORT[i] for i in engine.INDICATORS],
            "schools": schools["name"].to_list(), "cells": cells,
            "floor": report.rules.floor_ratio, "height": 110 + 20 * schools.height}


def cv_chart(report: BalancedReport) -> dict:
    out = {}
    for stage in engine.STAGES:
        rows = report.result.cvs.filter(pl.col("stage") == stage)
        if rows.is_empty():
            continue
        by = {r["indicator"]: r["cv"] for r in rows.iter_rows(named=True)}
        out[stage] = {"label": engine.STAGE_LABELS[stage], "limit": report.rules.cv_limits[stage],
                      "values": [None if by.get(i) is None else round(by[i], 3) for i in engine.INDICATORS]}
    return {"indicators": [INDICATOR_SHORT[i] for i in engine.INDICATORS], "stages": out}


def school_section(user, school) -> list[dict]:
    """A school's seven values against the standards for its latest year with statistics (school page)."""
    latest = SchoolStats.objects.visible_to(user).filter(school=school).order_by("-year").first()
    if latest is None:
        return []
    county = school.region.parent_id or ""
    rules = rules_for(county)
    frame = stats_frame(user, year=latest.year, county_code=county).filter(pl.col("code") == school.code)
    judged = engine.judge_schools(engine.indicator_values(engine.stage_parts(frame, rules)), rules)
    out = []
    for row in judged.iter_rows(named=True):
        standards = rules.standards[row["stage"]]
        out.append({"year": latest.year, "stage": engine.STAGE_LABELS[row["stage"]], "met": row["met"],
                    "passed": row["passed"], "indicators": [
                        {"label": engine.INDICATOR_LABELS[i], "value": _fmt(row[i]), "standard": standards[i],
                         "unit": engine.INDICATOR_UNITS[i], "met": row[i] >= standards[i] * (1 - engine.EPS),
                         "ratio": f"{row[i] / standards[i]:.0%}"} for i in engine.INDICATORS]})
    return out


# ---- 学前普及普惠 ----------------------------------------------------------------------------------------------

PRESCHOOL_KEYS = {"limits": "monitoring.preschool_limits", "children_per_teacher": "monitoring.preschool_children_per_teacher",
                  "space": "monitoring.preschool_space"}
EXTRA_TO_COLUMN = {"students_preschool": "children", "classes_preschool": "classes",
                   "oversized_classes_preschool": "oversized_classes", "teachers_preschool": "teachers",
                   "certified_teachers_preschool": "certified_teachers", "outdoor_area_preschool": "outdoor_area",
                   "activity_area_preschool": "activity_area", "building_area_preschool": "building_area"}


def preschool_report(user, county: Region, year: int) -> preschool.PreschoolResult | None:
    return preschool_reports(user, {county.code: year}).get(county.code)


def preschool_reports(user, years: dict[str, int]) -> dict[str, preschool.PreschoolResult]:
    """普及普惠 of several counties at once, each for its own statistics year ({county code: year}): the page's
    figures for one county, the cockpit's for every county of a city or province, in three queries whatever their
    number. A county without kindergarten statistics that year is left out."""
    if not years:
        return {}
    table = PolicyTable(list(PRESCHOOL_KEYS.values()))
    rows = (SchoolStats.objects.visible_to(user).filter(year__in=set(years.values()),
                                                        school__region__parent_id__in=list(years),
                                                        school__school_type="kindergarten")
            .values_list("school__region__parent_id", "year", "school__code", "school__name", "school__ownership",
                         "school__is_puhui", "extra")
            .order_by("school__code"))
    data: dict[str, list[dict]] = {}
    for county, year, code, name, ownership, is_puhui, extra in rows:
        if years.get(county) != year:
            continue
        row = {"county": county, "code": code, "name": name, "ownership": ownership, "is_puhui": is_puhui}
        row.update({column: extra.get(key) or 0 for key, column in EXTRA_TO_COLUMN.items()})
        data.setdefault(county, []).append(row)
    if not data:
        return {}
    schema = {c: pl.Float64 for c in ("outdoor_area", "activity_area", "building_area")}
    schema.update({c: pl.Int64 for c in ("children", "classes", "oversized_classes", "teachers", "certified_teachers")})
    schema.update({"county": pl.String, "code": pl.String, "name": pl.String, "ownership": pl.String,
                   "is_puhui": pl.Boolean})
    population = {}
    for county, year, people in (CountyInputs.objects.filter(region_id__in=list(data), year__in=set(years.values()))
                                 .order_by("pk").values_list("region_id", "year", "population_3_5")):
        if years[county] == year and county not in population:
            population[county] = people
    out = {}
    for county, kindergartens in data.items():
        rules = preschool.PreschoolRules(**{f: table.get(k, county) for f, k in PRESCHOOL_KEYS.items()})
        out[county] = preschool.evaluate(pl.DataFrame(kindergartens, schema=schema), population.get(county), rules,
                                         county=county)
    return out


def county_inputs(county: Region, year: int) -> CountyInputs | None:
    return CountyInputs.objects.filter(region=county, year=year).first()


def preschool_tables(result: preschool.PreschoolResult) -> dict:
    """Display rows for the 普及普惠 page: indicator cards and one row per kindergarten, in Chinese."""
    cards = []
    for code, ind in result.indicators.items():
        status = ind["note"] or ("达标" if ind["passed"] else f"还差 {ind['needed']} {ind['unit']}")
        cards.append({"label": preschool.COUNTY_LABELS[code], "passed": ind["passed"], "status": status,
                      "value": "—" if ind["value"] is None else f"{ind['value']:.1%}", "limit": f"≥{ind['limit']:.0%}"})
    rows = []
    for k in result.kindergartens.sort("passed", "code").iter_rows(named=True):
        needs = []
        if k["teachers_needed"]:
            needs.append(f"专任教师 {k['teachers_needed']} 名")
        if k["certificates_needed"]:
            needs.append(f"持证教师 {k['certificates_needed']} 名")
        if k["oversized_classes"]:
            needs.append(f"调整超额班级 {k['oversized_classes']} 个")
        space = []
        for key, short in (("outdoor_area", "户外"), ("activity_area", "活动室"), ("building_area", "园舍")):
            per = k[f"{key}_per_child"]
            space.append(f"{short} {per:.2f}" if per is not None else f"{short} —")
            if k[f"{key}_needed"]:
                needs.append(f"{preschool.SPACE_LABELS[key].replace('生均', '')} {k[f'{key}_needed']:,.2f} ㎡")
        rows.append({"name": k["name"], "kind": "公办" if k["ownership"] == "public" else ("民办普惠" if k["is_puhui"] else "民办"),
                     "children": k["children"],
                     "ratio": f"1:{k['children'] / k['teachers']:.1f}" if k["teachers"] else "无专任教师",
                     "staffing_ok": k["staffing_ok"], "certified": f"{k['certified_teachers']}/{k['teachers']}",
                     "certified_ok": k["certified_ok"], "oversized": k["oversized_classes"],
                     "space": "；".join(space), "space_ok": k["space_ok"], "needs": "、".join(needs),
                     "passed": k["passed"]})
    return {"cards": cards, "rows": rows}


# ---- 创建 campaigns ----------------------------------------------------------------------------------------------

STATE_LABELS = {"todo": "未开始", "doing": "推进中", "overdue": "已逾期", "done": "按期完成", "done_late": "逾期完成"}


def campaign_list(user):
    return Campaign.objects.visible_to(user).select_related("county").order_by("-created_at")


def campaign_tasks(user, campaign: Campaign):
    return (CampaignTask.objects.visible_to(user).filter(campaign=campaign)
            .select_related("unit", "school", "finding").order_by("deadline", "pk"))


def campaign_board(tasks, today) -> dict:
    """挂图作战: one row per responsible department or school, one column per month of the deadlines; each cell
    lists that owner's tasks due in that month with their state. Also the counts per state."""
    tasks = list(tasks)
    if not tasks:
        return {"months": [], "rows": [], "counts": {}}
    first = min(t.deadline for t in tasks).replace(day=1)
    last = max(t.deadline for t in tasks).replace(day=1)
    months = []
    month = first
    while month <= last:
        months.append(month)
        month = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    rows: dict[str, dict] = {}
    counts = {key: 0 for key in STATE_LABELS}
    for task in tasks:
        state = task.state(today)
        counts[state] += 1
        owner = str(task.target)
        row = rows.setdefault(owner, {"owner": owner, "cells": {m: [] for m in months}, "overdue": 0, "total": 0})
        row["cells"][task.deadline.replace(day=1)].append({"task": task, "state": state, "label": STATE_LABELS[state]})
        row["total"] += 1
        row["overdue"] += state == "overdue"
    ordered = sorted(rows.values(), key=lambda r: (-r["overdue"], r["owner"]))
    for row in ordered:
        row["cells"] = [row["cells"][m] for m in months]
    return {"months": months, "rows": ordered, "counts": {STATE_LABELS[k]: v for k, v in counts.items()}}


def task_for(user, pk: int) -> CampaignTask:
    return get_visible_or_404(CampaignTask.objects.select_related("campaign", "unit", "school", "finding"), user, pk=pk)


# ---- 政府保障与教育质量 -----------------------------------------------------------------------------------------

def guarantee_section(user, county: Region, year: int) -> dict:
    rows = []
    stats = (SchoolStats.objects.visible_to(user).filter(year=year, school__region__parent_id=county.code)
             .exclude(school__school_type__in=["kindergarten", "special", "vocational", "senior"])
             .values("school__name", "school__school_type", "students_primary", "students_junior", "extra"))
    for s in stats:
        rows.append({"name": s["school__name"], "school_type": s["school__school_type"],
                     "students_primary": s["students_primary"], "students_junior": s["students_junior"], **s["extra"]})
    inputs = county_inputs(county, year)
    limits = PolicyTable(["monitoring.guarantee_limits"]).get("monitoring.guarantee_limits", county.code)
    evidence = {e.item: e for e in GuaranteeEvidence.objects.visible_to(user).filter(county=county, year=year)
                .prefetch_related("files")}
    material = [{"code": code, "area": area, "text": text, "evidence": evidence.get(code)}
                for code, area, text in guarantee.MATERIAL_ITEMS]
    return {"numeric": guarantee.numeric_items(rows, inputs.recognition_rate if inputs else None, limits),
            "material": material, "material_done": sum(1 for m in material if m["evidence"])}
