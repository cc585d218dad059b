"""Request context (request id and client IP) that services read when writing audit records."""

import contextvars
import functools
import ipaddress
import uuid

from django.conf import settings

_request_meta: contextvars.ContextVar[dict | None] = contextvars.ContextVar("dudao_request_meta", default=None)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def current_request_meta() -> dict:
    return _request_meta.get() or {}


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def trusted_networks() -> tuple:
    """settings.TRUSTED_PROXIES (addresses or CIDRs of our own reverse proxies) as networks."""
    return _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))


def parse_ip(value: str | None) -> IPAddress | None:
    """An address from REMOTE_ADDR or one X-Forwarded-For entry, or None for anything else. Accepts
    "1.2.3.4:5678", "[2001:db8::1]" and "[2001:db8::1]:443" as some proxies write them; drops an IPv6 zone
    ("fe80::1%eth0") and unwraps IPv4-mapped IPv6 ("::ffff:1.2.3.4") so both spellings count as one client."""
    text = (value or "").strip()
    if not text or len(text) > 64:
        return None
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1 and "." in text:
        text = text.split(":", 1)[0]
    text = text.split("%", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_trusted(address: IPAddress, networks) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_ip(request) -> str | None:
    """The address of the client, for every per-address limit, the login throttle and the audit log.

    REMOTE_ADDR is the peer that opened the connection. Only when that peer is one of TRUSTED_PROXIES is
    X-Forwarded-For read, from the right (each proxy appends the address it saw): the first entry that is not
    itself a trusted proxy is the client. Entries left of it were written by the client and are never
    believed. A malformed entry where a trusted proxy should have written an address means a misconfigured
    proxy: fall back to REMOTE_ADDR rather than guess."""
    remote = parse_ip(request.META.get("REMOTE_ADDR"))
    if remote is None:
        return None
    networks = trusted_networks()
    if not networks or not _is_trusted(remote, networks):
        return str(remote)
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    entries = [entry for entry in header.split(",") if entry.strip()]
    if not entries:
        return str(remote)
    for entry in reversed(entries):
        address = parse_ip(entry)
        if address is None:
            return str(remote)
        if not _is_trusted(address, networks):
            return str(address)
    # Every hop is one of our proxies (a request from inside): the left-most one started it.
    return str(parse_ip(entries[0]))


def request_id_from(value: str | None) -> str:
    """The request id for the log and the X-Request-ID response header. A client's X-Request-ID is kept only
    when it is a UUID (nginx's $request_id, 32 hex digits, is one), and then in canonical form, so a proxy's
    id still correlates with the audit log; anything else is replaced by a fresh server-side UUID."""
    if value and len(value) <= 45:
        try:
            return str(uuid.UUID(value))
        except ValueError:
            pass
    return str(uuid.uuid4())


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_from(request.headers.get("X-Request-ID"))
        token = _request_meta.set({"request_id": request.request_id, "ip": client_ip(request)})
        try:
            response = self.get_response(request)
        finally:
            _request_meta.reset(token)
        response["X-Request-ID"] = request.request_id
        return response
