"""Edits of a framework definition as plain data (no Django): add, change, move and remove nodes, and change
the settings. Each returns a new definition; the service checks it and saves it."""

import copy

from dudao.frameworks.scoring import rule_problems


class EditError(ValueError):
    pass


def _find(nodes: list[dict], code: str) -> tuple[list[dict], int] | None:
    for i, node in enumerate(nodes):
        if node["code"] == code:
            return nodes, i
        found = _find(node.get("children") or [], code)
        if found:
            return found
    return None


def _codes(nodes: list[dict]) -> set[str]:
    out = set()
    for node in nodes:
        out.add(node["code"])
        out |= _codes(node.get("children") or [])
    return out


def leaf_rule(kind: str, *, max_points=None, levels: str = "", op: str = "", threshold=None, low=None, high=None,
              unit: str = "", source: dict | None = None) -> dict:
    """A leaf rule from the editor's fields; raises EditError with the rule's problems in Chinese. `source`: where
    a numeric check point reads its value (frameworks.sources), e.g. {"key": "quality.pass_rate", …}."""
    rule: dict = {"kind": kind}
    if kind == "points":
        rule["max"] = max_points
    elif kind == "levels":
        try:
            rule["levels"] = {k.strip(): float(v) for k, v in (p.split("=") for p in levels.replace("；", ";").split(";")
                                                               if p.strip())}
        except ValueError:
            raise EditError("等级格式应为 A=10;B=8;C=6;D=0。") from None
    elif kind == "numeric":
        rule.update({"op": op, **({"threshold": threshold} if op != "between" else {"low": low, "high": high})})
        if unit:
            rule["unit"] = unit
    if source:
        rule["source"] = source
    problems = rule_problems(rule)
    if problems:
        raise EditError("；".join(problems))
    return rule


def add_node(definition: dict, parent: str | None, node: dict) -> dict:
    """Add a node under `parent` (None: a top-level indicator). A leaf that gains a child stops being scored."""
    definition = copy.deepcopy(definition)
    code = (node.get("code") or "").strip()
    if not code:
        raise EditError("请填写编码。")
    if code in _codes(definition["nodes"]):
        raise EditError(f"编码 {code} 已存在。")
    node = {**node, "code": code}
    if parent:
        found = _find(definition["nodes"], parent)
        if not found:
            raise EditError(f"上级指标 {parent} 不存在。")
        siblings, i = found
        host = siblings[i]
        for key in ("rule", "veto", "evidence"):
            host.pop(key, None)
        host.setdefault("children", []).append(node)
    else:
        definition["nodes"].append(node)
    return definition


def update_node(definition: dict, code: str, changes: dict) -> dict:
    definition = copy.deepcopy(definition)
    found = _find(definition["nodes"], code)
    if not found:
        raise EditError(f"指标 {code} 不存在。")
    siblings, i = found
    node = siblings[i]
    if node.get("children"):
        changes = {k: v for k, v in changes.items() if k in ("name", "weight")}
    node.update(changes)
    return definition


def remove_node(definition: dict, code: str) -> dict:
    definition = copy.deepcopy(definition)
    found = _find(definition["nodes"], code)
    if not found:
        raise EditError(f"指标 {code} 不存在。")
    siblings, i = found
    del siblings[i]
    return definition


def move_node(definition: dict, code: str, step: int) -> dict:
    definition = copy.deepcopy(definition)
    found = _find(definition["nodes"], code)
    if not found:
        raise EditError(f"指标 {code} 不存在。")
    siblings, i = found
    j = i + step
    if 0 <= j < len(siblings):
        siblings[i], siblings[j] = siblings[j], siblings[i]
    return definition


def update_settings(definition: dict, *, levels: str, lowest_level: str, combine: str, spread: float) -> dict:
    """levels as "优秀=90;良好=75;合格=60" (any order; kept highest first)."""
    definition = copy.deepcopy(definition)
    try:
        pairs = [(float(v), k.strip()) for k, v in (p.split("=") for p in levels.replace("；", ";").split(";") if p.strip())]
    except ValueError:
        raise EditError("等级线格式应为 优秀=90;良好=75;合格=60。") from None
    if not pairs or any(not 0 <= v <= 100 or not k for v, k in pairs):
        raise EditError("等级线应为 0—100 之间的分数，且每级有名称。")
    if not (lowest_level or "").strip():
        raise EditError("请填写最低等级名称（如 不合格）。")
    if combine not in ("mean", "trimmed", "leader"):
        raise EditError("未知的专家评分合成方式。")
    if not 0 <= spread <= 1:
        raise EditError("专家分歧提示线应在 0—1 之间（占该项分值的比例）。")
    definition["settings"] = {**(definition.get("settings") or {}),
                              "levels": [[v, k] for v, k in sorted(pairs, reverse=True)],
                              "lowest_level": lowest_level.strip(), "combine": combine, "spread": spread}
    return definition
