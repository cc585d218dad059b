"""The Jinja environment every Word document is rendered in, and the check an uploaded template passes first.

Offices edit the shipped .docx templates and upload them, so a template is untrusted code. Two layers:

1. `template_problems` reads an uploaded template's tags without running anything and lists, in Chinese, every
   tag that uses more than a document needs: names other than the document's fields, attributes starting with
   `_`, method calls, filters outside a short list, other templates, huge numbers. The upload is refused if it
   finds any, naming the offending text.
2. `DocumentEnvironment` renders every document (shipped templates, uploaded ones, templates uploaded before
   the check existed) in Jinja's immutable sandbox with autoescape on and no globals (`range`, `lipsum`,
   `cycler`, `joiner`, `namespace`, `dict` are gone), refusing attributes starting with `_`, methods that
   change data (`alters_data`, list/dict mutators), str.format tricks, and oversized `*`, `**` and `%`.

Contexts are plain data (dicts, lists, strings, numbers, dates): `plain_context` refuses anything else, so no
model instance, QuerySet or user ever reaches a template.
"""

import datetime
import decimal
import html
import re

from django.conf import settings
from jinja2 import meta, nodes
from jinja2.exceptions import SecurityError, TemplateAssertionError, TemplateSyntaxError
from jinja2.filters import do_join
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import pass_eval_context
from markupsafe import Markup

# Filters an office template may use; everything else (attr, safe, format, center, indent, replace, ...) is
# either an escape hatch or a way to build huge strings.
SAFE_FILTERS = frozenset({
    "abs", "capitalize", "count", "d", "default", "dictsort", "e", "escape", "first", "float", "groupby", "int",
    "items", "join", "last", "length", "list", "lower", "map", "max", "min", "reject", "rejectattr", "reverse",
    "round", "select", "selectattr", "sort", "string", "striptags", "sum", "title", "trim", "truncate", "unique",
    "upper", "wordcount",
})
# Method calls an office template may make (on dicts, strings and the loop variable).
SAFE_METHODS = frozenset({"items", "keys", "values", "get", "strip", "upper", "lower", "startswith", "endswith",
                          "cycle", "changed"})
# Filters whose string arguments name attributes (map(attribute='x'), sort(attribute='x'), ...).
ATTRIBUTE_FILTERS = frozenset({"map", "selectattr", "rejectattr", "sort", "groupby", "unique", "min", "max", "sum",
                               "join"})
# Project filters for Word templates would be registered here (none today); they must be pure functions.
PROJECT_FILTERS: dict = {}

MAX_LITERAL = 1_000_000  # the largest number a template may write
MAX_TEXT = 10_000  # the longest string or list `*`, `+` or `join` may build while rendering
MAX_POWER = 8
MAX_RESULT = 10**18  # the largest integer `*`, `**`, `+` or `-` may produce while rendering


class DocumentEnvironment(ImmutableSandboxedEnvironment):
    """Immutable sandbox, autoescape on, no globals, a short list of filters, bounded `*`, `**` and `%`."""

    # What bounds remain: `set`, `with`, macros and calls are refused at upload (and before every render), so
    # nothing can be computed twice from its own result; every number a template writes is <= MAX_LITERAL and
    # each intercepted result is <= MAX_RESULT or MAX_TEXT long; `~` (Jinja's Concat, not a binop) joins at most
    # as many operands as the template has, each bounded; `for` loops only run over the document's own data.
    intercepted_binops = frozenset({"*", "**", "%", "+", "-"})

    def __init__(self):
        super().__init__(autoescape=True)
        self.globals.clear()
        self.filters = {name: f for name, f in self.filters.items() if name in SAFE_FILTERS}
        self.filters["join"] = _bounded_join
        self.filters.update(PROJECT_FILTERS)

    def call_binop(self, context, operator, left, right):
        if operator == "%" and isinstance(left, str):
            raise SecurityError("string formatting with % is not allowed in documents")
        if operator == "**" and _is_number(left) and _is_number(right) and (
                abs(right) > MAX_POWER or abs(left) > MAX_LITERAL):
            raise SecurityError("power too large")
        if operator == "*":
            for sequence, times in ((left, right), (right, left)):
                if isinstance(sequence, str | list | tuple) and isinstance(times, int) \
                        and len(sequence) * times > MAX_TEXT:
                    raise SecurityError("repeated text too long")
        if operator == "+" and isinstance(left, str | list | tuple) and isinstance(right, str | list | tuple) \
                and len(left) + len(right) > MAX_TEXT:
            raise SecurityError("joined text too long")
        result = super().call_binop(context, operator, left, right)
        if isinstance(result, int) and not isinstance(result, bool) and abs(result) > MAX_RESULT:
            raise SecurityError("number too large")
        return result


def _is_number(value) -> bool:
    return isinstance(value, int | float | decimal.Decimal) and not isinstance(value, bool)


@pass_eval_context
def _bounded_join(eval_ctx, value, d: str = "", attribute=None):
    items = list(value)
    if len(items) * len(str(d)) + sum(len(str(item)) for item in items) > MAX_TEXT:
        raise SecurityError("joined text too long")
    return do_join(eval_ctx, items, d, attribute)


# ---- plain data only ------------------------------------------------------------------------------------------

PLAIN_TYPES = (str, int, float, bool, decimal.Decimal, datetime.date, datetime.time, type(None), Markup)


def plain_context(value, path: str = "context"):
    """The context unchanged if it holds only plain data (sets become sorted lists); TypeError otherwise.

    InlineImage values (charts) are allowed: docxtpl renders them through `__html__`. Anything else, a model
    instance above all, is a programming error: templates must never reach objects with methods.
    """
    from docxtpl import InlineImage  # noqa: PLC0415 -- docxtpl takes ~1 s to import: loaded when a document is rendered

    if isinstance(value, PLAIN_TYPES) or isinstance(value, InlineImage):
        return value
    if isinstance(value, dict):
        return {str(k): plain_context(v, f"{path}.{k}") for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain_context(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, set | frozenset):
        return sorted(plain_context(v, f"{path}[]") for v in value)
    raise TypeError(f"document context {path} is a {type(value).__name__}: pass plain data (dict, list, str, number)")


# ---- the check at upload --------------------------------------------------------------------------------------

_TAG_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
_XML_TAG_RE = re.compile(r"<[^>]+>")
_PRIVATE_PATH_RE = re.compile(r"(^|[.\[])\s*_")


class TemplateLimitError(Exception):
    """A template part too large, with too many tags or an unclosed tag, refused before docxtpl parses it."""


# docxtpl's patch_xml runs regular expressions that cost (number of tags) x (part size) when tags are left
# open ({{ without }}: 10,000 of them take 5 s, 40,000 over 160 s), so every part is measured first.
_BRACES_RE = re.compile(r"(?<={)(<[^>]*>)+(?=[\{%\#])|(?<=[%\}\#])(<[^>]*>)+(?=\})")  # as docxtpl joins them
_DELIMITER_RE = re.compile(r"\{\{|\{%|\{#|\}\}|%\}|#\}")
_CLOSERS = {"{{": "}}", "{%": "%}", "{#": "#}"}
MAX_UNCLOSED_TAGS = 10


def check_part_limits(xml: str) -> None:
    """Refuse a part docxtpl would take too long over: its size, its number of tags, a tag left open."""
    max_bytes, max_tags = settings.DUDAO_TEMPLATE_MAX_XML_BYTES, settings.DUDAO_TEMPLATE_MAX_TAGS
    if len(xml) > max_bytes:
        raise TemplateLimitError(f"模板中的一部分内容过大（{len(xml) / 1048576:.1f} MB，上限 "
                                 f"{max_bytes / 1048576:.1f} MB），请删除无关内容后再上传。")
    joined = _BRACES_RE.sub("", xml)
    tags = unclosed = 0
    expected = None
    for match in _DELIMITER_RE.finditer(joined):
        token = match.group(0)
        if token in _CLOSERS:
            unclosed += expected is not None
            tags += 1
            expected = _CLOSERS[token]
        elif token == expected:
            expected = None
    unclosed += expected is not None
    if tags > max_tags:
        raise TemplateLimitError(f"模板中的标记有 {tags:,} 个，超过上限 {max_tags:,} 个，文书模板不需要这么多标记。")
    # one tag left open is a typo the Jinja check reports with its text; each costs docxtpl a pass over the part
    if unclosed > MAX_UNCLOSED_TAGS:
        raise TemplateLimitError(f"模板中有 {unclosed:,} 个标记没有结束（缺少 }}}} 或 %}}），请检查 {{{{ }}}} 与 {{% %}} 是否成对。")


def _patched(document, xml: str) -> str:
    check_part_limits(xml)
    return document.patch_xml(xml)


def template_sources(document) -> list[str]:
    """The Jinja sources docxtpl renders for a DocxTemplate: body, headers, footers, footnotes, properties.
    Each part is measured (check_part_limits) before docxtpl's patch_xml runs over it."""
    document.init_docx()
    sources = [_patched(document, document.get_xml())]
    for uri in (document.HEADER_URI, document.FOOTER_URI):
        for _key, part in document.get_headers_footers(uri):
            sources.append(_patched(document, document.get_part_xml(part)))
    for part in document.docx.part.package.parts:
        if part.content_type.endswith("wordprocessingml.footnotes+xml"):
            blob = part.blob.decode("utf-8") if isinstance(part.blob, bytes) else part.blob
            sources.append(_patched(document, blob))
    props = document.docx.core_properties
    sources.extend(getattr(props, name) or "" for name in ("author", "comments", "identifier", "language",
                                                            "subject", "title"))
    return sources


def _snippet(source: str, lineno: int | None, hint: str = "") -> str:
    """The tag (as the office typed it) on the line docxtpl's source has at lineno, preferring one with hint."""
    lines = re.sub(r"<w:p([ >])", r"\n<w:p\1", source).splitlines()
    line = lines[lineno - 1] if lineno and 0 < lineno <= len(lines) else source
    tags = [html.unescape(_XML_TAG_RE.sub("", t)) for t in _TAG_RE.findall(line)]
    chosen = next((t for t in tags if hint and hint in t), tags[0] if tags else html.unescape(_XML_TAG_RE.sub("", line)))
    chosen = " ".join(chosen.split())
    return chosen if len(chosen) <= 120 else chosen[:117] + "…"


def template_problems(document, allowed_names: set[str] | None) -> list[str]:
    """Every problem found in an uploaded template's tags, in Chinese, each naming the offending text. Parses
    only: nothing in the template is evaluated. allowed_names None: names are not checked (before a render)."""
    env = DocumentEnvironment()
    problems: list[str] = []
    try:
        sources = template_sources(document)
    except TemplateLimitError as exc:
        return [str(exc)]
    except Exception:  # noqa: BLE001 - python-docx/lxml raise many kinds of errors for a broken file
        return ["无法读取该 Word 文件的内容，请用 Word 或 WPS 另存为 .docx 后再上传。"]
    for source in sources:
        if "{{" not in source and "{%" not in source and "{#" not in source:
            continue
        try:
            tree = env.parse(re.sub(r"<w:p([ >])", r"\n<w:p\1", source))
            found = _node_problems(tree)
            try:  # compiles (never runs) the template: an unknown filter or test fails here
                undeclared = meta.find_undeclared_variables(tree) - allowed_names if allowed_names is not None \
                    else set()
            except TemplateAssertionError as exc:
                undeclared = set()
                if not found:
                    found.append((exc.lineno, "", f"的写法有误（{exc.message}）。"))
        except TemplateSyntaxError as exc:
            problems.append(f"“{_snippet(source, exc.lineno)}”的写法有误（{_syntax_message(exc)}）。")
            continue
        except (RecursionError, MemoryError):  # ((((…)))) thousands deep: Jinja's parser recurses per level
            problems.append("模板嵌套过深（括号或标记层层嵌套），无法检查，请简化模板中的标记。")
            continue
        for name in sorted(undeclared):
            node = next((n for n in tree.find_all(nodes.Name) if n.name == name), None)
            problems.append(f"“{_snippet(source, node.lineno if node else None, name)}”使用了未知字段“{name}”"
                            f"（可用字段见模板页面）。")
        problems.extend(f"“{_snippet(source, lineno, hint)}”{message}" for lineno, hint, message in found)
    return list(dict.fromkeys(problems))


def _syntax_message(exc: TemplateSyntaxError) -> str:
    text = exc.message or ""
    unknown = re.search(r"unknown tag '([^']+)'", text)
    if unknown:
        return f"不认识的标记“{unknown.group(1)}”"
    if "unexpected end of template" in text or "Unexpected end of template" in text:
        return "缺少结束标记，如 {% endfor %} 或 {% endif %}"
    if "unexpected" in text.lower():
        return "标记不完整或多余，请检查 {{ }} 与 {% %} 是否成对"
    return "无法解析该标记"


# Statements a document never needs; each lets a template compute from its own results (set s = s ~ s), build
# values of any size or define code (macros, call blocks, filter blocks).
REFUSED_STATEMENTS = {
    nodes.Assign: "set", nodes.AssignBlock: "set", nodes.With: "with", nodes.Macro: "macro",
    nodes.CallBlock: "call", nodes.FilterBlock: "filter",
}
# Filters a `for` may apply to the data it iterates (they never make it longer).
LOOP_FILTERS = frozenset({"sort", "list", "reverse", "unique", "dictsort", "items", "groupby", "select", "reject",
                          "selectattr", "rejectattr", "map"})
LOOP_METHODS = frozenset({"items", "keys", "values"})


def _is_context_path(node) -> bool:
    """A name from the context, its attributes and items with constant keys: `a`, `a.b`, `a['b']`, `a[0]`."""
    while isinstance(node, nodes.Getattr | nodes.Getitem):
        if isinstance(node, nodes.Getitem) and not isinstance(node.arg, nodes.Const):
            return False
        node = node.node
    return isinstance(node, nodes.Name)


def _is_loop_source(node) -> bool:
    """What a `for` may iterate: a context path, through loop filters with constant arguments or .items()."""
    while True:
        if isinstance(node, nodes.Filter) and node.name in LOOP_FILTERS \
                and all(isinstance(a, nodes.Const) for a in [*node.args, *(k.value for k in node.kwargs)]) \
                and node.dyn_args is None and node.dyn_kwargs is None:
            node = node.node
        elif isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr) \
                and node.node.attr in LOOP_METHODS and not node.args and not node.kwargs \
                and node.dyn_args is None and node.dyn_kwargs is None:
            node = node.node.node
        else:
            return _is_context_path(node)


def _node_problems(tree) -> list[tuple[int | None, str, str]]:
    """(line, text to find the tag by, message) for every construct a document template may not use."""
    found = []
    for node in tree.find_all(nodes.Node):
        line = getattr(node, "lineno", None)
        statement = next((tag for kind, tag in REFUSED_STATEMENTS.items() if isinstance(node, kind)), None)
        if statement:
            found.append((line, statement, f"使用了 {{% {statement} %}}，文书模板中不允许（只能用 {{{{ 字段 }}}}、"
                                           "{% for %} 和 {% if %}）。"))
            continue
        if isinstance(node, nodes.For):
            if node.recursive:
                found.append((line, "recursive", "使用了递归循环（recursive），文书模板中不允许。"))
            if not _is_loop_source(node.iter):
                found.append((line, "for", "的 {% for %} 只能遍历模板页面上列出的字段（如 problems、zone.items），"
                                           "不能遍历文字、数字或算式。"))
        if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
            found.append((line, node.attr, f"访问了内部属性“{node.attr}”，文书模板中不允许。"))
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) \
                and isinstance(node.arg.value, str) and node.arg.value.startswith("_"):
            found.append((line, node.arg.value, f"访问了内部属性“{node.arg.value}”，文书模板中不允许。"))
        elif isinstance(node, nodes.Call):
            if isinstance(node.node, nodes.Getattr) and node.node.attr in SAFE_METHODS:
                continue
            name = node.node.attr if isinstance(node.node, nodes.Getattr) else getattr(node.node, "name", "")
            found.append((line, name, f"调用了函数或方法{f'“{name}”' if name else ''}，文书模板中不允许。"))
        elif isinstance(node, nodes.Filter) and node.name not in SAFE_FILTERS | set(PROJECT_FILTERS):
            found.append((line, node.name, f"使用了不允许的过滤器“{node.name}”。"))
        elif isinstance(node, nodes.Name) and node.name == "self":  # Jinja's own reference to the template
            found.append((line, "self", "使用了未知字段“self”（可用字段见模板页面）。"))
        elif isinstance(node, nodes.Include | nodes.Extends | nodes.Import | nodes.FromImport):
            found.append((line, "", "引用了其他模板，文书模板中不允许。"))
        elif isinstance(node, nodes.Const) and isinstance(node.value, str) and "__" in node.value:
            found.append((line, node.value, "含有内部属性名（__），文书模板中不允许。"))
        elif isinstance(node, nodes.Const) and _is_number(node.value) and abs(node.value) > MAX_LITERAL:
            found.append((line, str(node.value), f"数字 {node.value} 过大。"))
        if isinstance(node, nodes.Filter) and node.name in ATTRIBUTE_FILTERS:
            # join's first argument is the separator ('_' is fine); every other string here names attributes
            names = node.args[1:] if node.name == "join" else node.args
            for arg in [*names, *(kw.value for kw in node.kwargs)]:
                if isinstance(arg, nodes.Const) and isinstance(arg.value, str) \
                        and _PRIVATE_PATH_RE.search(arg.value):
                    found.append((line, arg.value, f"访问了内部属性“{arg.value}”，文书模板中不允许。"))
    return found
