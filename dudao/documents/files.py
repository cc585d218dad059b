"""Checking uploads by content (never by name), storing them by SHA-256, thumbnails, signed download links.

Every file goes through Django's storage API (``default_storage``: folders under MEDIA_ROOT, or an S3-compatible
bucket when STORAGE_URL is set, see settings.storage_from_url). Names are storage keys such as
``files/ab/<sha256>``, never filesystem paths, and no storage URL is ever handed out: the views stream the
file after their scope or signature check.
"""

import hashlib
import io
import os
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageOps, UnidentifiedImageError

from dudao.core.errors import ApplicationError
from dudao.core.policy import policy_value
from dudao.core.uploads import check_image_size, check_zip, image_guard

THUMB_SIZE = (480, 480)
LINK_MAX_AGE = 12 * 3600
_SIGNER_SALT = "dudao.documents.file"

IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}
OOXML_TYPES = {
    "word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"),
}


def max_upload_bytes(region_code: str = "") -> int:
    return int(policy_value("files.max_upload_mb", region_code)) * 1024 * 1024


def read_checked(upload, *, region_code: str = "") -> bytes:
    """The bytes of an upload after the size check, which looks at the declared size before reading."""
    limit = max_upload_bytes(region_code)
    name = getattr(upload, "name", "") or "文件"
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ApplicationError(f"文件“{name}”大小为 {size / 1048576:.1f} MB，超过上限 {limit // 1048576} MB。")
    data = upload.read()
    if len(data) > limit:
        raise ApplicationError(f"文件“{name}”超过大小上限 {limit // 1048576} MB。")
    if not data:
        raise ApplicationError(f"文件“{name}”是空文件。")
    return data


@dataclass(frozen=True)
class CheckedFile:
    """An upload that passed the checks and is stored under its hash; a StoredFile row is made from it."""

    sha256: str
    size: int
    content_type: str
    kind: str
    name: str
    path: str
    thumb_path: str = ""
    width: int | None = None
    height: int | None = None


def check_and_write_evidence(upload, *, region_code: str = "") -> CheckedFile:
    """Evidence of either kind (a photo or a document), told apart by the declared type and then checked by
    content as that kind: rectification reports, 约谈记录, 问责 documents."""
    kind = "image" if (getattr(upload, "content_type", "") or "").startswith("image/") else "document"
    return check_and_write(upload, kind=kind, region_code=region_code)


def check_and_write(upload, *, kind: str, region_code: str = "") -> CheckedFile:
    """Check an upload by its size and content and write it under its hash.

    No database work: callers do this before their transaction, so the slow part (decoding an image)
    never holds a database lock. A blob left by a request that later fails is harmless: it is content-
    addressed and reused by the next upload of the same bytes.
    """
    data = read_checked(upload, region_code=region_code)
    name = (getattr(upload, "name", "") or "未命名")[-200:]
    width = height = None
    if kind == "image":
        content_type, width, height = sniff_image(data, name)
    elif kind == "document":
        content_type = sniff_document(data, name)
    else:  # pragma: no cover - programming error
        raise ValueError(kind)
    digest = sha256_of(data)
    path = write_blob(digest, data)
    thumb = thumbnail_path(digest) if kind == "image" else ""  # made on first view: ensure_thumbnail
    return CheckedFile(digest, len(data), content_type, kind, name, path, thumb, width, height)


def sniff_image(data: bytes, name: str) -> tuple[str, int, int]:
    """(content type, width, height) of a real image; anything else is refused."""
    try:
        with image_guard(name), Image.open(io.BytesIO(data)) as image:
            check_image_size(name, *image.size)  # before anything decodes pixels
            image.verify()
        with image_guard(name), Image.open(io.BytesIO(data)) as image:
            fmt, (width, height) = image.format, image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ApplicationError(f"文件“{name}”不是有效的图片（支持 JPEG、PNG、WebP、GIF）。") from None
    if fmt not in IMAGE_FORMATS:
        raise ApplicationError(f"文件“{name}”的图片格式 {fmt} 不受支持（支持 JPEG、PNG、WebP、GIF）。")
    return IMAGE_FORMATS[fmt], width, height


def sniff_document(data: bytes, name: str) -> str:
    """Content type of a PDF or an Office Open XML file (docx/xlsx/pptx), judged by its bytes."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"PK\x03\x04"):
        check_zip(data, name)  # a docx template is inflated by python-docx later: bombs are refused here
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            names = []
        if "[Content_Types].xml" in names:
            for prefix, (content_type, _ext) in OOXML_TYPES.items():
                if any(n.startswith(prefix) for n in names):
                    return content_type
    raise ApplicationError(f"文件“{name}”不是支持的文档（支持 PDF、Word、Excel、PowerPoint 的 .docx/.xlsx/.pptx）。")


def store(name: str, content: bytes | File) -> str:
    """Save content under exactly ``name`` unless a file of that name is already there, and return ``name``.

    For content-addressed names an existing file is the same bytes, so it is kept and never overwritten; when
    two writers race, the loser's copy (saved by the storage under another name) is removed again.
    """
    if default_storage.exists(name):
        return name
    saved = default_storage.save(name, ContentFile(content) if isinstance(content, bytes) else content)
    if saved != name:
        default_storage.delete(saved)
    return name


def write_blob(sha256: str, data: bytes, suffix: str = "") -> str:
    """Write content under files/ab/<sha>; an existing blob with that hash is the same bytes and is kept."""
    return store(f"files/{sha256[:2]}/{sha256}{suffix}", data)


def thumbnail_path(sha256: str) -> str:
    return f"thumbs/{sha256[:2]}/{sha256}.jpg"


def ensure_thumbnail(image_path: str, thumb_path: str) -> str:
    """Make an image's thumbnail on first use (uploads stay fast: a tablet is waiting for its answer)."""
    if not default_storage.exists(thumb_path):
        with image_guard(image_path), Image.open(io.BytesIO(read_blob(image_path))) as image:
            check_image_size(image_path, *image.size)  # stored before the pixel limit existed, or under a higher one
            image.draft("RGB", THUMB_SIZE)  # JPEG: decode at a reduced scale, several times faster
            image = ImageOps.exif_transpose(image).convert("RGB")
            image.thumbnail(THUMB_SIZE)
            buffer = io.BytesIO()
            image.save(buffer, "JPEG", quality=80)
        store(thumb_path, buffer.getvalue())
    return thumb_path


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def storage_name(name: str) -> str:
    """A stored name as the storage knows it. Rows written before files went through the storage API may hold
    an absolute path under MEDIA_ROOT (the opinion batches' archives): that becomes the name relative to it."""
    if os.path.isabs(name):
        root = os.path.abspath(settings.MEDIA_ROOT)
        if os.path.commonpath([root, os.path.abspath(name)]) == root:
            return os.path.relpath(name, root).replace(os.sep, "/")
    return name


def open_blob(name: str) -> File:
    """The stored file opened for reading; FileNotFoundError when it is not there."""
    return default_storage.open(storage_name(name), "rb")


def read_blob(name: str) -> bytes:
    with open_blob(name) as handle:
        return handle.read()


def blob_exists(name: str) -> bool:
    return default_storage.exists(storage_name(name))


def delete_blob(name: str) -> None:
    default_storage.delete(storage_name(name))


def file_token(file_id: int) -> str:
    return signing.TimestampSigner(salt=_SIGNER_SALT).sign(str(file_id))


def file_id_from_token(token: str) -> int | None:
    try:
        return int(signing.TimestampSigner(salt=_SIGNER_SALT).unsign(token, max_age=LINK_MAX_AGE))
    except (signing.BadSignature, ValueError):
        return None
