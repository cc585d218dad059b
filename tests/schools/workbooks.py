"""Small workbooks for import tests, written with the same writer as the template."""

import io
import re
import zipfile

from dudao.schools.templates_xlsx import write_registry_workbook

REGIONS = [["990000", "示范省", "省", ""], ["990100", "示范市", "市", "990000"], ["990102", "甲区", "县（区）", "990100"],
           ["990102001", "甲一街道", "乡镇（街道）", "990102"]]
UNITS = [["UA01", "甲一街道办事处", "街道办事处", "990102001", "否", "", "", "", ""],
         ["UA02", "甲区教育委员会", "督导委员会成员单位", "990102", "是", "", "", "", ""]]


def school(code="1990102001", name="甲区第一小学", school_type="小学", town="990102001", primary=300, **overrides):
    row = [code, name, school_type, "公办", "", "城区", town, "UA02", "", "地址", "校长", "电话", 1990,
           0, primary, 0, 0, 0, 0, 8, 0, 0, 0]
    for index, value in overrides.items():
        row[int(index[1:])] = value
    return row


def campus(school_code="1990102001", name="本部", stages="小学", main="是"):
    return [school_code, name, stages, main, "", "", 100]


def registry(regions=REGIONS, units=UNITS, schools=None, campuses=None) -> bytes:
    sheets = {"行政区划": regions, "政府单位": units}
    if schools is not None:
        sheets["学校"] = schools
    if campuses is not None:
        sheets["校区"] = campuses
    return write_registry_workbook(sheets, with_notes=False)


def strip_formula_values(data: bytes) -> bytes:
    """Rewrite an .xlsx so that its formula cells carry no cached value (as scripts often save them)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename.startswith("xl/worksheets/"):
                content = re.sub(rb"(</f>)<v>[^<]*</v>", rb"\1", content)
            target.writestr(item, content)
    return out.getvalue()
