"""Shared set-up for the committee tests: departments of 甲区 (and one of 乙县), a 督政 framework of 甲区 and one of
乙县, a school framework of 甲区, and the committee of 甲区."""

import io

import pytest

from dudao.frameworks.services import framework_create
from dudao.regions.models import GovUnit
from dudao.reviews.services import committee as services

DEFINITION = {"nodes": [
    {"code": "A1", "name": "教育投入", "weight": 50, "children": [
        {"code": "A1B1", "name": "经费", "weight": 100, "children": [
            {"code": "A1B1.1", "name": "教育支出只增不减", "weight": 50},
            {"code": "A1B1.2", "name": "生均公用经费足额拨付", "weight": 50}]}]},
    {"code": "A2", "name": "校园安全", "weight": 50, "children": [
        {"code": "A2.1", "name": "周边治安", "weight": 60},
        {"code": "A2.2", "name": "食品安全", "weight": 40}]},
]}


def pdf_bytes() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes(text: str = "工作规程") -> bytes:
    import docx

    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(sheets: dict[str, list[list]] | None = None) -> bytes:
    """A workbook (xlsxwriter) with the given sheets: name → rows, the first row the headers."""
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False})
    for name, rows in (sheets or {"Sheet1": [["x"]]}).items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write_string(r, c, str(value)) if isinstance(value, str) else sheet.write(r, c, value)
    workbook.close()
    return buffer.getvalue()


@pytest.fixture(name="setup")
def setup_fixture(world):
    finance = GovUnit.objects.create(code="UA-D01", name="甲区财政局", kind="department", region=world.county_a)
    police = GovUnit.objects.create(code="UA-D02", name="甲区公安分局", kind="department", region=world.county_a)
    government = GovUnit.objects.create(code="UA-G01", name="甲区人民政府", kind="government", region=world.county_a)
    other = GovUnit.objects.create(code="UB-D01", name="乙县财政局", kind="department", region=world.county_b)
    framework = framework_create(actor=world.office_a, region=world.county_a, name="甲区督政评价", kind="duzheng",
                                 target="unit", definition=DEFINITION)
    school_framework = framework_create(actor=world.office_a, region=world.county_a, name="学校评价", kind="school",
                                        target="school", definition=DEFINITION)
    framework_b = framework_create(actor=world.office_b, region=world.county_b, name="乙县督政评价", kind="duzheng",
                                   target="unit", definition=DEFINITION)
    committee = services.committee_create(actor=world.office_a, region=world.county_a)
    return {"finance": finance, "police": police, "government": government, "other": other,
            "framework": framework, "school_framework": school_framework, "framework_b": framework_b,
            "committee": committee}
