"""Scoring engine for indicator frameworks: pure functions, no Django.

A framework definition is a tree: {"nodes": [node, ...], "settings": {...}}; a node is
{"code": "A1", "name": str, "weight": float, "children": [node, ...]} or, for a leaf (考查要点),
{"code": "B1.2", "name": str, "weight": float, "rule": {...}, "veto": bool, "evidence": [str]}.

Leaf rules, each turning a recorded value into a fraction of the leaf's credit (0–1):
- {"kind": "points", "max": 10}                  value 0–10 → value / 10
- {"kind": "levels", "levels": {"A": 10, "B": 8, "C": 6, "D": 0}}    value "B" → 8 / 10 (the best level's points)
- {"kind": "yesno"}                               "达标" / true → 1; "不达标" / false → 0
- {"kind": "numeric", "op": ">=", "threshold": 85, "unit": "%"}      (also "<=", and "between" with "low"/"high")
- {"kind": "text"}                                recorded, never scored
A numeric leaf may also name a data source ({"source": {"key": "quality.pass_rate", ...}}, see sources.py): the
scoring form is prefilled from it; here only its key and parameters are checked.
A value of "N/A" (不适用) leaves the leaf out; its weight is shared among its scored siblings (re-weighting).

Roll-up: a node's score is the weighted mean of its children's scores over the children that are scored;
the root score is 0–100. Several experts' fractions for one leaf combine by the framework's method: mean,
trimmed mean (without the highest and the lowest when there are at least 3), or the team leader's value.
A leaf is flagged when experts differ by more than `spread` (a fraction of the leaf's credit).
A veto leaf (一票否决) whose combined fraction is below 1 fails the whole result, whatever the score.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import polars as pl

from dudao.frameworks.sources import source_problems

NA = "N/A"
DEFAULT_SETTINGS = {
    "levels": [[90, "优秀"], [75, "良好"], [60, "合格"]],
    "lowest_level": "不合格",
    "combine": "mean",          # mean | trimmed | leader
    "spread": 0.3,              # flag a leaf when experts differ by more than 30% of its credit
    "weight_tolerance": 0.01,   # sibling weights must sum to 100 (or to their parent's) within this share
}
YES = {"达标", "是", "yes", "true", "1", "符合"}
NO = {"不达标", "否", "no", "false", "0", "不符合"}


class ScoreError(ValueError):
    """A value the leaf's rule cannot take; the message is Chinese and names the leaf."""


@dataclass
class Node:
    code: str
    name: str
    weight: float
    parent: str | None
    children: list[str] = field(default_factory=list)
    rule: dict | None = None
    veto: bool = False

    @property
    def is_leaf(self) -> bool:
        return not self.children


@dataclass
class Tree:
    nodes: dict[str, Node]
    roots: list[str]
    settings: dict

    @property
    def leaves(self) -> list[Node]:
        return [n for n in self.nodes.values() if n.is_leaf]

    def depth_order(self) -> list[list[str]]:
        """Inner nodes grouped by depth, deepest first (the order of the roll-up)."""
        depth: dict[str, int] = {}
        for code, node in self.nodes.items():
            d, parent = 0, node.parent
            while parent is not None:
                d, parent = d + 1, self.nodes[parent].parent
            depth[code] = d
        inner = [c for c, n in self.nodes.items() if not n.is_leaf]
        return [[c for c in inner if depth[c] == d] for d in sorted({depth[c] for c in inner}, reverse=True)]


def build_tree(definition: Mapping) -> Tree:
    nodes: dict[str, Node] = {}

    def walk(raw: Mapping, parent: str | None) -> str:
        code = str(raw.get("code", "")).strip()
        if not code:
            raise ScoreError("指标缺少编码。")
        if code in nodes:
            raise ScoreError(f"指标编码 {code} 重复。")
        node = Node(code, str(raw.get("name", "")), float(raw.get("weight") or 0), parent,
                    rule=raw.get("rule"), veto=bool(raw.get("veto")))
        nodes[code] = node
        node.children = [walk(child, code) for child in raw.get("children") or []]
        if node.is_leaf and not node.rule:
            node.rule = {"kind": "points", "max": 100}
        return code

    roots = [walk(raw, None) for raw in definition.get("nodes", [])]
    return Tree(nodes, roots, {**DEFAULT_SETTINGS, **(definition.get("settings") or {})})


def weight_problems(tree: Tree) -> list[str]:
    """Sibling weights that do not add up: the top level to 100, each group of children to 100 (their share
    of the parent). Returned in Chinese; freezing a framework refuses while there are any."""
    problems = []
    tolerance = tree.settings["weight_tolerance"] * 100
    groups = [("一级指标", tree.roots)] + [(f"{n.code} 的下级指标", n.children) for n in tree.nodes.values() if n.children]
    for label, codes in groups:
        total = sum(tree.nodes[c].weight for c in codes)
        if abs(total - 100) > tolerance:
            problems.append(f"{label}权重合计 {total:g}，应为 100。")
    for node in tree.nodes.values():
        if node.weight < 0:
            problems.append(f"{node.code} 权重不能为负数。")
        if node.is_leaf:
            problems += [f"{node.code}：{p}" for p in rule_problems(node.rule or {})]
    return problems


def rule_problems(rule: Mapping) -> list[str]:
    kind = rule.get("kind")
    if "source" in rule:
        if kind != "numeric":
            return ["只有数值指标可以指定数据来源。"]
        problems = source_problems(rule["source"])
        if problems:
            return problems
    if kind == "points":
        return [] if isinstance(rule.get("max"), int | float) and rule["max"] > 0 else ["满分应为正数。"]
    if kind == "levels":
        levels = rule.get("levels") or {}
        ok = len(levels) >= 2 and all(isinstance(v, int | float) and v >= 0 for v in levels.values()) \
            and max(levels.values(), default=0) > 0
        return [] if ok else ["等级评分至少需要 2 个等级，且最高等级分数为正数。"]
    if kind == "numeric":
        if rule.get("op") in (">=", "<=") and isinstance(rule.get("threshold"), int | float):
            return []
        if rule.get("op") == "between" and all(isinstance(rule.get(k), int | float) for k in ("low", "high")) \
                and rule["low"] <= rule["high"]:
            return []
        return ["数值指标需要比较方式（≥、≤ 或区间）和标准值。"]
    if kind in ("yesno", "text"):
        return []
    return [f"未知的评分方式“{kind}”。"]


def leaf_fraction(node: Node, value) -> float | None:
    """The fraction of the leaf's credit a recorded value earns; None for N/A and text-only leaves."""
    rule = node.rule or {}
    kind = rule.get("kind")
    if kind == "text" or (isinstance(value, str) and value.strip().upper() == NA):
        return None
    if value is None or value == "":
        raise ScoreError(f"{node.code} {node.name}：未评分。")
    if kind == "points":
        number = _number(node, value)
        if not 0 <= number <= rule["max"]:
            raise ScoreError(f"{node.code} {node.name}：得分 {number:g} 超出 0—{rule['max']:g} 分。")
        return number / rule["max"]
    if kind == "levels":
        levels = rule["levels"]
        if str(value) not in levels:
            raise ScoreError(f"{node.code} {node.name}：等级“{value}”不在 {'、'.join(levels)} 中。")
        return levels[str(value)] / max(levels.values())
    if kind == "yesno":
        text = str(value).strip().lower()
        if value is True or text in YES:
            return 1.0
        if value is False or text in NO:
            return 0.0
        raise ScoreError(f"{node.code} {node.name}：请填写“达标”或“不达标”。")
    if kind == "numeric":
        number = _number(node, value)
        if rule["op"] == ">=":
            return 1.0 if number >= rule["threshold"] else 0.0
        if rule["op"] == "<=":
            return 1.0 if number <= rule["threshold"] else 0.0
        return 1.0 if rule["low"] <= number <= rule["high"] else 0.0
    raise ScoreError(f"{node.code} {node.name}：未知的评分方式。")


def _number(node: Node, value) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise ScoreError(f"{node.code} {node.name}：“{value}”不是数字。") from None
    if number != number:
        raise ScoreError(f"{node.code} {node.name}：“{value}”不是数字。")
    return number


def combine(fractions: list[float], method: str, leader: float | None = None) -> float:
    """Several experts' fractions for one leaf → one."""
    if method == "leader" and leader is not None:
        return leader
    if method == "trimmed" and len(fractions) >= 3:
        fractions = sorted(fractions)[1:-1]
    return sum(fractions) / len(fractions)


def level_of(score: float | None, settings: Mapping, vetoed: bool = False) -> str:
    if vetoed or score is None:
        return settings["lowest_level"]
    for minimum, label in settings["levels"]:
        if score >= minimum - 1e-9:
            return label
    return settings["lowest_level"]


@dataclass
class Evaluation:
    score: float | None                 # 0–100, None when nothing is scored
    level: str
    vetoed: list[str]                   # veto leaves that failed
    nodes: dict[str, float | None]      # every node's 0–100 score (None: all N/A)
    leaves: dict[str, float | None]     # each leaf's combined fraction
    disagreements: list[str]            # leaves where experts differ by more than the spread
    gaps: dict[str, float]              # self fraction − expert fraction, per leaf scored by both


def evaluate(tree: Tree, scores: Mapping[str, Iterable], leader_scores: Mapping[str, object] | None = None,
             self_scores: Mapping[str, object] | None = None) -> Evaluation:
    """One target: `scores` maps a leaf code to the experts' recorded values; the leader's value (for the
    "leader" method) and the target's self-assessment are optional. Raises ScoreError on a value a rule
    cannot take."""
    settings = tree.settings
    leaves: dict[str, float | None] = {}
    disagreements = []
    for node in tree.leaves:
        values = [leaf_fraction(node, v) for v in scores.get(node.code, [])]
        fractions = [f for f in values if f is not None]
        if not fractions:
            leaves[node.code] = None
            continue
        leader = leaf_fraction(node, leader_scores[node.code]) if leader_scores and node.code in leader_scores else None
        leaves[node.code] = combine(fractions, settings["combine"], leader)
        if max(fractions) - min(fractions) > settings["spread"] + 1e-12:
            disagreements.append(node.code)
    node_scores = roll_up(tree, leaves)
    root_total = [(tree.nodes[c].weight, node_scores[c]) for c in tree.roots if node_scores[c] is not None]
    weight = sum(w for w, _s in root_total)
    score = sum(w * s for w, s in root_total) / weight if weight else None
    vetoed = [n.code for n in tree.leaves if n.veto and leaves[n.code] is not None and leaves[n.code] < 1 - 1e-9]
    gaps = {}
    for code, value in (self_scores or {}).items():
        own = leaf_fraction(tree.nodes[code], value) if code in tree.nodes else None
        if own is not None and leaves.get(code) is not None:
            gaps[code] = own - leaves[code]
    return Evaluation(score, level_of(score, settings, bool(vetoed)), vetoed, node_scores, leaves, disagreements, gaps)


def roll_up(tree: Tree, leaves: Mapping[str, float | None]) -> dict[str, float | None]:
    """Every node's 0–100 score: leaves from their fraction, inner nodes as the weighted mean of scored children."""
    scores: dict[str, float | None] = {code: None if f is None else f * 100 for code, f in leaves.items()}
    for level in tree.depth_order():
        for code in level:
            children = [(tree.nodes[c].weight, scores.get(c)) for c in tree.nodes[code].children]
            scored = [(w, s) for w, s in children if s is not None]
            weight = sum(w for w, _s in scored)
            scores[code] = sum(w * s for w, s in scored) / weight if weight else None
    return scores


# ---- many targets at once (a province's annual assessment) ------------------------------------------------

def evaluate_many(tree: Tree, fractions: pl.DataFrame) -> pl.DataFrame:
    """Bulk roll-up. `fractions`: one row per target, leaf and expert — columns target (int), leaf (str),
    fraction (float, null = N/A), leader (bool). Returns per target: score (0–100), level, vetoed (bool),
    disagreements (count of leaves over the spread)."""
    settings = tree.settings
    frac = pl.col("fraction")
    grouped = fractions.lazy().filter(frac.is_not_null()).group_by("target", "leaf")
    if settings["combine"] == "trimmed":
        combined = grouped.agg(
            ((frac.sum() - pl.when(frac.count() >= 3).then(frac.max() + frac.min()).otherwise(0))
             / pl.when(frac.count() >= 3).then(frac.count() - 2).otherwise(frac.count())).alias("value"),
            (frac.max() - frac.min()).alias("range"))
    elif settings["combine"] == "leader":
        combined = grouped.agg(
            pl.when(pl.col("leader").any()).then(frac.filter(pl.col("leader")).first()).otherwise(frac.mean())
            .alias("value"), (frac.max() - frac.min()).alias("range"))
    else:
        combined = grouped.agg(frac.mean().alias("value"), (frac.max() - frac.min()).alias("range"))
    combined = combined.collect()
    parents = pl.DataFrame({"leaf": [n.code for n in tree.leaves],
                            "parent": [n.parent or "" for n in tree.leaves],
                            "weight": [n.weight for n in tree.leaves],
                            "veto": [n.veto for n in tree.leaves]}, schema={"leaf": pl.Utf8, "parent": pl.Utf8,
                                                                           "weight": pl.Float64, "veto": pl.Boolean})
    per_leaf = combined.join(parents, on="leaf")
    flags = per_leaf.group_by("target").agg(
        (pl.col("veto") & (pl.col("value") < 1 - 1e-9)).any().alias("vetoed"),
        (pl.col("range") > settings["spread"] + 1e-12).sum().cast(pl.Int64).alias("disagreements"))
    current = per_leaf.select("target", pl.col("leaf").alias("node"), (pl.col("value") * 100).alias("score"))
    for level in tree.depth_order():
        inner = set(level)
        edges = pl.DataFrame({"node": [c for c, n in tree.nodes.items() if n.parent in inner],
                              "parent": [n.parent for n in tree.nodes.values() if n.parent in inner],
                              "weight": [n.weight for n in tree.nodes.values() if n.parent in inner]},
                             schema={"node": pl.Utf8, "parent": pl.Utf8, "weight": pl.Float64})
        rolled = current.join(edges, on="node").group_by("target", "parent").agg(
            ((pl.col("score") * pl.col("weight")).sum() / pl.col("weight").sum()).alias("score"))
        done = set(edges["node"].to_list())
        current = pl.concat([current.filter(~pl.col("node").is_in(list(done))),
                             rolled.select("target", pl.col("parent").alias("node"), "score")])
    roots = pl.DataFrame({"node": tree.roots, "weight": [tree.nodes[c].weight for c in tree.roots]},
                         schema={"node": pl.Utf8, "weight": pl.Float64})
    totals = current.join(roots, on="node").group_by("target").agg(
        ((pl.col("score") * pl.col("weight")).sum() / pl.col("weight").sum()).alias("score"))
    result = totals.join(flags, on="target", how="left").with_columns(
        pl.col("vetoed").fill_null(False), pl.col("disagreements").fill_null(0))
    level = pl.lit(settings["lowest_level"])
    for minimum, label in reversed(settings["levels"]):
        level = pl.when(pl.col("score") >= minimum - 1e-9).then(pl.lit(label)).otherwise(level)
    return result.with_columns(
        pl.when(pl.col("vetoed")).then(pl.lit(settings["lowest_level"])).otherwise(level).alias("level")
    ).sort("target")
