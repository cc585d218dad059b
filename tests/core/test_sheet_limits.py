"""Spreadsheets small on disk that calamine would blow up: a sparse range (dense grid A1..XFD1048576), repeated
rows/columns in .ods, one long shared string referred to by many cells. Refused before calamine reads them;
honest province-size workbooks still pass."""

import io
import zipfile

import pytest

from dudao.core.errors import ApplicationError
from dudao.core.tabular import read_upload
from dudao.core.uploads import check_spreadsheet

CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/'
      '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships'
      '+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
      '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
      'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override '
      'PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
      'sharedStrings+xml"/></Types>')
RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WB = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/'
      'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
      '<sheet name="学校名册" sheetId="1" r:id="rId1"/></sheets></workbook>')
WBR = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/'
       'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
       'relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.'
       'openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')


def xlsx(cells: str, shared: str = "x", dimension: str = "") -> bytes:
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             f'spreadsheetml/2006/main">{dimension}<sheetData>{cells}</sheetData></worksheet>')
    sst = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/'
           f'spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>{shared}</t></si></sst>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for path, text in (("[Content_Types].xml", CT), ("_rels/.rels", RELS), ("xl/workbook.xml", WB),
                           ("xl/_rels/workbook.xml.rels", WBR), ("xl/worksheets/sheet1.xml", sheet),
                           ("xl/sharedStrings.xml", sst)):
            z.writestr(path, text)
    return out.getvalue()


def sparse(last: str) -> bytes:
    row = int("".join(c for c in last if c.isdigit()))
    return xlsx(f'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row><row r="{row}"><c r="{last}"><v>1</v>'
                f'</c></row>')


def ods(body: str) -> bytes:
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:'
               'opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body>'
               f'<office:spreadsheet><table:table table:name="名册">{body}</table:table></office:spreadsheet>'
               '</office:body></office:document-content>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
                   '"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
                   'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry '
                   'manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>')
    return out.getvalue()


CELL = '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'


@pytest.mark.parametrize("last", ["XFD1048576", "ZZ20000"])
def test_sparse_range_refused_before_calamine(last):
    data = sparse(last)
    assert len(data) < 3000
    with pytest.raises(ApplicationError, match="表格范围过大.*学校名册"):
        read_upload(data, "名册.xlsx")


def test_dimension_alone_refused():
    data = xlsx('<row r="1"><c r="A1"><v>1</v></c></row>', dimension='<dimension ref="A1:XFD1048576"/>')
    with pytest.raises(ApplicationError, match="表格范围过大"):
        check_spreadsheet(data, "名册.xlsx")


def test_cells_without_r_and_raw_gt_in_attribute_still_counted():
    hidden = '<row r="1"><c x=">" r="A1"><v>1</v></c></row><row r="20000"><c x=">" r="ZZ20000"><v>1</v></c></row>'
    with pytest.raises(ApplicationError, match="表格范围过大"):
        check_spreadsheet(xlsx(hidden), "名册.xlsx")


def test_shared_string_amplification_refused(settings):
    cells = "".join(f'<row r="{i}"><c r="A{i}" t="s"><v>0</v></c></row>' for i in range(1, 301))
    data = xlsx(cells, shared="a" * 900_000)
    assert len(data) < 10_000
    with pytest.raises(ApplicationError, match="表格内容过多.*学校名册"):
        read_upload(data, "名册.xlsx")
    settings.DUDAO_SHEET_MAX_TEXT_CHARS = 300 * 900_000
    check_spreadsheet(data, "名册.xlsx")  # exactly at the limit: the measure is exact, not a guess


def test_ods_repeated_rows_and_columns_refused():
    body = '<table:table-row table:number-rows-repeated="1000000"><table:table-cell ' \
           'table:number-columns-repeated="16000" office:value-type="string"><text:p>x</text:p></table:table-cell>' \
           '</table:table-row>'
    with pytest.raises(ApplicationError, match="表格范围过大.*名册"):
        read_upload(ods(body), "名册.ods")


def test_ods_trailing_empty_repeats_pass():
    """LibreOffice writes the rest of the sheet as empty repeated rows; calamine trims them, so they cost nothing."""
    body = f'<table:table-row>{CELL}</table:table-row><table:table-row table:number-rows-repeated="1048570">' \
           f'<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    sheets = read_upload(ods(body), "名册.ods")
    assert sheets[0].header == ["x"]


def test_limit_is_a_setting(settings):
    settings.DUDAO_SHEET_MAX_CELLS = 20_000 * 702
    check_spreadsheet(sparse("ZZ20000"), "名册.xlsx")


def test_honest_province_workbook_passes():
    import os

    # The bench module sets up its own environment when imported (DATABASE_URL, ALLOWED_HOSTS...): undo that,
    # or the subprocesses of later tests (the demo server, workers) inherit it.
    saved = dict(os.environ)
    try:
        from bench.bench_registry import province_workbook
    finally:
        os.environ.clear()
        os.environ.update(saved)
    check_spreadsheet(province_workbook(), "全省学校名册.xlsx")


def test_ods_repeated_long_text_refused(settings):
    """calamine copies a repeated cell's text into every repetition: 1,000 columns x 1,000 rows of 300 chars."""
    body = ('<table:table-row table:number-rows-repeated="1000"><table:table-cell table:number-columns-repeated="1000" '
            f'office:value-type="string"><text:p>{"长" * 300}</text:p></table:table-cell></table:table-row>')
    data = ods(body)
    assert len(data) < 5000
    with pytest.raises(ApplicationError, match="表格内容过多.*名册"):
        read_upload(data, "名册.ods")
    settings.DUDAO_SHEET_MAX_TEXT_CHARS = 2_000_000_000
    check_spreadsheet(data, "名册.ods")


def test_parts_are_found_whatever_their_case():
    """calamine looks parts up without regard to case: XL/SharedStrings.xml is still measured."""
    cells = "".join(f'<row r="{i}"><c r="A{i}" t="s"><v>0</v></c></row>' for i in range(1, 301))
    source = zipfile.ZipFile(io.BytesIO(xlsx(cells, shared="a" * 900_000)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            renamed = {"xl/sharedStrings.xml": "XL/SharedStrings.xml", "xl/worksheets/sheet1.xml": "xl/worksheets/Sheet1.XML",
                       "xl/workbook.xml": "XL/Workbook.xml"}
            z.writestr(renamed.get(info.filename, info.filename), source.read(info.filename))
    with pytest.raises(ApplicationError, match="表格内容过多"):
        check_spreadsheet(out.getvalue(), "名册.xlsx")
