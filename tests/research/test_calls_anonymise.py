"""The anonymised copies experts download (research/anthology.py), without a database: Word core properties,
company, comment and tracked-change authors; a PDF rewritten without its Info, XMP and private data (compressed
object streams included), and the byte-level scrub kept for a file pypdf cannot read."""

import io
import re
import zipfile
import zlib

from docx import Document
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject, StreamObject
from weasyprint import HTML

from dudao.research import pdfmeta
from dudao.research.anthology import anonymised_docx, anonymised_pdf, scrubbed_pdf_bytes


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


def test_unreadable_pdf_info_and_xmp_authors_are_blanked_keeping_the_length():
    pdf = (b"%PDF-1.4\n1 0 obj<</Author (Wang \\(Xiao\\) Ming) /Title <FEFF738B5C0F660E> /Producer (Word)>>endobj\n"
           b"2 0 obj<</Type/Metadata>>stream\n<dc:creator><rdf:Seq><rdf:li>Wang</rdf:li></rdf:Seq></dc:creator>"
           b"<pdf:Author>Wang</pdf:Author>\nendstream endobj\ntrailer<</Info 1 0 R>>\n%%EOF\n")
    assert anonymised_pdf(pdf) == scrubbed_pdf_bytes(pdf)  # pypdf cannot read it: the byte scrub alone
    clean = scrubbed_pdf_bytes(pdf)
    assert len(clean) == len(pdf) and clean.startswith(b"%PDF-1.4")
    assert b"Wang" not in clean and b"738B5C0F660E" not in clean and b"Ming" not in clean
    assert b"/Author (" in clean and b"%%EOF" in clean


SECRETS = ("张三作者", "李四的论文", "城关第一小学", "王小明")


def _everything(pdf: bytes) -> bytes:
    """The file's bytes plus every stream inflated: where a name could hide (object streams are compressed)."""
    inflated = []
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            inflated.append(zlib.decompress(match.group(1)))
        except zlib.error:
            pass
    return b"".join([pdf, *inflated])


def _hidden(secret: str, pdf: bytes) -> bool:
    whole, utf16 = _everything(pdf), secret.encode("utf-16-be")
    return any(form in whole for form in (secret.encode(), utf16, utf16.hex().encode(), utf16.hex().upper().encode()))


def test_pdf_metadata_in_compressed_object_streams_is_removed():
    """WeasyPrint (like many PDF writers) stores the Info dictionary inside a compressed object stream, where the
    byte scrub cannot see it; the rewrite removes it, and the text stays."""
    pdf = HTML(string='<html><head><meta name="author" content="张三作者"><title>李四的论文</title>'
                      '<meta name="keywords" content="城关第一小学"></head><body><p>正文保留</p></body></html>').write_pdf()
    assert all(_hidden(secret, pdf) for secret in SECRETS[:3])  # the check below can fail
    assert PdfReader(io.BytesIO(pdf)).metadata["/Author"] == "张三作者"
    clean = anonymised_pdf(pdf)
    reader = PdfReader(io.BytesIO(clean))
    assert reader.metadata is None and "/Metadata" not in reader.root_object
    assert not any(_hidden(secret, clean) for secret in SECRETS)
    assert "正文保留" in reader.pages[0].extract_text()


def test_compressed_xmp_and_private_data_are_removed_also_from_a_permissions_only_encrypted_pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    xmp = DecodedStreamObject()
    xmp.set_data("<x:xmpmeta><dc:creator><rdf:Seq><rdf:li>王小明</rdf:li></rdf:Seq></dc:creator></x:xmpmeta>".encode())
    xmp[NameObject("/Type")], xmp[NameObject("/Subtype")] = NameObject("/Metadata"), NameObject("/XML")
    writer.root_object[NameObject("/Metadata")] = writer._add_object(xmp.flate_encode())
    writer.pages[0][NameObject("/PieceInfo")] = writer._add_object(xmp.flate_encode())
    writer.add_metadata({"/Author": "王小明"})
    writer.encrypt(user_password="", owner_password="owner")  # opens without a password; strings are encrypted
    out = io.BytesIO()
    writer.write(out)
    pdf = out.getvalue()
    assert PdfReader(io.BytesIO(pdf)).metadata["/Author"] == "王小明"
    clean = anonymised_pdf(pdf)
    reader = PdfReader(io.BytesIO(clean))
    assert not reader.is_encrypted and reader.metadata is None and "/Metadata" not in reader.root_object
    assert "/PieceInfo" not in reader.pages[0] and not _hidden("王小明", clean)


def test_a_compression_bomb_is_never_inflated():
    """A page whose content stream inflates to 100 MB: the upload check and the rewrite copy streams as they are
    (pypdf decodes only the object and cross-reference streams it needs, within its own limits)."""
    packer = zlib.compressobj(9)
    bomb = b"".join(packer.compress(b"0" * 1_000_000) for _ in range(100)) + packer.flush()
    writer = PdfWriter()
    page = writer.add_blank_page(width=200, height=200)
    content = StreamObject()
    content.set_data(bomb)
    content[NameObject("/Filter")] = NameObject("/FlateDecode")
    page[NameObject("/Contents")] = writer._add_object(content)
    writer.add_metadata({"/Author": "王小明"})
    out = io.BytesIO()
    writer.write(out)
    pdf = out.getvalue()
    assert len(pdf) < 200_000
    pdfmeta.check_readable(pdf)
    clean = anonymised_pdf(pdf)
    # (the head and tail only: _hidden inflates every stream it finds, the bomb included)
    assert PdfReader(io.BytesIO(clean)).metadata is None and not _hidden("王小明", clean[:1000] + clean[-2000:])
