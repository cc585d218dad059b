"""优质均衡 resource indicators (DOMAIN.md §1.1), pure and vectorised with polars; no Django here.

Input: one row per school and year with the columns of SCHOOL_COLUMNS and RESOURCES. A resource may also
come per stage (`qualified_teachers__junior`, …) where an office has the through-train school's split; a
null there falls back to the weighted-enrolment split. Everything the rules say is a number lives in
BalancedRules, built from policy settings, so a province can override it.

The steps, each a public function so pages and tests can use them on their own:
    stage_parts → indicator_values → judge_schools        one row per school and stage
    county_cvs                                            one row per county, stage and indicator
    school_gaps, cv_fixes, county_summaries               what it would take to pass
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import polars as pl

STAGES = ("primary", "junior")
STAGE_LABELS = {"primary": "小学", "junior": "初中", "senior": "高中"}
ENROLMENT = {"primary": "students_primary", "junior": "students_junior", "senior": "students_senior"}
SCHOOL_COLUMNS = ("county", "code", "name", "school_type", *ENROLMENT.values())

RESOURCES = (
    "qualified_teachers", "backbone_teachers", "pe_teachers", "art_teachers", "teaching_area",
    "indoor_sports_area", "sports_area", "equipment_wan", "multimedia_rooms",
)

INDICATORS = (
    "qualified_teachers", "backbone_teachers", "pe_art_teachers", "teaching_space", "sports_space",
    "equipment_value", "multimedia_rooms",
)
INDICATOR_LABELS = {
    "qualified_teachers": "每百名学生拥有高于规定学历教师数",
    "backbone_teachers": "每百名学生拥有县级以上骨干教师数",
    "pe_art_teachers": "每百名学生拥有体育、艺术专任教师数",
    "teaching_space": "生均教学及辅助用房面积",
    "sports_space": "生均体育运动场馆面积",
    "equipment_value": "生均教学仪器设备值",
    "multimedia_rooms": "每百名学生拥有网络多媒体教室数",
}
# The unit of each indicator, and how a shortfall per student becomes something a county can hire, build
# or buy: natural = (standard − value) × students × scale, in NATURAL_UNITS (whole people and rooms).
INDICATOR_UNITS = {
    "qualified_teachers": "人/百生", "backbone_teachers": "人/百生", "pe_art_teachers": "人/百生",
    "teaching_space": "㎡/生", "sports_space": "㎡/生", "equipment_value": "元/生", "multimedia_rooms": "间/百生",
}
NATURAL_SCALE = {
    "qualified_teachers": 0.01, "backbone_teachers": 0.01, "pe_art_teachers": 0.01, "teaching_space": 1.0,
    "sports_space": 1.0, "equipment_value": 1e-4, "multimedia_rooms": 0.01,
}
NATURAL_UNITS = {
    "qualified_teachers": "名高于规定学历教师", "backbone_teachers": "名骨干教师", "pe_art_teachers": "名体育艺术教师",
    "teaching_space": "㎡教学及辅助用房", "sports_space": "㎡体育运动场馆", "equipment_value": "万元教学仪器设备",
    "multimedia_rooms": "间网络多媒体教室",
}
WHOLE_UNITS = {"qualified_teachers", "backbone_teachers", "pe_art_teachers", "multimedia_rooms"}

DEFAULT_STANDARDS = {
    "primary": {"qualified_teachers": 4.2, "backbone_teachers": 1.0, "pe_art_teachers": 0.9, "teaching_space": 4.5,
                "sports_space": 7.5, "equipment_value": 2000.0, "multimedia_rooms": 2.3},
    "junior": {"qualified_teachers": 5.3, "backbone_teachers": 1.0, "pe_art_teachers": 0.9, "teaching_space": 5.8,
               "sports_space": 10.2, "equipment_value": 2500.0, "multimedia_rooms": 2.4},
}
DEFAULT_CV_LIMITS = {"primary": 0.50, "junior": 0.45}
DEFAULT_SPLIT_WEIGHTS = {"primary": 1.0, "junior": 1.1, "senior": 1.32}

# A value computed from whole numbers (42 teachers for 1,000 pupils) must meet a standard it equals exactly.
EPS = 1e-9


@dataclass(frozen=True)
class BalancedRules:
    standards: Mapping[str, Mapping[str, float]] = field(default_factory=lambda: DEFAULT_STANDARDS)
    cv_limits: Mapping[str, float] = field(default_factory=lambda: DEFAULT_CV_LIMITS)
    min_met: int = 6
    floor_ratio: float = 0.85
    split_weights: Mapping[str, float] = field(default_factory=lambda: DEFAULT_SPLIT_WEIGHTS)
    teaching_point_min_students: int = 50
    excluded_types: tuple[str, ...] = ("special", "vocational")


def exclusions(schools: pl.DataFrame, rules: BalancedRules) -> pl.DataFrame:
    """The schools the rule does not count, each with the reason in Chinese."""
    total = sum(pl.col(c) for c in ENROLMENT.values())
    reason = (
        pl.when(pl.col("school_type") == "special").then(pl.lit("特殊教育学校不参与计算"))
        .when(pl.col("school_type") == "vocational").then(pl.lit("中等职业学校不参与计算"))
        .when((pl.col("school_type") == "teaching_point") & (total < rules.teaching_point_min_students))
        .then(pl.lit(f"在校生不足 {rules.teaching_point_min_students} 人的教学点不参与计算"))
    )
    return (schools.select("county", "code", "name", "school_type", reason.alias("reason"))
            .filter(pl.col("reason").is_not_null()))


def stage_parts(schools: pl.DataFrame, rules: BalancedRules) -> pl.DataFrame:
    """One row per counted school and compulsory stage, its resources split by weighted enrolment
    (小:初:高 = 1:1.1:1.32 by default) unless the row gives that stage's own figure."""
    total = sum(pl.col(c) for c in ENROLMENT.values())
    counted = ~pl.col("school_type").is_in(list(rules.excluded_types)) & ~(
        (pl.col("school_type") == "teaching_point") & (total < rules.teaching_point_min_students))
    weighted = sum(rules.split_weights[s] * pl.col(c) for s, c in ENROLMENT.items())
    parts = []
    for stage in STAGES:
        students = pl.col(ENROLMENT[stage])
        share = rules.split_weights[stage] * students / weighted
        resources = []
        for r in RESOURCES:
            split = pl.col(r).cast(pl.Float64) * share
            own = f"{r}__{stage}"
            resources.append((pl.coalesce(pl.col(own).cast(pl.Float64), split) if own in schools.columns else split)
                             .alias(r))
        parts.append(schools.lazy().filter(counted & (students > 0)).select(
            "county", "code", "name", "school_type", pl.lit(stage).alias("stage"),
            students.cast(pl.Int64).alias("students"), *resources))
    return pl.concat(parts).collect()


def indicator_values(parts: pl.DataFrame) -> pl.DataFrame:
    """The seven indicators of DOMAIN.md §1.1 for each school part."""
    n = pl.col("students").cast(pl.Float64)
    return parts.with_columns(
        (pl.col("qualified_teachers") * 100 / n).alias("qualified_teachers"),
        (pl.col("backbone_teachers") * 100 / n).alias("backbone_teachers"),
        ((pl.col("pe_teachers") + pl.col("art_teachers")) * 100 / n).alias("pe_art_teachers"),
        ((pl.col("teaching_area") - pl.col("indoor_sports_area")) / n).alias("teaching_space"),
        (pl.col("sports_area") / n).alias("sports_space"),
        (pl.col("equipment_wan") * 10_000 / n).alias("equipment_value"),
        (pl.col("multimedia_rooms") * 100 / n).alias("multimedia_rooms"),
    ).select("county", "code", "name", "school_type", "stage", "students", *INDICATORS)


def _standard(indicator: str, rules: BalancedRules) -> pl.Expr:
    return (pl.when(pl.col("stage") == "primary").then(pl.lit(rules.standards["primary"][indicator]))
            .otherwise(pl.lit(rules.standards["junior"][indicator])))


def judge_schools(values: pl.DataFrame, rules: BalancedRules) -> pl.DataFrame:
    """Adds `met` (how many of the 7 reach the standard), `min_ratio` and `passed`: ≥6 of 7 met and every
    indicator ≥85% of its standard."""
    ratios = [(pl.col(i) / _standard(i, rules)).alias(f"{i}__ratio") for i in INDICATORS]
    judged = values.with_columns(ratios)
    return judged.with_columns(
        pl.sum_horizontal([(pl.col(f"{i}__ratio") >= 1 - EPS).cast(pl.Int8) for i in INDICATORS]).alias("met"),
        pl.min_horizontal([pl.col(f"{i}__ratio") for i in INDICATORS]).alias("min_ratio"),
    ).with_columns(
        ((pl.col("met") >= rules.min_met) & (pl.col("min_ratio") >= rules.floor_ratio - EPS)).alias("passed"),
    ).drop([f"{i}__ratio" for i in INDICATORS])


def long_values(values: pl.DataFrame) -> pl.DataFrame:
    return values.unpivot(index=["county", "code", "name", "stage", "students"], on=list(INDICATORS),
                          variable_name="indicator", value_name="value")


def county_cvs(values: pl.DataFrame, rules: BalancedRules) -> pl.DataFrame:
    """The student-weighted 差异系数 per county, stage and indicator:
    X̄ = Σ PᵢXᵢ / P; S = √(Σ (Pᵢ/P)(Xᵢ − X̄)²); CV = S / X̄. `cv` is null, with `note` saying why, where it is
    undefined (one school, or a mean of 0); such an indicator is not judged (`passed` null)."""
    p = pl.col("students").cast(pl.Float64)
    mean = (p * pl.col("value")).sum() / p.sum()
    cvs = long_values(values).group_by("county", "stage", "indicator").agg(
        pl.len().alias("schools"),
        p.sum().cast(pl.Int64).alias("students"),
        mean.alias("mean"),
        ((p * (pl.col("value") - mean) ** 2).sum() / p.sum()).sqrt().alias("sd"),
    )
    limit = pl.when(pl.col("stage") == "primary").then(pl.lit(rules.cv_limits["primary"])).otherwise(
        pl.lit(rules.cv_limits["junior"]))
    defined = (pl.col("schools") >= 2) & (pl.col("mean") > 0)
    return cvs.with_columns(
        pl.when(defined).then(pl.col("sd") / pl.col("mean")).alias("cv"),
        limit.alias("cv_limit"),
        pl.when(pl.col("schools") < 2).then(pl.lit("全县该学段仅 1 所学校，差异系数无意义"))
        .when(pl.col("mean") <= 0).then(pl.lit("全县该指标均值为 0，无法计算差异系数")).alias("note"),
    ).with_columns(
        pl.when(defined).then(pl.col("cv") <= pl.col("cv_limit") + EPS).alias("passed"),
    ).sort("county", "stage", "indicator")


def school_gaps(judged: pl.DataFrame, rules: BalancedRules) -> pl.DataFrame:
    """For each failing school part, each indicator below its standard: the shortfall to the standard in
    natural units, and what passing requires. The rule lets 7 − min_met indicators stay below the standard
    at ≥85% of it; those are the ones furthest behind (cheapest plan), so they only need the 85% floor."""
    failing = judged.filter(~pl.col("passed"))
    long = long_values(failing).with_columns(_standard_long(rules).alias("standard"))
    long = long.with_columns((pl.col("value") / pl.col("standard")).alias("ratio")).filter(
        pl.col("ratio") < 1 - EPS)
    allowed = len(INDICATORS) - rules.min_met
    long = long.with_columns(
        pl.col("ratio").rank("ordinal").over("code", "stage").alias("rank_behind"),
    ).with_columns((pl.col("rank_behind") <= allowed).alias("exempt"))
    scale = pl.col("indicator").replace_strict(NATURAL_SCALE, return_dtype=pl.Float64)
    n = pl.col("students").cast(pl.Float64)
    to_standard = (pl.col("standard") - pl.col("value")) * n * scale
    to_floor = ((pl.col("standard") * rules.floor_ratio - pl.col("value")) * n * scale).clip(lower_bound=0)
    return long.with_columns(
        _natural(to_standard).alias("shortfall"),
        _natural(pl.when(pl.col("exempt")).then(to_floor).otherwise(to_standard)).alias("required"),
        pl.col("indicator").replace_strict(NATURAL_UNITS).alias("unit"),
    ).drop("rank_behind").sort("county", "code", "stage", "indicator")


def _standard_long(rules: BalancedRules) -> pl.Expr:
    pairs = {f"{s}|{i}": v for s, row in rules.standards.items() for i, v in row.items()}
    return pl.concat_str("stage", pl.lit("|"), "indicator").replace_strict(pairs, return_dtype=pl.Float64)


def _natural(amount: pl.Expr) -> pl.Expr:
    """Whole people and rooms are rounded up; ㎡ and 万元 up to two decimals."""
    whole = pl.col("indicator").is_in(list(WHOLE_UNITS))
    return pl.when(whole).then((amount - EPS).ceil()).otherwise(((amount - EPS) * 100).ceil() / 100).clip(
        lower_bound=0.0)


def cv_fixes(values: pl.DataFrame, cvs: pl.DataFrame, *, iterations: int = 60) -> pl.DataFrame:
    """For each failing CV, the smallest lift of the weakest schools that brings it under the limit.

    Greedy "补短板": raise the lowest school to the next lowest, then both to the next, and so on — a common
    level L below which every school is lifted to L. Lifting the bottom lowers the spread and raises the
    mean, so it is the cheapest way to lower the CV using additions only (nobody's resources are taken
    away). L is found by bisection for all failing groups at once. One row per lifted school: its addition
    in natural units, and the CV the county reaches once every lifted school gets it."""
    failing = cvs.filter(pl.col("passed") == False).select("county", "stage", "indicator", "cv", "cv_limit")  # noqa: E712
    empty = pl.DataFrame(schema={"county": pl.String, "stage": pl.String, "indicator": pl.String,
                                 "code": pl.String, "name": pl.String, "value": pl.Float64, "level": pl.Float64,
                                 "addition": pl.Float64, "unit": pl.String, "cv": pl.Float64,
                                 "cv_after": pl.Float64, "cv_limit": pl.Float64})
    if failing.is_empty():
        return empty
    rows = long_values(values).join(failing.with_row_index("group"), on=["county", "stage", "indicator"])
    g = rows["group"].to_numpy()
    n = rows["students"].to_numpy().astype(np.float64)
    x = rows["value"].to_numpy()
    groups = failing.height
    limits = failing["cv_limit"].to_numpy()
    lo = np.full(groups, np.inf)
    np.minimum.at(lo, g, x)
    hi = np.full(groups, -np.inf)
    np.maximum.at(hi, g, x)
    for _ in range(iterations):
        mid = (lo + hi) / 2
        ok = _weighted_cv(g, n, np.maximum(x, mid[g]), groups) <= limits
        hi = np.where(ok, mid, hi)
        lo = np.where(ok, lo, mid)
    scale = pl.col("indicator").replace_strict(NATURAL_SCALE, return_dtype=pl.Float64)
    rows = rows.with_columns(pl.Series("level", hi[g])).with_columns(
        pl.when(pl.col("value") < pl.col("level") - EPS)
        .then(_natural((pl.col("level") - pl.col("value")) * pl.col("students") * scale)).otherwise(0.0)
        .alias("addition"),
        pl.col("indicator").replace_strict(NATURAL_UNITS).alias("unit"),
    )
    # The CV once the rounded additions are made, so the plan shown is one that really passes.
    lift = (rows["addition"] / (rows["students"] * rows.select(scale).to_series())).to_numpy()
    after = pl.DataFrame({"group": np.arange(groups, dtype=np.uint32), "cv_after": _weighted_cv(g, n, x + lift, groups)})
    return (rows.filter(pl.col("addition") > 0).join(after, on="group").select(empty.columns)
            .sort("county", "stage", "indicator", "value"))


def _weighted_cv(g: np.ndarray, n: np.ndarray, x: np.ndarray, groups: int) -> np.ndarray:
    p = np.bincount(g, weights=n, minlength=groups)
    mean = np.bincount(g, weights=n * x, minlength=groups) / p
    var = np.bincount(g, weights=n * (x - mean[g]) ** 2, minlength=groups) / p
    return np.sqrt(var) / mean


def cv_contributors(values: pl.DataFrame, cvs: pl.DataFrame, top: int = 3) -> pl.DataFrame:
    """For each failing CV, the schools contributing most to Σ (Pᵢ/P)(Xᵢ − X̄)², with their share of it."""
    failing = cvs.filter(pl.col("passed") == False).select("county", "stage", "indicator", "mean")  # noqa: E712
    rows = long_values(values).join(failing, on=["county", "stage", "indicator"])
    p = pl.col("students").cast(pl.Float64)
    term = p * (pl.col("value") - pl.col("mean")) ** 2
    return rows.with_columns(
        (term / term.sum().over("county", "stage", "indicator")).alias("share"),
        pl.when(pl.col("value") < pl.col("mean")).then(pl.lit("低于均值")).otherwise(pl.lit("高于均值"))
        .alias("direction"),
    ).sort("share", descending=True).group_by("county", "stage", "indicator", maintain_order=True).head(top)


@dataclass
class BalancedResult:
    exclusions: pl.DataFrame
    schools: pl.DataFrame      # one row per school part: the 7 values, met, min_ratio, passed
    cvs: pl.DataFrame          # one row per county, stage and indicator
    school_gaps: pl.DataFrame
    cv_fixes: pl.DataFrame
    cv_contributors: pl.DataFrame


def evaluate(schools: pl.DataFrame, rules: BalancedRules | None = None) -> BalancedResult:
    rules = rules or BalancedRules()
    values = indicator_values(stage_parts(schools, rules))
    judged = judge_schools(values, rules)
    cvs = county_cvs(values, rules)
    return BalancedResult(
        exclusions=exclusions(schools, rules), schools=judged, cvs=cvs, school_gaps=school_gaps(judged, rules),
        cv_fixes=cv_fixes(values, cvs), cv_contributors=cv_contributors(values, cvs),
    )


def county_summaries(result: BalancedResult) -> list[dict]:
    """Per county and stage: "passes X of 7 indicators; N schools fail; to pass: …", in Chinese."""
    out = []
    for (county, stage), cvs in result.cvs.sort("county", "stage", descending=[False, True]).group_by(
            "county", "stage", maintain_order=True):
        schools = result.schools.filter((pl.col("county") == county) & (pl.col("stage") == stage))
        failing = schools.filter(~pl.col("passed")).height
        passed = cvs.filter(pl.col("passed") == True).height  # noqa: E712
        undefined = cvs.filter(pl.col("passed").is_null())
        steps = []
        fixes = result.cv_fixes.filter((pl.col("county") == county) & (pl.col("stage") == stage))
        for (indicator,), rows in fixes.group_by("indicator", maintain_order=True):
            total = rows["addition"].sum()
            steps.append(f"{INDICATOR_LABELS[indicator]}：为 {rows.height} 所薄弱学校共增加 "
                         f"{_fmt(total)} {NATURAL_UNITS[indicator]}，差异系数可降至 {rows['cv_after'][0]:.3f}")
        if failing:
            gaps = result.school_gaps.filter((pl.col("county") == county) & (pl.col("stage") == stage))
            needs = [f"{_fmt(total)} {NATURAL_UNITS[indicator]}" for indicator, total in
                     gaps.group_by("indicator").agg(pl.col("required").sum()).sort("indicator").iter_rows()
                     if total > 0]
            steps.append(f"{failing} 所未达标学校合计补足 " + "、".join(needs))
        text = f"{STAGE_LABELS[stage]}：7 项差异系数达标 {passed} 项"
        if undefined.height:
            text += f"，{undefined.height} 项无法计算（{undefined['note'][0]}）"
        text += f"；{schools.height} 所学校中 {failing} 所未达到“6 项达标、其余不低于 85%”要求"
        text += "。达标需：" + "；".join(steps) + "。" if steps else "。"
        out.append({"county": county, "stage": stage, "indicators_passed": passed, "schools": schools.height,
                    "schools_failing": failing, "passed": passed == len(INDICATORS) and not failing,
                    "text": text})
    return out


def _fmt(amount: float) -> str:
    return f"{amount:,.0f}" if float(amount).is_integer() else f"{amount:,.2f}"
