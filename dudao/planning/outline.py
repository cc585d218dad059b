"""Turn the outline of a 工作要点 (the lines of a Word document, or the rows of a sheet) into sections and tasks.
Pure: no Django, no files; services/outline.py reads the upload and writes the plan.

How lines are read (the shapes of seeds 000–004):
- "一、…" (or a paragraph in a "Heading 1"/"标题 1" style) is a heading; "（一）…"/"(一)…" (or "Heading 2") a
  sub-heading.
- "1." "1、" "1．" "（1）" "(1)" numbered lines are tasks; so are the lines under a month line of an 活动安排
  ("3月：…"), which then carry that month.
- A section is the nearest heading that holds tasks. A sub-heading without numbered lines under it (a paragraph
  of text only) is itself a task of the heading above it; a heading with text only is a section with itself as
  its one task. Headings of the preamble (指导思想, 工作目标, 总体要求, 基本原则, 组织领导, 保障措施) and body text
  are left out; a line "附：…"/"附件…" ends the outline.
- A hint "（责任科室：督导科；完成时间：2026年6月）" in or right after a task gives its owner label and due date; a
  trailing "（3月）" or "（3—5月）" its months.
Nothing recognisable (no task at all) is an OutlineError naming the first lines it could not place.
"""

import calendar
import datetime
import re
from dataclasses import dataclass, field

MAX_TASK_TEXT = 2000
MAX_SECTION_TITLE = 200
MAX_LABEL = 64

_CN_NUM = "一二三四五六七八九十"
H1 = re.compile(rf"^([{_CN_NUM}]{{1,3}})\s*[、．.]\s*(.+)$")
H2 = re.compile(rf"^[（(]\s*([{_CN_NUM}]{{1,3}})\s*[）)]\s*(.+)$")
TASK = re.compile(r"^(?:(\d{1,3})\s*[.、．﹒,，](?!\d)|[（(]\s*(\d{1,3})\s*[）)]|([①-⑳]))\s*(.+)$")
MONTH_LINE = re.compile(r"^(\d{1,2})\s*月(?:份)?\s*[：:|｜]\s*(.*)$")
STOP = re.compile(r"^附\s*(?:件|录|表)?\s*\d*\s*[：:]")
PREAMBLE = ("指导思想", "工作目标", "总体要求", "基本原则", "组织领导", "保障措施", "工作要求")
HINT = re.compile(r"[（(]([^（）()]*(?:责任|牵头|完成|时间|期限)[^（）()]*)[）)]")
MONTH_HINT = re.compile(r"[（(]\s*(\d{1,2})\s*(?:月)?\s*(?:[—\-–~～至到]\s*(\d{1,2}))?\s*月(?:份)?\s*[）)]\s*[。；;]?\s*$")
OWNER_KEYS = ("责任科室", "责任单位", "责任部门", "牵头科室", "牵头单位", "责任人")
DUE_KEYS = ("完成时间", "完成期限", "完成时限", "时间")
AREA_WORDS = [  # first match wins: planning.models.WorkArea values
    ("team", ("队伍", "培训", "专业化", "廉政")),
    ("research", ("宣传", "研究", "信息化", "平台")),
    ("monitoring", ("监测", "评估", "创建", "均衡", "普及普惠")),
    ("duzheng", ("督政", "履职", "履行教育职责", "政府")),
    ("duxue", ("督学", "专项督导", "督导检查", "挂牌", "责任区", "学校")),
]


class OutlineError(Exception):
    """The outline has no structure to import: `message` (Chinese) names the first lines it could not place."""

    def __init__(self, message: str, lines: list[tuple[int, str]] | None = None):
        super().__init__(message)
        self.message = message
        self.lines = lines or []


@dataclass
class Line:
    number: int  # 1-based: the paragraph of the document, or the sheet row
    text: str
    level: int = 0  # from the paragraph style: 1 heading, 2 sub-heading, 0 none


@dataclass
class TaskDraft:
    text: str
    line: int
    owner_label: str = ""
    months: list[int] = field(default_factory=list)
    due_date: datetime.date | None = None


@dataclass
class SectionDraft:
    title: str
    line: int
    area: str = "general"
    tasks: list[TaskDraft] = field(default_factory=list)


@dataclass
class Outline:
    sections: list[SectionDraft]
    skipped: list[tuple[int, str]]  # headings left out (preamble), for the import's report

    @property
    def task_count(self) -> int:
        return sum(len(s.tasks) for s in self.sections)


def guess_area(title: str) -> str:
    for area, words in AREA_WORDS:
        if any(word in title for word in words):
            return area
    return "general"


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def parse_due(text: str, year: int) -> datetime.date | None:
    """"2026年6月30日", "2026年6月", "6月底", "6月", "上半年", "年底" → a date (a month means its last day)."""
    text = text.strip()
    m = re.search(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日", text)
    try:
        if m:
            return datetime.date(int(m[1]), int(m[2]), int(m[3]))
        m = re.search(r"(\d{4})\s*[年.\-/]\s*(\d{1,2})\s*月?", text)
        if m:
            return _month_end(int(m[1]), int(m[2]))
        m = re.search(r"(\d{1,2})\s*月", text)
        if m:
            return _month_end(year, int(m[1]))
    except ValueError:
        return None
    if "上半年" in text:
        return datetime.date(year, 6, 30)
    if "下半年" in text or "年底" in text or "年末" in text or "全年" in text:
        return datetime.date(year, 12, 31)
    return None


def _hint(text: str, task: TaskDraft, year: int) -> bool:
    """Read "责任科室：…；完成时间：…" into the task; True if the text held such a hint."""
    found = False
    for part in re.split(r"[；;，,]", text):
        key, _sep, value = part.partition("：") if "：" in part else part.partition(":")
        key, value = key.strip(), value.strip()
        if not value:
            continue
        if any(k in key for k in OWNER_KEYS):
            task.owner_label, found = value[:MAX_LABEL], True
        elif any(k in key for k in DUE_KEYS):
            due = parse_due(value, year)
            if due:
                task.due_date, found = due, True
                if not task.months:
                    task.months = [due.month]
    return found


def make_task(text: str, line: int, year: int, months: list[int] | None = None) -> TaskDraft:
    task = TaskDraft(text="", line=line, months=list(months or []))
    for m in list(HINT.finditer(text)):
        if _hint(m[1], task, year):
            text = text.replace(m[0], "")
    m = MONTH_HINT.search(text)
    if m:
        first, last = int(m[1]), int(m[2] or m[1])
        if 1 <= first <= 12 and 1 <= last <= 12:
            task.months = list(range(first, last + 1)) if first <= last else [first, last]
            text = text[:m.start()].rstrip()
    task.text = text.strip().rstrip("；;")[:MAX_TASK_TEXT]
    return task


_SPLIT = re.compile(rf"(?<=[。；;])\s*(?=[{_CN_NUM}]{{1,3}}、|[（(][{_CN_NUM}]{{1,3}}[）)]|\d{{1,2}}\s?[.、．](?!\d))"
                    rf"|(?=[（(][{_CN_NUM}]{{1,3}}[）)])|(?<=[。])(?=[{_CN_NUM}]{{1,3}}、)"
                    r"|(?<=[\u4e00-\u9fff])(?=\d{1,2}\s?[.．](?!\d))")


def split_runs(lines: list[Line]) -> list[Line]:
    """A paragraph that runs several items together (text pasted from a web page) is cut before each marker that
    follows a full stop; other lines are kept as they are."""
    out: list[Line] = []
    for line in lines:
        if len(line.text) > 300 and line.level == 0:
            out.extend(Line(line.number, piece.strip()) for piece in _SPLIT.split(line.text) if piece.strip())
        else:
            out.append(line)
    return out


@dataclass
class _Head:
    title: str
    line: int
    level: int
    tasks: list[TaskDraft] = field(default_factory=list)
    subs: list["_Head"] = field(default_factory=list)
    body: bool = False
    skipped: bool = False


def parse_lines(lines: list[Line], *, year: int) -> Outline:
    """Sections and tasks of an outline; OutlineError when no task can be found."""
    heads: list[_Head] = []
    current_h1: _Head | None = None
    current: _Head | None = None  # the heading that receives numbered lines
    month: int | None = None
    last_task: TaskDraft | None = None
    unplaced: list[tuple[int, str]] = []
    for line in split_runs(lines):
        text = re.sub(r"\s+", " ", line.text.replace("\u3000", " ")).strip()
        if not text:
            continue
        if STOP.match(text):
            break
        h1 = None if line.level == 2 else H1.match(text)
        h2 = None if line.level == 1 else H2.match(text)
        if line.level == 1 or (h1 and line.level == 0):
            title = h1[2] if h1 else text
            current_h1 = current = _Head(title[:MAX_SECTION_TITLE], line.number, 1,
                                         skipped=any(word in title[:12] for word in PREAMBLE))
            heads.append(current_h1)
            month = last_task = None
            continue
        if line.level == 2 or (h2 and line.level == 0):
            title = h2[2] if h2 else text
            if current_h1 is None:
                current_h1 = _Head("", line.number, 1)
                heads.append(current_h1)
            current = _Head(title[:MAX_SECTION_TITLE], line.number, 2, skipped=current_h1.skipped)
            current_h1.subs.append(current)
            month = last_task = None
            continue
        if last_task is not None and HINT.fullmatch(text.rstrip("。")):  # a hint on a line of its own
            if _hint(HINT.fullmatch(text.rstrip("。"))[1], last_task, year):
                continue
        m_month = MONTH_LINE.match(text)
        task_m = TASK.match(text)
        if m_month and 1 <= int(m_month[1]) <= 12:
            month = int(m_month[1])
            rest = m_month[2].strip()
            if rest:
                text, task_m = rest, TASK.match(rest)
            else:
                continue
        if task_m or month is not None:
            body = task_m[4] if task_m else text
            if current is None:
                current_h1 = current = _Head("", line.number, 1)
                heads.append(current)
            last_task = make_task(body, line.number, year, [month] if month else None)
            if last_task.text:
                current.tasks.append(last_task)
            continue
        if current is not None:
            current.body = True
        else:
            unplaced.append((line.number, text))
    sections: list[SectionDraft] = []
    skipped: list[tuple[int, str]] = []
    for head in heads:
        if head.skipped:
            skipped.append((head.line, head.title))
            continue
        own = list(head.tasks) + [TaskDraft(text=sub.title, line=sub.line) for sub in head.subs if not sub.tasks]
        if not own and not head.subs and head.title:
            own = [TaskDraft(text=head.title, line=head.line)]
        parts = []
        if own:
            parts.append(SectionDraft(head.title or "工作任务", head.line, guess_area(head.title),
                                      sorted(own, key=lambda t: t.line)))
        for sub in head.subs:
            if sub.tasks:
                parts.append(SectionDraft(sub.title, sub.line, guess_area(f"{head.title} {sub.title}"), sub.tasks))
        sections.extend(parts)
    if not any(s.tasks for s in sections):
        shown = unplaced[:3] or [(line.number, line.text.strip()[:30]) for line in lines if line.text.strip()][:3]
        where = "；".join(f"第 {n} 行“{t[:30]}”" for n, t in shown)
        raise OutlineError("没有识别出工作要点的结构（未找到“一、”“（一）”标题或“1.”编号的工作任务）" +
                           (f"，无法归入的行：{where}" if where else "") + "。", shown)
    return Outline(sections=sections, skipped=skipped)


# ---- sheets ---------------------------------------------------------------------------------------------------

SHEET_COLUMNS = {"部分": "section", "工作任务": "text", "责任人": "owner", "月份": "months", "完成期限": "due"}


def parse_months(text: str) -> list[int]:
    """"3" "3,4" "3-5" "3月、9月" → [3], [3, 4], [3, 4, 5], [3, 9]; anything else raises ValueError."""
    months: set[int] = set()
    for part in re.split(r"[,，、;；\s]+", text.replace("月", " ").strip()):
        if not part:
            continue
        m = re.fullmatch(r"(\d{1,2})(?:[—\-–~～至到](\d{1,2}))?", part)
        if not m:
            raise ValueError(part)
        first, last = int(m[1]), int(m[2] or m[1])
        if not (1 <= first <= 12 and 1 <= last <= 12 and first <= last):
            raise ValueError(part)
        months.update(range(first, last + 1))
    return sorted(months)


def parse_rows(header: list[str], rows: list[tuple[int, list[str]]], *, year: int, sheet: str = "") -> Outline:
    """A sheet: with the columns 部分/工作任务 (责任人, 月份, 完成期限 optional), one task a row (a row whose 部分 is
    empty stays in the section above); otherwise the first column is read like the lines of a Word outline."""
    names = [str(h or "").strip() for h in header]
    if "工作任务" not in names:
        lines = [Line(1, names[0])] if names and names[0] else []
        lines += [Line(n, str(cells[0] or "")) for n, cells in rows if cells]
        return parse_lines(lines, year=year)
    col = {key: names.index(name) for name, key in SHEET_COLUMNS.items() if name in names}

    def cell(cells, key) -> str:
        i = col.get(key)
        return str(cells[i] or "").strip() if i is not None and i < len(cells) else ""

    sections: list[SectionDraft] = []
    problems: list[tuple[int, str]] = []
    for n, cells in rows:
        text, title = cell(cells, "text"), cell(cells, "section")
        if not text and not title:
            continue
        if title and (not sections or sections[-1].title != title):
            sections.append(SectionDraft(title[:MAX_SECTION_TITLE], n, guess_area(title)))
        if not text:
            continue
        if not sections:
            problems.append((n, "第一行任务之前没有填写“部分”"))
            continue
        task = make_task(text, n, year)
        owner = cell(cells, "owner")
        if len(owner) > MAX_LABEL:
            problems.append((n, f"责任人过长（最多 {MAX_LABEL} 个字符）"))
        task.owner_label = owner or task.owner_label
        months = cell(cells, "months")
        if months:
            try:
                task.months = parse_months(months)
            except ValueError:
                problems.append((n, f"月份“{months[:20]}”无法识别（应为 1—12，如 3 或 3-5）"))
        due = cell(cells, "due")
        if due:
            day = _iso(due) or parse_due(due, year)
            if day is None:
                problems.append((n, f"完成期限“{due[:20]}”无法识别（如 2026-06-30 或 2026年6月）"))
            task.due_date = day
        sections[-1].tasks.append(task)
    if problems:
        where = "；".join(f"{sheet + ' ' if sheet else ''}第 {n} 行：{msg}" for n, msg in problems[:5])
        raise OutlineError(f"大纲表格有 {len(problems)} 处错误，未导入：{where}。", problems)
    sections = [s for s in sections if s.tasks]
    if not sections:
        raise OutlineError("表格中没有工作任务（“工作任务”列为空）。")
    return Outline(sections=sections, skipped=[])


def _iso(text: str) -> datetime.date | None:
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?", text)
    if not m:
        return None
    try:
        return datetime.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None
