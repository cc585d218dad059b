"""Pure functions of 迎检 (no Django): the indicator list's tree (parents derived from the numbering, cycles and
unknown parents found, weight totals checked), the self-score roll-up and the board's percentages.

Numbering: "1" → "1.1" → "1.1.1". A row may name its parent (上级编号); when it does not, the parent is the code
without its last ".part" ("1.2.3" → "1.2"); a code without a dot is a top-level indicator. Errors make the
import fail; warnings (weights that do not add up) only need the office's confirmation."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

TOLERANCE = 0.01


@dataclass
class IndicatorRow:
    """One row of the imported list (`row`: the sheet's row number, for messages)."""

    row: int
    code: str
    text: str
    parent: str = ""  # as typed; "" derives it from the code
    weight: float | None = None
    materials: str = ""


@dataclass
class Problem:
    row: int | None
    column: str  # "code" | "parent" | "weight" | ""
    message: str


@dataclass
class IndicatorTree:
    """The rows in file order with each one's resolved parent code (None: top level) and depth."""

    rows: list[IndicatorRow]
    parents: dict[str, str | None]
    depth: dict[str, int]
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def children(self, code: str | None) -> list[IndicatorRow]:
        return [r for r in self.rows if self.parents.get(r.code) == code]


def derived_parent(code: str) -> str | None:
    """"1.2.3" → "1.2"; "1" → None."""
    return code.rsplit(".", 1)[0] if "." in code else None


def _fmt(value: float) -> str:
    return f"{value:g}"


def build_indicator_tree(rows: Iterable[IndicatorRow]) -> IndicatorTree:
    """Resolve parents, find duplicates, unknown parents and cycles (errors), and weight totals that are not 100
    or not their parent's (warnings, only where every sibling has a weight)."""
    rows = list(rows)
    errors: list[Problem] = []
    first_row: dict[str, int] = {}
    unique: list[IndicatorRow] = []
    for r in rows:
        if r.code in first_row:
            errors.append(Problem(r.row, "code", f"编号“{r.code}”与第 {first_row[r.code]} 行重复。"))
        else:
            first_row[r.code] = r.row
            unique.append(r)
    parents: dict[str, str | None] = {}
    for r in unique:
        parent = r.parent.strip() if r.parent else derived_parent(r.code)
        if parent == r.code:
            errors.append(Problem(r.row, "parent", f"指标“{r.code}”的上级编号不能是它自己。"))
            parent = None
        elif parent is not None and parent not in first_row:
            how = "上级编号" if r.parent else "按编号推出的上级指标"
            errors.append(Problem(r.row, "parent", f"{how}“{parent}”在表中不存在。"))
            parent = None
        parents[r.code] = parent
    depth: dict[str, int] = {}
    in_cycle: set[str] = set()
    for r in unique:
        seen: list[str] = []
        code: str | None = r.code
        while code is not None and code not in depth:
            if code in seen:
                loop = seen[seen.index(code):]
                if not in_cycle.intersection(loop):
                    chain = " → ".join(loop + [code])
                    errors.append(Problem(first_row[code], "parent", f"编号的上下级关系形成循环：{chain}。"))
                in_cycle.update(loop)
                break
            seen.append(code)
            code = parents[code]
        base = depth.get(code, -1) if code is not None and code not in in_cycle else -1
        for offset, c in enumerate(reversed(seen)):
            depth[c] = base + 1 + offset if c not in in_cycle else 0
    tree = IndicatorTree(rows=unique, parents=parents, depth=depth, errors=errors)
    if not errors:
        tree.warnings = weight_warnings(tree)
    return tree


def weight_warnings(tree: IndicatorTree) -> list[Problem]:
    """Top level not summing to 100, children not summing to their parent (only where all have weights)."""
    warnings: list[Problem] = []
    top = tree.children(None)
    weights = [r.weight for r in top]
    if top and all(w is not None for w in weights):
        total = sum(weights)
        if abs(total - 100) > TOLERANCE:
            warnings.append(Problem(None, "weight", f"一级指标分值合计为 {_fmt(total)}，不是 100。"))
    elif any(w is not None for w in weights):
        warnings.append(Problem(None, "weight", "部分一级指标没有填写分值，无法核对合计。"))
    by_code = {r.code: r for r in tree.rows}
    for code, parent in by_code.items():
        kids = tree.children(code)
        if not kids or parent.weight is None:
            continue
        kid_weights = [k.weight for k in kids]
        if all(w is not None for w in kid_weights):
            total = sum(kid_weights)
            if abs(total - parent.weight) > TOLERANCE:
                warnings.append(Problem(parent.row, "weight", f"指标“{code}”分值为 {_fmt(parent.weight)}，"
                                                              f"其下级指标分值合计为 {_fmt(total)}。"))
    return warnings


def ordered(tree: IndicatorTree) -> list[IndicatorRow]:
    """The tree read top down (each parent, then its children in file order: 1, 1.1, 1.2, 2, 2.1): parents come
    before their children, the order to create rows in, and the order the pages list them in."""
    kids: dict[str | None, list[IndicatorRow]] = {}
    for r in tree.rows:
        kids.setdefault(tree.parents.get(r.code), []).append(r)
    result: list[IndicatorRow] = []
    stack = list(reversed(kids.get(None, [])))
    while stack:
        row = stack.pop()
        result.append(row)
        stack.extend(reversed(kids.get(row.code, [])))
    return result


# ---- self-scoring ------------------------------------------------------------------------------------------------

def score_problem(score: float | None, weight: float | None, code: str) -> str:
    """Why a leaf score is refused ("" when it is fine): within 0..weight (0..100 without a weight)."""
    if score is None:
        return ""
    if score != score or score < 0:
        return f"指标“{code}”的自评得分不能为负数。"
    top = 100.0 if weight is None else weight
    if score > top + 1e-9:
        return f"指标“{code}”的自评得分 {_fmt(score)} 超过其分值 {_fmt(top)}。"
    return ""


def roll_up_points(parents: Mapping[int, int | None], leaf_scores: Mapping[int, float | None]) -> dict[int, float | None]:
    """Each node's score in points: a leaf's own score; a parent's the sum of its children's scores over those
    scored (None while none is). `parents`: node id → parent id (None at the top). Returns every node's score and
    the total under key 0 (the sum of the top level)."""
    children: dict[int | None, list[int]] = {}
    for node, parent in parents.items():
        children.setdefault(parent, []).append(node)

    scores: dict[int, float | None] = {}

    def visit(node: int) -> float | None:
        kids = children.get(node, [])
        if not kids:
            value = leaf_scores.get(node)
        else:
            values = [v for v in (visit(k) for k in kids) if v is not None]
            value = round(sum(values), 4) if values else None
        scores[node] = value
        return value

    top = [v for v in (visit(n) for n in children.get(None, [])) if v is not None]
    scores[0] = round(sum(top), 4) if top else None
    return scores


# ---- board --------------------------------------------------------------------------------------------------------

def percent(done: int, total: int) -> int:
    """Whole per cent, rounded half up; 0 of 0 is 0."""
    return (done * 100 + total // 2) // total if total else 0
