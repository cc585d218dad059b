"""The downloadable import template, and a writer for registry workbooks (used by the demo and benchmarks)."""

from dudao.core.tabular import write_template_workbook
from dudao.schools.imports import SPECS

CLOSING_NOTE = ("说明：整个文件全部校验通过才会导入；按学校标识码、区划代码、单位编码等自然键新增或更新，"
                "重复导入同一文件不会产生重复数据。各工作表可只保留需要导入的部分。")


def write_registry_workbook(sheets: dict[str, list[list]] | None = None, *, with_notes: bool = True) -> bytes:
    """A workbook with one sheet per import spec (headers, then the given rows) and a 填写说明 sheet."""
    return write_template_workbook(SPECS, sheets, with_notes=with_notes, closing_note=CLOSING_NOTE)


def import_template_bytes() -> bytes:
    return write_registry_workbook()
