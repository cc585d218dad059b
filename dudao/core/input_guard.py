"""Refuse NUL characters (U+0000) in a request before any view sees them.

PostgreSQL cannot store NUL in text ("text fields cannot contain NUL bytes": a 500 on any filter, lookup or
write that passes one through), SQLite truncates at it, and no honest form or client sends one. One place
refuses them with a 400 in Chinese: the path, query parameters, form fields (uploaded files may contain any
bytes) and JSON bodies (where NUL can only arrive as the escape \\u0000).
"""
from dudao.core.errors import NulCharacterSent
from dudao.core.views import bad_request

JSON_NUL = b"\\u0000"


def _has_nul(querydict) -> bool:
    return any("\x00" in key or any("\x00" in value for value in values) for key, values in querydict.lists())


def request_has_nul(request) -> bool:
    if "\x00" in request.path_info or _has_nul(request.GET):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        return _has_nul(request.POST)
    if request.content_type == "application/json" or request.content_type.endswith("+json"):
        return JSON_NUL in request.body
    return False


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request_has_nul(request):
            return bad_request(request, NulCharacterSent())
        return self.get_response(request)
