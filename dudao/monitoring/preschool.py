"""学前教育普及普惠 (DOMAIN.md §2), pure: the county's coverage indicators, each kindergarten's staffing, class
size, certification and space, and what it would take to pass. No Django here.

Input: one row per kindergarten with the columns of KINDERGARTEN_COLUMNS, and the county's 3–5-year-old
population (None when the office has not entered it: 毛入园率 is then undefined and says so).
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

KINDERGARTEN_COLUMNS = (
    "county", "code", "name", "ownership", "is_puhui", "children", "classes", "oversized_classes", "teachers",
    "certified_teachers", "outdoor_area", "activity_area", "building_area",
)
COUNTY_LABELS = {
    "gross_enrolment": "学前三年毛入园率", "puhui_coverage": "普惠性幼儿园覆盖率", "public_share": "公办园在园幼儿占比",
    "class_compliance": "班额达标率",
}
DEFAULT_LIMITS = {"gross_enrolment": 0.85, "puhui_coverage": 0.80, "public_share": 0.50, "class_compliance": 0.85}
DEFAULT_SPACE = {"outdoor_area": 4.0, "activity_area": 8.17, "building_area": 10.44}
SPACE_LABELS = {"outdoor_area": "生均户外活动场地面积", "activity_area": "生均活动室面积", "building_area": "生均园舍建筑面积"}


@dataclass(frozen=True)
class PreschoolRules:
    limits: Mapping[str, float] = field(default_factory=lambda: DEFAULT_LIMITS)
    children_per_teacher: float = 15.0
    space: Mapping[str, float] = field(default_factory=lambda: DEFAULT_SPACE)
    certification: float = 1.0


def kindergartens(frame: pl.DataFrame, rules: PreschoolRules) -> pl.DataFrame:
    """Each kindergarten's own checks, and the shortfall in teachers, certificates and ㎡."""
    n = pl.col("children").cast(pl.Float64)
    checks = [
        (pl.col("teachers") * rules.children_per_teacher >= pl.col("children")).alias("staffing_ok"),
        ((pl.col("teachers") == 0) | (pl.col("certified_teachers") >= pl.col("teachers") * rules.certification))
        .alias("certified_ok"),
        (pl.col("oversized_classes") == 0).alias("class_size_ok"),
        ((n / rules.children_per_teacher).ceil() - pl.col("teachers")).clip(lower_bound=0).cast(pl.Int64)
        .alias("teachers_needed"),
        ((pl.col("teachers") * rules.certification).ceil() - pl.col("certified_teachers")).clip(lower_bound=0)
        .cast(pl.Int64).alias("certificates_needed"),
    ]
    for key, standard in rules.space.items():
        checks.append((pl.col(key) / n).alias(f"{key}_per_child"))
        checks.append(((standard * n - pl.col(key)).clip(lower_bound=0) * 100).ceil().truediv(100)
                      .alias(f"{key}_needed"))
    out = frame.with_columns(checks)
    space_ok = [pl.col(f"{k}_needed") <= 0 for k in rules.space]
    return out.with_columns(pl.all_horizontal(space_ok).alias("space_ok")).with_columns(
        pl.all_horizontal("staffing_ok", "certified_ok", "class_size_ok", "space_ok").alias("passed"))


@dataclass
class PreschoolResult:
    county: str
    indicators: dict          # code → {"value", "limit", "passed", "note", "needed"}
    kindergartens: pl.DataFrame
    conversions: list[dict]   # private non-普惠 kindergartens whose 普惠 recognition closes the coverage gap
    summary: str


def evaluate(frame: pl.DataFrame, population_3_5: int | None, rules: PreschoolRules | None = None,
             county: str = "") -> PreschoolResult:
    rules = rules or PreschoolRules()
    kg = kindergartens(frame, rules)
    total = int(kg["children"].sum() or 0)
    public = int(kg.filter(pl.col("ownership") == "public")["children"].sum() or 0)
    puhui = int(kg.filter((pl.col("ownership") == "public") | pl.col("is_puhui"))["children"].sum() or 0)
    classes = int(kg["classes"].sum() or 0)
    compliant_classes = classes - int(kg["oversized_classes"].sum() or 0)
    indicators = {
        "gross_enrolment": _indicator(total, population_3_5, rules.limits["gross_enrolment"],
                                      "未填写全县 3—5 周岁常住人口数，无法计算毛入园率" if not population_3_5 else "",
                                      "名幼儿的学位"),
        "puhui_coverage": _indicator(puhui, total, rules.limits["puhui_coverage"], _no_children(total), "名普惠学位"),
        "public_share": _indicator(public, total, rules.limits["public_share"], _no_children(total), "名公办园学位"),
        "class_compliance": _indicator(compliant_classes, classes, rules.limits["class_compliance"],
                                       "" if classes else "没有班级数据，无法计算班额达标率", "个班额达标班级"),
    }
    conversions = _conversions(kg, indicators["puhui_coverage"]["needed"])
    return PreschoolResult(county, indicators, kg, conversions, _summary(indicators, kg, conversions))


def _no_children(total: int) -> str:
    return "" if total else "没有在园幼儿数据"


def _indicator(numerator: int, denominator: int | None, limit: float, note: str, unit: str) -> dict:
    if note or not denominator:
        return {"value": None, "limit": limit, "passed": None, "note": note or "分母为 0，无法计算", "needed": 0,
                "unit": unit}
    value = numerator / denominator
    # The smallest whole number x with (numerator + x) / denominator ≥ limit; for coverage shares the total grows
    # with the places added only where the places are new: here they are existing children moving (conversion).
    needed = max(0, math.ceil(limit * denominator - numerator - 1e-9))
    return {"value": value, "limit": limit, "passed": value >= limit - 1e-9, "note": "", "needed": needed, "unit": unit}


def _conversions(kg: pl.DataFrame, needed: int) -> list[dict]:
    """Greedy: the largest private non-普惠 kindergartens first, until their children cover the gap."""
    if needed <= 0:
        return []
    candidates = kg.filter((pl.col("ownership") != "public") & ~pl.col("is_puhui")).sort("children", descending=True)
    chosen, covered = [], 0
    for row in candidates.iter_rows(named=True):
        if covered >= needed:
            break
        chosen.append({"code": row["code"], "name": row["name"], "children": row["children"]})
        covered += row["children"]
    return chosen


def _summary(indicators: dict, kg: pl.DataFrame, conversions: list[dict]) -> str:
    parts = []
    for code, ind in indicators.items():
        label = COUNTY_LABELS[code]
        if ind["value"] is None:
            parts.append(f"{label}：{ind['note']}")
        else:
            verdict = "达标" if ind["passed"] else f"未达标，还差 {ind['needed']} {ind['unit']}"
            parts.append(f"{label} {ind['value']:.1%}（标准 ≥{ind['limit']:.0%}，{verdict}）")
    text = "；".join(parts) + "。"
    failing = kg.filter(~pl.col("passed"))
    if failing.height:
        text += (f"{kg.height} 所幼儿园中 {failing.height} 所有单项未达标：需补充专任教师 "
                 f"{int(failing['teachers_needed'].sum())} 名、持证教师 {int(failing['certificates_needed'].sum())} 名，"
                 f"超额班级 {int(failing['oversized_classes'].sum())} 个需调整。")
    if conversions:
        text += ("普惠覆盖率可通过认定 " + "、".join(c["name"] for c in conversions)
                 + f" 共 {len(conversions)} 所民办园为普惠性幼儿园达标。")
    return text
