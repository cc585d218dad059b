"""Build the shipped Word templates (documents/defaults/*.docx). Run: python -m dudao.documents.build_defaults

The output is committed; offices download it, edit it in Word/WPS (letterhead, fonts, wording) and upload it.
Jinja tags ({{ }}, {%tr %}) mark where the platform fills in data: see render.TEMPLATES for the fields.
"""

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from dudao.documents.render import default_template_path


def _fonts(document) -> None:
    style = document.styles["Normal"]
    style.font.name = "宋体"
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")


def _table(document, headers: list[str], loop: str, cells: list[str]) -> None:
    table = document.add_table(rows=3, cols=len(headers))
    table.style = "Table Grid"
    for i, header in enumerate(headers):
        table.rows[0].cells[i].text = header
    table.rows[1].cells[0].text = f"{{%tr for row in {loop} %}}"
    for i, cell in enumerate(cells):
        table.rows[2].cells[i].text = "{{ row." + cell + " }}"
    row = table.add_row()
    row.cells[0].text = "{%tr endfor %}"


def zone_report() -> Document:
    document = Document()
    _fonts(document)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run("{{ title }}")
    run.bold = True
    run.font.size = Pt(18)
    meta = document.add_paragraph("责任区：{{ zone.name }}（{{ zone.region }}）    牵头督学：{{ zone.lead }}    统计期间：{{ period }}")
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_heading("一、基本情况", level=2)
    document.add_paragraph(
        "本责任区共有学校 {{ summary.schools }} 所，已落实责任督学 {{ summary.covered }} 所。本期责任督学共开展督导 "
        "{{ summary.visits }} 次，覆盖学校 {{ summary.visited_schools }} 所，在校督导 {{ summary.hours }} 小时；发现问题 "
        "{{ summary.findings }} 个，已整改 {{ summary.findings_closed }} 个；受理投诉举报 {{ summary.complaints }} 件；"
        "本期未按要求走访的学校 {{ summary.overdue_schools }} 所。")
    document.add_heading("二、责任督学工作情况", level=2)
    _table(document, ["督学", "类别", "负责学校（所）", "督导次数", "在校时长（小时）", "发现问题（个）"], "inspectors",
           ["name", "kind", "schools", "visits", "hours", "findings"])
    document.add_heading("三、发现问题（按督导事项）", level=2)
    _table(document, ["督导事项", "问题数（个）"], "items", ["name", "count"])
    document.add_paragraph("")
    _table(document, ["学校", "督导事项", "处理方式", "问题", "状态"], "problems", ["school", "item", "code", "text", "status"])
    document.add_heading("四、亮点与经验", level=2)
    _table(document, ["学校", "日期", "亮点/经验"], "highlights", ["school", "date", "text"])
    document.add_heading("五、未按要求走访的学校", level=2)
    _table(document, ["学校", "最近一次督导"], "overdue", ["school", "last_visit"])
    closing = document.add_paragraph("{{ zone.region }}人民政府教育督导室    {{ generated_on }}")
    closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return document


def rectification_notice() -> Document:
    document = Document()
    _fonts(document)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run("整改通知书")
    run.bold = True
    run.font.size = Pt(20)
    number = document.add_paragraph("{{ number }}")
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph("{{ target }}：")
    document.add_paragraph(
        "根据教育督导工作安排，经督导检查，发现你单位存在以下问题。现通知你单位于 {{ due_on }} 前完成整改，"
        "并通过督导管理平台报送整改报告及佐证材料。逾期未整改的，将向你单位主管部门下达督办单。")
    _table(document, ["序号", "问题来源", "类别", "问题", "整改要求"], "findings",
           ["no", "source", "category", "text", "requirement"])
    document.add_paragraph("整改要求：{{ requirement }}")
    document.add_paragraph("收到整改报告后，督导部门将在 {{ verify_days }} 日内通过实地或书面方式核查整改情况。")
    closing = document.add_paragraph("{{ office }}\n{{ issued_on }}")
    closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return document


def balanced_report() -> Document:
    document = Document()
    _fonts(document)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run("{{ title }}")
    run.bold = True
    run.font.size = Pt(16)
    meta = document.add_paragraph("{{ office }}    {{ generated_on }}")
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_heading("一、总体情况", level=2)
    document.add_paragraph("{%p for s in summaries %}")
    document.add_paragraph("{{ s }}")
    document.add_paragraph("{%p endfor %}")
    document.add_heading("二、资源配置校际差异系数", level=2)
    _table(document, ["学段", "指标", "学校数", "县域均值", "单位", "差异系数", "上限", "结果"], "cvs",
           ["stage", "indicator", "schools", "mean", "unit", "cv", "limit", "result"])
    document.add_heading("三、差异系数达标方案（补短板）", level=2)
    _table(document, ["学段", "指标", "学校", "现值", "补至", "需增加", "单位", "补足后差异系数"], "fixes",
           ["stage", "indicator", "name", "value", "level", "addition", "unit", "cv_after"])
    document.add_heading("四、未达标学校及缺口", level=2)
    _table(document, ["学校", "学段", "达标项数", "最低达标比例", "缺口（达标所需）"], "failing",
           ["name", "stage", "met", "min_ratio", "gaps"])
    document.add_heading("附：不参与计算的学校", level=2)
    _table(document, ["学校标识码", "学校", "原因"], "excluded", ["code", "name", "reason"])
    closing = document.add_paragraph("{{ office }}\n{{ generated_on }}")
    closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return document


BUILDERS = {"zone_report": zone_report, "rectification_notice": rectification_notice, "balanced_report": balanced_report}


def main(keys=None) -> None:
    """Build every shipped template, or only the named ones (python -m dudao.documents.build_defaults KEY …)."""
    for key, build in BUILDERS.items():
        if keys and key not in keys:
            continue
        path = default_template_path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        build().save(path)
        print(path)


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
