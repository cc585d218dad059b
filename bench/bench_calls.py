"""Bench of the 征集评选 ranking engine (research/ranking.py, pure): a province-wide call of 5,000 entries, 5 experts
each, awards per category. Run: PYTHONPATH=. python bench/bench_calls.py"""

import random
import statistics
import time

from dudao.research.ranking import EntryInput, rank_entries


def main() -> None:
    rng = random.Random(24)
    entries = [EntryInput(i, i, f"2026-案例-{i:04d}", f"类别{i % 8}",
                          tuple(round(rng.uniform(50, 100), 1) for _ in range(5))) for i in range(1, 5001)]
    runs = []
    for _ in range(5):
        started = time.perf_counter()
        rows = rank_entries(entries, trim_min=5, quotas=[("first", 5), ("second", 10), ("third", 15), ("merit", 20)],
                            basis="share", per_category=True)
        runs.append(time.perf_counter() - started)
    assert len(rows) == 5000 and sum(1 for r in rows if r.award) > 0
    print(f"5000 entries × 5 experts, 8 categories: median {statistics.median(runs) * 1000:.0f} ms, "
          f"max {max(runs) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
