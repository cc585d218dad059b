"""Resource limits on uploaded files, checked before any reader decompresses or decodes them.

Zip containers (.xlsx, .ods, .docx, .pptx) are inflated once here, in bounded chunks, without trusting the
sizes the archive declares: the total inflated size, the number of entries and each entry's compression ratio
are capped (settings DUDAO_ZIP_*). Images are refused above a pixel count (DUDAO_IMAGE_MAX_PIXELS) before
Pillow decodes them, and Pillow's own decompression-bomb guard becomes a Chinese refusal.
"""

import copy
import io
import re
import warnings
import zipfile
import zlib
from array import array
from contextlib import contextmanager
from xml.etree import ElementTree

from django.conf import settings
from PIL import Image

from dudao.core.errors import ApplicationError

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_CHUNK = 1024 * 1024
# Entries that inflate to less than this are not held to the ratio (a tiny styles.xml compresses very well).
RATIO_FLOOR_BYTES = 1024 * 1024


def _mb(size: int) -> str:
    return f"{size / 1048576:.0f} MB"


def check_zip(data: bytes, name: str) -> None:
    """Refuse a zip container that would inflate beyond the limits; nothing else reads it before this.

    Every entry is decompressed here in 1 MB chunks (never held whole), so a bomb that lies about its sizes
    in the central directory is caught as well as an honest huge one. Raises ApplicationError in Chinese.
    """
    max_total = settings.DUDAO_ZIP_MAX_UNCOMPRESSED_BYTES
    max_entries = settings.DUDAO_ZIP_MAX_ENTRIES
    max_ratio = settings.DUDAO_ZIP_MAX_RATIO
    broken = f"无法读取文件“{name}”：文件已损坏，或不是有效的 Excel/WPS/Word 文件。"
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise ApplicationError(broken) from None
    if len(entries) > max_entries:
        raise ApplicationError(f"文件“{name}”包含 {len(entries):,} 个内部文件，超过上限 {max_entries:,} 个，拒绝读取。")
    declared = sum(info.file_size for info in entries)
    if declared > max_total:
        raise ApplicationError(f"文件“{name}”解压后约 {_mb(declared)}，超过上限 {_mb(max_total)}，拒绝读取。")
    total = 0
    for info in entries:
        if info.is_dir():
            continue
        entry_cap = max(info.compress_size * max_ratio, RATIO_FLOOR_BYTES)
        budget = min(entry_cap, max_total - total)
        inflated = _inflated_size(archive, info, budget, broken)
        if inflated > budget:
            if budget == entry_cap:
                raise ApplicationError(f"文件“{name}”中的“{info.filename[:80]}”压缩比超过 {max_ratio}:1（疑似压缩炸弹），拒绝读取。")
            raise ApplicationError(f"文件“{name}”解压后超过上限 {_mb(max_total)}，拒绝读取。")
        if inflated != info.file_size:
            raise ApplicationError(broken)
        total += inflated


def _inflated_size(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, broken: str) -> int:
    """Bytes the entry really inflates to, counting at most budget + 1 (the declared size is not trusted)."""
    probe = copy.copy(info)
    probe.file_size = budget + 1  # zipfile stops reading at file_size: let it run past a lie, up to the budget
    probe.CRC = None  # a read cut at the budget must not be judged by the CRC (the size decides; readers check CRCs)
    size = 0
    try:
        with archive.open(probe) as stream:
            while size <= budget:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, OSError, EOFError, zlib.error):
        # RuntimeError: encrypted entry; NotImplementedError: an unusual compression method
        raise ApplicationError(broken) from None
    return size


def check_office_zip(data: bytes, name: str) -> None:
    """check_zip for data that is a zip (by its magic bytes); other data is left to the caller's own checks."""
    if data.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC)):
        check_zip(data, name)


def image_pixel_limit() -> int:
    return settings.DUDAO_IMAGE_MAX_PIXELS


def pixel_refusal(name: str, width: int | None = None, height: int | None = None) -> ApplicationError:
    limit = image_pixel_limit()
    size = f"（{width}×{height}）" if width and height else ""
    return ApplicationError(f"图片“{name}”尺寸过大{size}，超过 {limit / 1_000_000:g} 百万像素的上限，请缩小后再上传。")


def check_image_size(name: str, width: int, height: int) -> None:
    if width * height > image_pixel_limit():
        raise pixel_refusal(name, width, height)


def configure_pillow() -> None:
    """Pillow's pixel limit from the settings, and its DecompressionBombWarning (between the limit and twice the
    limit) raised as an error, as Pillow's documentation advises; called once when the app starts."""
    Image.MAX_IMAGE_PIXELS = image_pixel_limit()
    warnings.simplefilter("error", Image.DecompressionBombWarning)


@contextmanager
def image_guard(name: str):
    """Decode an image under the pixel limit: Pillow's DecompressionBombWarning and DecompressionBombError
    become a clean refusal in Chinese (ApplicationError) instead of a 500."""
    Image.MAX_IMAGE_PIXELS = image_pixel_limit()  # the setting may have changed since start-up (tests)
    try:
        yield
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise pixel_refusal(name) from None


# ---- spreadsheets: the grid and the text calamine would build -------------------------------------------------
#
# check_zip bounds the bytes, not what a reader builds from them: calamine makes a dense grid from the first to
# the last cell (A1 and XFD1048576 make 17 billion cells from 2 KB), and copies a shared string into every cell
# that refers to it (one 900 KB string referred to by 900 cells is 800 MB from 7 KB). check_spreadsheet streams
# each sheet's XML in chunks (regular expressions over bytes, never a whole part in memory) and refuses a
# workbook whose grid or whose text would exceed DUDAO_SHEET_MAX_CELLS / DUDAO_SHEET_MAX_TEXT_CHARS.

_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"
# Attribute values may hold a raw '>': the fast patterns (attributes as [^>]*) are used unless a piece has such a
# value (_RAW_GT_RE, never in files Excel, WPS or LibreOffice write), then the exact but slower ones.
_ATTRS = rb"(?:[^>\"']|\"[^\"]*\"|'[^']*')*?"
_FAST_ATTRS = rb"[^>]*?"
_RAW_GT_RE = re.compile(rb"<[^<>]*=(?:\"[^\"<]*|'[^'<]*)>")


def _row_or_cell_re(attrs: bytes, prefix: bytes = _PREFIX) -> re.Pattern:
    return re.compile(rb"<" + prefix + rb"(row|c)(?=[\s/>])(?:" + attrs + rb"\sr=[\"']\$?([A-Za-z]*)\$?(\d*)[\"'])?")


def _shared_cell_re(attrs: bytes, prefix: bytes = _PREFIX) -> re.Pattern:
    return re.compile(rb"<" + prefix + rb"c\s" + attrs + rb"\st=[\"']s[\"']" + attrs + rb">(\s*<" + _PREFIX
                      + rb"v>\s*(\d{1,12}))?")


# index [exact][prefixed]: the patterns for tags without a namespace prefix (every common writer) are faster
_ROW_OR_CELL_RES = ((_row_or_cell_re(_FAST_ATTRS, b""), _row_or_cell_re(_FAST_ATTRS)),
                    (_row_or_cell_re(_ATTRS, b""), _row_or_cell_re(_ATTRS)))
_SHARED_CELL_RES = ((_shared_cell_re(_FAST_ATTRS, b""), _shared_cell_re(_FAST_ATTRS)),
                    (_shared_cell_re(_ATTRS, b""), _shared_cell_re(_ATTRS)))
_DIMENSION_RE = re.compile(rb"<" + _PREFIX + rb"dimension\s[^>]*?ref=\"(?:[^\":]*:)?\$?([A-Za-z]+)\$?(\d+)\"")
_SHARED_STRING_RE = re.compile(rb"<" + _PREFIX + rb"si(?=[\s/>])[^>]*?(/>|>(.*?)</" + _PREFIX + rb"si>)", re.DOTALL)
_ANY_TAG_RE = re.compile(rb"<[^>]*>")
_ODS_TAG_RES = tuple(re.compile(rb"<(/?)table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])(" + attrs
                                 + rb")(/?)>") for attrs in (_FAST_ATTRS, _ATTRS))
_ODS_NAME_RE = re.compile(rb"table:name=\"([^\"]*)\"")
_ODS_ROWS_RE = re.compile(rb"table:number-rows-repeated=\"(\d{1,12})\"")
_ODS_COLS_RE = re.compile(rb"table:number-columns-repeated=\"(\d{1,12})\"")


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


def _chunks(archive: zipfile.ZipFile, path: str, cut: bytes, closing_tag: bytes = b""):
    """The entry's bytes in pieces, each cut just before the last `cut` marker it holds ('<' never appears inside
    an attribute value or text, so a cut before '<' or '</' never splits a tag), or with closing_tag just after
    the last `</closing_tag>` (any namespace prefix). At most one piece is held (check_zip bounds the worst)."""
    buffer = bytearray()
    with archive.open(path) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            buffer += chunk
            end = _last_cut(buffer, cut, closing_tag)
            if end > 0:
                yield bytes(buffer[:end])
                del buffer[:end]
    if buffer:
        yield bytes(buffer)


def _last_cut(buffer: bytearray, cut: bytes, closing_tag: bytes) -> int:
    if not closing_tag:
        return buffer.rfind(cut)
    position = len(buffer)
    while True:
        position = buffer.rfind(closing_tag, 0, position)
        if position < 0:
            return -1
        opening = buffer.rfind(b"<", 0, position)
        if opening >= 0 and _CLOSING_RE.fullmatch(buffer, opening, position):
            return position + len(closing_tag)


_CLOSING_RE = re.compile(rb"</" + rb"(?:[A-Za-z_][\w.-]*:)?")


def _sheet_limits() -> tuple[int, int]:
    return settings.DUDAO_SHEET_MAX_CELLS, settings.DUDAO_SHEET_MAX_TEXT_CHARS


def _grid_refusal(name: str, sheet: str, rows: int, columns: int, total: int, limit: int) -> ApplicationError:
    where = f"工作表“{sheet[:60]}”的范围达 {rows:,} 行 × {columns:,} 列" if rows * columns > limit \
        else f"各工作表合计 {total:,} 个单元格（至工作表“{sheet[:60]}”）"
    return ApplicationError(f"表格范围过大：文件“{name}”中{where}，超过 {limit:,} 个单元格的上限，拒绝读取。"
                            "请删除空白行列和无关内容（或只保留需要导入的工作表）后再上传。")


def xlsx_sheet_paths(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name → worksheet part, as the workbook lists them (the parts calamine reads; parts are looked up
    without regard to case, as calamine does)."""
    actual = {entry.lower(): entry for entry in archive.namelist()}

    main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rel_ns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    workbook = ElementTree.fromstring(archive.read(actual.get("xl/workbook.xml", "xl/workbook.xml")))
    rels = ElementTree.fromstring(archive.read(actual.get("xl/_rels/workbook.xml.rels", "xl/_rels/workbook.xml.rels")))
    targets = {r.get("Id"): r.get("Target", "") for r in rels}
    paths = {}
    for sheet in workbook.iter(f"{main}sheet"):
        target = targets.get(sheet.get(rel_ns), "").lstrip("/")
        paths[sheet.get("name")] = target if target.startswith("xl/") else f"xl/{target}"
    return paths


def check_spreadsheet(data: bytes, name: str) -> None:
    """Refuse an .xlsx or .ods whose cell grid or text would be too large once calamine reads it (after
    check_zip, before calamine). Other data is left to the caller. Raises ApplicationError in Chinese."""
    if not data.startswith(ZIP_MAGIC):
        return
    broken = f"无法读取文件“{name}”：文件已损坏，或不是有效的 Excel/WPS 表格。"
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
        lowered = {entry.lower() for entry in names}
        if "xl/workbook.xml" in lowered:
            _check_xlsx(archive, names, name)
        elif "content.xml" in names:
            _check_ods(archive, name)
    except ApplicationError:
        raise
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError, zlib.error, SyntaxError):
        raise ApplicationError(broken) from None


def _check_xlsx(archive: zipfile.ZipFile, names: set[str], name: str) -> None:
    max_cells, max_text = _sheet_limits()
    actual = {entry.lower(): entry for entry in names}  # calamine finds parts whatever their case
    shared = actual.get("xl/sharedstrings.xml")
    lengths = _shared_string_lengths(archive, shared) if shared else array("q")
    longest = max(lengths, default=0)
    total_cells = total_text = 0
    sheets = {actual[path.lower()]: sheet for sheet, path in xlsx_sheet_paths(archive).items() if path.lower() in actual}
    # every worksheet part, listed or not, is measured (one the workbook does not list is named by its path)
    sheets.update({entry: entry for entry in sorted(names) if entry.lower().startswith("xl/worksheets/")
                   and entry.lower().endswith(".xml") and entry not in sheets})
    for path, sheet in sheets.items():
        rows = columns = row = column = 0
        for number, piece in enumerate(_chunks(archive, path, b"</")):
            exact = piece.count(b">") > piece.count(b"<") and bool(_RAW_GT_RE.search(piece))
            prefixed = b":c" in piece or b":row" in piece
            dimension = _DIMENSION_RE.search(piece) if number == 0 else None  # it precedes <sheetData>
            if dimension:
                rows = max(rows, int(dimension.group(2)))
                columns = max(columns, _column_number(dimension.group(1)))
            found = _ROW_OR_CELL_RES[exact][prefixed].findall(piece)
            row_numbers = {digits for _kind, _letters, digits in found}
            letters_seen = {letters for kind, letters, _digits in found if kind == b"c"}
            if found and b"" not in row_numbers and b"" not in letters_seen:  # every row and cell has its r
                rows = max(rows, max(int(digits) for digits in row_numbers))
                columns = max(columns, max(_column_number(letters) for letters in letters_seen) if letters_seen else 0)
                row, found = rows, []
            for kind, letters, digits in found:  # rows or cells without r: counted one by one, as calamine does
                if kind == b"row":
                    row = int(digits) if digits else row + 1
                    column = 0
                    rows = max(rows, row)
                else:
                    if digits:
                        rows = max(rows, int(digits))
                    column = _column_number(letters) if letters else column + 1
                    columns = max(columns, column)
            if lengths:
                found = _SHARED_CELL_RES[exact][prefixed].findall(piece)
                indices = [int(index) for value, index in found if value]
                try:
                    total_text += sum(lengths[index] for index in indices)
                except IndexError:  # an index past the strings: calamine fails on it, count it as the longest
                    total_text += sum(lengths[index] if index < len(lengths) else longest for index in indices)
                # a shared-string cell the pattern could not read (odd markup) costs the longest string
                unread = piece.count(b't="s"') + piece.count(b"t='s'") - len(indices)
                total_text += max(unread, 0) * longest
            if rows * columns > max_cells:
                raise _grid_refusal(name, sheet, rows, columns, total_cells + rows * columns, max_cells)
            if total_text > max_text:
                raise _text_refusal(name, sheet, max_text)
        total_cells += rows * columns
        if total_cells > max_cells:
            raise _grid_refusal(name, sheet, rows, columns, total_cells, max_cells)


def _text_refusal(name: str, sheet: str, limit: int) -> ApplicationError:
    return ApplicationError(f"表格内容过多：文件“{name}”读到工作表“{sheet[:60]}”时，单元格文字已超过 {limit:,} 个字符的上限"
                            "（疑似用重复引用的长文本放大文件），拒绝读取。")


def _shared_string_lengths(archive: zipfile.ZipFile, path: str) -> array:
    """The length in characters of each shared string, in order (what one cell referring to it costs)."""
    lengths = array("q")
    for piece in _chunks(archive, path, b"", closing_tag=b"si>"):
        for _end, body in _SHARED_STRING_RE.findall(piece):
            lengths.append(len(_ANY_TAG_RE.sub(b"", body).decode("utf-8", "replace")) if body else 0)
    return lengths


def _check_ods(archive: zipfile.ZipFile, name: str) -> None:
    """content.xml's tables with their repeated rows and columns expanded as calamine expands them. Empty cells
    (self-closing elements) do not count: calamine trims trailing empty repeats and stores no empty cell. A
    repeated cell's text is copied into every repetition: its bytes (markup included, an upper bound) times its
    column and row repeats count against DUDAO_SHEET_MAX_TEXT_CHARS."""
    max_cells, max_text = _sheet_limits()
    total_cells = total_text = 0
    sheet, rows, columns = "", 0, 0
    row = row_repeat = column = row_last = 0
    cell_repeat = row_text = 0
    cell_start = None  # where the open cell's content starts in the current piece
    cell_bytes = 0
    for piece in _chunks(archive, "content.xml", b"<"):
        for match in _ODS_TAG_RES[bool(_RAW_GT_RE.search(piece))].finditer(piece):
            closing, tag, attrs, empty = match.groups()
            if tag == b"table":
                if closing:
                    total_cells += rows * columns
                    sheet, rows, columns, row = "", 0, 0, 0
                else:
                    found = _ODS_NAME_RE.search(attrs)
                    sheet = found.group(1).decode("utf-8", "replace") if found else ""
                    rows = columns = row = 0
            elif tag == b"table-row":
                if closing:
                    row += row_repeat
                    if row_last:
                        rows, columns = row, max(columns, row_last)
                    total_text += row_text * row_repeat
                else:
                    found = _ODS_ROWS_RE.search(attrs)
                    repeat = int(found.group(1)) if found else 1
                    if empty:
                        row += repeat
                    else:
                        row_repeat, column, row_last, row_text = repeat, 0, 0, 0
            elif closing:
                if cell_start is not None:
                    row_text += (cell_bytes + match.start() - cell_start) * cell_repeat
                    cell_start, cell_bytes = None, 0
            else:
                found = _ODS_COLS_RE.search(attrs)
                cell_repeat = int(found.group(1)) if found else 1
                column += cell_repeat
                if not empty:
                    row_last = column
                    cell_start, cell_bytes = match.end(), 0
            if rows * columns > max_cells or total_cells + rows * columns > max_cells:
                raise _grid_refusal(name, sheet, rows, columns, total_cells + rows * columns, max_cells)
            if total_text > max_text:
                raise _text_refusal(name, sheet, max_text)
        if cell_start is not None:  # a cell's content runs on into the next piece
            cell_bytes += len(piece) - cell_start
            cell_start = 0
