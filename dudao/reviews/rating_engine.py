"""述职评议 numbers: pure functions, no Django.

Each rater records a value per check point (leaf) for each reporter; a value becomes a fraction of the leaf's
credit through the frameworks engine (scoring.leaf_fraction). For one reporter and one leaf the raters'
fractions combine by the session's rule:
- mean: the plain mean;
- trimmed: without the single highest and the single lowest value when there are at least 3 raters (else the mean);
- median: the middle value (the mean of the two middle ones for an even count).
The combined fractions roll up through the framework's weights (scoring.roll_up) to a 0–100 score; reporters are
ranked by score (ties share a rank and the next rank skips: 1, 2, 2, 4) and given the framework's level
(scoring.level_of; a failed veto leaf gives the lowest level)."""

from collections.abc import Mapping
from dataclasses import dataclass

from dudao.frameworks.scoring import Tree, leaf_fraction, level_of, roll_up

RULES = {"mean": "平均", "trimmed": "去掉一个最高分和一个最低分后平均", "median": "中位数"}
EPSILON = 1e-9


def combine_fractions(fractions: list[float], rule: str) -> float | None:
    """Several raters' fractions for one leaf → one (None when there are none)."""
    if not fractions:
        return None
    values = sorted(fractions)
    if rule == "median":
        mid = len(values) // 2
        return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2
    if rule == "trimmed" and len(values) >= 3:
        values = values[1:-1]
    return sum(values) / len(values)


@dataclass
class ReporterResult:
    key: object                          # the caller's id of the reporter
    score: float | None                  # 0–100, None when nothing was scored
    level: str
    rank: int | None
    raters: int                          # raters who scored at least one leaf of this reporter
    leaves: dict[str, float | None]      # each leaf's combined fraction
    vetoed: list[str]


def score_reporter(tree: Tree, values: Mapping[str, list], rule: str) -> tuple[dict, float | None, list[str]]:
    """One reporter: leaf code → the raters' recorded values. Returns (leaf fractions, 0–100 score, vetoed leaves).
    Raises scoring.ScoreError on a value a rule cannot take."""
    leaves: dict[str, float | None] = {}
    for node in tree.leaves:
        fractions = [f for f in (leaf_fraction(node, v) for v in values.get(node.code, [])) if f is not None]
        leaves[node.code] = combine_fractions(fractions, rule)
    nodes = roll_up(tree, leaves)
    scored = [(tree.nodes[c].weight, nodes[c]) for c in tree.roots if nodes[c] is not None]
    weight = sum(w for w, _s in scored)
    score = sum(w * s for w, s in scored) / weight if weight else None
    vetoed = [n.code for n in tree.leaves if n.veto and leaves[n.code] is not None and leaves[n.code] < 1 - EPSILON]
    return leaves, score, vetoed


def rank(scores: Mapping[object, float | None]) -> dict[object, int | None]:
    """Competition ranking, highest first: equal scores (to 1e-9) share a rank and the next rank skips; an
    unscored reporter has no rank."""
    ordered = sorted(((k, s) for k, s in scores.items() if s is not None), key=lambda kv: -kv[1])
    ranks: dict[object, int | None] = dict.fromkeys(scores)
    previous, current = None, 0
    for position, (key, score) in enumerate(ordered, 1):
        if previous is None or previous - score > EPSILON:
            current = position
        ranks[key] = current
        previous = score
    return ranks


def aggregate(tree: Tree, sheets: Mapping[object, Mapping[object, Mapping[str, object]]], rule: str) -> list[ReporterResult]:
    """All reporters: reporter key → rater key → {leaf code: value}. Returns the results in rank order (unscored
    last, in the given order)."""
    partial = {}
    for reporter, by_rater in sheets.items():
        values: dict[str, list] = {}
        raters = 0
        for scores in by_rater.values():
            if any(code in tree.nodes for code in scores):
                raters += 1
            for code, value in scores.items():
                values.setdefault(code, []).append(value)
        leaves, score, vetoed = score_reporter(tree, values, rule)
        partial[reporter] = (leaves, score, vetoed, raters)
    ranks = rank({k: v[1] for k, v in partial.items()})
    results = [ReporterResult(key, score, level_of(score, tree.settings, bool(vetoed)) if score is not None else "",
                              ranks[key], raters, leaves, vetoed)
               for key, (leaves, score, vetoed, raters) in partial.items()]
    return sorted(results, key=lambda r: (r.rank is None, r.rank or 0))


def low_leaves(leaves: Mapping[str, float | None], threshold: float) -> list[str]:
    """The leaves whose combined fraction is below the threshold (unscored leaves are not low)."""
    return [code for code, f in leaves.items() if f is not None and f < threshold - EPSILON]
