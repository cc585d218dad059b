"""Benchmark for the satisfaction engine (issue 7): a province's survey, 1,000,000 responses × 30 rated items,
aggregated (overall, per school, per item, per group, per school × item, low cells) in under 5 s.

Run: .venv/bin/python bench/bench_surveys_engine.py
Prints its figures; docs/benchmarks.md records the latest ones.

The frame is the engine's input (one row per rated answer: 30,000,000 rows) for 20,000 schools and 3 respondent
groups, drawn with numpy. Loading it from the database is measured separately on 100,000 responses (the JSON
answers are flattened in Python: that, not the engine, is what a province-wide figure costs from the database).
"""

import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dudao.surveys import engine  # noqa: E402  (pure: no Django)

RESPONSES, ITEMS, SCHOOLS = 1_000_000, 30, 20_000


def province_frame(seed: int = 7) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    school_of = rng.integers(0, SCHOOLS, RESPONSES)
    quality = rng.uniform(0.7, 0.98, SCHOOLS)[school_of]
    satisfied = rng.random((RESPONSES, ITEMS)) < quality[:, None]
    high = rng.choice(np.array([5, 4, 3], dtype=np.int8), (RESPONSES, ITEMS), p=[0.5, 0.4, 0.1])
    low = rng.choice(np.array([2, 1], dtype=np.int8), (RESPONSES, ITEMS), p=[0.7, 0.3])
    scores = np.where(satisfied, high, low).ravel()
    groups = np.array(["parent", "student", "teacher"])[rng.integers(0, 3, RESPONSES)]
    return pl.DataFrame({
        "response": np.repeat(np.arange(RESPONSES, dtype=np.int64), ITEMS),
        "school": np.repeat(school_of.astype(np.int64), ITEMS),
        "group": np.repeat(groups, ITEMS),
        "item": np.tile(np.array([f"q{i}" for i in range(1, ITEMS + 1)]), RESPONSES),
        "score": scores.astype(np.int8),
    }, schema=engine.SCHEMA)


def main() -> None:
    started = time.perf_counter()
    frame = province_frame()
    print(f"generated {frame.height:,} rated answers ({RESPONSES:,} responses × {ITEMS} items, {SCHOOLS:,} schools) "
          f"in {time.perf_counter() - started:.1f} s, {frame.estimated_size('mb'):.0f} MB")
    rules = engine.Rules()
    timings = {}
    started = time.perf_counter()
    result = engine.results(frame, rules)
    low = engine.low_items(result.cells)
    timings["all"] = time.perf_counter() - started
    print(f"  overall rate {result.overall['rate']:.3f} over {result.overall['responses']:,} responses; "
          f"{result.schools.height:,} schools ({int(result.schools['passes'].sum()):,} at 85% or more), "
          f"{result.items.height} items, {result.groups.height} groups, {result.cells.height:,} school × item cells, "
          f"{low.height} lowest cells listed")
    print(f"all aggregates (engine.results + low_items): {timings['all']:.2f} s (target < 5 s)")


if __name__ == "__main__":
    main()
