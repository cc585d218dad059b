"""Reads for frameworks, scoped through visible_to(user); the tree flattened for display."""

from django.db.models import Count

from dudao.frameworks.models import Framework
from dudao.frameworks.scoring import build_tree, weight_problems
from dudao.frameworks.sources import source_label

OPS = {">=": "≥", "<=": "≤"}


def framework_list(user):
    return Framework.objects.visible_to(user).select_related("region").order_by("kind", "name", "-version")


def rule_text(rule: dict | None) -> str:
    rule = rule or {}
    kind = rule.get("kind")
    if kind == "points":
        return f"分值（满分 {rule['max']:g}）"
    if kind == "levels":
        return "等级（" + "、".join(f"{k}={v:g}" for k, v in rule["levels"].items()) + "）"
    if kind == "yesno":
        return "达标 / 不达标"
    if kind == "numeric":
        unit = rule.get("unit", "")
        origin = source_label(rule["source"]) if "source" in rule else ""
        origin = f"（数据来源：{origin}）" if origin else ""
        if rule.get("op") == "between":
            return f"数值 {rule['low']:g}—{rule['high']:g}{unit}{origin}"
        return f"数值 {OPS.get(rule.get('op'), '')} {rule.get('threshold', 0):g}{unit}{origin}"
    return "文字记录（不计分）"


def flat_rows(framework: Framework) -> list[dict]:
    """The tree top-down, one row per node, with its depth, rule text and share of the whole (for the page)."""
    tree = build_tree(framework.definition)
    rows = []

    def walk(code: str, depth: int, share: float) -> None:
        node = tree.nodes[code]
        siblings = tree.roots if node.parent is None else tree.nodes[node.parent].children
        total = sum(tree.nodes[c].weight for c in siblings) or 1
        mine = share * node.weight / total
        rows.append({"code": code, "name": node.name, "weight": node.weight, "depth": depth, "leaf": node.is_leaf,
                     "rule": rule_text(node.rule) if node.is_leaf else "", "veto": node.veto, "share": mine})
        for child in node.children:
            walk(child, depth + 1, mine)

    for root in tree.roots:
        walk(root, 0, 100.0)
    raw = {n["code"]: n for n in _raw_nodes(framework.definition.get("nodes", []))}
    for row in rows:
        row["evidence"] = "；".join(raw.get(row["code"], {}).get("evidence") or [])
    return rows


def _raw_nodes(nodes):
    """Every raw node dict of a nodes list, top-down."""
    for node in nodes:
        yield node
        yield from _raw_nodes(node.get("children") or [])


def raw_nodes(definition: dict):
    return _raw_nodes(definition.get("nodes", []))


def problems(framework: Framework) -> list[str]:
    return weight_problems(build_tree(framework.definition))


def versions(framework: Framework):
    return Framework.objects.filter(region=framework.region, family=framework.family).order_by("version")


def counts_by_kind(user) -> dict:
    return dict(Framework.objects.visible_to(user).values_list("kind").annotate(n=Count("id")))
