"""Frameworks as Excel rows and as JSON: export a definition, and read one back (all-or-nothing, every
problem named by sheet, row and column in Chinese). One row per node; a node's parent is named by code and
must come before it, so the file reads top-down like the printed 指标体系."""

import json

from dudao.core.errors import RowError
from dudao.core.tabular import (
    Column,
    SheetSpec,
    match_sheets,
    parse_sheet,
    read_upload,
    write_template_workbook,
)
from dudao.frameworks.scoring import ScoreError, build_tree, rule_problems

KINDS = {"分值": "points", "等级": "levels", "是否": "yesno", "数值": "numeric", "文字": "text"}
KIND_LABELS = {v: k for k, v in KINDS.items()}
OPS = {"≥": ">=", "≤": "<=", "区间": "between"}
OP_LABELS = {v: k for k, v in OPS.items()}

SPEC = SheetSpec("指标", [
    Column("编码", "code", required=True, max_length=32, help="如 A1、A1B2、A1B2.3；同一指标体系内不重复"),
    Column("上级编码", "parent", max_length=32, help="一级指标留空；上级须在本行之前"),
    Column("名称", "name", required=True, max_length=255),
    Column("权重", "weight", required=True, kind="number", help="同一上级下的权重合计 100"),
    Column("评分方式", "kind", kind="choice", choices=KINDS, help="末级指标填写：分值、等级、是否、数值、文字"),
    Column("满分", "max", kind="number", help="评分方式为“分值”时填写"),
    Column("等级", "levels", max_length=255, help="评分方式为“等级”时填写，如 A=10;B=8;C=6;D=0"),
    Column("比较", "op", kind="choice", choices=OPS, help="评分方式为“数值”时填写：≥、≤ 或 区间"),
    Column("标准值", "threshold", kind="number"),
    Column("下限", "low", kind="number"),
    Column("上限", "high", kind="number"),
    Column("单位", "unit", max_length=16),
    Column("一票否决", "veto", kind="bool"),
    Column("佐证材料", "evidence", max_length=1000, help="多项用“；”分隔"),
])


def definition_rows(definition: dict) -> list[list]:
    rows: list[list] = []

    def walk(node: dict, parent: str) -> None:
        rule = node.get("rule") or {}
        leaf = not node.get("children")
        levels = ";".join(f"{k}={v:g}" for k, v in (rule.get("levels") or {}).items())
        rows.append([node["code"], parent, node.get("name", ""), node.get("weight", 0),
                     KIND_LABELS.get(rule.get("kind"), "") if leaf else "", rule.get("max", ""), levels,
                     OP_LABELS.get(rule.get("op"), ""), rule.get("threshold", ""), rule.get("low", ""),
                     rule.get("high", ""), rule.get("unit", ""), "是" if node.get("veto") else "",
                     "；".join(node.get("evidence") or [])])
        for child in node.get("children") or []:
            walk(child, node["code"])

    for node in definition.get("nodes", []):
        walk(node, "")
    return rows


def workbook_bytes(definition: dict) -> bytes:
    return write_template_workbook([SPEC], {SPEC.name: definition_rows(definition)})


def definition_from_workbook(data: bytes, filename: str, settings: dict | None = None) -> tuple[dict, list[RowError]]:
    """The definition a workbook describes, and every problem found (the definition is only usable if none)."""
    try:
        sheets = read_upload(data, filename)
    except ValueError as exc:
        return {}, [RowError("", None, "", str(exc))]
    found, errors = match_sheets(sheets, [SPEC])
    if errors or SPEC.name not in found:
        return {}, errors or [RowError(SPEC.name, None, "", "未找到“指标”工作表。")]
    parsed = parse_sheet(found[SPEC.name], SPEC)
    nodes: dict[str, dict] = {}
    roots: list[dict] = []
    for row in parsed.rows:
        v = row.values
        code = v["code"]
        if code in nodes:
            parsed.error(row.row, "code", f"编码 {code} 重复")
            continue
        node = {"code": code, "name": v["name"], "weight": v["weight"], "children": []}
        if v["parent"]:
            parent = nodes.get(v["parent"])
            if parent is None:
                parsed.error(row.row, "parent", f"上级编码 {v['parent']} 不存在，或不在本行之前")
                continue
            parent["children"].append(node)
        else:
            roots.append(node)
        nodes[code] = node
        node["_row"] = row
    for node in nodes.values():
        row = node.pop("_row")
        if node["children"]:
            continue
        del node["children"]
        _leaf_from_row(node, row, parsed)
    errors = parsed.errors
    definition = {"nodes": roots, "settings": settings or {}}
    return definition, errors


def _leaf_from_row(node: dict, row, parsed) -> None:
    v = row.values
    kind = v["kind"]
    if not kind:
        parsed.error(row.row, "kind", "末级指标须填写评分方式")
        return
    rule: dict = {"kind": kind}
    if kind == "points":
        rule["max"] = v["max"]
    elif kind == "levels":
        try:
            rule["levels"] = {k.strip(): float(p) for k, p in (part.split("=") for part in v["levels"].split(";") if part.strip())}
        except ValueError:
            parsed.error(row.row, "levels", "等级格式应为 A=10;B=8;C=6")
            return
    elif kind == "numeric":
        rule.update(op=v["op"], threshold=v["threshold"], low=v["low"], high=v["high"])
        rule = {k: val for k, val in rule.items() if val is not None}
        if v["unit"]:
            rule["unit"] = v["unit"]
    for problem in rule_problems(rule):
        parsed.error(row.row, "kind", problem)
    node["rule"] = rule
    node["veto"] = bool(v["veto"])
    node["evidence"] = [e.strip() for e in (v["evidence"] or "").replace(";", "；").split("；") if e.strip()]


def definition_from_json(text: str) -> tuple[dict, list[RowError]]:
    try:
        definition = json.loads(text)
    except ValueError as exc:
        return {}, [RowError("JSON", None, "", f"不是有效的 JSON：{exc}")]
    if not isinstance(definition, dict) or not isinstance(definition.get("nodes"), list):
        return {}, [RowError("JSON", None, "nodes", "应为 {\"nodes\": [...], \"settings\": {...}}")]
    try:
        tree = build_tree(definition)
    except (ScoreError, TypeError, ValueError, AttributeError) as exc:
        return {}, [RowError("JSON", None, "", f"指标结构不正确：{exc}")]
    errors = [RowError("JSON", None, n.code, p) for n in tree.leaves for p in rule_problems(n.rule or {})]
    return definition, errors
