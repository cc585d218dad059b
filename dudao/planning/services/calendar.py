"""Writes of the 行事历: a user's secret iCalendar feed address. The key is shown once; only its SHA-256 is
stored, and issuing a new one replaces (so revokes) the old one."""

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from dudao.core.audit import audit_record
from dudao.core.errors import ApplicationError
from dudao.core.scope import scope_for
from dudao.planning.models import CalendarFeed


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def feed_key_issue(*, user) -> str:
    """A new random feed key for the user (replacing their old one); returns the key, which is not stored."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        raise ApplicationError("请先登录后再生成行事历订阅地址。")
    if scope_for(user).is_empty:
        raise ApplicationError("您的账号尚未分配任何工作范围，没有可订阅的行事历。")
    key = secrets.token_urlsafe(32)
    old = CalendarFeed.objects.select_for_update().filter(user=user).first()
    if old is None:
        feed = CalendarFeed.objects.create(user=user, key_hash=key_hash(key))
    else:
        old.key_hash, old.created_at, old.last_used_at = key_hash(key), timezone.now(), None
        old.save(update_fields=["key_hash", "created_at", "last_used_at"])
        feed = old
    audit_record(actor=user, action="calendar_feed.issue", obj=feed, object_repr="行事历订阅地址",
                 after={"replaced": old is not None})
    return key


def feed_user(key: str):
    """The active user a feed key belongs to, or None (unknown key, deactivated user). Notes when it was used
    (at most once an hour, so a phone polling the feed does not write on every request)."""
    if not key or len(key) > 100:
        return None
    feed = CalendarFeed.objects.select_related("user").filter(key_hash=key_hash(key)).first()
    if feed is None or not feed.user.is_active:
        return None
    now = timezone.now()
    if feed.last_used_at is None or (now - feed.last_used_at).total_seconds() > 3600:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    return feed.user
