"""Reading .xlsx/.xls/.ods/.csv uploads into plain rows, and validating them against a sheet spec.

Everything here is about files and cells, nothing about schools: apps declare a SheetSpec and get back
typed row dicts or a list of RowError in Chinese (sheet, row, column, message). Imports are all-or-nothing,
so callers collect every error before deciding.
"""

import csv
import datetime
import decimal
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from xml.etree import ElementTree

import xlsxwriter
from django.conf import settings
from python_calamine import CalamineWorkbook

from dudao.core.errors import ApplicationError, RowError
from dudao.core.uploads import check_spreadsheet, check_zip, xlsx_sheet_paths

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@dataclass
class RawSheet:
    """One sheet as read: the header cells and the data rows (1-based sheet row numbers kept)."""

    name: str
    header: list[str]
    rows: list[tuple[int, list]]
    problems: list[RowError] = field(default_factory=list)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _cell_text(value) -> str:
    """A cell as text: integral floats lose their '.0' (codes typed as numbers), dates become ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def read_import_file(upload) -> bytes:
    """An uploaded import file's bytes, refusing it by its declared size before reading and never reading more
    than the limit (Django keeps large uploads in a temporary file; .read() would load all of it)."""
    limit = settings.DUDAO_IMPORT_MAX_BYTES
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ApplicationError(f"文件过大：{_size_text(size)}，导入文件不能超过 {_size_text(limit)}。")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ApplicationError(f"文件过大：导入文件不能超过 {_size_text(limit)}。")
    return data


def _size_text(size: int) -> str:
    return f"{size / 1048576:.1f} MB" if size >= 1048576 else f"{size / 1024:.0f} KB"


def read_upload(data: bytes, filename: str, *, convert: bool = True) -> list[RawSheet]:
    """Read an uploaded file into sheets; refuses oversized, mislabelled or unreadable files.

    With convert=False every check is the same, but the data rows keep the cells as read (str, float, date…, not
    turned into text one by one) and empty rows are kept: for imports of hundreds of thousands of rows that
    convert and skip them column by column (quality's 学生成绩)."""
    limit = settings.DUDAO_IMPORT_MAX_BYTES
    if len(data) > limit:
        raise ApplicationError(
            f"文件过大：{len(data) / 1048576:.1f} MB，导入文件不能超过 {limit / 1048576:.0f} MB。"
        )
    if not data:
        raise ApplicationError("文件为空。")
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if ext not in {"xlsx", "xls", "ods", "csv"}:
        raise ApplicationError("只能导入 .xlsx、.xls、.ods 或 .csv 文件。")
    if ext in {"xlsx", "ods"} and not data.startswith(XLSX_MAGIC):
        raise ApplicationError(f"文件内容不是有效的 .{ext} 表格（可能已损坏或被改了扩展名）。")
    if ext == "xls" and not data.startswith(OLE_MAGIC):
        raise ApplicationError("文件内容不是有效的 .xls 表格（可能已损坏或被改了扩展名）。")
    if ext == "csv":
        return [_read_csv(data, filename, convert)]
    if ext in {"xlsx", "ods"}:
        check_zip(data, filename)  # inflated size, entry count and ratio capped before calamine reads it
        check_spreadsheet(data, filename)  # the grid and the text calamine would build from those bytes
    return _read_workbook(data, ext, convert)


def _read_csv(data: bytes, filename: str, convert: bool = True) -> RawSheet:
    if b"\x00" in data[:4096] or data.startswith((XLSX_MAGIC, OLE_MAGIC)):
        raise ApplicationError("文件内容不是文本格式的 CSV（可能是 Excel 文件被改了扩展名）。")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost anything
        raise ApplicationError("无法识别 CSV 文件的编码，请另存为 UTF-8 编码。")
    # The same cell cap as a workbook's grid (a blank line counts as one cell); blank lines are kept as the shared
    # empty tuple, so a file of newlines costs a pointer per line, and row numbers stay those of the file.
    limit, cells, rows = settings.DUDAO_SHEET_MAX_CELLS, 0, []
    try:
        for row in csv.reader(io.StringIO(text)):
            cells += len(row) or 1
            if cells > limit:
                raise ApplicationError(f"CSV 文件超过 {limit:,} 个单元格的上限，拒绝读取。请删除空白行列和无关内容后再上传。")
            rows.append(row if any(c.strip() for c in row) else ())
    except csv.Error as exc:
        raise ApplicationError(f"CSV 格式错误：{exc}") from None
    name = filename.rsplit(".", 1)[0]
    return _raw_sheet(name, rows, convert)


def _raw_sheet(name: str, rows: list[list], convert: bool = True) -> RawSheet:
    header_index = next((i for i, r in enumerate(rows) if any(_cell_text(c) for c in r)), None)
    if header_index is None:
        return RawSheet(name=name, header=[], rows=[])
    header = [_cell_text(c) for c in rows[header_index]]
    if not convert:
        sheet = RawSheet(name=name, header=header, rows=[
            (number, row) for number, row in enumerate(rows[header_index + 1:], start=header_index + 2) if row])
        sheet.header_row = header_index + 1  # type: ignore[attr-defined]
        return sheet
    data_rows = []
    for offset, row in enumerate(rows[header_index + 1:], start=header_index + 2):
        cells = [_cell_text(c) for c in row]
        if any(cells):
            data_rows.append((offset, cells))
    sheet = RawSheet(name=name, header=header, rows=data_rows)
    sheet.header_row = header_index + 1  # type: ignore[attr-defined]
    return sheet


def _read_workbook(data: bytes, ext: str, convert: bool = True) -> list[RawSheet]:
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # calamine raises its own error types for every kind of broken file
        raise ApplicationError("无法读取该表格文件：文件已损坏，或不是 Excel/WPS 表格。") from None
    xml_checks = _xlsx_structure_problems(data) if ext == "xlsx" else {}
    sheets = []
    for name in workbook.sheet_names:
        try:
            calamine_sheet = workbook.get_sheet_by_name(name)
        except Exception:
            raise ApplicationError(f"无法读取工作表“{name}”：内容已损坏。") from None
        # .xls (binary, at most 65,536 x 256 per sheet) is only measured here, before its rows become Python lists
        if calamine_sheet.height * calamine_sheet.width > settings.DUDAO_SHEET_MAX_CELLS:
            raise ApplicationError(
                f"表格范围过大：工作表“{name[:60]}”的范围达 {calamine_sheet.height:,} 行 × {calamine_sheet.width:,} 列，"
                f"超过 {settings.DUDAO_SHEET_MAX_CELLS:,} 个单元格的上限，拒绝读取。请删除空白行列和无关内容后再上传。")
        try:
            rows = calamine_sheet.to_python(skip_empty_area=False)
        except Exception:
            raise ApplicationError(f"无法读取工作表“{name}”：内容已损坏。") from None
        sheet = _raw_sheet(name, rows, convert)
        sheet.problems.extend(xml_checks.get(name, []))
        sheets.append(sheet)
    return sheets


_MERGE_RE = re.compile(rb'<mergeCell ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
_CELL_REF_RE = re.compile(r"([A-Z]+)(\d+)")


def _xlsx_structure_problems(data: bytes) -> dict[str, list[RowError]]:
    """Per sheet: formula cells saved without a value, and merged cells in the first rows (headers).

    calamine reads a formula's cached value; a formula that was never calculated (files written by
    scripts) has none and would import as an empty cell, so it is refused rather than silently lost.
    """
    problems: dict[str, list[RowError]] = {}
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        paths = xlsx_sheet_paths(archive)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError):
        raise ApplicationError("无法读取该表格文件：文件已损坏，或不是 Excel/WPS 表格。") from None
    for name, path in paths.items():
        try:
            xml = archive.read(path)
        except KeyError:
            continue
        found: list[RowError] = []
        for match in _MERGE_RE.finditer(xml):
            first_row = int(match.group(2))
            if first_row <= 2:
                ref = f"{match.group(1).decode()}{first_row}:{match.group(3).decode()}{int(match.group(4))}"
                found.append(RowError(name, first_row, match.group(1).decode(),
                                      f"表头含合并单元格（{ref}），请取消合并，每列一个表头。"))
        if b"<f" in xml:
            found.extend(_formulas_without_values(name, xml))
        if found:
            problems[name] = found
    return problems


def _formulas_without_values(sheet: str, xml: bytes) -> list[RowError]:
    found = []
    for _event, elem in ElementTree.iterparse(io.BytesIO(xml)):
        if elem.tag != f"{MAIN_NS}c":
            continue
        formula = elem.find(f"{MAIN_NS}f")
        value = elem.find(f"{MAIN_NS}v")
        if formula is not None and (value is None or not (value.text or "").strip()):
            ref = elem.get("r", "")
            m = _CELL_REF_RE.match(ref)
            col, row = (m.group(1), int(m.group(2))) if m else ("", None)
            found.append(RowError(sheet, row, col, f"单元格 {ref} 是公式但没有计算结果，请在 Excel/WPS 中打开并保存后再导入，或改为数值。"))
        elem.clear()
    return found


# ---- validation against a spec ------------------------------------------------------------------

YES = {"是", "y", "yes", "true", "1", "√"}
NULLABLE_KINDS = {"int", "year", "choice", "date", "decimal", "number"}
DATE_PATTERN = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[ T].*)?")


def parse_date_text(text: str) -> datetime.date:
    """2024-03-16, 2024/3/16, 2024.3.16 or 2024年3月16日 (a time part, as Excel dates carry, is ignored)."""
    match = DATE_PATTERN.fullmatch(text.strip())
    if match:
        try:
            return datetime.date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
    raise ValueError(f"日期“{text}”无法识别（格式如 2024-03-16）")


NO = {"否", "n", "no", "false", "0", ""}


@dataclass(eq=False)
class Column:
    """One expected column: its Chinese header, the key it maps to, and how to parse the cell."""

    header: str
    key: str
    required: bool = False
    kind: str = "str"  # str | int | bool | choice | year | date | decimal | number (a float, kept as typed)
    choices: dict[str, str] | None = None  # accepted label → stored value
    max_length: int = 255
    pattern: str = ""
    pattern_message: str = ""
    help: str = ""

    def parse(self, text: str):
        """The typed value, or raises ValueError with a Chinese message."""
        if not text:
            if self.required:
                raise ValueError("必填项为空")
            return None if self.kind in NULLABLE_KINDS else ("" if self.kind == "str" else False)
        if self.kind == "str":
            if len(text) > self.max_length:
                raise ValueError(f"内容过长（最多 {self.max_length} 个字符）")
            if self.pattern and not re.fullmatch(self.pattern, text):
                raise ValueError(self.pattern_message or "格式不正确")
            return text
        if self.kind in {"int", "year"}:
            try:
                number = float(text)
            except ValueError:
                raise ValueError(f"应为整数，实际为“{text}”") from None
            if not number.is_integer():
                raise ValueError(f"应为整数，实际为“{text}”")
            number = int(number)
            if number < 0:
                raise ValueError(f"不能为负数（{number}）")
            if self.kind == "year" and not 1800 <= number <= 2100:
                raise ValueError(f"年份不合理（{number}）")
            return number
        if self.kind == "date":
            return parse_date_text(text)
        if self.kind == "decimal":
            try:
                number = decimal.Decimal(text)
            except decimal.InvalidOperation:
                raise ValueError(f"应为数字，实际为“{text}”") from None
            if not number.is_finite() or number < 0:
                raise ValueError(f"应为非负数字，实际为“{text}”")
            return number.quantize(decimal.Decimal("0.1"))
        if self.kind == "number":
            try:
                number = float(text.replace(",", ""))
            except ValueError:
                raise ValueError(f"应为数字，实际为“{text}”") from None
            if number != number or number in (float("inf"), float("-inf")):
                raise ValueError(f"应为数字，实际为“{text}”")
            if number < 0:
                raise ValueError(f"不能为负数（{text}）")
            return number
        if self.kind == "bool":
            lowered = text.lower()
            if lowered in YES:
                return True
            if lowered in NO:
                return False
            raise ValueError(f"应填“是”或“否”，实际为“{text}”")
        if self.kind == "choice":
            assert self.choices is not None
            if text in self.choices:
                return self.choices[text]
            raise ValueError(f"“{text}”不是可选值（可选：{'、'.join(self.choices)}）")
        raise AssertionError(self.kind)  # pragma: no cover


@dataclass
class SheetSpec:
    """A kind of sheet an import accepts: its sheet name in the template and its columns."""

    name: str
    columns: list[Column]

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def matches(self, header: list[str]) -> bool:
        cleaned = {normalise_header(h) for h in header}
        return all(c.header in cleaned for c in self.columns if c.required)


def normalise_header(text: str) -> str:
    return text.replace("*", "").replace("＊", "").strip()


@dataclass
class ParsedRow:
    row: int
    values: dict


@dataclass
class ParsedSheet:
    """A sheet's typed rows, every error found so far, and where each column sits in the file."""

    spec: SheetSpec
    rows: list[ParsedRow]
    errors: list[RowError]
    letters: dict[str, str]

    def error(self, row: int, key: str, message: str) -> None:
        header = next((c.header for c in self.spec.columns if c.key == key), key)
        self.errors.append(RowError(self.spec.name, row, f"{self.letters.get(key, '')}（{header}）", message))

    def parent_in_scope(self, row: ParsedRow, key: str, found, scope, *, code_label: str, noun: str, sheet: str):
        """The record a row hangs from (a campus's school, a training's inspector), or None after recording why:
        it exists neither in the system nor in the file's `sheet`, or it lies outside the user's regions."""
        code = row.values[key]
        if found is None:
            self.error(row.row, key, f"{code_label} {code} 不存在（系统中和本文件“{sheet}”表中都没有）")
            return None
        if not scope.covers_region(found.region_id):
            self.error(row.row, key, f"{noun} {code} 不在您的管辖范围内")
            return None
        return found


def parse_sheet(sheet: RawSheet, spec: SheetSpec) -> ParsedSheet:
    """Map headers to columns and parse every cell; keeps all rows and every error found."""
    errors = list(sheet.problems)
    by_header = {c.header: c for c in spec.columns}
    positions: dict[int, Column] = {}
    header_row = getattr(sheet, "header_row", 1)
    for index, raw in enumerate(sheet.header):
        title = normalise_header(raw)
        letter = column_letter(index)
        if not title:
            if any(index < len(cells) and cells[index] for _n, cells in sheet.rows):
                errors.append(RowError(sheet.name, header_row, letter, "该列有数据但没有表头（可能是合并单元格），请补全表头。"))
            continue
        column = by_header.get(title)
        if column is None:
            errors.append(RowError(sheet.name, header_row, letter, f"无法识别的表头“{title}”，请使用导入模板中的表头。"))
        elif column in positions.values():
            errors.append(RowError(sheet.name, header_row, letter, f"表头“{title}”重复出现。"))
        else:
            positions[index] = column
    present = set(positions.values())
    for column in spec.columns:
        if column.required and column not in present:
            errors.append(RowError(sheet.name, header_row, "", f"缺少必填列“{column.header}”。"))
    letters = {column.key: column_letter(index) for index, column in positions.items()}
    if errors:
        return ParsedSheet(spec, [], errors, letters)
    parsed = []
    for number, cells in sheet.rows:
        values = {}
        for index, column in positions.items():
            text = cells[index] if index < len(cells) else ""
            try:
                values[column.key] = column.parse(text)
            except ValueError as exc:
                errors.append(RowError(sheet.name, number, f"{column_letter(index)}（{column.header}）", str(exc)))
        for index in range(len(cells)):
            if index not in positions and index >= len(sheet.header) and cells[index]:
                errors.append(RowError(sheet.name, number, column_letter(index), "该单元格在表头范围之外，内容无法导入。"))
        for column in spec.columns:
            values.setdefault(column.key, None if column.kind in NULLABLE_KINDS else "")
        parsed.append(ParsedRow(number, values))
    return ParsedSheet(spec, parsed, errors, letters)


def check_duplicates(sheet: ParsedSheet, key: Callable[[dict], object], column: str, what: str) -> None:
    """Adds an error for every row whose natural key already appeared higher in the file."""
    seen: dict[object, int] = {}
    for row in sheet.rows:
        value = key(row.values)
        if value in seen:
            sheet.error(row.row, column, f"{what}与第 {seen[value]} 行重复。")
        else:
            seen[value] = row.row


IGNORED_SHEETS = {"填写说明", "说明"}


def match_sheets(sheets: list[RawSheet], specs: list[SheetSpec]) -> tuple[dict[str, RawSheet], list[RowError]]:
    """Pair each sheet with its spec, by sheet name or else by headers; unknown or doubled sheets are errors."""
    errors: list[RowError] = []
    matched: dict[str, RawSheet] = {}
    names = "、".join(s.name for s in specs)
    for raw in sheets:
        if raw.name in IGNORED_SHEETS or (not raw.header and not raw.rows):
            continue
        spec = next((s for s in specs if s.name == raw.name), None) or next(
            (s for s in specs if s.matches(raw.header)), None)
        if spec is None:
            errors.append(RowError(raw.name, None, "", f"无法识别的工作表：请使用模板中的工作表名称（{names}）和表头。"))
        elif spec.name in matched:
            errors.append(RowError(raw.name, None, "", f"文件中有两个“{spec.name}”工作表。"))
        else:
            matched[spec.name] = raw
    if not matched and not errors:
        raise ApplicationError("文件中没有可导入的数据。")
    return matched, errors


KIND_RULES = {"int": "非负整数。", "bool": "填“是”或“否”。", "date": "日期，如 2024-03-16。", "decimal": "非负数字。"}


def write_template_workbook(specs: list[SheetSpec], sheets: dict[str, list[list]] | None = None, *,
                            with_notes: bool = True, closing_note: str = "") -> bytes:
    """A workbook with one sheet per spec (headers, then the given rows) and a 填写说明 sheet.

    With `sheets`, only those sheets are written (demo, tests, benchmarks); without, every spec is.
    """
    sheets = sheets or {}
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    required = workbook.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    optional = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    for spec in specs:
        if sheets and spec.name not in sheets:
            continue
        ws = workbook.add_worksheet(spec.name)
        for col, column in enumerate(spec.columns):
            ws.write_string(0, col, column.header + ("*" if column.required else ""), required if column.required else optional)
            ws.set_column(col, col, max(12, len(column.header) * 2 + 4), text)
        for r, row in enumerate(sheets.get(spec.name, []), start=1):
            for c, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, int | float) and not isinstance(value, bool):
                    ws.write_number(r, c, value)
                else:
                    ws.write_string(r, c, str(value))
    if with_notes:
        notes = workbook.add_worksheet("填写说明")
        notes.set_column(0, 0, 16)
        notes.set_column(1, 1, 18)
        notes.set_column(2, 2, 80)
        row = 0
        notes.write_row(row, 0, ["工作表", "列", "填写要求"], required)
        for spec in specs:
            for column in spec.columns:
                row += 1
                rule = "必填。" if column.required else "选填。"
                if column.choices:
                    rule += "可选：" + "、".join(column.choices) + "。"
                rule += KIND_RULES.get(column.kind, "")
                if column.pattern_message:
                    rule += column.pattern_message + "。"
                if column.help:
                    rule += column.help + "。"
                notes.write_row(row, 0, [spec.name, column.header, rule])
        if closing_note:
            notes.write(row + 2, 0, closing_note)
    workbook.close()
    return buffer.getvalue()
