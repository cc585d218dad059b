"""Benchmark for the level-quota engine (issue 21 item 5, dudao/inspections/quotas.py): a province-wide annual
assessment ranking of 100,000 targets with many ties (scores on a 0.5 grid), levels by quota, under 1 s.

Run: .venv/bin/python bench/bench_reviews_targets.py
Prints its figures; /work/wt/bench/targets.md records the latest ones.
"""

import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dudao.inspections.quotas import Entry, Quota, assign  # noqa: E402

QUOTAS = [Quota("优秀", 0.30, min_share=0.05), Quota("良好", 0.40), Quota("合格")]


def main() -> None:
    rng = random.Random(21)
    for n in (1_000, 10_000, 100_000):
        entries = [Entry(i, None if rng.random() < 0.01 else round(rng.gauss(80, 8) * 2) / 2,
                         vetoed=rng.random() < 0.005) for i in range(n)]
        start = time.perf_counter()
        outcome = assign(entries, QUOTAS, fail_below=60)
        took = time.perf_counter() - start
        print(f"{n:>7} targets: {took * 1000:8.1f} ms; levels {outcome.counts}; notes {len(outcome.notes)}")


if __name__ == "__main__":
    main()
