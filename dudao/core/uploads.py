"""Resource limits on uploaded files, checked before any reader decompresses or decodes them.

Zip containers (.xlsx, .ods, .docx, .pptx) are inflated once here, in bounded chunks, without trusting the
sizes the archive declares: the total inflated size, the number of entries and each entry's compression ratio
are capped (settings DUDAO_ZIP_*). Images are refused above a pixel count (DUDAO_IMAGE_MAX_PIXELS) before
Pillow decodes them, and Pillow's own decompression-bomb guard becomes a Chinese refusal.
"""

import copy
import io
import warnings
import zipfile
import zlib
from contextlib import contextmanager

from django.conf import settings

from dudao.core.errors import ApplicationError

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_CHUNK = 1024 * 1024
# Entries that inflate to less than this are not held to the ratio (a tiny styles.xml compresses very well).
RATIO_FLOOR_BYTES = 1024 * 1024


def _mb(size: int) -> str:
    return f"{size / 1048576:.0f} MB"


def check_zip(data: bytes, name: str) -> None:
    """Refuse a zip container that would inflate beyond the limits; nothing else reads it before this.

    Every entry is decompressed here in 1 MB chunks (never held whole), so a bomb that lies about its sizes
    in the central directory is caught as well as an honest huge one. Raises ApplicationError in Chinese.
    """
    max_total = settings.DUDAO_ZIP_MAX_UNCOMPRESSED_BYTES
    max_entries = settings.DUDAO_ZIP_MAX_ENTRIES
    max_ratio = settings.DUDAO_ZIP_MAX_RATIO
    broken = f"无法读取文件“{name}”：文件已损坏，或不是有效的 Excel/WPS/Word 文件。"
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise ApplicationError(broken) from None
    if len(entries) > max_entries:
        raise ApplicationError(f"文件“{name}”包含 {len(entries):,} 个内部文件，超过上限 {max_entries:,} 个，拒绝读取。")
    declared = sum(info.file_size for info in entries)
    if declared > max_total:
        raise ApplicationError(f"文件“{name}”解压后约 {_mb(declared)}，超过上限 {_mb(max_total)}，拒绝读取。")
    total = 0
    for info in entries:
        if info.is_dir():
            continue
        entry_cap = max(info.compress_size * max_ratio, RATIO_FLOOR_BYTES)
        budget = min(entry_cap, max_total - total)
        inflated = _inflated_size(archive, info, budget, broken)
        if inflated > budget:
            if budget == entry_cap:
                raise ApplicationError(f"文件“{name}”中的“{info.filename[:80]}”压缩比超过 {max_ratio}:1（疑似压缩炸弹），拒绝读取。")
            raise ApplicationError(f"文件“{name}”解压后超过上限 {_mb(max_total)}，拒绝读取。")
        if inflated != info.file_size:
            raise ApplicationError(broken)
        total += inflated


def _inflated_size(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, broken: str) -> int:
    """Bytes the entry really inflates to, counting at most budget + 1 (the declared size is not trusted)."""
    probe = copy.copy(info)
    probe.file_size = budget + 1  # zipfile stops reading at file_size: let it run past a lie, up to the budget
    probe.CRC = None  # a read cut at the budget must not be judged by the CRC (the size decides; readers check CRCs)
    size = 0
    try:
        with archive.open(probe) as stream:
            while size <= budget:
                chunk = stream.read(_CHUNK)
                if not chunk:
                    break
                size += len(chunk)
    except (zipfile.BadZipFile, NotImplementedError, RuntimeError, ValueError, OSError, EOFError, zlib.error):
        # RuntimeError: encrypted entry; NotImplementedError: an unusual compression method
        raise ApplicationError(broken) from None
    return size


def check_office_zip(data: bytes, name: str) -> None:
    """check_zip for data that is a zip (by its magic bytes); other data is left to the caller's own checks."""
    if data.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC)):
        check_zip(data, name)


def image_pixel_limit() -> int:
    return settings.DUDAO_IMAGE_MAX_PIXELS


def pixel_refusal(name: str, width: int | None = None, height: int | None = None) -> ApplicationError:
    limit = image_pixel_limit()
    size = f"（{width}×{height}）" if width and height else ""
    return ApplicationError(f"图片“{name}”尺寸过大{size}，超过 {limit / 1_000_000:g} 百万像素的上限，请缩小后再上传。")


def check_image_size(name: str, width: int, height: int) -> None:
    if width * height > image_pixel_limit():
        raise pixel_refusal(name, width, height)


def configure_pillow() -> None:
    """Pillow's pixel limit from the settings, and its DecompressionBombWarning (between the limit and twice the
    limit) raised as an error, as Pillow's documentation advises; called once when the app starts."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = image_pixel_limit()
    warnings.simplefilter("error", Image.DecompressionBombWarning)


@contextmanager
def image_guard(name: str):
    """Decode an image under the pixel limit: Pillow's DecompressionBombWarning and DecompressionBombError
    become a clean refusal in Chinese (ApplicationError) instead of a 500."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = image_pixel_limit()  # the setting may have changed since start-up (tests)
    try:
        yield
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise pixel_refusal(name) from None
