"""Benchmark for the 优质均衡 engine (issue 6): the whole nation in one call, against a straightforward
row-by-row pandas implementation of the same rules written here for comparison (same results asserted).

Run: .venv/bin/python bench/bench_monitoring.py           (engine: nation, and the pandas reference)
     .venv/bin/python bench/bench_monitoring.py engine    (engine only)
Prints its figures; docs/benchmarks.md records the latest ones.

The nation: 200,000 compulsory schools in 2,895 counties (primary 55%, junior 24%, 九年一贯制 12%, 完全中学 3%,
十二年一贯制 1%, 教学点 3% of which about half under 50 pupils, 特教 1%, 中职 1%), resources drawn around the
standards so that about a third of the schools fail and a few hundred county CVs fail.
"""

import math
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dudao.monitoring import engine  # noqa: E402
from dudao.monitoring.engine import ENROLMENT, INDICATORS, RESOURCES, BalancedRules  # noqa: E402

SCHOOLS = 200_000
COUNTIES = 2_895
TYPES = ["primary", "junior", "nine_year", "complete_secondary", "twelve_year", "teaching_point", "special",
         "vocational"]
TYPE_SHARE = [0.55, 0.24, 0.12, 0.03, 0.01, 0.03, 0.01, 0.01]


def nation(seed: int = 6) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    types = rng.choice(TYPES, size=SCHOOLS, p=TYPE_SHARE)
    size = rng.lognormal(6.3, 0.7, SCHOOLS).round()
    primary = np.where(np.isin(types, ["primary", "nine_year", "twelve_year", "special"]), size, 0)
    primary = np.where(types == "teaching_point", rng.integers(10, 120, SCHOOLS), primary)
    junior = np.where(np.isin(types, ["junior", "nine_year", "complete_secondary", "twelve_year"]),
                      (size * rng.uniform(0.4, 0.9, SCHOOLS)).round(), 0)
    junior = np.where(types == "junior", size, junior)
    senior = np.where(np.isin(types, ["complete_secondary", "twelve_year", "vocational"]),
                      (size * rng.uniform(0.3, 0.8, SCHOOLS)).round(), 0)
    n = primary + 1.1 * junior + 1.32 * senior
    county_spread = rng.uniform(0.05, 0.45, COUNTIES)  # some counties are far less even than others
    county = rng.integers(0, COUNTIES, SCHOOLS)

    def resource(per_pupil: float) -> np.ndarray:
        factor = rng.lognormal(0.05, county_spread[county])
        return np.maximum(0, n * per_pupil * factor)

    return pl.DataFrame({
        "county": [f"{100000 + c:06d}" for c in county],
        "code": [f"{3000000000 + i:010d}" for i in range(SCHOOLS)],
        "name": [f"学校{i}" for i in range(SCHOOLS)],
        "school_type": types,
        "students_primary": primary.astype(np.int64), "students_junior": junior.astype(np.int64),
        "students_senior": senior.astype(np.int64),
        "qualified_teachers": resource(0.050).round(), "backbone_teachers": resource(0.012).round(),
        "pe_teachers": resource(0.006).round(), "art_teachers": resource(0.005).round(),
        "teaching_area": resource(5.6), "indoor_sports_area": resource(0.4), "sports_area": resource(9.5),
        "equipment_wan": resource(0.25), "multimedia_rooms": resource(0.026).round(),
    })


# ---- the reference: what a straightforward pandas version of the same rules looks like ----------------

FORMULAS = {
    "qualified_teachers": lambda r, n: r["qualified_teachers"] * 100 / n,
    "backbone_teachers": lambda r, n: r["backbone_teachers"] * 100 / n,
    "pe_art_teachers": lambda r, n: (r["pe_teachers"] + r["art_teachers"]) * 100 / n,
    "teaching_space": lambda r, n: (r["teaching_area"] - r["indoor_sports_area"]) / n,
    "sports_space": lambda r, n: r["sports_area"] / n,
    "equipment_value": lambda r, n: r["equipment_wan"] * 10_000 / n,
    "multimedia_rooms": lambda r, n: r["multimedia_rooms"] * 100 / n,
}


def pandas_reference(schools, rules: BalancedRules):
    import pandas as pd

    df = pd.DataFrame(schools.to_dict(as_series=False))
    parts = []
    for _, row in df.iterrows():
        total = row["students_primary"] + row["students_junior"] + row["students_senior"]
        if row["school_type"] in rules.excluded_types:
            continue
        if row["school_type"] == "teaching_point" and total < rules.teaching_point_min_students:
            continue
        weighted = sum(rules.split_weights[s] * row[c] for s, c in ENROLMENT.items())
        for stage in engine.STAGES:
            n = row[ENROLMENT[stage]]
            if n <= 0:
                continue
            share = rules.split_weights[stage] * n / weighted
            resources = {r: row[r] * share for r in RESOURCES}
            part = {"county": row["county"], "code": row["code"], "stage": stage, "students": n}
            met, min_ratio = 0, math.inf
            for indicator in INDICATORS:
                value = FORMULAS[indicator](resources, n)
                part[indicator] = value
                ratio = value / rules.standards[stage][indicator]
                met += ratio >= 1 - engine.EPS
                min_ratio = min(min_ratio, ratio)
            part["met"] = met
            part["passed"] = met >= rules.min_met and min_ratio >= rules.floor_ratio - engine.EPS
            parts.append(part)
    parts = pd.DataFrame(parts)

    cvs, levels = {}, {}
    for (county, stage), group in parts.groupby(["county", "stage"]):
        p = group["students"].astype(float).to_numpy()
        for indicator in INDICATORS:
            x = group[indicator].to_numpy()
            if len(x) < 2:
                continue
            cv = _cv(p, x)
            cvs[(county, stage, indicator)] = cv
            if cv > rules.cv_limits[stage] + engine.EPS:
                lo, hi = x.min(), x.max()
                for _ in range(60):
                    mid = (lo + hi) / 2
                    if _cv(p, np.maximum(x, mid)) <= rules.cv_limits[stage]:
                        hi = mid
                    else:
                        lo = mid
                levels[(county, stage, indicator)] = hi
    gaps = 0
    for _, part in parts[~parts["passed"]].iterrows():
        for indicator in INDICATORS:
            gaps += part[indicator] / rules.standards[part["stage"]][indicator] < 1 - engine.EPS
    return parts, cvs, levels, gaps


def _cv(p, x):
    mean = (p * x).sum() / p.sum()
    return math.sqrt((p / p.sum() * (x - mean) ** 2).sum()) / mean


def main():
    only_engine = sys.argv[1:] == ["engine"]
    schools = nation()
    rules = BalancedRules()
    engine.evaluate(schools.head(2000), rules)  # warm-up: polars compiles its plans once per process
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        result = engine.evaluate(schools, rules)
        timings.append(time.perf_counter() - started)
    fast = min(timings)
    failing_cvs = result.cvs.filter(pl.col("passed") == False).height  # noqa: E712
    print(f"engine, nation: {SCHOOLS:,} schools, {COUNTIES:,} counties → {result.schools.height:,} school parts, "
          f"{result.cvs.height:,} CVs ({failing_cvs:,} failing), {result.school_gaps.height:,} school gaps, "
          f"{result.cv_fixes.height:,} lifts; best of 3: {fast:.2f} s (runs {', '.join(f'{t:.2f}' for t in timings)})")
    if only_engine:
        return
    started = time.perf_counter()
    parts, cvs, levels, gaps = pandas_reference(schools, rules)
    slow = time.perf_counter() - started
    print(f"pandas row by row: {slow:.1f} s → the engine is {slow / fast:.0f}× faster")

    # Same results.
    ours = result.schools.sort("code", "stage")
    theirs = parts.sort_values(["code", "stage"])
    assert ours.height == len(theirs)
    assert (ours["passed"].to_numpy() == theirs["passed"].to_numpy()).all()
    assert (ours["met"].to_numpy() == theirs["met"].to_numpy()).all()
    for indicator in INDICATORS:
        assert np.allclose(ours[indicator].to_numpy(), theirs[indicator].to_numpy(), rtol=1e-9)
    defined = result.cvs.filter(pl.col("cv").is_not_null())
    assert defined.height == len(cvs)
    for county, stage, indicator, cv in defined.select("county", "stage", "indicator", "cv").iter_rows():
        assert math.isclose(cv, cvs[(county, stage, indicator)], rel_tol=1e-9)
    lifts = result.cv_fixes.group_by("county", "stage", "indicator").agg(pl.col("level").first())
    assert lifts.height == len(levels)
    for county, stage, indicator, level in lifts.iter_rows():
        assert math.isclose(level, levels[(county, stage, indicator)], rel_tol=1e-6)
    assert result.school_gaps.height == gaps
    print("same results: school parts, met/passed, 7 values, every CV, every lift level, every school gap")


if __name__ == "__main__":
    main()
