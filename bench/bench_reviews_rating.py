"""Benchmark of the 述职评议 aggregation engine (issue 21, reviews rating): the pure roll-up that runs when the office
closes a session. Sizes well above a county's (a county has ~10–40 reporters and ~9–30 raters).

Run: /work/main/.venv/bin/python bench/bench_reviews_rating.py
Prints the best of 5 runs for each size and rule."""

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dudao.frameworks.scoring import build_tree  # noqa: E402
from dudao.reviews.rating_engine import aggregate  # noqa: E402


def _tree(leaves: int):
    areas = max(1, leaves // 5)
    nodes = [{"code": f"A{a}", "name": f"方面{a}", "weight": 100 / areas, "children": [
        {"code": f"A{a}.{i}", "name": f"要点{i}", "weight": 20, "rule": {"kind": "points", "max": 10}}
        for i in range(1, 6)]} for a in range(1, areas + 1)]
    return build_tree({"nodes": nodes})


def _sheets(tree, reporters: int, raters: int, rng):
    codes = [n.code for n in tree.leaves]
    return {r: {k: {c: str(rng.randint(3, 10)) for c in codes} for k in range(raters)} for r in range(reporters)}


def main() -> None:
    rng = random.Random(21)
    for reporters, raters, leaves in ((40, 30, 10), (200, 50, 30)):
        tree = _tree(leaves)
        sheets = _sheets(tree, reporters, raters, rng)
        for rule in ("trimmed", "median"):
            best = min(_timed(tree, sheets, rule) for _ in range(5))
            values = reporters * raters * leaves
            print(f"{reporters:>5} reporters × {raters:>3} raters × {leaves:>3} leaves ({values:>9,} values) {rule:>8}: "
                  f"{best * 1000:8.1f} ms")


def _timed(tree, sheets, rule) -> float:
    start = time.perf_counter()
    aggregate(tree, sheets, rule)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
