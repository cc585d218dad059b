"""Every audit action the code writes has a Chinese label (the home page's 最近变更 and the audit log show the
label, never a code such as inspection.self_score). The source is scanned: a call that names an action must
give it as a literal, a conditional between literals, or an f-string listed below with its values."""

import ast
from pathlib import Path

from dudao.core.models import ACTION_LABELS
from dudao.rectification.models import CaseStep

ROOT = Path(__file__).resolve().parents[2] / "dudao"
WRITERS = {"audit_record", "audit_records"}
# f-string actions and every value they can take.
TEMPLATED = {"f'case.{step}'": [f"case.{step}" for step in CaseStep.values]}


def _actions_in(expression: ast.expr) -> list[str] | None:
    if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
        return [expression.value]
    if isinstance(expression, ast.IfExp):
        body, orelse = _actions_in(expression.body), _actions_in(expression.orelse)
        return None if body is None or orelse is None else body + orelse
    return TEMPLATED.get(ast.unparse(expression))


def written_actions() -> tuple[dict[str, str], list[str]]:
    actions, unknown = {}, []
    for path in sorted(ROOT.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            where = f"{path.relative_to(ROOT.parent)}:{node.lineno}"
            is_log = name in WRITERS or (name in {"create", "AuditLog"} and "AuditLog" in ast.unparse(node.func))
            for keyword in node.keywords:
                if keyword.arg != "action" or not is_log or path.name == "audit.py" and path.parent.name == "core":
                    continue
                found = _actions_in(keyword.value)
                if found is None:
                    unknown.append(f"{where}: {ast.unparse(keyword.value)}")
                for action in found or []:
                    actions.setdefault(action, where)
    return actions, unknown


def test_every_action_written_has_a_chinese_label():
    actions, unknown = written_actions()
    assert unknown == [], "name the action as a literal (or add the f-string to TEMPLATED)"
    assert len(actions) > 70 and "inspection.self_score" in actions and "case.decided" in actions
    missing = {action: where for action, where in actions.items() if action not in ACTION_LABELS}
    assert missing == {}
    assert all(str(label).strip() and not str(label).isascii() for label in ACTION_LABELS.values())
