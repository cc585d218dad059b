"""Streaming stored files behind signed links, and the page where an office manages its Word templates."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from dudao.core.errors import ApplicationError
from dudao.core.models import Role
from dudao.core.scope import scope_for
from dudao.documents import files, selectors, services
from dudao.documents.models import DocumentTemplate
from dudao.documents.render import TEMPLATES, template_fields


def _stream(stored, path: str, content_type: str, filename: str):
    """The file streamed through this view from the storage (disk or bucket): never a redirect to a storage
    URL, so the signature check above stays the only way in."""
    try:
        handle = files.open_blob(path)
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


def file_download(request, token: str):
    """A signed link is handed out only on pages the viewer may see (public pages included, e.g. a plaque photo)."""
    stored = selectors.file_for_token(token)
    if stored is None:
        raise Http404
    return _stream(stored, stored.path, stored.content_type, stored.original_name)


def file_thumb(request, token: str):
    stored = selectors.file_for_token(token)
    if stored is None or not stored.thumb_path:
        raise Http404
    try:
        thumb = files.ensure_thumbnail(stored.path, stored.thumb_path)
    except ApplicationError as exc:  # an image over the pixel limit (stored before the limit was lowered)
        return HttpResponse(exc.message, status=exc.status, content_type="text/plain; charset=utf-8")
    return _stream(stored, thumb, "image/jpeg", "thumb.jpg")


def _office_region(user) -> str:
    scope = scope_for(user)
    if scope.everything:
        return ""
    if not scope.has_role(Role.OFFICE) or not scope.region_prefixes:
        raise Http404
    return user.role_assignments.filter(role=Role.OFFICE).values_list("region_id", flat=True).first()


@login_required
def template_list(request):
    region_code = _office_region(request.user)
    rows = []
    for key, (label, _sample) in TEMPLATES.items():
        rows.append({"key": key, "label": label, "fields": sorted(template_fields(key)),
                     "current": selectors.template_in_force(key, region_code or ""),
                     "history": DocumentTemplate.objects.filter(key=key, region_code=region_code or "")[:10]})
    return render(request, "documents/template_list.html", {"rows": rows, "region_code": region_code})


@login_required
def template_download(request, key: str):
    region_code = _office_region(request.user)
    if key not in TEMPLATES:
        raise Http404
    response = HttpResponse(selectors.template_bytes(key, region_code or ""),
                            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(TEMPLATES[key][0] + '模板.docx')}"
    return response


@login_required
@require_POST
def template_upload(request, key: str):
    region_code = _office_region(request.user)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "请选择要上传的 Word 模板文件。")
        return redirect("documents:templates")
    try:
        services.template_upload(actor=request.user, key=key, region_code=region_code or "", upload=upload)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "模板已上传，之后生成的文书将使用新模板。")
    return redirect("documents:templates")
