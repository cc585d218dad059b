"""Public pages of workforce (no login): the 督学证 verification page behind the card's QR code. It shows ONLY the
name, the card number, the status (在岗/暂停/退出/已过期) and the validity — no phone, employer, photo or id. The
QR code carries the certificate's random key, never a sequential id; an unknown key is the Chinese 404 page.
Lookups are rate-limited per address (`workforce.card_checks_per_hour`)."""

from django.core.cache import cache
from django.shortcuts import render

from dudao.core.dates import cn_date
from dudao.core.middleware import current_request_meta
from dudao.core.policy import policy_value
from dudao.workforce.selectors import appointments as selectors


def _rate_limited(ip: str | None) -> bool:
    """The shape of zones.public._rate_limited, with its own counter: card checks never use up the complaint
    form's allowance (nor the other way round)."""
    limit = int(policy_value("workforce.card_checks_per_hour"))
    key = f"dudao:public-card:{ip or 'unknown'}"
    count = cache.get(key, 0)
    if count >= limit:
        return True
    cache.set(key, count + 1, 3600)
    return False


def card(request, key: str):
    if _rate_limited(current_request_meta().get("ip")):
        return render(request, "workforce/public_card_limited.html", status=429)
    cert = selectors.certificate_by_key(key)
    if cert is None:
        return render(request, "workforce/public_card_missing.html", status=404)
    status = selectors.card_status(cert)
    return render(request, "workforce/public_card.html", {
        "name": cert.inspector.name, "card_no": cert.inspector.card_no, "status": status,
        "valid": status == "在岗", "term_end": cn_date(cert.term_end)})
