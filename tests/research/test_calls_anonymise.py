"""The anonymised copies experts download (research/anthology.py), without a database: Word core properties,
company, comment and tracked-change authors; PDF Info and XMP authors blanked byte for byte."""

import io
import zipfile

from docx import Document

from dudao.research.anthology import anonymised_docx, anonymised_pdf


def _docx_with_traces() -> bytes:
    doc = Document()
    doc.core_properties.author = "王小明"
    doc.core_properties.last_modified_by = "王小明"
    doc.core_properties.title = "王小明 城关一小 案例"
    paragraph = doc.add_paragraph("正文保留。")
    doc.add_comment(paragraph.runs, text="请修改", author="王小明", initials="WXM")
    out = io.BytesIO()
    doc.save(out)
    data = out.getvalue()
    # a tracked insertion by the author and the company in app.xml, as Word writes them
    source = zipfile.ZipFile(io.BytesIO(data))
    patched = io.BytesIO()
    with zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "word/document.xml":
                content = content.replace(b"</w:body>", '<w:p><w:ins w:id="9" w:author="王小明" w:date="2026-04-01T00:00:00Z"><w:r><w:t>插入</w:t></w:r></w:ins></w:p></w:body>'.encode())
            if item.filename == "docProps/app.xml":
                content = content.replace(b"</Properties>", "<Company>城关第一小学</Company></Properties>".encode())
            target.writestr(item, content)
    return patched.getvalue()


def test_docx_traces_of_the_author_are_removed():
    clean = anonymised_docx(_docx_with_traces())
    whole = b"".join(zipfile.ZipFile(io.BytesIO(clean)).read(n) for n in zipfile.ZipFile(io.BytesIO(clean)).namelist())
    for secret in ("王小明", "城关第一小学", "城关一小", 'initials="WXM"'):
        assert secret.encode() not in whole, secret
    doc = Document(io.BytesIO(clean))
    assert doc.core_properties.author == "" and "正文保留。" in [p.text for p in doc.paragraphs]


def test_pdf_info_and_xmp_authors_are_blanked_keeping_the_length():
    pdf = (b"%PDF-1.4\n1 0 obj<</Author (Wang \\(Xiao\\) Ming) /Title <FEFF738B5C0F660E> /Producer (Word)>>endobj\n"
           b"2 0 obj<</Type/Metadata>>stream\n<dc:creator><rdf:Seq><rdf:li>Wang</rdf:li></rdf:Seq></dc:creator>"
           b"<pdf:Author>Wang</pdf:Author>\nendstream endobj\ntrailer<</Info 1 0 R>>\n%%EOF\n")
    clean = anonymised_pdf(pdf)
    assert len(clean) == len(pdf) and clean.startswith(b"%PDF-1.4")
    assert b"Wang" not in clean and b"738B5C0F660E" not in clean and b"Ming" not in clean
    assert b"/Author (" in clean and b"%%EOF" in clean
