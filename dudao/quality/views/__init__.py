"""Pages of the quality app, one module per area (rounds, scores, results, reports, external), and the file
responses they share."""

from urllib.parse import quote

from django.http import FileResponse, Http404, HttpResponse

from dudao.documents import files

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(content: bytes, content_type: str, name: str) -> HttpResponse:
    """Bytes made now (a template, a rendered report) as a download named `name`."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response


def stored_file(stored, *, content_type: str | None = None, inline: bool = False) -> FileResponse:
    """A StoredFile streamed from storage after the caller's scope check (404 if its blob is gone); inline ones
    (PDFs shown in the browser) are sandboxed and never cached."""
    try:
        handle = files.open_blob(stored.path)
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type or stored.content_type)
    disposition = "inline" if inline else "attachment"
    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(stored.original_name)}"
    if inline:
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, max-age=0"
        response["Content-Security-Policy"] = "default-src 'none'"
    return response
