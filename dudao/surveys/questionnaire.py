"""Questionnaire definitions and answers, as plain data (no Django): checking a definition before it is
published, skip logic, and checking one respondent's answers against the definition.

A definition is {"sections": [{"title": str, "questions": [question, ...]}, ...]}; a question is
{"code": "q3", "type": <TYPES>, "text": str, "required": bool, "options": [str] (single/multi),
 "rows": [str] (matrix statements), "labels": [5 str] (scale/matrix, best first), "min"/"max" (number),
 "show_if": {"code": "q2", "equals": "是"} (optional)}.

Answers are {"q1": 5, "q2": "是", "q3": ["A", "B"], "q4": {"1": 5, "2": 3}, "q5": 12, "q6": "text"}.
Scale values are 5 (best label) … 1 (worst label); matrix rows are keyed by their 1-based position.
"""

from collections.abc import Iterator, Mapping

TYPES = {
    "scale": "满意度量表",
    "matrix": "矩阵量表",
    "single": "单选",
    "multi": "多选",
    "number": "数值",
    "text": "简答",
    "textarea": "问答",
}
DEFAULT_LABELS = ["非常满意", "满意", "基本满意", "不满意", "非常不满意"]
TEXT_LIMITS = {"text": 200, "textarea": 2000}
MAX_QUESTIONS = 200


class DefinitionError(ValueError):
    """The definition cannot be published: `problems` lists each one in Chinese."""

    def __init__(self, problems: list[str]):
        super().__init__("；".join(problems))
        self.problems = problems


def questions(definition: Mapping) -> Iterator[dict]:
    for section in definition.get("sections", []):
        yield from section.get("questions", [])


def labels_of(question: Mapping) -> list[str]:
    return list(question.get("labels") or DEFAULT_LABELS)


def scale_items(definition: Mapping) -> list[tuple[str, str]]:
    """Every rated item as (item code, text): a scale question is one item, a matrix row is "q4.2"."""
    items = []
    for q in questions(definition):
        if q["type"] == "scale":
            items.append((q["code"], q["text"]))
        elif q["type"] == "matrix":
            items += [(f"{q['code']}.{i}", row) for i, row in enumerate(q.get("rows", []), 1)]
    return items


def check_definition(definition: Mapping) -> None:
    """Raise DefinitionError listing every problem; return None when the definition can be published."""
    problems: list[str] = []
    sections = definition.get("sections") or []
    if not sections:
        raise DefinitionError(["问卷没有任何栏目。"])
    seen: dict[str, dict] = {}
    count = 0
    for s_index, section in enumerate(sections, 1):
        if not str(section.get("title", "")).strip():
            problems.append(f"第 {s_index} 栏目缺少标题。")
        for q in section.get("questions", []):
            count += 1
            code = str(q.get("code", ""))
            where = f"题目 {code or count}"
            if not code or code in seen:
                problems.append(f"{where}：题号为空或重复。")
            if q.get("type") not in TYPES:
                problems.append(f"{where}：未知题型“{q.get('type')}”。")
                continue
            if not str(q.get("text", "")).strip():
                problems.append(f"{where}：题干为空。")
            if q["type"] in ("single", "multi"):
                options = q.get("options") or []
                if len(options) < 2 or len(set(options)) != len(options) or any(not str(o).strip() for o in options):
                    problems.append(f"{where}：选择题至少需要 2 个互不相同的非空选项。")
            if q["type"] in ("scale", "matrix") and len(labels_of(q)) != 5:
                problems.append(f"{where}：满意度量表应有 5 个等级。")
            if q["type"] == "matrix" and not q.get("rows"):
                problems.append(f"{where}：矩阵题至少需要 1 个陈述。")
            if q["type"] == "number" and q.get("min") is not None and q.get("max") is not None \
                    and q["min"] > q["max"]:
                problems.append(f"{where}：最小值大于最大值。")
            cond = q.get("show_if")
            if cond:
                source = seen.get(str(cond.get("code", "")))
                if source is None:
                    problems.append(f"{where}：显示条件引用的题目“{cond.get('code')}”不存在或不在本题之前。")
                elif source["type"] not in ("single", "scale") or (
                        source["type"] == "single" and cond.get("equals") not in source.get("options", [])):
                    problems.append(f"{where}：显示条件只能引用前面单选题的某个选项或量表题的某个等级。")
            if code:
                seen[code] = q
    if count == 0:
        problems.append("问卷没有任何题目。")
    if count > MAX_QUESTIONS:
        problems.append(f"题目过多（最多 {MAX_QUESTIONS} 题）。")
    if problems:
        raise DefinitionError(problems)


def is_shown(question: Mapping, answers: Mapping) -> bool:
    """Skip logic: a question with show_if is shown only when the earlier answer equals the value."""
    cond = question.get("show_if")
    if not cond:
        return True
    return str(answers.get(cond["code"], "")) == str(cond["equals"])


def clean_answers(definition: Mapping, raw: Mapping) -> tuple[dict, dict[str, str]]:
    """Check one respondent's answers: (cleaned answers, {question code: Chinese error}).

    Answers to questions hidden by skip logic are dropped (they were never asked); unknown keys are ignored."""
    cleaned: dict = {}
    errors: dict[str, str] = {}
    for q in questions(definition):
        code, kind = q["code"], q["type"]
        if not is_shown(q, cleaned):
            continue
        value = raw.get(code)
        empty = value is None or value == "" or value == [] or value == {}
        if empty:
            if q.get("required"):
                errors[code] = "此题为必答题。"
            continue
        try:
            cleaned[code] = _clean_one(q, value)
        except ValueError as exc:
            errors[code] = str(exc)
            continue
        if kind == "matrix" and q.get("required") and len(cleaned[code]) < len(q.get("rows", [])):
            errors[code] = "请对每一项作出评价。"
    return cleaned, errors


def _clean_one(q: Mapping, value):
    kind = q["type"]
    if kind == "scale":
        return _scale_value(value)
    if kind == "matrix":
        if not isinstance(value, Mapping):
            raise ValueError("矩阵题的回答格式不正确。")
        rows = len(q.get("rows", []))
        out = {}
        for key, item in value.items():
            if item in (None, ""):
                continue
            if not str(key).isdigit() or not 1 <= int(key) <= rows:
                raise ValueError("矩阵题包含不存在的陈述。")
            out[str(int(key))] = _scale_value(item)
        return out
    if kind == "single":
        if str(value) not in q["options"]:
            raise ValueError("所选选项不在本题选项中。")
        return str(value)
    if kind == "multi":
        values = value if isinstance(value, list) else [value]
        if any(str(v) not in q["options"] for v in values):
            raise ValueError("所选选项不在本题选项中。")
        return [o for o in q["options"] if o in {str(v) for v in values}]
    if kind == "number":
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise ValueError("请填写数字。") from None
        if number != number or number in (float("inf"), float("-inf")):
            raise ValueError("请填写数字。")
        if q.get("min") is not None and number < q["min"] or q.get("max") is not None and number > q["max"]:
            raise ValueError(f"数值应在 {q.get('min', '')}—{q.get('max', '')} 之间。")
        return int(number) if number.is_integer() else number
    text = str(value).strip()
    limit = TEXT_LIMITS[kind]
    if len(text) > limit:
        raise ValueError(f"回答过长（最多 {limit} 字）。")
    return text


def _scale_value(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError("评价等级应为 1—5。") from None
    if str(value).strip() != str(number) or not 1 <= number <= 5:
        raise ValueError("评价等级应为 1—5。")
    return number


def rated_values(definition: Mapping, answers: Mapping) -> Iterator[tuple[str, int]]:
    """(item code, 1–5) for every rated item answered: the rows of the results engine's input."""
    for q in questions(definition):
        value = answers.get(q["code"])
        if value is None:
            continue
        if q["type"] == "scale":
            yield q["code"], int(value)
        elif q["type"] == "matrix":
            for key, item in value.items():
                yield f"{q['code']}.{key}", int(item)
