"""Build the shipped Word templates (documents/defaults/*.docx). Run: python -m dudao.documents.build_defaults

The output is committed; offices download it, edit it in Word/WPS (letterhead, fonts, wording) and upload it.
Jinja tags ({{ }}, {%tr %}) mark where the platform fills in data: see render.TEMPLATES for the fields.
"""

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

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


def _signed(document, text: str) -> None:
    """The right-aligned office name and date that close a document."""
    document.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _titled(meta: str, size: int = 16) -> Document:
    """A new document with the Song font, a centred bold {{ title }} and a centred line under it."""
    document = Document()
    _fonts(document)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run("{{ title }}")
    run.bold = True
    run.font.size = Pt(size)
    document.add_paragraph(meta).alignment = WD_ALIGN_PARAGRAPH.CENTER
    return document


def zone_report() -> Document:
    document = _titled("责任区：{{ zone.name }}（{{ zone.region }}）    牵头督学：{{ zone.lead }}    统计期间：{{ period }}", 18)
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
    _signed(document, "{{ zone.region }}人民政府教育督导室    {{ generated_on }}")
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
    _signed(document, "{{ office }}\n{{ issued_on }}")
    return document


def balanced_report() -> Document:
    document = _titled("{{ office }}    {{ generated_on }}")
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
    _signed(document, "{{ office }}\n{{ generated_on }}")
    return document


def survey_report() -> Document:
    document = _titled("{{ office }}    {{ generated_on }}")
    document.add_heading("一、调查概况", level=2)
    document.add_paragraph("调查对象：{{ group }}；调查时间：{{ period }}。满意率为“非常满意”“满意”“基本满意”回答占全部评价的比例，"
                           "达标线 {{ threshold }}；有效答卷少于 {{ min_responses }} 份的学校不公布结果。")
    document.add_paragraph("{{ summary }}")
    document.add_heading("二、各乡镇（街道）和各校满意率", level=2)
    _table(document, ["乡镇（街道）", "有效答卷（份）", "满意率", "结果"], "towns", ["name", "responses", "rate", "result"])
    document.add_paragraph("")
    _table(document, ["学校", "有效答卷（份）", "满意率", "结果"], "schools", ["name", "responses", "rate", "result"])
    document.add_heading("三、各题满意率", level=2)
    _table(document, ["题目", "作答人次", "非常满意/满意/基本满意/不满意/非常不满意", "满意率", "平均分"], "items",
           ["text", "answers", "levels", "rate", "mean"])
    document.add_heading("四、需关注的学校和事项（满意率低于达标线）", level=2)
    _table(document, ["学校", "题目", "满意率"], "low", ["school", "text", "rate"])
    document.add_paragraph("请上述学校认真分析原因，制定整改措施，切实运用调查结果改进工作。")
    _signed(document, "{{ office }}\n{{ generated_on }}")
    return document


def inspection_opinion() -> Document:
    document = _titled("{{ number }}", 18)
    document.add_paragraph("{{ target }}：")
    document.add_paragraph(
        "根据《教育督导条例》和督导工作安排，{{ office }}对你单位开展了{{ kind }}（{{ inspection }}）。现将督导意见反馈如下：")
    document.add_heading("一、总体评价", level=2)
    document.add_paragraph("{{ evaluation }}")
    document.add_paragraph("督导评价得分 {{ score }} 分，等级为“{{ level }}”。{% if vetoed %}一票否决项未达标：{{ vetoed }}。{% endif %}")
    _table(document, ["编码", "一级指标", "得分"], "areas", ["code", "name", "score"])
    document.add_heading("二、主要成绩", level=2)
    document.add_paragraph("{{ strengths }}")
    document.add_heading("三、存在问题及整改要求", level=2)
    _table(document, ["序号", "存在问题", "整改要求", "整改期限"], "problems", ["no", "text", "requirement", "due_on"])
    document.add_paragraph("请你单位对照上述问题认真整改，于整改期限内将整改报告及佐证材料报送督导室。督导室将适时回访复查。")
    _signed(document, "{{ office }}\n{{ issued_on }}")
    return document


def inspection_notice() -> Document:
    document = _titled("{{ number }}", 16)
    document.add_paragraph("各有关学校（单位）：")
    document.add_paragraph(
        "根据《教育督导条例》和年度督导工作安排，{{ office }}决定开展{{ inspection }}（{{ kind }}）。现将有关事项通知如下：")
    document.add_heading("一、督导时间", level=2)
    document.add_paragraph("{{ period }}。")
    document.add_heading("二、督导对象", level=2)
    _table(document, ["序号", "督导对象", "所在乡镇（街道）"], "targets", ["no", "name", "region"])
    document.add_heading("三、督导内容与评价标准", level=2)
    document.add_paragraph("按照《{{ framework }}》开展督导评价。")
    document.add_heading("四、工作要求", level=2)
    document.add_paragraph("各督导对象在平台上对照指标逐项自评，上传佐证材料，按时提交自评报告；督导组将通过听取汇报、查阅资料、"
                           "随堂听课、座谈走访、问卷调查、校园巡视等方式开展实地督导，并反馈督导意见。")
    _signed(document, "{{ office }}\n{{ issued_on }}")
    return document


def inspection_report() -> Document:
    document = _titled("{{ office }}    {{ generated_on }}")
    document.add_heading("一、基本情况", level=2)
    document.add_paragraph("督导类型：{{ kind }}；指标体系：{{ framework }}；督导对象 {{ count }} 个。")
    document.add_paragraph("{{ summary }}")
    document.add_heading("二、各对象得分与等级", level=2)
    document.add_paragraph("{{ chart }}")
    _table(document, ["名次", "督导对象", "得分", "等级"], "ranked", ["rank", "name", "score", "level"])
    document.add_heading("三、各一级指标平均得分", level=2)
    _table(document, ["编码", "一级指标", "平均得分"], "areas", ["code", "name", "mean"])
    _signed(document, "{{ office }}\n{{ generated_on }}")
    return document


def _round_facts(document) -> None:
    document.add_paragraph(
        "监测轮次：{{ round.title }}；学年学期：{{ round.year }}{{ round.term }}；年级：{{ round.grade }}；测试日期："
        "{{ round.test_date }}；参测学校 {{ round.schools }} 所；监测学科：{{ round.subjects }}。")
    document.add_paragraph("{{ round.draw }}{{ round.sample }}")


def quality_district_report() -> Document:
    document = _titled("{{ office }}    {{ generated_on }}")
    document.add_heading("一、监测概况", level=2)
    _round_facts(document)
    document.add_paragraph("{{ summary }}")
    document.add_heading("二、各学科全区总体情况", level=2)
    _table(document, ["学科", "类别", "满分", "合格线", "优秀线", "低分线", "参测人数", "平均分", "标准差", "中位数", "合格率",
                      "优秀率", "低分率"], "subjects",
           ["name", "kind", "full_marks", "pass_line", "excellent_line", "low_line", "n", "mean", "sd", "median",
            "pass_rate", "excellent_rate", "low_rate"])
    document.add_heading("三、成绩等级分布", level=2)
    document.add_paragraph("{{ chart }}")
    _table(document, ["学科", "等级", "分数段", "人数", "占比"], "bands", ["subject", "band", "range", "count", "share"])
    document.add_heading("四、各校成绩", level=2)
    _table(document, ["学科", "学校标识码", "学校", "参测人数", "平均分", "合格率", "优秀率", "低分率", "与全区均分差"], "schools",
           ["subject", "code", "name", "n", "mean", "pass_rate", "excellent_rate", "low_rate", "gap"])
    document.add_heading("五、增值评价", level=2)
    document.add_paragraph("{{ va_note }}")
    document.add_paragraph("{%p for s in va_summaries %}")
    document.add_paragraph("{{ s }}")
    document.add_paragraph("{%p endfor %}")
    _table(document, ["学科", "学校", "参测人数", "学校效应", "95% 置信区间", "判断", "简单残差法", "收缩系数", "小规模"], "va",
           ["subject", "name", "n", "effect", "ci", "flag", "residual", "shrinkage", "small"])
    document.add_heading("六、合格率低于合格线（{{ pass_line }}）的学校", level=2)
    _table(document, ["学科", "学校", "参测人数", "合格率", "全区合格率"], "below", ["subject", "name", "n", "pass_rate", "county"])
    document.add_paragraph("请上述学校认真分析原因，制定改进措施；督导室将把监测结果运用于督导评估和整改跟踪。")
    _signed(document, "{{ office }}\n{{ generated_on }}")
    return document


def quality_school_report() -> Document:
    document = _titled("{{ school }}（{{ code }}）    {{ office }}    {{ generated_on }}")
    document.add_heading("一、监测概况", level=2)
    _round_facts(document)
    document.add_heading("二、本校与全区对比", level=2)
    _table(document, ["学科", "参测人数", "本校平均分", "全区平均分", "差值", "本校合格率", "全区合格率", "本校优秀率", "全区优秀率",
                      "本校低分率", "全区低分率"], "subjects",
           ["name", "n", "mean", "county_mean", "gap", "pass_rate", "county_pass_rate", "excellent_rate",
            "county_excellent_rate", "low_rate", "county_low_rate"])
    document.add_heading("三、分班级情况", level=2)
    _table(document, ["学科", "班级", "人数", "平均分", "合格率", "优秀率", "低分率"], "classes",
           ["subject", "name", "n", "mean", "pass_rate", "excellent_rate", "low_rate"])
    document.add_heading("四、分性别情况", level=2)
    _table(document, ["学科", "性别", "人数", "平均分", "合格率", "优秀率", "低分率"], "genders",
           ["subject", "name", "n", "mean", "pass_rate", "excellent_rate", "low_rate"])
    document.add_paragraph("{{ withheld_note }}")
    document.add_heading("五、增值评价", level=2)
    _table(document, ["学科", "参测人数", "学校效应", "95% 置信区间", "判断", "简单残差法", "收缩系数", "说明"], "va",
           ["subject", "n", "effect", "ci", "flag", "residual", "shrinkage", "note"])
    document.add_paragraph("{{ va_note }}")
    document.add_heading("六、历次监测趋势", level=2)
    _table(document, ["轮次", "学科", "人数", "本校平均分", "全区平均分", "合格率"], "trend",
           ["round", "subject", "n", "mean", "county_mean", "pass_rate"])
    _signed(document, "{{ office }}\n{{ generated_on }}")
    return document


def calendar() -> Document:
    """行事历: one table, month by month (月份 | 日期 | 工作内容 | 责任对象)."""
    document = _titled("{{ office }}    {{ period }}")
    _table(document, ["月份", "日期", "工作内容", "责任对象"], "rows", ["month", "date", "content", "owner"])
    document.add_paragraph("共 {{ count }} 项。")
def chronicle() -> Document:
    """大事记 (planning): one row per entry in date order, 日期 | 事项."""
    document = _titled("{{ office }}    共 {{ count }} 条", 18)
    table = document.add_table(rows=3, cols=2)
    table.style = "Table Grid"
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "日期", "事项"
    table.rows[1].cells[0].text = "{%tr for row in rows %}"
    table.rows[2].cells[0].text = "{{ row.date }}"
    item = table.rows[2].cells[1]
    item.paragraphs[0].add_run("{{ row.title }}").bold = True
    item.add_paragraph("{{ row.text }}")
    table.add_row().cells[0].text = "{%tr endfor %}"
    for row in table.rows:
        row.cells[0].width, row.cells[1].width = Cm(3.6), Cm(12.4)
    _signed(document, "{{ office }}    {{ generated_on }}")
def briefing() -> Document:
    """督导简报: a red masthead, the issue number, the office and date over a rule, then the sections."""
    from docx.shared import RGBColor  # noqa: PLC0415 -- only this builder colours text

    document = Document()
    _fonts(document)
    masthead = document.add_paragraph()
    masthead.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = masthead.add_run("{{ masthead }}")
    run.bold, run.font.size, run.font.color.rgb = True, Pt(36), RGBColor(0xC0, 0x00, 0x00)
    document.add_paragraph("{{ year }}{{ issue }}").alignment = WD_ALIGN_PARAGRAPH.CENTER
    rule = document.add_paragraph("{{ office }}　　　　　　　　　　{{ issued_on }}")
    border = rule._p.get_or_add_pPr().makeelement(qn("w:pBdr"), {})
    bottom = border.makeelement(qn("w:bottom"), {qn("w:val"): "single", qn("w:sz"): "12", qn("w:space"): "1",
                                                 qn("w:color"): "C00000"})
    border.append(bottom)
    rule._p.get_or_add_pPr().append(border)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run("{{ title }}")
    run.bold, run.font.size = True, Pt(18)
    document.add_paragraph("{%p for s in sections %}")
    document.add_paragraph("{%p if s.heading %}")
    run = document.add_paragraph().add_run("{{ s.heading }}")
    run.bold, run.font.size = True, Pt(14)
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{%p for para in s.paragraphs %}")
    body = document.add_paragraph("{{ para }}")
    body.paragraph_format.first_line_indent = Pt(24)
    document.add_paragraph("{%p endfor %}")
    document.add_paragraph("{%p endfor %}")
# ---- planning: 工作总结 (dudao/planning/services/summary.py) ---------------------------------------------------------

def _summary_body(document, *, tables: bool) -> None:
    """The sections (one heading each, its figures as a sentence, and in the annual summary a table), the plan
    completion, the 大事记 and the appendix of sources."""
    document.add_paragraph("{%p for s in sections %}")
    document.add_heading("{{ s.heading }}", level=2)
    document.add_paragraph("{{ s.text }}")
    if tables:
        _table(document, ["指标", "数据"], "s.figures", ["label", "value"])
        document.add_paragraph("{%p if s.has_details %}")
        _table(document, ["分项", "情况"], "s.details", ["name", "text"])
        document.add_paragraph("{%p endif %}")
    document.add_paragraph("{%p endfor %}")
    document.add_heading("{{ plan_heading }}", level=2)
    document.add_paragraph("{{ plan_text }}")
    if tables:
        _table(document, ["部分", "任务", "已完成", "进行中", "未开始", "已逾期", "已取消", "完成率（%）"], "plan_rows",
               ["section", "total", "done", "in_progress", "not_started", "late", "dropped", "percent"])
    document.add_heading("{{ chronicle_heading }}", level=2)
    document.add_paragraph("{%p for e in chronicle %}")
    document.add_paragraph("{{ e.date }}　{{ e.title }}")
    document.add_paragraph("{%p endfor %}")


def annual_summary() -> Document:
    document = _titled("{{ office }}    统计期间：{{ period }}", 18)
    document.add_heading("一、总体情况", level=2)
    document.add_paragraph("{{ overview }}")
    _summary_body(document, tables=True)
    _signed(document, "{{ office }}    {{ generated_on }}")
    document.add_page_break()
    document.add_heading("附录：数据来源", level=2)
    document.add_paragraph("本总结中的数据由平台按下列来源自动汇总，可在对应模块中核对。")
    _table(document, ["指标", "数据", "来源"], "appendix", ["label", "value", "source"])
    return document


def quarterly_report() -> Document:
    document = _titled("{{ recipients }}：", 16)
    document.add_paragraph("现将{{ period_name }}（{{ period }}）教育督导结果报告如下。")
    document.add_heading("一、总体情况", level=2)
    document.add_paragraph("{{ overview }}")
    _summary_body(document, tables=False)
    _signed(document, "{{ office }}    {{ generated_on }}")
    document.add_heading("附：数据来源", level=2)
    _table(document, ["指标", "数据", "来源"], "appendix", ["label", "value", "source"])
    return document


def rating_result() -> Document:
    document = _titled("{{ office }}    {{ generated_on }}")
    document.add_paragraph("{{ region }}人民政府教育督导委员会于{{ held_on }}组织开展述职评议。评议指标：{{ framework }}。{{ summary }}")
    document.add_heading("一、评议结果（按名次）", level=2)
    _table(document, ["名次", "述职单位", "得分", "等级", "评议人数", "备注"], "rows",
           ["rank", "unit", "score", "level", "raters", "note"])
    document.add_heading("二、各考查要点平均得分率", level=2)
    _table(document, ["编码", "考查要点", "平均得分率"], "items", ["code", "name", "average"])
    _signed(document, "{{ office }}\n{{ generated_on }}")
# ---- reviews: 教育督导公报 (dudao/reviews/selectors/bulletin.py) ------------------------------------------------------

def bulletin() -> Document:
    """教育督导公报: the title and 文号, the text (lines like "一、基本情况" as headings), the office and date, then the
    公报项目表 with each figure's source."""
    document = _titled("{{ number }}", 18)
    document.add_paragraph("{%p for p in paragraphs %}")
    document.add_paragraph("{%p if p.heading %}")
    document.add_paragraph().add_run("{{ p.text }}").bold = True
    document.add_paragraph("{%p else %}")
    body = document.add_paragraph("{{ p.text }}")
    body.paragraph_format.first_line_indent = Pt(24)
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{%p endfor %}")
    _signed(document, "{{ office }}")
    _signed(document, "{{ published_on }}")
    document.add_page_break()
    document.add_heading("附：公报项目表", level=2)
    _table(document, ["序号", "项目", "数据", "来源"], "fields", ["no", "label", "value", "source"])
def result_uses() -> Document:
    document = _titled("{{ office }}    {{ generated_on }}")
    document.add_heading("一、总体情况", level=2)
    document.add_paragraph("{{ year }}年，{{ unit }}运用教育督导结果共 {{ total }} 次：{{ summary }}。")
    document.add_heading("二、运用明细", level=2)
    _table(document, ["序号", "督导结果", "学校或单位", "运用方式", "运用日期", "运用情况", "文件文号"], "uses",
           ["no", "result", "owner", "purpose", "date", "decision", "number"])
    _signed(document, "{{ unit }}    {{ generated_on }}")
# ---- reviews (issue 21, outputs): 自评报告, 印证材料目录, 实地督查日程 ----------------------------------------------

def review_report() -> Document:
    """迎检自评报告: the title, a warning line when over the word limit, then the text paragraph by paragraph."""
    document = _titled("{{ office }}    {{ generated_on }}", 18)
    document.add_paragraph("{%p if warning %}")
    document.add_paragraph("【{{ warning }}】")
    document.add_paragraph("{%p endif %}")
    document.add_paragraph("{%p for para in paragraphs %}")
    body = document.add_paragraph("{{ para }}")
    body.paragraph_format.first_line_indent = Pt(24)
    document.add_paragraph("{%p endfor %}")
    _signed(document, "{{ region }}人民政府    {{ generated_on }}")
    return document


def review_package_index() -> Document:
    """印证材料目录: one row per file of the package (folder, assignee, file, size, SHA-256, status)."""
    document = _titled("{{ office }}    共 {{ count }} 个文件，异常 {{ problems }} 个    {{ generated_on }}")
    _table(document, ["指标", "责任单位", "文件", "大小（字节）", "SHA-256", "状态"], "rows",
           ["indicator", "assignee", "file", "size", "sha256", "status"])
    return document


def review_visit_schedule() -> Document:
    """实地督查日程: 日期 | 时间 | 内容 | 地点 | 查看学校 | 陪同/参加人员."""
    document = _titled("检查机关：{{ body }}    {{ period }}")
    _table(document, ["日期", "时间", "内容", "地点", "查看学校", "陪同/参加人员"], "rows",
           ["day", "time", "activity", "place", "school", "people"])
    _signed(document, "{{ office }}    {{ generated_on }}")
    return document


def committee_duties() -> Document:
    """督导委员会成员单位职责清单 (reviews): one row per duty, 成员单位 | 职务 | 委员 | 序号 | 职责 | 对应考查要点."""
    document = _titled("{{ committee }}    共 {{ members }} 个成员单位、{{ count }} 项职责", 18)
    _table(document, ["成员单位", "委员会职务", "委员", "序号", "职责", "对应考查要点"], "rows",
           ["unit", "role", "representative", "no", "text", "points"])
    _signed(document, "{{ office }}    {{ generated_on }}")
    return document


def check_report() -> Document:
    """专项检查报告 (checks): the overview, coverage per town and per inspector, problems per item, 一票否决, and the
    photo appendix (one row per photo: {{ row.image }} is the thumbnail)."""
    document = _titled("{{ office }}    {{ generated_on }}")
    document.add_heading("一、检查概况", level=2)
    document.add_paragraph("检查名称：{{ round }}；检查类别：{{ kind }}；检查时间：{{ period }}；状态：{{ status }}。")
    document.add_paragraph("{{ overview }}")
    document.add_heading("二、检查完成情况", level=2)
    document.add_paragraph("检查对象 {{ coverage.targets }} 所，已检查 {{ coverage.done }} 所，未检查 {{ coverage.pending }} 所，"
                           "完成率 {{ coverage.rate }}。")
    document.add_paragraph("（一）各乡镇（街道）")
    _table(document, ["乡镇（街道）", "检查对象（所）", "已检查（所）", "完成率", "不合格项（个）"], "towns",
           ["name", "targets", "done", "rate", "failed"])
    document.add_paragraph("（二）各检查督学")
    _table(document, ["检查督学", "检查对象（所）", "已检查（所）", "完成率"], "inspectors", ["name", "targets", "done", "rate"])
    document.add_heading("三、发现问题（按检查项）", level=2)
    _table(document, ["序号", "检查项", "一票否决", "已检查（所）", "不合格（个）", "现场整改到位", "转入整改通知", "涉及学校"],
           "items", ["no", "text", "veto", "answered", "failed", "settled", "open", "schools"])
    document.add_heading("四、一票否决项不合格", level=2)
    _table(document, ["学校", "检查项", "检查记录"], "vetoes", ["school", "item", "note"])
    document.add_heading("附件：问题照片", level=2)
    _table(document, ["序号", "学校", "检查项", "说明", "照片"], "photos", ["no", "school", "item", "caption", "image"])
    document.add_paragraph("{{ photos_note }}")
    _signed(document, "{{ office }}\n{{ generated_on }}")
    return document


def audit_report() -> Document:
    """学校领导干部经济责任审计报告 (audits): 文号, the audit's basic facts, the findings table, the conclusion."""
    document = _titled("{{ number }}")
    document.add_heading("一、审计基本情况", level=2)
    document.add_paragraph("被审计人：{{ auditee }}（{{ school }}{{ position }}）；审计类型：{{ reason }}审计；"
                           "任职期间：{{ term }}；审计期间：{{ period }}；现场审计：{{ fieldwork }}。")
    document.add_paragraph("审计组组长：{{ leader }}；组员：{{ members }}。")
    document.add_heading("二、审计情况摘要", level=2)
    document.add_paragraph("{{ summary }}")
    document.add_heading("三、审计发现的问题", level=2)
    document.add_paragraph("共发现问题 {{ finding_count }} 个，涉及金额合计 {{ amount_total }} 元。")
    _table(document, ["序号", "问题类别", "问题描述", "涉及金额（元）", "严重程度"], "findings",
           ["no", "category", "text", "amount", "severity"])
    document.add_heading("四、审计评价与结论", level=2)
    document.add_paragraph("{{ conclusion }}")
    _signed(document, "{{ office }}\n{{ issued_on }}")
    return document


BUILDERS = {"zone_report": zone_report, "rectification_notice": rectification_notice, "balanced_report": balanced_report,
            "survey_report": survey_report, "inspection_opinion": inspection_opinion,
            "inspection_report": inspection_report, "inspection_notice": inspection_notice,
            "quality_district_report": quality_district_report, "quality_school_report": quality_school_report,
            "calendar": calendar, "chronicle": chronicle, "briefing": briefing,
            "annual_summary": annual_summary, "quarterly_report": quarterly_report,
            # reviews (issue 21)
            "rating_result": rating_result, "bulletin": bulletin, "result_uses": result_uses,
            "review_report": review_report, "review_package_index": review_package_index,
            "review_visit_schedule": review_visit_schedule, "committee_duties": committee_duties,
            # checks (issue 23)
            "check_report": check_report,
            # audits (issue 24)
            "audit_report": audit_report}


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
