"""The downloadable import template, and a writer for registry workbooks (used by the demo and benchmarks)."""

import io

import xlsxwriter

from dudao.schools.imports import SPECS


def write_registry_workbook(sheets: dict[str, list[list]] | None = None, *, with_notes: bool = True) -> bytes:
    """A workbook with one sheet per import spec (headers, then the given rows) and a 填写说明 sheet."""
    sheets = sheets or {}
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "constant_memory": True})
    required = workbook.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    optional = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    text = workbook.add_format({"num_format": "@"})
    for spec in SPECS:
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
        for spec in SPECS:
            for column in spec.columns:
                row += 1
                rule = "必填。" if column.required else "选填。"
                if column.choices:
                    rule += "可选：" + "、".join(column.choices) + "。"
                if column.kind == "int":
                    rule += "非负整数。"
                if column.kind == "bool":
                    rule += "填“是”或“否”。"
                if column.pattern_message:
                    rule += column.pattern_message + "。"
                if column.help:
                    rule += column.help + "。"
                notes.write_row(row, 0, [spec.name, column.header, rule])
        row += 2
        notes.write(row, 0, "说明：整个文件全部校验通过才会导入；按学校标识码、区划代码、单位编码等自然键新增或更新，重复导入同一文件不会产生重复数据。各工作表可只保留需要导入的部分。")
    workbook.close()
    return buffer.getvalue()


def import_template_bytes() -> bytes:
    return write_registry_workbook()
