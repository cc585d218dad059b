"""planning.outline (pure) and the Word/Excel reading of services.outline: the seeds 000–004 as .docx fixtures
import into the sections and tasks counted by hand from the seed texts."""

import datetime
import io
from pathlib import Path

import docx
import pytest
import xlsxwriter

from dudao.core.errors import ApplicationError
from dudao.planning.outline import Line, OutlineError, parse_due, parse_lines, parse_months, parse_rows
from dudao.planning.services.outline import read_outline

SEEDS = Path("/work/shared/seeds")


def seed_text(prefix: str) -> str:
    return next(SEEDS.glob(f"{prefix}_*.txt")).read_text()


def make_docx(paragraphs: list[tuple[str, str]]) -> bytes:
    """(text, style) paragraphs, style "" for Normal."""
    document = docx.Document()
    for text, style in paragraphs:
        document.add_paragraph(text, style=style or None)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def seed_docx(prefix: str) -> bytes:
    return make_docx([(line, "") for line in seed_text(prefix).split("\n")])


def make_xlsx(rows: list[list]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("大纲")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.close()
    return out.getvalue()


def counts(outline):
    return [(s.title, len(s.tasks)) for s in outline.sections]


@pytest.mark.skipif(not SEEDS.exists(), reason="seeds not present")
def test_seed_000_fuling_2021():
    """一、 with (一)(二) holding numbered tasks → two sections; 二、 and 三、 whose (一)(二) are text only → one section
    each with the sub-headings as tasks; 四、督学: (一) text only → a task of 四、, (二) three tasks; the second 四、
    (评估监测): (一) 2 and (二) 3."""
    outline = read_outline(seed_docx("000"), "000.docx", year=2021)
    assert counts(outline) == [
        ("深化教育督导体制机制改革", 2), ("推进实施教育评价改革", 2), ("凝心聚力，推进两项创建工作", 2),
        ("认真履职，做好两项“督政”工作", 2), ("真抓实干，完成两个层面的“督学”工作", 1), ("坚持开展区级常规督导工作", 3),
        ("组织实施学科教育质量监测", 2), ("组织开展教育发展现状监测", 3)]
    assert outline.task_count == 17
    first = outline.sections[0].tasks[0]
    assert first.text.startswith("制定改革实施方案。") and first.line == 17  # the paragraph number: line 17 of the seed
    assert outline.sections[2].tasks[0].text == "推进国家学前教育普及普惠区创建工作"
    assert [s.area for s in outline.sections][3] == "duzheng"
    assert [s.area for s in outline.sections][6:] == ["monitoring", "monitoring"]


@pytest.mark.skipif(not SEEDS.exists(), reason="seeds not present")
def test_seed_002_changde_2020_with_monthly_schedule():
    """二、主要工作 (一)–(七) hold tasks 1–22 (4, 2, 6, 2, 2, 3, 3); 一、指导思想 is left out; 三、活动安排 has 12 month
    lines and 38 activities, each carrying its month."""
    outline = read_outline(seed_docx("002"), "002.docx", year=2020)
    assert [n for _t, n in counts(outline)] == [4, 2, 6, 2, 2, 3, 3, 38]
    assert outline.sections[-1].title == "活动安排"
    schedule = outline.sections[-1].tasks
    assert schedule[0].months == [1] and schedule[0].text.startswith("组织2019年度区县市人民政府")
    assert schedule[-1].months == [12]
    assert sorted({t.months[0] for t in schedule}) == list(range(1, 13))
    assert [t for _n, t in outline.skipped] == ["指导思想"]
    assert outline.sections[6].area == "team"  # 提升教育督导队伍专业化水平


@pytest.mark.skipif(not SEEDS.exists(), reason="seeds not present")
def test_seed_003_gaoxin_school_year_stops_at_the_appendix():
    """一、 text only → a section with itself as task; 二、 (一)(二)(三) with 3, 2, 3 tasks and (四) text only (a task of
    二、); 三、 eight text-only sub-headings → eight tasks; 四、 ten numbered tasks; the 行事历 after "附:" is not read."""
    outline = read_outline(seed_docx("003"), "003.docx", year=2023)
    assert [n for _t, n in counts(outline)] == [1, 1, 3, 2, 3, 8, 10]
    assert outline.task_count == 28
    assert outline.sections[-1].tasks[-1].text == "开展中小学幼儿园学校文化建设专项督导。"


@pytest.mark.skipif(not SEEDS.exists(), reason="seeds not present")
def test_seed_004_qingpu_halfwidth_brackets():
    outline = read_outline(seed_docx("004"), "004.docx", year=2022)
    assert counts(outline) == [("不断健全教育督导管理体制", 4), ("不断优化教育督导运行机制", 4), ("不断强化教育督导结果运用", 5),
                               ("不断提升督导队伍履职能力", 4), ("加强教育督导保障", 2)]
    assert [t for _n, t in outline.skipped] == ["指导思想", "工作目标", "加强组织领导"]


@pytest.mark.skipif(not SEEDS.exists(), reason="seeds not present")
def test_seed_001_scraped_page_runs_are_cut_at_the_markers():
    """001 is a web page's text: the outline runs together in long lines. They are cut before the markers, so the
    four (一)–(四) sub-headings and 三、主要工作安排 come out as sections."""
    outline = read_outline(seed_docx("001"), "001.docx", year=2021)
    titles = [t for t, _n in counts(outline)]
    assert titles[:3] == ["深化改革,完善管理体制", "聚焦重点,做好迎督工作", "注重统筹,发挥督导效能"]
    assert titles[-1] == "主要工作安排"
    assert outline.task_count >= 25


def test_heading_styles_and_hints():
    data = make_docx([
        ("2026年示范区教育督导工作要点", "Title"),
        ("督政工作", "Heading 1"),
        ("1.开展乡镇履行教育职责评价。（责任科室：督政科；完成时间：2026年6月）", ""),
        ("2.迎接市对区政府履职评价（9月）", ""),
        ("督学工作", "Heading 1"),
        ("（1）开展幼儿园办园行为专项督导", ""),
        ("（责任科室：督学科；完成时间：2026年10月15日）", ""),
        ("（2）督学培训（3—5月）", ""),
    ])
    outline = read_outline(data, "plan.docx", year=2026)
    assert counts(outline) == [("督政工作", 2), ("督学工作", 2)]
    a, b = outline.sections[0].tasks
    assert (a.text, a.owner_label, a.due_date, a.months) == ("开展乡镇履行教育职责评价。", "督政科",
                                                              datetime.date(2026, 6, 30), [6])
    assert (b.text, b.months, b.due_date) == ("迎接市对区政府履职评价", [9], None)
    c, d = outline.sections[1].tasks
    assert (c.owner_label, c.due_date) == ("督学科", datetime.date(2026, 10, 15))
    assert (d.text, d.months) == ("督学培训", [3, 4, 5])


def test_no_structure_names_the_lines():
    data = make_docx([("关于做好督导工作的通知", ""), ("各学校：请认真做好督导工作。", "")])
    with pytest.raises(ApplicationError) as exc:
        read_outline(data, "x.docx", year=2026)
    assert "没有识别出工作要点的结构" in exc.value.message
    assert "第 1 行“关于做好督导工作的通知”" in exc.value.message


def test_not_a_document_is_refused_by_content():
    with pytest.raises(ApplicationError, match="不是支持的文档"):
        read_outline(b"just text pretending to be docx", "plan.docx", year=2026)


def test_excel_outline_with_columns():
    data = make_xlsx([["部分", "工作任务", "责任人", "月份", "完成期限"],
                      ["督政", "乡镇履职评价", "督政科", "3-5", "2026-06-30"],
                      ["", "区政府自评", "", "9", "2026年9月"],
                      ["督学", "责任督学培训", "督学科", "7、8", ""]])
    outline = read_outline(data, "plan.xlsx", year=2026)
    assert counts(outline) == [("督政", 2), ("督学", 1)]
    first, second = outline.sections[0].tasks
    assert (first.owner_label, first.months, first.due_date, first.line) == ("督政科", [3, 4, 5],
                                                                             datetime.date(2026, 6, 30), 2)
    assert second.due_date == datetime.date(2026, 9, 30)
    assert outline.sections[1].tasks[0].months == [7, 8]


def test_excel_outline_errors_name_rows_and_nothing_is_returned():
    data = make_xlsx([["部分", "工作任务", "月份", "完成期限"],
                      ["督政", "乡镇履职评价", "13", ""],
                      ["", "区政府自评", "", "明年某时"]])
    with pytest.raises(ApplicationError) as exc:
        read_outline(data, "plan.xlsx", year=2026)
    assert "第 2 行：月份“13”无法识别" in exc.value.message
    assert "第 3 行：完成期限“明年某时”无法识别" in exc.value.message


def test_excel_single_column_is_read_like_word_lines():
    data = make_xlsx([["一、督政工作"], ["1.乡镇履职评价"], ["二、督学工作"], ["1.专项督导"], ["2.督学培训"]])
    outline = read_outline(data, "plan.xlsx", year=2026)
    assert counts(outline) == [("督政工作", 1), ("督学工作", 2)]


def test_pure_helpers():
    assert parse_months("3-5") == [3, 4, 5]
    assert parse_months("3月、9月") == [3, 9]
    with pytest.raises(ValueError):
        parse_months("0")
    assert parse_due("2026年2月", 2026) == datetime.date(2026, 2, 28)
    assert parse_due("6月底", 2026) == datetime.date(2026, 6, 30)
    assert parse_due("上半年", 2026) == datetime.date(2026, 6, 30)
    assert parse_due("2026年2月30日", 2026) is None
    with pytest.raises(OutlineError):
        parse_lines([Line(1, "")], year=2026)
    rows = parse_rows(["部分", "工作任务"], [(2, ["综合", "任务甲"])], year=2026)
    assert rows.task_count == 1
