"""The 公报's text body: {{ 字段名 }} placeholders filled by a plain substitution (no Django, no template engine).

The body is the office's own text. It is never handed to a template engine: a regular expression finds
`{{ name }}` where name is a run of letters, digits, CJK characters, "_" or "."; a known name is replaced by its
value in one pass (a value is never scanned again), anything else stays as typed and is reported. Braces that
do not form a placeholder ("{{ __class__ }}" is unknown; "{% if %}", "{#", a lone "{{" or any other brace are
stray) are problems, so a published text never carries template syntax.
"""

import re
from dataclasses import dataclass

PLACEHOLDER = re.compile(r"\{\{\s*([0-9A-Za-z_.\u4e00-\u9fff（）()%]+)\s*\}\}")
STRAY = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}|[{}]")
# A prompt the default body leaves for the office to replace, e.g. "（请填写下一年度的工作安排。）".
PROMPT = re.compile(r"[（(]请填写[^）)]{0,60}[）)]")
KEY = re.compile(r"^[0-9A-Za-z_.\u4e00-\u9fff（）()%]{1,64}$")


@dataclass(frozen=True)
class TextProblem:
    kind: str  # "unknown" | "stray" | "empty" | "prompt"
    name: str
    message: str


def valid_key(key: str) -> bool:
    return bool(KEY.match(key or ""))


def used_names(body: str) -> list[str]:
    """The placeholder names of the body, in order of first use, each once."""
    seen: dict[str, None] = {}
    for match in PLACEHOLDER.finditer(body or ""):
        seen.setdefault(match.group(1), None)
    return list(seen)


def problems(body: str, values: dict[str, str]) -> list[TextProblem]:
    """Unknown placeholders, empty values used by the body, and stray template braces, in reading order."""
    out: list[TextProblem] = []
    for name in used_names(body):
        if name not in values:
            out.append(TextProblem("unknown", name, f"正文引用了不存在的字段“{name}”"))
        elif not str(values[name]).strip():
            out.append(TextProblem("empty", name, f"正文引用的字段“{name}”尚未填写"))
    for prompt in PROMPT.findall(body or ""):
        out.append(TextProblem("prompt", prompt, f"正文中还有待填写的提示“{prompt}”，请替换为实际内容"))
    rest = PLACEHOLDER.sub("", body or "")
    if STRAY.search(rest):
        fragment = STRAY.search(rest).group(0)
        out.append(TextProblem("stray", fragment, f"正文中有无法识别的模板符号“{fragment}”（只能使用 {{{{ 字段名 }}}} 引用字段）"))
    return out


def fill(body: str, values: dict[str, str]) -> str:
    """The body with each known placeholder replaced by its value; unknown ones are left exactly as typed."""

    def one(match: re.Match) -> str:
        name = match.group(1)
        return str(values[name]) if name in values else match.group(0)

    return PLACEHOLDER.sub(one, body or "")


def number_text(value) -> str:
    """A computed figure as the 公报 prints it: 957, 63.5, "" for no data (None)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return str(int(value)) if value == int(value) else f"{value:.1f}".rstrip("0").rstrip(".")
    return str(value)
