"""The iCalendar (RFC 5545) form of calendar items, for phones and desktop calendars that subscribe to a user's
feed. Pure: no Django. Every item is an all-day VEVENT: DTSTART and DTEND are DATE values, DTEND exclusive (the
day after the item's last day); the UID is "<source>:<key>@dudao", stable across calls."""

import datetime
from collections.abc import Iterable

from icalendar import Calendar, Event

PRODID = "-//Dudao//教育督导行事历//ZH"


def ical_bytes(items: Iterable, *, base: str, name: str, now: datetime.datetime,
               labels: dict[str, str] | None = None) -> bytes:
    """items: objects with source, key, title, start, end (inclusive dates), url (absolute or a path under
    `base`) and detail; `now` (aware) stamps every event (DTSTAMP)."""
    labels = labels or {}
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Shanghai")
    stamp = now.astimezone(datetime.UTC)
    for item in items:
        event = Event()
        event.add("uid", f"{item.source}:{item.key}@dudao")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.start)
        event.add("dtend", item.end + datetime.timedelta(days=1))
        event.add("summary", item.title)
        label = labels.get(item.source, "")
        description = "；".join(part for part in (label, item.detail) if part)
        if description:
            event.add("description", description)
        if label:
            event.add("categories", [label])
        if item.url:
            event.add("url", base + item.url if item.url.startswith("/") else item.url)
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()
