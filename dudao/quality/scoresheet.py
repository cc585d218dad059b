"""The 学生成绩 sheet: read an upload and validate every row against a round, vectorised (polars) so that a file of
500,000 scores is checked in seconds. Pure: no Django models; the service builds the `ScoreContext` from the round.

Errors (each with sheet, row and column, in Chinese) refuse the whole file: unknown school, a school of another
district, a school not in the round, a subject not in the round, a grade that is not the round's, a score or prior
score outside 0–full marks, a doubled (student, subject), text or NaN in a number cell, blank required cells, 性别
other than 男/女, a student id that is too long or holds control characters, a column of names (pupils' names must
never be uploaded), and formula cells without a saved value (tabular finds those). Warnings must be confirmed:
a school whose mean lies more than 3 SD from the county (per subject), a class whose scores are all equal, a school
of the round with no rows (and none imported before).
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from dudao.core.errors import ApplicationError, RowError
from dudao.core.tabular import (
    IGNORED_SHEETS,
    Column,
    RawSheet,
    SheetSpec,
    column_letter,
    normalise_header,
    read_upload,
    write_template_workbook,
)

SHEET = "学生成绩"
STUDENT_MAX = 64
CLASS_MAX = 32
OUTLIER_SD = 3.0
MIN_OTHER_SCHOOLS = 3  # the 3 SD test needs the spread of at least this many other schools' means
MIN_EQUAL_CLASS = 5  # a class of fewer pupils with equal scores is not worth a warning
MAX_ERRORS = 5000  # a file wrong in every row is refused with the first errors listed and the total counted

COLUMNS = [
    Column("学生编号", "student", required=True, max_length=STUDENT_MAX,
           help="测试中心分配的学生编号（化名），同一学生各次监测保持一致；不得填写姓名"),
    Column("学校标识码", "school", required=True, help="10 位学校标识码，须为本轮监测学校"),
    Column("年级", "grade", required=True, help="本轮监测年级，如 8 或 八年级"),
    Column("学科", "subject", required=True, help="本轮监测学科名称"),
    Column("成绩", "score", required=True, kind="number", help="0 至该学科满分"),
    Column("前测成绩", "prior", kind="number",
           help="不填时按学生编号关联同一批学生往期监测的同一学科成绩；0 至该学科满分"),
    Column("性别", "gender", choices={"男": "男", "女": "女"}),
    Column("班级", "class_name", max_length=CLASS_MAX),
]
SPEC = SheetSpec(SHEET, COLUMNS)
HEADERS = {c.header: c.key for c in COLUMNS}
NUMBER_KEYS = ("score", "prior")
# Columns that would carry pupils' identities: refused outright, whatever is in them.
NAME_HEADERS = {"姓名", "学生姓名", "名字", "姓 名", "学生名称", "身份证号", "身份证号码", "学籍号", "全国学籍号",
                "家长姓名", "联系电话", "手机号"}
NUMBER_PATTERN = r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$"
CONTROL_PATTERN = r"[\x00-\x1f\x7f]"
GRADE_WORDS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10,
               "十一": 11, "十二": 12}
STAGE_GRADES = {"初一": 7, "初二": 8, "初三": 9, "高一": 10, "高二": 11, "高三": 12}
GRADE_RE = re.compile(r"(\d{1,2}|[一二三四五六七八九十]{1,2})\s*(?:年级)?")


@dataclass(frozen=True)
class ScoreContext:
    """What a file is checked against: the round's grade, its subjects (name → full marks), its schools (code →
    id), the codes of every school of the round's county and of the whole installation (to tell "not in the
    round" from "another district's school" from "unknown"), and the round's schools that already hold scores.
    Instead of the two sets, `school_origin` may answer for just the codes a file holds outside the round:
    code → "county" (this county, not in the round) or "other" (another district); codes it omits are unknown."""

    grade: int
    subjects: dict[str, float]
    round_schools: dict[str, int]
    county_schools: frozenset[str] = frozenset()
    known_schools: frozenset[str] = frozenset()
    schools_with_scores: frozenset[str] = frozenset()
    school_names: dict[str, str] = field(default_factory=dict)
    school_origin: Callable[[list[str]], dict[str, str]] | None = None


@dataclass
class ScoreSheet:
    """The validated rows (`frame`: row, student, school, school_id, subject, score, prior, gender, class_name),
    the errors (refuse everything), the warnings (confirm first) and the total error count (errors are capped)."""

    frame: pl.DataFrame
    errors: list[RowError]
    warnings: list[RowError]
    error_total: int = 0
    has_prior_column: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_grade(text: str) -> int | None:
    """8, 8年级, 八年级, 初二 → 8; anything else → None."""
    text = text.strip().replace(" ", "")
    if text in STAGE_GRADES:
        return STAGE_GRADES[text]
    if text.endswith(".0"):
        text = text[:-2]
    match = GRADE_RE.fullmatch(text)
    if not match:
        return None
    word = match.group(1)
    return int(word) if word.isdigit() else GRADE_WORDS.get(word)


def read_scores(data: bytes, filename: str, context: ScoreContext) -> ScoreSheet:
    """Read the upload (tabular refuses oversized, mislabelled, zip-bomb and unreadable files) and validate it."""
    sheets = read_upload(data, filename, convert=False)
    candidates = [s for s in sheets if s.name not in IGNORED_SHEETS and (s.header or s.rows)]
    sheet = next((s for s in candidates if s.name == SHEET), None)
    if sheet is None:
        sheet = next((s for s in candidates if SPEC.matches(s.header)), candidates[0] if candidates else None)
    if sheet is None:
        raise ApplicationError("文件中没有可导入的数据。")
    return validate_sheet(sheet, context)


class _Errors:
    """Errors of one sheet, capped, each naming the column as “E（成绩）”."""

    def __init__(self, sheet: str, letters: dict[str, str]):
        self.sheet = sheet
        self.letters = letters
        self.items: list[RowError] = []
        self.total = 0

    def column(self, key: str) -> str:
        header = next(c.header for c in COLUMNS if c.key == key)
        return f"{self.letters.get(key, '')}（{header}）"

    def add(self, row: int | None, column: str, message: str) -> None:
        self.total += 1
        if len(self.items) < MAX_ERRORS:
            self.items.append(RowError(self.sheet, row, column, message))

    def add_frame(self, frame: pl.DataFrame, key: str, message) -> None:
        """One error per row of `frame` (columns row + whatever `message(row_dict)` reads)."""
        self.total += frame.height
        room = MAX_ERRORS - len(self.items)
        if room <= 0:
            return
        column = self.column(key)
        for item in frame.head(room).iter_rows(named=True):
            self.items.append(RowError(self.sheet, item["row"], column, message(item)))


def _headers(sheet: RawSheet, errors: _Errors, header_row: int) -> dict[str, int]:
    """Column positions by key; unknown, doubled, missing and name columns are errors."""
    positions: dict[str, int] = {}
    for index, raw in enumerate(sheet.header):
        title = normalise_header(raw)
        letter = column_letter(index)
        if not title:
            if any(index < len(cells) and cells[index] for _n, cells in sheet.rows):
                errors.add(header_row, letter, "该列有数据但没有表头（可能是合并单元格），请补全表头。")
            continue
        if title.replace(" ", "") in NAME_HEADERS or "姓名" in title:
            errors.add(header_row, letter, f"表头“{title}”：学生成绩只按学生编号（化名）导入，不得上传学生姓名、"
                                           "身份证号等个人身份信息，请删除该列后再导入。")
            continue
        key = HEADERS.get(title)
        if key is None:
            errors.add(header_row, letter, f"无法识别的表头“{title}”，请使用导入模板中的表头"
                                           f"（{'、'.join(HEADERS)}）。")
        elif key in positions:
            errors.add(header_row, letter, f"表头“{title}”重复出现。")
        else:
            positions[key] = index
    for column in COLUMNS:
        if column.required and column.key not in positions:
            errors.add(header_row, "", f"缺少必填列“{column.header}”。")
    return positions


def validate_sheet(sheet: RawSheet, context: ScoreContext) -> ScoreSheet:
    """Check every row of a read sheet against the context; see the module docstring for the rules."""
    header_row = getattr(sheet, "header_row", 1)
    errors = _Errors(SHEET, {})
    for problem in sheet.problems:  # formulas without values, merged header cells
        errors.add(problem.row, problem.column, problem.message)
    positions = _headers(sheet, errors, header_row)
    errors.letters = {key: column_letter(index) for key, index in positions.items()}
    has_prior = "prior" in positions
    if errors.total:
        return ScoreSheet(_empty_frame(), errors.items, [], errors.total, has_prior)
    raw = _columns(sheet, positions)
    if raw.is_empty():
        raise ApplicationError("文件中没有数据行。")
    width = len(sheet.header)
    overflow = next((number for number, cells in sheet.rows
                     if len(cells) > width and any(_text(c) for c in cells[width:])), None)
    if overflow is not None:
        errors.add(overflow, column_letter(width), "该单元格在表头范围之外，内容无法导入。")
    frame = _check(raw, context, errors)
    if errors.total:
        items = sorted(errors.items, key=lambda e: (e.row or 0, e.column))
        return ScoreSheet(_empty_frame(), items, [], errors.total, has_prior)
    warnings = _warnings(frame, context)
    return ScoreSheet(frame, [], warnings, 0, has_prior)


def _text(value) -> str:
    """One cell as text, as tabular shows it (only used off the hot path)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _column_texts(values: list) -> pl.Series:
    """A column's cells as text, converted in one go: numbers typed in cells lose a trailing “.0” (codes, grades,
    whole scores), text keeps its leading zeros (学生编号 00123), blanks are ""."""
    return (pl.Series(values, dtype=pl.String, strict=False).fill_null("").str.strip_chars()
            .str.replace(r"^(-?\d+)\.0$", "${1}"))


def _columns(sheet: RawSheet, positions: dict[str, int]) -> pl.DataFrame:
    """The data rows as a frame of text columns (key → texts) with the sheet row numbers; empty rows dropped."""
    numbers = [number for number, _cells in sheet.rows]
    columns = {}
    for column in COLUMNS:
        index = positions.get(column.key)
        values = [cells[index] if index < len(cells) else None for _n, cells in sheet.rows] if index is not None \
            else [None] * len(numbers)
        columns[column.key] = _column_texts(values)
    frame = pl.DataFrame({"row": pl.Series(numbers, dtype=pl.Int64), **columns})
    return frame.filter(pl.any_horizontal(pl.col(c.key) != "" for c in COLUMNS))


def _empty_frame() -> pl.DataFrame:
    return pl.DataFrame(schema={"row": pl.Int64, "student": pl.String, "school": pl.String, "school_id": pl.Int64,
                                "subject": pl.String, "score": pl.Float64, "prior": pl.Float64,
                                "gender": pl.String, "class_name": pl.String})


def _mapped(key: str, mapping: dict[str, object], dtype) -> pl.Expr:
    """`key`'s texts mapped through a dict built over the distinct values (few: schools, subjects, grades)."""
    return pl.col(key).replace_strict(mapping, default=None, return_dtype=dtype)


def _check(raw: pl.DataFrame, context: ScoreContext, errors: _Errors) -> pl.DataFrame:
    blank = {c.key: raw.filter(pl.col(c.key) == "") for c in COLUMNS if c.required}
    for key, rows in blank.items():
        errors.add_frame(rows.select("row"), key, lambda _r: "必填项为空")

    # 学生编号: length and control characters (a pseudonym; names are refused by header).
    student = raw.filter(pl.col("student") != "")
    errors.add_frame(student.filter(pl.col("student").str.len_chars() > STUDENT_MAX).select("row"), "student",
                     lambda _r: f"学生编号过长（最多 {STUDENT_MAX} 个字符）")
    errors.add_frame(student.filter(pl.col("student").str.contains(CONTROL_PATTERN)).select("row"), "student",
                     lambda _r: "学生编号含有控制字符或换行，请检查")

    # 学校标识码: in the round; else of this county but not in the round; else another district's; else unknown.
    codes = raw.filter(pl.col("school") != "").select("row", "school")
    school_ids = {code: context.round_schools[code] for code in codes["school"].unique().to_list()
                  if code in context.round_schools}
    outside = codes.filter(~pl.col("school").is_in(list(school_ids)))

    strangers = outside["school"].unique().to_list()
    if context.school_origin is not None:
        origin = context.school_origin(strangers) if strangers else {}
    else:
        origin = {code: "county" if code in context.county_schools else "other" for code in strangers
                  if code in context.county_schools or code in context.known_schools}

    def school_message(item: dict) -> str:
        code = item["school"]
        if origin.get(code) == "county":
            return f"学校标识码 {code} 的学校不在本轮监测学校名单中"
        if origin.get(code) == "other":
            return f"学校标识码 {code} 属于其他区县，不能导入本区县的监测成绩"
        return f"学校标识码 {code} 在学校名录中不存在"

    errors.add_frame(outside, "school", school_message)

    # 年级: the round's grade (8, 8年级, 八年级, 初二).
    grades = {text: parse_grade(text) for text in raw["grade"].unique().to_list() if text}
    bad_grades = [text for text, value in grades.items() if value != context.grade]
    errors.add_frame(raw.filter(pl.col("grade").is_in(bad_grades)).select("row", "grade"), "grade",
                     lambda r: f"年级“{r['grade']}”不是本轮监测年级（{context.grade} 年级）")

    # 学科: one of the round's.
    subject_names = "、".join(context.subjects)
    errors.add_frame(raw.filter((pl.col("subject") != "") & ~pl.col("subject").is_in(list(context.subjects)))
                     .select("row", "subject"), "subject",
                     lambda r: f"学科“{r['subject']}”不是本轮监测学科（本轮学科：{subject_names}）")

    # 成绩 and 前测成绩: numbers (no text, NaN or infinity), 0 to the subject's full marks.
    full = _mapped("subject", {k: float(v) for k, v in context.subjects.items()}, pl.Float64)
    frame = raw.with_columns(full.alias("full"))
    for key in NUMBER_KEYS:
        filled = frame.filter(pl.col(key) != "")
        is_number = pl.col(key).str.replace_all(",", "").str.contains(NUMBER_PATTERN)
        errors.add_frame(filled.filter(~is_number).select("row", key), key,
                         lambda r, key=key: f"应为数字，实际为“{r[key][:40]}”")
        frame = frame.with_columns(pl.when(is_number).then(pl.col(key).str.replace_all(",", "")
                                                             .cast(pl.Float64, strict=False))
                                   .otherwise(None).alias(f"{key}_value"))
        value = pl.col(f"{key}_value")
        label = "成绩" if key == "score" else "前测成绩"
        bad = frame.filter(value.is_not_null() & (value.is_infinite() | (value < 0)
                                                  | (pl.col("full").is_not_null() & (value > pl.col("full")))))
        errors.add_frame(bad.select("row", key, "full", "subject"), key,
                         lambda r, label=label, key=key: f"{label} {r[key][:40]} 超出范围（应在 0 至 {r['subject']}满分 "
                                                f"{r['full']:g} 之间）" if r["full"] is not None
                         else f"{label} {r[key][:40]} 不能为负数或无穷大")

    # 性别 and 班级.
    errors.add_frame(frame.filter(~pl.col("gender").is_in(["", "男", "女"])).select("row", "gender"), "gender",
                     lambda r: f"性别应填“男”或“女”，实际为“{r['gender'][:20]}”")
    errors.add_frame(frame.filter(pl.col("class_name").str.len_chars() > CLASS_MAX).select("row"), "class_name",
                     lambda _r: f"班级名称过长（最多 {CLASS_MAX} 个字符）")
    errors.add_frame(frame.filter(pl.col("class_name").str.contains(CONTROL_PATTERN)).select("row"), "class_name",
                     lambda _r: "班级名称含有控制字符或换行，请检查")

    # The same pupil twice in one subject.
    keyed = frame.filter((pl.col("student") != "") & (pl.col("subject") != ""))
    first = keyed.group_by("student", "subject").agg(pl.col("row").min().alias("first"), pl.len().alias("n"))
    doubled = keyed.join(first.filter(pl.col("n") > 1), on=["student", "subject"]).filter(
        pl.col("row") != pl.col("first")).sort("row")
    errors.add_frame(doubled.select("row", "student", "subject", "first"), "student",
                     lambda r: f"学生编号 {r['student'][:40]} 的{r['subject']}成绩与第 {r['first']} 行重复")

    if errors.total:
        return frame
    return frame.select(
        "row", "student", "school",
        _mapped("school", school_ids, pl.Int64).alias("school_id"),
        "subject", pl.col("score_value").alias("score"), pl.col("prior_value").alias("prior"),
        "gender", "class_name",
    )


def _warnings(frame: pl.DataFrame, context: ScoreContext) -> list[RowError]:
    warnings: list[RowError] = []
    # A school whose mean lies more than 3 SD (of the other schools' means) from the mean of the other schools'
    # pupils, per subject: leave-one-out, since one wild school among ten would otherwise inflate the SD it is
    # measured with so much that it could never be found.
    schools = frame.group_by("subject", "school").agg(
        pl.col("score").sum().alias("total"), pl.len().alias("n"), pl.col("score").mean().alias("mean"),
        pl.col("row").min().alias("row"))
    per_subject = schools.group_by("subject").agg(
        pl.col("total").sum().alias("s_total"), pl.col("n").sum().alias("s_n"), pl.len().alias("k"),
        pl.col("mean").sum().alias("m_sum"), (pl.col("mean") ** 2).sum().alias("m_sq"))
    checked = schools.join(per_subject, on="subject").filter(pl.col("k") - 1 >= MIN_OTHER_SCHOOLS).with_columns(
        ((pl.col("s_total") - pl.col("total")) / (pl.col("s_n") - pl.col("n"))).alias("others_mean"),
        ((pl.col("m_sum") - pl.col("mean")) / (pl.col("k") - 1)).alias("others_mean_of_means"),
    ).with_columns(
        ((pl.col("m_sq") - pl.col("mean") ** 2 - (pl.col("k") - 1) * pl.col("others_mean_of_means") ** 2)
         / (pl.col("k") - 2)).clip(lower_bound=0).sqrt().alias("sd"),
    ).filter((pl.col("sd") > 0) & ((pl.col("mean") - pl.col("others_mean")).abs() > OUTLIER_SD * pl.col("sd")))
    for item in checked.sort("subject", "school").iter_rows(named=True):
        name = context.school_names.get(item["school"], item["school"])
        warnings.append(RowError(SHEET, item["row"], "学校标识码", (
            f"{name}（{item['school']}）{item['subject']}平均分 {item['mean']:.1f}，与全区其他学校学生平均分 "
            f"{item['others_mean']:.1f} 相差超过 {OUTLIER_SD:g} 个标准差（校际标准差 {item['sd']:.1f}），"
            "请确认成绩是否录错或漏乘、满分是否一致。")))

    # A class whose scores are all equal (copied or defaulted values).
    classes = frame.filter(pl.col("class_name") != "").group_by("school", "class_name", "subject").agg(
        pl.len().alias("n"), pl.col("score").min().alias("low"), pl.col("score").max().alias("high"),
        pl.col("row").min().alias("row"))
    for item in classes.filter((pl.col("n") >= MIN_EQUAL_CLASS) & (pl.col("low") == pl.col("high"))).sort(
            "school", "class_name", "subject").iter_rows(named=True):
        name = context.school_names.get(item["school"], item["school"])
        warnings.append(RowError(SHEET, item["row"], "班级", (
            f"{name}{item['class_name']}{item['subject']}共 {item['n']} 名学生成绩全部为 {item['low']:g}，"
            "请确认是否为实际成绩。")))

    # A school of the round with no rows in this file and none imported before.
    present = set(frame["school"].unique().to_list())
    for code in sorted(set(context.round_schools) - present - set(context.schools_with_scores)):
        name = context.school_names.get(code, code)
        warnings.append(RowError(SHEET, None, "学校标识码",
                                 f"本轮监测学校{name}（{code}）在文件中没有任何成绩，且此前也未导入。"))
    return warnings


def template_bytes(example: list | None = None) -> bytes:
    """The import template: the 学生成绩 sheet with its headers (and one example row) and a 填写说明 sheet."""
    rows = [example] if example else []
    return write_template_workbook([SPEC], {SHEET: rows}, closing_note=(
        "说明：每名学生每个学科一行；学生编号为测试中心分配的化名编号，不得填写学生姓名或身份证号。整个文件全部"
        "校验通过才会导入；同一学校同一学科再次导入将替换该校该学科原有成绩并留痕。前测成绩不填时，按学生编号"
        "关联同一批学生最近一次往期监测的同一学科成绩。"))
