"""Which Word template is in force for a region, and the files a signed link points at."""

import base64
import io

from dudao.core.errors import ApplicationError
from dudao.core.scope import region_prefix
from dudao.core.uploads import check_zip
from dudao.documents import files
from dudao.documents.models import DocumentTemplate, StoredFile
from dudao.documents.render import TEMPLATES, DocumentError, default_template_path, render_docx_bytes


def template_in_force(key: str, region_code: str) -> DocumentTemplate | None:
    """The newest uploaded template whose region subtree contains region_code, deepest region first."""
    best = None
    for template in DocumentTemplate.objects.filter(key=key).select_related("file"):
        prefix = region_prefix(template.region_code) if template.region_code else ""
        if region_code.startswith(prefix) and (best is None or len(prefix) > best[0]):
            best = (len(prefix), template)
    return best[1] if best else None


def template_bytes(key: str, region_code: str) -> bytes:
    template = template_in_force(key, region_code)
    if template is None:
        return default_template_path(key).read_bytes()
    data = files.read_blob(template.file.path)
    try:  # stored before uploads were measured, or under higher limits: python-docx must not inflate a bomb
        check_zip(data, template.file.original_name)
    except ApplicationError as exc:
        raise DocumentError(f"本地区上传的文书模板无法使用：{exc.message}请重新上传模板。") from None
    return data


def render_docx(key: str, region_code: str, context: dict, images: dict[str, bytes] | None = None,
                pictures: dict[str, list[bytes | None]] | None = None) -> bytes:
    if key not in TEMPLATES:
        raise KeyError(key)
    return render_docx_bytes(io.BytesIO(template_bytes(key, region_code)), context, images, pictures)


def file_for_token(token: str) -> StoredFile | None:
    file_id = files.file_id_from_token(token)
    return None if file_id is None else StoredFile.objects.filter(pk=file_id).first()


def thumbnail_data_uri(stored: StoredFile | None) -> str | None:
    """An image's thumbnail inlined as a data: URI, for PDFs rendered without HTTP access to the files."""
    if stored is None:
        return None
    try:
        path = files.ensure_thumbnail(stored.path, stored.thumb_path) if stored.thumb_path else stored.path
    except ApplicationError:  # an image over the pixel limit: the document goes out without it
        return None
    data = files.read_blob(path)
    return "data:image/jpeg;base64," + base64.b64encode(data).decode()
