"""Writes: storing a checked upload as a new StoredFile row; uploading an office's own Word template."""

from django.db import transaction

from dudao.core.audit import audit_record
from dudao.core.errors import ApplicationError
from dudao.core.scope import require_office_for
from dudao.documents import files
from dudao.documents.models import DocumentTemplate, FileKind, StoredFile
from dudao.documents.render import TEMPLATES, DocumentError, check_template


def file_store(*, actor, upload, kind: str, region_code: str = "") -> StoredFile:
    """Check an upload by its content and size, store it by hash, and return a new row (never a reused one)."""
    return file_record(actor=actor, checked=files.check_and_write(upload, kind=kind, region_code=region_code))


def file_record(*, actor, checked: files.CheckedFile) -> StoredFile:
    """The StoredFile row of an upload already checked and written by files.check_and_write."""
    return StoredFile.objects.create(
        sha256=checked.sha256, size=checked.size, content_type=checked.content_type, kind=checked.kind,
        original_name=checked.name, path=checked.path, thumb_path=checked.thumb_path, width=checked.width,
        height=checked.height, uploaded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def template_upload(*, actor, key: str, region_code: str, upload) -> DocumentTemplate:
    """An office's edited version of a shipped template. Before anything is stored its tags are checked without
    running anything, and it must render with sample data in the sandbox (render.check_template); a refused
    template is audited (an attempt to run code through a template must leave a trace) and not stored."""
    if key not in TEMPLATES:
        raise ApplicationError(f"未知的文书模板：{key}")
    require_office_for(actor, region_code, "您无权修改该地区的文书模板。")
    data = files.read_checked(upload, region_code=region_code)
    name = (getattr(upload, "name", "") or "未命名")[-200:]
    if not files.sniff_document(data, name).endswith("wordprocessingml.document"):
        raise ApplicationError("文书模板必须是 Word（.docx）文件。")
    try:
        check_template(data, key)
    except DocumentError as exc:
        audit_record(actor=actor, action="document.template_refused", object_type="documents.documenttemplate",
                     object_repr=name, region_code=region_code,
                     after={"key": key, "sha256": files.sha256_of(data), "name": name, "reason": exc.message[:2000]})
        raise
    upload.seek(0)
    return _template_store(actor=actor, key=key, region_code=region_code, upload=upload)


@transaction.atomic
def _template_store(*, actor, key: str, region_code: str, upload) -> DocumentTemplate:
    stored = file_store(actor=actor, upload=upload, kind=FileKind.DOCUMENT, region_code=region_code)
    template = DocumentTemplate.objects.create(key=key, region_code=region_code, file=stored, uploaded_by=actor)
    audit_record(actor=actor, action="document.template_upload", obj=template, region_code=region_code,
                 after={"key": key, "sha256": stored.sha256, "name": stored.original_name})
    return template
