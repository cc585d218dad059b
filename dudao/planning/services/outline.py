"""导入大纲: a new draft 工作要点 from last year's Word document (.docx) or an Excel outline (.xlsx), all or nothing.

The upload is checked by size and by content (documents.files), read into lines (Word paragraphs with their heading
level) or rows, parsed by planning.outline (pure), and written in one transaction with the plan's audit record.
"""

import io
import re
import zipfile

import docx
from django.conf import settings
from django.db import transaction

from dudao.core.audit import audit_record
from dudao.core.errors import ApplicationError, RowError
from dudao.core.scope import require_office_for
from dudao.core.tabular import read_upload
from dudao.documents.files import read_checked, sniff_document
from dudao.planning.models import Plan, PlanSection, PlanTask, YearKind
from dudao.planning.outline import Line, Outline, OutlineError, parse_lines, parse_rows
from dudao.planning.services.plans import plan_create
from dudao.regions.models import Region

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_LINES = 5000
_HEADING = re.compile(r"(?:heading|标题)\s*(\d)", re.IGNORECASE)


def docx_lines(data: bytes) -> list[Line]:
    """The paragraphs of a Word document, numbered from 1, with the level of a heading style (1, 2; 0 otherwise)."""
    lines = []
    try:
        # python-docx parses the whole body into memory before a paragraph is counted: a body (checked by
        # documents.files against its real inflated size) larger than an import file may be is refused first
        body = max((info.file_size for info in zipfile.ZipFile(io.BytesIO(data)).infolist()
                    if info.filename.endswith(".xml")), default=0)  # the main part is not always document.xml
        if body > settings.DUDAO_IMPORT_MAX_BYTES:
            raise ApplicationError(f"Word 文件正文解压后约 {body / 1048576:.0f} MB，超过导入上限 "
                                   f"{settings.DUDAO_IMPORT_MAX_BYTES / 1048576:.0f} MB，不像一份工作要点，未导入。")
        document = docx.Document(io.BytesIO(data))
        for n, paragraph in enumerate(document.paragraphs, start=1):
            style = paragraph.style.name if paragraph.style is not None else ""
            m = _HEADING.search(style or "")
            level = int(m[1]) if m and int(m[1]) in (1, 2) else 0
            for text in paragraph.text.split("\n"):
                lines.append(Line(n, text, level))
            if len(lines) > MAX_LINES:
                raise ApplicationError(f"文件超过 {MAX_LINES} 段，不像一份工作要点，未导入。")
    except (ValueError, KeyError, zipfile.BadZipFile, SyntaxError):
        # SyntaxError: lxml's XMLSyntaxError, a part that is not well-formed XML (a cut or forged document.xml)
        raise ApplicationError("无法读取该 Word 文件（可能已损坏）。") from None
    return lines


def read_outline(data: bytes, filename: str, *, year: int) -> Outline:
    """The sections and tasks of an uploaded outline (bytes already size-checked)."""
    kind = sniff_document(data, filename)
    try:
        if kind == DOCX:
            return parse_lines(docx_lines(data), year=year)
        if kind == XLSX:
            sheets = read_upload(data, filename if filename.lower().endswith(".xlsx") else "大纲.xlsx")
            sheet = next((s for s in sheets if s.header or s.rows), None)
            if sheet is None:
                raise ApplicationError("表格是空的，没有可导入的工作任务。")
            return parse_rows(sheet.header, [(n, list(cells)) for n, cells in sheet.rows], year=year, sheet=sheet.name)
    except OutlineError as exc:
        raise ApplicationError(exc.message, [RowError("", n, "", text) for n, text in exc.lines]) from None
    raise ApplicationError("只能导入 Word（.docx）或 Excel（.xlsx）格式的大纲。")


def plan_import(*, actor, region: Region, year: int, year_kind: str = YearKind.CALENDAR, title: str,
                upload) -> Plan:
    """A new draft plan with the outline's sections and tasks (owner labels, months and due dates where the outline
    gives them). Nothing is written when the outline cannot be read."""
    require_office_for(actor, region.code, "只有本区域督导室可以导入工作要点。")
    data = read_checked(upload, region_code=region.code)
    filename = (getattr(upload, "name", "") or "大纲")[-200:]
    outline = read_outline(data, filename, year=int(year) if str(year).isdigit() else 0)
    with transaction.atomic():
        plan = plan_create(actor=actor, region=region, year=year, year_kind=year_kind, title=title)
        plan.imported_from = filename[:255]
        plan.save(update_fields=["imported_from"])
        for order, draft in enumerate(outline.sections, start=1):
            section = PlanSection.objects.create(plan=plan, order=order, title=draft.title, area=draft.area)
            PlanTask.objects.bulk_create([
                PlanTask(plan=plan, section=section, order=i, text=t.text, owner_label=t.owner_label,
                         months=t.months, due_date=t.due_date, source_line=t.line)
                for i, t in enumerate(draft.tasks, start=1)])
        audit_record(actor=actor, action="planning.plan_import", obj=plan, region_code=region.code, after={
            "file": filename, "sections": len(outline.sections), "tasks": outline.task_count,
            "skipped": [f"第 {n} 行 {t}" for n, t in outline.skipped]})
    return plan
