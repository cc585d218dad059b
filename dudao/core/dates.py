"""Dates as the people of the district see them: the Asia/Shanghai calendar day (settings.TIME_ZONE), written
the way official documents write them ("2026年3月6日", no leading zeros).

Never take a day from a UTC timestamp (`timezone.now().date()`, `.date()` on an aware datetime,
`datetime.utcnow()`): before 08:00 Beijing time that is still yesterday. Use `timezone.localdate()` for today
and `local_date(x)` for the day of a stored timestamp.
"""

import datetime

from django.utils import timezone


def local_date(value: datetime.date | datetime.datetime) -> datetime.date:
    """The local calendar day of a date (itself) or of an aware datetime (converted to TIME_ZONE first)."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def cn_date(value: datetime.date | datetime.datetime | None) -> str:
    """"2026年3月6日" for a date or an aware datetime (its local day); "" for None."""
    if value is None:
        return ""
    day = local_date(value)
    return f"{day.year}年{day.month}月{day.day}日"


def cn_month_day(value: datetime.date | datetime.datetime | None) -> str:
    """"3月6日": the same without the year, for short notices."""
    if value is None:
        return ""
    day = local_date(value)
    return f"{day.month}月{day.day}日"


def local_span(start: datetime.date, end: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The aware moments [from, to) covering the local days start..end inclusive: filter a timestamp column with
    `__gte=from, __lt=to` to get the records whose local day lies in the span (a record at 23:30 Beijing time on
    31 December belongs to that year, one at 00:30 on 1 January to the next)."""
    tz = timezone.get_current_timezone()
    begin = datetime.datetime.combine(start, datetime.time.min).replace(tzinfo=tz)
    stop = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min).replace(tzinfo=tz)
    return begin, stop
