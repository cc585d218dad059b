"""What monitoring gives the leader's cockpit (驾驶舱) and its map, read through monitoring's own selectors as
FigureReader(region): the 优质均衡 judgement of the 优质均衡监测 page (engine.stage_parts → indicator_values →
judge_schools / county_cvs, the steps of engine.evaluate that county_summaries counts) and the 普及普惠 indicators of
the 学前普及普惠 page (selectors.preschool_reports). Each county is read on its latest statistics year (学年) not
after the cockpit's year, as the 年度工作总结 does. Registered by register_cockpit(), called from
registrations.register().

Queries: a fixed handful whatever the number of schools, towns or counties (one per distinct statistics year for
the school rows, one for the policies, one for the schools' regions); the children are folded in Python."""

from collections import defaultdict
from dataclasses import dataclass, field

import polars as pl
from django.db.models import Max
from django.urls import reverse

from dudao.core.registries import (
    FigureReader,
    Metric,
    cockpit_child_finder,
    register_cockpit_section,
    register_map_layer,
)
from dudao.core.scope import region_prefix
from dudao.monitoring import engine, preschool, selectors
from dudao.monitoring.models import SchoolStats
from dudao.schools.models import School

STAGES = engine.STAGES  # 小学, 初中: the stages 优质均衡 judges
PRESCHOOL_FIGURES = ("gross_enrolment", "puhui_coverage", "public_share")


def _is_county_or_above(region_code: str) -> bool:
    return len(region_prefix(region_code)) <= 6


def latest_years(reader, year: int) -> dict[str, int]:
    """{county code: its latest statistics year ≤ year} over the schools the reader sees (one query)."""
    rows = (SchoolStats.objects.visible_to(reader).filter(year__lte=year).order_by()
            .values("school__region__parent_id").annotate(latest=Max("year")))
    return {row["school__region__parent_id"]: row["latest"] for row in rows if row["school__region__parent_id"]}


def school_places(reader) -> dict[str, tuple[int, str]]:
    """{school code: (id, region code)} of the schools the reader sees (one query), to fold rows into children."""
    return {code: (pk, region) for code, pk, region in
            School.objects.visible_to(reader).values_list("code", "pk", "region_id")}


@dataclass
class Balanced:
    years: dict[str, int] = field(default_factory=dict)  # county → statistics year read
    judged: pl.DataFrame | None = None  # one row per school part: county, code, stage, passed
    cvs: pl.DataFrame | None = None  # one row per county, stage and indicator: passed (null when undefined)


def balanced(reader, year: int) -> Balanced:
    """The 优质均衡 judgement of every county the reader sees, each on its latest statistics year ≤ year."""
    years = latest_years(reader, year)
    out = Balanced(years)
    if not years:
        return out
    table = selectors.balanced_rules_table()
    judged, cvs = [], []
    for stats_year in sorted(set(years.values())):
        counties = [c for c, y in years.items() if y == stats_year]
        frame = selectors.stats_frame(reader, year=stats_year).filter(pl.col("county").is_in(counties))
        groups: dict[str, tuple] = {}
        for county in counties:  # counties judged by the same rules are judged together
            rules = selectors.rules_for(county, table)
            groups.setdefault(repr(rules), (rules, []))[1].append(county)
        for rules, members in groups.values():
            part = frame.filter(pl.col("county").is_in(members))
            values = engine.indicator_values(engine.stage_parts(part, rules))
            judged.append(engine.judge_schools(values, rules).select("county", "code", "stage", "passed"))
            cvs.append(engine.county_cvs(values, rules).select("county", "stage", "indicator", "passed"))
    out.judged, out.cvs = pl.concat(judged), pl.concat(cvs)
    return out


def _balanced_metrics(region_code: str, now: Balanced, before: Balanced, places, find, url: str) -> list[Metric]:
    county_level = _is_county_or_above(region_code)
    single = len(region_prefix(region_code)) == 6
    metrics = []
    for stage in STAGES:
        label = engine.STAGE_LABELS[stage]

        def cv_value(result: Balanced, stage=stage):
            """A county: how many of the 7 差异系数 reach their limit; above: how many counties reach all 7."""
            if result.cvs is None or not county_level:
                return None, {}
            passed = (result.cvs.filter(pl.col("stage") == stage).group_by("county")
                      .agg((pl.col("passed") == True).sum().alias("n")))  # noqa: E712 -- null is "not judged"
            per_county = {county: n for county, n in passed.iter_rows()}
            if not per_county:
                return None, {}
            if single:
                return next(iter(per_county.values())), {}
            parts: dict[str, int] = defaultdict(int)
            for county, n in per_county.items():
                key = find(county)
                if key is not None:
                    parts[key] += int(n == len(engine.INDICATORS))
            return sum(int(n == len(engine.INDICATORS)) for n in per_county.values()), dict(parts)

        def school_rate(result: Balanced, stage=stage, by_child=True):
            if result.judged is None:
                return None, {}
            rows = result.judged.filter(pl.col("stage") == stage)
            if rows.is_empty():
                return None, {}
            tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
            for code, passed in rows.select("code", "passed").iter_rows():
                if by_child:
                    pk, region = places.get(code, (None, ""))
                    key = find(region, pk)
                    if key is not None:
                        tally[key][0] += int(bool(passed))
                        tally[key][1] += 1
            total, good = rows.height, int(rows["passed"].sum())
            return _pct(good, total), {k: _pct(g, n) for k, (g, n) in tally.items()}

        value, parts = cv_value(now)
        previous, _ = cv_value(before)
        years = "、".join(sorted({f"{y}—{y + 1}学年" for y in now.years.values()})) or "无统计数据"
        src = (f"monitoring.selectors.stats_frame + engine.county_cvs（与优质均衡监测页同一算法）：{years}，"
               f"各县取 {max(now.years.values(), default='—')} 年及以前最近一学年")
        if single or not county_level:
            metrics.append(Metric(
                f"monitoring.balanced_cv_{stage}", f"{label}差异系数达标项数", value, "项", previous,
                limit=len(engine.INDICATORS) if county_level else None, url=url, source=src,
                note=("差异系数是县域指标，乡镇不单独计算" if not county_level else
                      f"7 项校际差异系数中不超过{label}限值的项数（优质均衡要求 7 项全部达标）")))
        else:
            metrics.append(Metric(
                f"monitoring.balanced_cv_{stage}", f"{label}差异系数全部达标的县", value, "个", previous, url=url,
                breakdown=parts, source=src, note="7 项校际差异系数均不超过限值的县（区）数"))
        value, parts = school_rate(now)
        previous, _ = school_rate(before, by_child=False)
        metrics.append(Metric(
            f"monitoring.balanced_schools_{stage}", f"{label}学校达标率", value, "%", previous, limit=100, url=url,
            breakdown=parts, source=src.replace("county_cvs", "judge_schools"),
            note="达标学校 / 参评学校；学校达标：7 项指标至少 6 项达到标准，其余不低于标准的 85%"))
    return metrics


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def _pooled(results: list, population: int | None, rules) -> dict:
    frame = pl.concat([r.kindergartens.select(preschool.KINDERGARTEN_COLUMNS) for r in results])
    return preschool.evaluate(frame, population, rules).indicators


def _preschool_metrics(region_code: str, year: int, places, find, url: str) -> list[Metric]:
    reader = FigureReader(region_code)

    years = latest_years(reader, year)
    results = selectors.preschool_reports(reader, years)
    before = selectors.preschool_reports(reader, latest_years(reader, year - 1))
    single = len(results) == 1
    metrics = []

    def whole(res: dict) -> dict:
        """Each figure for the region: one county's own; several counties pooled (population summed, unknown when
        one county has none)."""
        if not res:
            return {}
        if len(res) == 1:
            return next(iter(res.values())).indicators
        people = [r.indicators for r in res.values()]
        population = None
        if all(p["gross_enrolment"]["value"] is not None for p in people):
            population = round(sum(int(r.kindergartens["children"].sum() or 0) / r.indicators["gross_enrolment"]["value"]
                                   for r in res.values()))
        limits = next(iter(res.values())).indicators
        rules = preschool.PreschoolRules(limits={k: v["limit"] for k, v in limits.items()})
        return _pooled(list(res.values()), population, rules)

    now_ind, before_ind = whole(results), whole(before)
    # breakdown: each child's kindergartens run through the engine (population only where the child is a whole
    # county or more: 毛入园率 of a town is not defined)
    child_frames: dict[str, list[pl.DataFrame]] = defaultdict(list)
    child_counties: dict[str, list[str]] = defaultdict(list)
    for county, result in results.items():
        frame = result.kindergartens.select(preschool.KINDERGARTEN_COLUMNS)
        key = find(county)
        if key is not None and not key.startswith("school:") and len(region_prefix(key)) <= 6:
            child_counties[key].append(county)
            continue
        keys = [find(places.get(code, (None, ""))[1], places.get(code, (None, ""))[0]) for code in frame["code"]]
        frame = frame.with_columns(pl.Series("_child", keys, dtype=pl.String))
        for (key,), rows in frame.filter(pl.col("_child").is_not_null()).group_by("_child"):
            child_frames[key].append(rows.drop("_child"))
    parts: dict[str, dict] = {}
    for key, counties in child_counties.items():
        parts[key] = whole({c: results[c] for c in counties})
    for key, frames in child_frames.items():
        limits = next(iter(results.values())).indicators
        rules = preschool.PreschoolRules(limits={k: v["limit"] for k, v in limits.items()})
        parts[key] = preschool.evaluate(pl.concat(frames), None, rules).indicators
    stamp = "、".join(sorted({f"{y}—{y + 1}学年" for c, y in years.items() if c in results})) or "无统计数据"
    src = f"monitoring.selectors.preschool_reports（与学前普及普惠页同一算法）：{stamp}"
    for code in PRESCHOOL_FIGURES:
        now = now_ind.get(code)
        prev = before_ind.get(code)
        limit = now["limit"] if now else (prev["limit"] if prev else preschool.DEFAULT_LIMITS[code])
        breakdown = {k: _ratio(ind.get(code)) for k, ind in parts.items()}
        metrics.append(Metric(
            f"monitoring.preschool_{code}", preschool.COUNTY_LABELS[code], _ratio(now), "%", _ratio(prev),
            limit=round(100 * limit, 1), url=url, breakdown={k: v for k, v in breakdown.items() if v is not None},
            source=src, note=(now or {}).get("note", "") if single or not now or now["value"] is None else ""))
    return metrics


def _ratio(indicator: dict | None) -> float | None:
    if not indicator or indicator["value"] is None:
        return None
    return round(100.0 * indicator["value"], 1)


def metrics(region_code: str, year: int, children) -> list:
    reader = FigureReader(region_code)
    find = cockpit_child_finder(children)
    places = school_places(reader)
    prefix = region_prefix(region_code)
    url = reverse("monitoring:balanced") + (f"?county={prefix}" if len(prefix) == 6 else "")
    now, before = balanced(reader, year), balanced(reader, year - 1)
    preschool_url = reverse("monitoring:preschool") + (f"?county={prefix}" if len(prefix) == 6 else "")
    return (_balanced_metrics(region_code, now, before, places, find, url)
            + _preschool_metrics(region_code, year, places, find, preschool_url))


def balanced_pass_by_school(region_code: str, year: int) -> dict[int, int]:
    """1 when the school reaches the 优质均衡 school standard in every stage it has, 0 otherwise, on its county's
    latest statistics year ≤ year; schools without statistics are left out (drawn grey)."""
    reader = FigureReader(region_code)
    result = balanced(reader, year)
    if result.judged is None:
        return {}
    places = school_places(reader)
    out = {}
    for code, passed in result.judged.group_by("code").agg(pl.col("passed").all()).iter_rows():
        if code in places:
            out[places[code][0]] = int(bool(passed))
    return out


def register_cockpit() -> None:
    register_cockpit_section("monitoring", "评估监测", metrics, order=50)
    register_map_layer("monitoring.balanced_pass", "优质均衡学校达标", balanced_pass_by_school, flag=True)
