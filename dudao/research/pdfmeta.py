"""A PDF entry without who wrote it, for the anonymised copy an expert downloads.

pypdf reads the file (compressed object streams included, where a byte search cannot reach) and writes it again
without the document information dictionary (Author, Title, Creator, Keywords…), the XMP metadata streams of
the catalogue and of each page, and the applications' private data (PieceInfo). The text and the pages are kept.
Entries are checked at upload with the same reader, so a PDF that cannot be read (damaged, or encrypted with a
password) is refused there in Chinese instead of reaching an expert unscrubbed.
"""

import io
import logging

from pypdf import PdfReader, PdfWriter

from dudao.core.errors import ApplicationError

_PRIVATE_KEYS = ("/Metadata", "/PieceInfo")
log = logging.getLogger(__name__)


def _reader(data: bytes) -> PdfReader | None:
    """The file as pypdf reads it, decrypted if it only has an owner password; None if it cannot be read."""
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            return None
        len(reader.pages)  # the page tree must be readable too
        return reader
    # A hostile or damaged file can make a parser raise almost anything (pypdf's own errors, ValueError, KeyError,
    # RecursionError on nested arrays, zlib errors…); every one of them means "cannot be read".
    except Exception:
        return None


def check_readable(data: bytes) -> None:
    """At upload: refuse a PDF that cannot be read and rewritten (it could not be anonymised for the experts)."""
    if _reader(data) is None:
        raise ApplicationError("PDF 文件无法读取（可能已损坏，或设置了打开密码），请另存为普通 PDF 后重新上传。")


def without_metadata(data: bytes) -> bytes | None:
    """The PDF rewritten without its metadata, or None if it cannot be read (the caller keeps its byte scrub)."""
    reader = _reader(data)
    if reader is None:
        return None
    try:
        writer = PdfWriter(clone_from=reader)
        writer.metadata = None
        for holder in (writer.root_object, *writer.pages):
            for key in _PRIVATE_KEYS:
                if key in holder:
                    del holder[key]
        # the removed dictionaries' streams would still be written as unreferenced objects: drop them
        writer.compress_identical_objects(remove_duplicates=False, remove_unreferenced=True)  # pypdf 7 names
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()
    except Exception:  # as in _reader: a file pypdf cannot rewrite is one it cannot read
        log.warning("PDF read but not rewritten without its metadata; the byte scrub alone applies", exc_info=True)
        return None
