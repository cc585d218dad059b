"""Benchmark for the framework scoring engine (issue 4): a province's annual assessment, 5,000 targets ×
120 leaves × 3 experts, aggregated in under 10 s.

Run: .venv/bin/python bench/bench_frameworks_scoring.py [mean|trimmed|leader]
Prints its figures; docs/benchmarks.md records the latest ones.

The framework has 5 areas × 4 key indicators × 6 check points = 120 leaves with mixed rules (points, levels,
yes/no, numeric), 4 veto items, and a few leaves marked N/A per target (re-weighted). The input is the frame
`evaluate_many` takes: one row per target, leaf and expert (1,800,000 rows), drawn with numpy.
"""

import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dudao.frameworks.scoring import build_tree, evaluate, evaluate_many  # noqa: E402

TARGETS, EXPERTS = 5_000, 3
RULES = [{"kind": "points", "max": 10}, {"kind": "levels", "levels": {"A": 10, "B": 8, "C": 6, "D": 0}},
         {"kind": "yesno"}, {"kind": "numeric", "op": ">=", "threshold": 85}]


def framework(method: str) -> dict:
    areas = []
    for a in range(1, 6):
        keys = []
        for b in range(1, 5):
            leaves = [{"code": f"A{a}B{b}C{c}", "name": f"考查要点{a}.{b}.{c}", "weight": [20, 20, 15, 15, 15, 15][c - 1],
                       "rule": RULES[(a + b + c) % 4], "veto": (b == 4 and c == 6 and a <= 4)}
                      for c in range(1, 7)]
            keys.append({"code": f"A{a}B{b}", "name": f"关键指标{a}.{b}", "weight": 25, "children": leaves})
        areas.append({"code": f"A{a}", "name": f"领域{a}", "weight": 20, "children": keys})
    return {"nodes": areas, "settings": {"combine": method}}


def fractions(tree, seed: int = 4) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    leaves = tree.leaves
    n = TARGETS * len(leaves) * EXPERTS
    quality = rng.uniform(0.5, 0.95, TARGETS)
    target = np.repeat(np.arange(TARGETS), len(leaves) * EXPERTS)
    leaf_index = np.tile(np.repeat(np.arange(len(leaves)), EXPERTS), TARGETS)
    raw = np.clip(quality[target] + rng.normal(0, 0.12, n), 0, 1)
    kinds = np.array([n.rule["kind"] for n in leaves])[leaf_index]
    levels = np.select([raw > 0.9, raw > 0.7, raw > 0.4], [1.0, 0.8, 0.6], 0.0)  # A / B / C / D
    value = np.select([np.isin(kinds, ["yesno", "numeric"]), kinds == "levels"],
                      [(raw > 0.5).astype(float), levels], np.round(raw * 10) / 10)
    veto = np.array([n.veto for n in leaves])[leaf_index]
    failed = np.repeat(rng.random(TARGETS * len(leaves)) < 0.01, EXPERTS)  # a veto item fails for ~4% of targets
    value = np.where(veto, np.where(failed, 0.0, 1.0), value)
    na = rng.random(TARGETS * len(leaves)) < 0.02  # 2% of leaves not applicable to a target
    value = np.where(np.repeat(na, EXPERTS), np.nan, value)
    return pl.DataFrame({"target": target.astype(np.int64), "leaf": np.array([n.code for n in leaves])[leaf_index],
                         "fraction": value, "leader": np.tile(np.arange(EXPERTS) == 0, TARGETS * len(leaves))}
                        ).with_columns(pl.col("fraction").fill_nan(None))


def main() -> None:
    method = sys.argv[1] if len(sys.argv) > 1 else "trimmed"
    tree = build_tree(framework(method))
    frame = fractions(tree)
    print(f"{TARGETS:,} targets × {len(tree.leaves)} leaves × {EXPERTS} experts = {frame.height:,} scores "
          f"(combine: {method})")
    started = time.perf_counter()
    result = evaluate_many(tree, frame)
    elapsed = time.perf_counter() - started
    levels = dict(result.group_by("level").len().iter_rows())
    print(f"aggregated in {elapsed:.2f} s (target < 10 s): levels {levels}, "
          f"{int(result['vetoed'].sum()):,} vetoed, {int(result['disagreements'].sum()):,} leaves over the spread")
    # Spot check: ten targets through the one-target engine give the same scores.
    for target in range(0, TARGETS, TARGETS // 10):
        rows = frame.filter(pl.col("target") == target)
        scores: dict[str, list] = {}
        leader: dict[str, object] = {}
        for leaf, fraction, is_leader in rows.select("leaf", "fraction", "leader").iter_rows():
            node = tree.nodes[leaf]
            value = "N/A" if fraction is None else _value(node, fraction)
            scores.setdefault(leaf, []).append(value)
            if is_leader and fraction is not None:
                leader[leaf] = value
        one = evaluate(tree, scores, leader)
        bulk = result.filter(pl.col("target") == target).row(0, named=True)
        assert abs(one.score - bulk["score"]) < 1e-9 and one.level == bulk["level"], (target, one.score, bulk)
    print("spot check: 10 targets agree with the one-target engine")


def _value(node, fraction: float):
    kind = node.rule["kind"]
    if kind == "points":
        return fraction * 10
    if kind == "levels":
        return {1.0: "A", 0.8: "B", 0.6: "C", 0.0: "D"}[round(fraction, 1)]
    if kind == "yesno":
        return "达标" if fraction >= 0.5 else "不达标"
    return 90 if fraction >= 0.5 else 80


if __name__ == "__main__":
    main()
