"""The 学生成绩 sheet (pure validation): every error with its row and column, the warnings, hostile cells."""

import io

import pytest

from dudao.core.errors import ApplicationError
from dudao.quality.scoresheet import ScoreContext, parse_grade, read_scores, template_bytes
from tests.quality.factories import SCORE_HEADER, csv_bytes

CONTEXT = ScoreContext(
    grade=8, subjects={"语文": 100.0, "数学": 120.0},
    round_schools={"1990102001": 1, "1990102002": 2},
    county_schools=frozenset({"1990102001", "1990102002", "1990102003"}),
    known_schools=frozenset({"1990102001", "1990102002", "1990102003", "1990103001"}),
    school_names={"1990102001": "甲区第一小学", "1990102002": "甲区第二小学"})


def good_rows():
    rows = []
    for i in range(12):
        school = "1990102001" if i < 6 else "1990102002"
        rows.append([f"S{i:03d}", school, "8", "语文", str(60 + i), "", "男" if i % 2 else "女", f"{i % 2 + 1}班"])
        rows.append([f"S{i:03d}", school, "八年级", "数学", str(70 + i), str(50 + i), "", ""])
    return rows


def check(rows, header=SCORE_HEADER, context=CONTEXT):
    return read_scores(csv_bytes(rows, header), "成绩.csv", context)


def only_error(rows, **kw):
    sheet = check(rows, **kw)
    assert sheet.errors, "expected an error"
    return sheet.errors


def test_good_file_gives_typed_frame():
    sheet = check(good_rows())
    assert sheet.ok and sheet.warnings == []
    assert sheet.frame.height == 24
    assert sheet.frame.columns == ["row", "student", "school", "school_id", "subject", "score", "prior", "gender",
                                   "class_name"]
    first = sheet.frame.row(0, named=True)
    assert first == {"row": 2, "student": "S000", "school": "1990102001", "school_id": 1, "subject": "语文",
                     "score": 60.0, "prior": None, "gender": "女", "class_name": "1班"}
    assert sheet.frame.filter(sheet.frame["subject"] == "数学")["prior"].null_count() == 0


@pytest.mark.parametrize(("cell", "value", "column", "message"), [
    (1, "9999999999", "B（学校标识码）", "在学校名录中不存在"),
    (1, "1990102003", "B（学校标识码）", "不在本轮监测学校名单中"),
    (1, "1990103001", "B（学校标识码）", "属于其他区县"),
    (2, "7", "C（年级）", "不是本轮监测年级"),
    (3, "物理", "D（学科）", "不是本轮监测学科"),
    (4, "101", "E（成绩）", "超出范围"),
    (4, "-1", "E（成绩）", "超出范围"),
    (4, "1e308", "E（成绩）", "超出范围"),
    (4, "1e999", "E（成绩）", "超出范围"),
    (4, "NaN", "E（成绩）", "应为数字"),
    (4, "inf", "E（成绩）", "应为数字"),
    (4, "八十", "E（成绩）", "应为数字"),
    (4, "", "E（成绩）", "必填项为空"),
    (0, "", "A（学生编号）", "必填项为空"),
    (1, "", "B（学校标识码）", "必填项为空"),
    (5, "120", "F（前测成绩）", "超出范围"),
    (5, "abc", "F（前测成绩）", "应为数字"),
    (6, "M", "G（性别）", "性别应填“男”或“女”"),
    (0, "S" * 65, "A（学生编号）", "学生编号过长"),
    (0, "S1\x07", "A（学生编号）", "控制字符"),
    (7, "1班\n2班", "H（班级）", "控制字符"),
    (7, "班" * 33, "H（班级）", "班级名称过长"),
])
def test_each_error_names_row_and_column(cell, value, column, message):
    rows = good_rows()
    rows[4][cell] = value  # the 5th data row: sheet row 6 (语文)
    errors = only_error(rows)
    assert len(errors) == 1, errors
    assert (errors[0].sheet, errors[0].row, errors[0].column) == ("学生成绩", 6, column)
    assert message in errors[0].message


def test_math_full_marks_are_that_subjects():
    rows = good_rows()
    rows[1][4] = "120"  # 数学 full marks 120: fine
    rows[1][5] = "120"
    assert check(rows).ok
    rows[1][4] = "120.5"
    errors = only_error(rows)
    assert errors[0].row == 3 and "数学满分 120" in errors[0].message


def test_duplicate_student_and_subject():
    rows = good_rows()
    rows.append(["S000", "1990102001", "8", "语文", "70", "", "", ""])
    errors = only_error(rows)
    assert len(errors) == 1
    assert errors[0].row == 26 and errors[0].column == "A（学生编号）" and "与第 2 行重复" in errors[0].message


def test_headers_names_are_refused_and_unknown_or_missing_columns():
    rows = [r + ["张三"] for r in good_rows()]
    errors = only_error(rows, header=SCORE_HEADER + ["姓名"])
    assert errors[0].row == 1 and errors[0].column == "I" and "不得上传学生姓名" in errors[0].message
    errors = only_error([r[:4] + r[5:] for r in good_rows()], header=SCORE_HEADER[:4] + SCORE_HEADER[5:])
    assert any("缺少必填列“成绩”" in e.message for e in errors)
    errors = only_error([r + ["x"] for r in good_rows()], header=SCORE_HEADER + ["备注"])
    assert "无法识别的表头“备注”" in errors[0].message
    errors = only_error([r + [r[4]] for r in good_rows()], header=SCORE_HEADER + ["成绩"])
    assert "重复出现" in errors[0].message


def test_grade_spellings():
    assert [parse_grade(t) for t in ["8", "8.0", "8年级", "八年级", "初二", "高一", "x", "十三"]] == [
        8, 8, 8, 8, 8, 10, None, None]


def test_many_errors_are_capped_but_counted(monkeypatch):
    monkeypatch.setattr("dudao.quality.scoresheet.MAX_ERRORS", 5)
    rows = [[f"S{i}", "1990102001", "8", "语文", "abc", "", "", ""] for i in range(20)]
    sheet = check(rows)
    assert len(sheet.errors) == 5 and sheet.error_total == 20


def test_warning_school_far_from_county():
    rows = []
    codes = [f"19901020{i:02d}" for i in range(10, 16)]
    context = ScoreContext(grade=8, subjects={"数学": 100.0}, round_schools={c: i for i, c in enumerate(codes)},
                           county_schools=frozenset(codes), known_schools=frozenset(codes))
    for s, code in enumerate(codes):
        for p in range(10):
            base = 20 if s == 5 else 70 + s
            rows.append([f"P{s}-{p}", code, "8", "数学", str(base + p % 3), "", "", ""])
    sheet = check(rows, context=context)
    assert sheet.ok
    assert [w.row for w in sheet.warnings] == [52]
    assert "相差超过 3 个标准差" in sheet.warnings[0].message and codes[5] in sheet.warnings[0].message


def test_warning_equal_class_and_school_without_rows():
    rows = good_rows()
    rows = [r for r in rows if r[1] == "1990102001"]
    for r in rows:
        if r[3] == "语文":
            r[4] = "75"
            r[7] = "1班"
    sheet = check(rows)
    messages = [w.message for w in sheet.warnings]
    assert any("1班语文共 6 名学生成绩全部为 75" in m for m in messages)
    assert any("甲区第二小学（1990102002）在文件中没有任何成绩" in m for m in messages)
    context = ScoreContext(**{**CONTEXT.__dict__, "schools_with_scores": frozenset({"1990102002"})})
    assert not any("没有任何成绩" in w.message for w in check(rows, context=context).warnings)


def test_hostile_files():
    with pytest.raises(ApplicationError, match="只能导入"):
        read_scores(b"MZ\x90\x00", "scores.exe", CONTEXT)
    with pytest.raises(ApplicationError, match="不是有效的 .xlsx"):
        read_scores(b"not a zip", "scores.xlsx", CONTEXT)
    with pytest.raises(ApplicationError, match="文件为空"):
        read_scores(b"", "scores.csv", CONTEXT)


def test_zip_bomb_is_refused(settings):
    import zipfile  # noqa: PLC0415 -- only this test builds archives

    settings.DUDAO_ZIP_MAX_UNCOMPRESSED_BYTES = 1024 * 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (5 * 1024 * 1024))
    with pytest.raises(ApplicationError, match="解压后"):
        read_scores(buffer.getvalue(), "bomb.xlsx", CONTEXT)


def test_too_large_file_is_refused(settings):
    settings.DUDAO_IMPORT_MAX_BYTES = 1000
    with pytest.raises(ApplicationError, match="文件过大"):
        read_scores(csv_bytes(good_rows() * 10), "big.csv", CONTEXT)


def test_formula_without_value_is_refused():
    import zipfile  # noqa: PLC0415 -- only this test edits an archive

    data = template_bytes(["S1", "1990102001", 8, "语文", 80, "", "男", "1班"])
    archive = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in archive.infolist():
            content = archive.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b'<c r="E2" s="1"><v>80</v></c>', b'<c r="E2" s="1"><f>1+1</f></c>', 1)
                assert b"<f>1+1</f>" in content
            target.writestr(item, content)
    sheet = read_scores(out.getvalue(), "formula.xlsx", CONTEXT)
    assert any(e.row == 2 and "公式但没有计算结果" in e.message for e in sheet.errors)


def test_template_round_trips():
    data = template_bytes(["S1", "1990102001", 8, "语文", 80, "", "男", "1班"])
    sheet = read_scores(data, "模板.xlsx", CONTEXT)
    assert sheet.ok and sheet.frame.height == 1 and sheet.frame["score"][0] == 80.0
