"""Security review (issue 24): traces of the author Word keeps outside the core properties — custom document
properties (docProps/custom.xml, e.g. 作者单位 set by a school's template) and the path of the attached template in
word/_rels/settings.xml.rels (file:///C:/Users/<Windows user>/...) — are removed from the expert's copy."""

import io
import zipfile

from docx import Document

from dudao.research.anthology import anonymised_docx

CUSTOM = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
          '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/custom-properties" '
          'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
          '<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="2" name="作者单位">'
          '<vt:lpwstr>城关第一小学</vt:lpwstr></property></Properties>')
CUSTOM_REL = ('<Relationship Id="rIdCustom" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
              'relationships/custom-properties" Target="docProps/custom.xml"/>')
CUSTOM_TYPE = ('<Override PartName="/docProps/custom.xml" '
               'ContentType="application/vnd.openxmlformats-officedocument.custom-properties+xml"/>')
SETTINGS_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                 '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                 '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                 'attachedTemplate" Target="file:///C:\\Users\\wangxiaoming\\AppData\\Roaming\\Microsoft\\'
                 'Templates\\城关一小公文.dotm" TargetMode="External"/></Relationships>')


def _docx() -> bytes:
    doc = Document()
    doc.add_paragraph("正文保留。")
    out = io.BytesIO()
    doc.save(out)
    source = zipfile.ZipFile(io.BytesIO(out.getvalue()))
    patched = io.BytesIO()
    with zipfile.ZipFile(patched, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "_rels/.rels":
                content = content.replace(b"</Relationships>", CUSTOM_REL.encode() + b"</Relationships>")
            if item.filename == "[Content_Types].xml":
                content = content.replace(b"</Types>", CUSTOM_TYPE.encode() + b"</Types>")
            if item.filename == "word/settings.xml":
                content = content.replace(b"<w:defaultTabStop", b'<w:attachedTemplate r:id="rId1"/><w:defaultTabStop')
            target.writestr(item, content)
        target.writestr("docProps/custom.xml", CUSTOM.encode())
        target.writestr("word/_rels/settings.xml.rels", SETTINGS_RELS.encode())
    return patched.getvalue()


def _whole(data: bytes) -> bytes:
    book = zipfile.ZipFile(io.BytesIO(data))
    return b"".join(book.read(n) for n in book.namelist())


def test_custom_properties_and_the_template_path_are_removed():
    source = _docx()
    assert "城关第一小学".encode() in _whole(source) and b"wangxiaoming" in _whole(source)  # the traces are there
    clean = anonymised_docx(source)
    whole = _whole(clean)
    for secret in ("城关第一小学", "wangxiaoming", "城关一小公文"):
        assert secret.encode() not in whole, secret
    assert "正文保留。" in [p.text for p in Document(io.BytesIO(clean)).paragraphs]  # still opens
