"""Request context (request id and client IP) that services read when writing audit records."""

import contextvars
import uuid

_request_meta: contextvars.ContextVar[dict | None] = contextvars.ContextVar("dudao_request_meta", default=None)


def current_request_meta() -> dict:
    return _request_meta.get() or {}


def client_ip(request) -> str | None:
    # Behind a reverse proxy set DUDAO_TRUST_X_FORWARDED_FOR in the proxy and read REMOTE_ADDR from it.
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request.headers.get("X-Request-ID") or str(uuid.uuid4())
        token = _request_meta.set({"request_id": request.request_id[:36], "ip": client_ip(request)})
        try:
            response = self.get_response(request)
        finally:
            _request_meta.reset(token)
        response["X-Request-ID"] = request.request_id
        return response
