"""The anthology (文集) of a call and the anonymised copies of entries served to experts. python-docx is imported
by the callers' modules only when needed (about 1 s): this module is imported by the worker and by the expert's
download view.

Anthology: a title page, a table of contents (a Word TOC field, refreshed by Word on opening, plus a written list of
titles with authors and award), then each winning entry: a .docx entry's paragraphs and tables copied in (text with
bold/italic and the heading level; images and footnotes are not copied), a .pdf entry as its title, authors and
abstract with "全文见附件"."""

import io
import re
import zipfile

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from dudao.documents import files
from dudao.research import pdfmeta

ENTRY_TEXT_MAX = 200_000  # characters copied from one entry (a runaway document stops there, with a note)


class AnthologyError(Exception):
    """Why the anthology could not be built (Chinese)."""


def _toc_field(doc) -> None:
    paragraph = doc.add_paragraph()
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = 'TOC \\o "1-2" \\h \\z \\u'
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    placeholder = OxmlElement("w:t")
    placeholder.text = "（在 Word 中右键“更新域”即可生成带页码的目录）"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instr, separate, placeholder, end):
        run._r.append(element)
    settings = doc.settings.element
    update = OxmlElement("w:updateFields")
    update.set(qn("w:val"), "true")
    settings.append(update)


def _clean(text: str) -> str:
    return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text or "")


def _copy_docx(target, data: bytes, code: str) -> None:
    try:
        source = Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises several kinds on a broken file
        raise AnthologyError(f"作品 {code} 的 Word 文档无法读取（{type(exc).__name__}），请检查该文件。") from None
    copied = 0
    for block in source.element.body.iterchildren():
        if copied > ENTRY_TEXT_MAX:
            target.add_paragraph("（作品篇幅过长，以下内容从略，全文见原文档。）")
            break
        if block.tag == qn("w:p"):
            text_runs = []
            style = ""
            ppr = block.find(qn("w:pPr"))
            if ppr is not None and ppr.find(qn("w:pStyle")) is not None:
                style = ppr.find(qn("w:pStyle")).get(qn("w:val")) or ""
            for r in block.iter(qn("w:r")):
                text = "".join(t.text or "" for t in r.iter(qn("w:t")))
                rpr = r.find(qn("w:rPr"))
                bold = rpr is not None and rpr.find(qn("w:b")) is not None
                italic = rpr is not None and rpr.find(qn("w:i")) is not None
                text_runs.append((_clean(text), bold, italic))
            heading = re.match(r"(?i)heading\s*(\d)", style) or re.match(r"^(\d)$", style)
            if heading and any(t for t, _b, _i in text_runs):
                # entry headings go one level below the entry's own title (level 1 in the anthology)
                target.add_heading("".join(t for t, _b, _i in text_runs), level=min(int(heading.group(1)) + 1, 9))
                continue
            paragraph = target.add_paragraph()
            for text, bold, italic in text_runs:
                if text:
                    run = paragraph.add_run(text)
                    run.bold, run.italic = bold or None, italic or None
                    copied += len(text)
        elif block.tag == qn("w:tbl"):
            rows = block.findall(qn("w:tr"))
            width = max((len(r.findall(qn("w:tc"))) for r in rows), default=0)
            if not rows or not width:
                continue
            table = target.add_table(rows=len(rows), cols=width)
            table.style = "Table Grid"
            for i, r in enumerate(rows):
                for j, cell in enumerate(r.findall(qn("w:tc"))):
                    text = "\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in cell.iter(qn("w:p")))
                    table.cell(i, j).text = _clean(text)
                    copied += len(text)


def build(call, winners: list) -> bytes:
    """The anthology as .docx bytes; AnthologyError names the entry that failed."""
    if not winners:
        raise AnthologyError("没有获奖作品，无法生成文集。")
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "SimSun"
    normal.font.size = Pt(12)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    for _ in range(6):
        doc.add_paragraph()
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(f"{call.title}\n获奖作品文集")
    run.bold, run.font.size = True, Pt(26)
    sub = doc.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    sub.add_run(f"{call.region.name}教育督导室 编\n{call.year}年").font.size = Pt(16)
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    doc.add_heading("目录", level=1)
    _toc_field(doc)
    doc.add_paragraph("作品一览：")
    for n, e in enumerate(winners, 1):
        doc.add_paragraph(f"{n}. 《{e.title}》 {e.authors_display}（{e.origin_name}） {e.get_award_display()}")
    for e in winners:
        doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        doc.add_heading(e.title, level=1)
        meta = doc.add_paragraph()
        meta.add_run(f"{e.authors_display}（{e.origin_name}）  {e.get_award_display()}").italic = True
        try:
            data = files.read_blob(e.document.path)
        except (OSError, FileNotFoundError):
            raise AnthologyError(f"作品 {e.code}《{e.title}》的文档文件缺失，无法编入文集。") from None
        if e.is_docx:
            _copy_docx(doc, data, e.code)
        else:
            doc.add_heading("摘要", level=2)
            doc.add_paragraph(_clean(e.abstract))
            doc.add_paragraph("（全文见附件）")
    doc.core_properties.title = f"{call.title}获奖作品文集"
    doc.core_properties.author = f"{call.region.name}教育督导室"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# ---- anonymised copies for experts -----------------------------------------------------------------------------

def anonymised_docx(data: bytes) -> bytes:
    """The entry without the names Word keeps: core properties (author, last modified by, title, subject,
    keywords, comments, category) are emptied; comments' and tracked changes' authors are replaced by 评审."""
    try:
        doc = Document(io.BytesIO(data))
    except Exception:  # a damaged file: refuse rather than leak
        raise AnthologyError("该文档无法读取，不能生成匿名评审稿。") from None
    props = doc.core_properties
    for name in ("author", "last_modified_by", "title", "subject", "keywords", "comments", "category",
                 "content_status", "identifier"):
        setattr(props, name, "")
    out = io.BytesIO()
    doc.save(out)
    return _strip_app_props(out.getvalue())


def _strip_app_props(data: bytes) -> bytes:
    """docProps/app.xml may name the company (作者单位): rewrite it without <Company> and <Manager>; the values of
    custom properties (docProps/custom.xml) are emptied; a file: target of a relationship (the attached template
    C:\\Users\\<user>\\...\\x.dotm, a link to a local file) becomes Normal.dotm; in every word/*.xml part (body,
    comments, footnotes, people.xml) the authors of comments and tracked changes become 评审 and their initials are
    emptied."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "docProps/app.xml":
                content = re.sub(rb"<(Company|Manager)>[^<]*</\1>", rb"<\1></\1>", content)
            elif item.filename == "docProps/custom.xml":  # custom properties (作者单位…): every value emptied
                content = re.sub(rb"<(vt:[A-Za-z0-9]+)>[^<]*</\1>", rb"<\1></\1>", content)
            elif item.filename.endswith(".rels"):  # an attached template's path names the Windows user
                content = re.sub(rb'Target="file:[^"]*"', rb'Target="file:///Normal.dotm"', content)
            elif item.filename.startswith("word/") and item.filename.endswith(".xml"):
                content = re.sub(rb'(w1?5?:author)="[^"]*"', '\\1="评审"'.encode(), content)
                content = re.sub(rb'(w:initials|w15:userId)="[^"]*"', rb'\1=""', content)
            target.writestr(item, content)
    return out.getvalue()


_PDF_INFO_KEYS = (b"Author", b"Creator", b"Producer", b"Title", b"Subject", b"Keywords")


def anonymised_pdf(data: bytes) -> bytes:
    """The PDF rewritten without its metadata (`pdfmeta.without_metadata`: Info, XMP, private data, wherever they
    are stored), then scrubbed byte for byte as well. A file pypdf cannot read (only an entry stored before the
    upload check could be one) keeps the byte scrub alone."""
    return scrubbed_pdf_bytes(pdfmeta.without_metadata(data) or data)


def scrubbed_pdf_bytes(data: bytes) -> bytes:
    """The Info dictionary's Author (and Creator, Producer, Title, Subject, Keywords) and the XMP dc:creator
    blanked byte for byte where they stand uncompressed (same length, so the cross-reference offsets stay
    valid). Compressed object streams are not reached: that is what the pypdf rewrite is for."""
    for key in _PDF_INFO_KEYS:
        data = re.sub(rb"(/" + key + rb"\s*\()((?:\\.|[^\\)])*)(\))",
                      lambda m: m.group(1) + b" " * len(m.group(2)) + m.group(3), data)
        data = re.sub(rb"(/" + key + rb"\s*<)([0-9A-Fa-f\s]*)(>)",
                      lambda m: m.group(1) + b"0" * len(m.group(2)) + m.group(3), data)
    data = re.sub(rb"(<dc:creator>)(.*?)(</dc:creator>)",
                  lambda m: m.group(1) + b" " * len(m.group(2)) + m.group(3), data, flags=re.S)
    data = re.sub(rb"(<pdf:Author>|<xmp:CreatorTool>)(.*?)(</pdf:Author>|</xmp:CreatorTool>)",
                  lambda m: m.group(1) + b" " * len(m.group(2)) + m.group(3), data, flags=re.S)
    return data


def anonymised(entry) -> tuple[bytes, str, str]:
    """(bytes, file name, content type) of the copy an expert downloads: named by the entry code only."""
    data = files.read_blob(entry.document.path)
    if entry.is_docx:
        return anonymised_docx(data), f"{entry.code}.docx", entry.document.content_type
    return anonymised_pdf(data), f"{entry.code}.pdf", "application/pdf"
