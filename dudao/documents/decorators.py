"""Views that produce Word documents: a template that cannot render becomes a 400 page in Chinese, not a 500."""

import functools

from django.shortcuts import render

from dudao.documents.render import DocumentError


def document_errors(view):
    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except DocumentError as exc:
            return render(request, "documents/render_error.html", {"message": exc.message}, status=exc.status)

    return wrapper
