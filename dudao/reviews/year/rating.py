"""述职评议: key events (held, results published) and the calendar item (the session's day)."""

from django.urls import reverse

from dudao.core.dates import local_date, local_span
from dudao.core.registries import (
    CalendarItem,
    KeyEvent,
    register_calendar_source,
    register_key_events,
)
from dudao.core.scope import prefix_q, region_prefix
from dudao.reviews.models import RatingSession, SessionStatus


def rating_calendar(user, start, end):
    """The 述职评议 of the user's county on its 评议日期, for its office and leaders."""
    rows = (RatingSession.objects.visible_to(user).filter(held_on__gte=start, held_on__lte=end)
            .only("pk", "title", "held_on", "region_id", "status").order_by("held_on", "pk"))
    return [CalendarItem(source="reviews.rating", key=str(s.pk), title=s.title, start=s.held_on, end=s.held_on,
                         url=reverse("reviews:session_detail", args=[s.pk]), region_code=s.region_id,
                         detail=f"述职评议（{s.get_status_display()}）") for s in rows]


def rating_events(region_code: str, start, end):
    """述职评议 held (closed or published, on its 评议日期) and its results published (the day of publication)."""
    inside = prefix_q("region__code", [region_prefix(region_code)])
    done = (SessionStatus.CLOSED, SessionStatus.PUBLISHED)
    events = []
    for s in RatingSession.objects.filter(inside, status__in=done, held_on__gte=start, held_on__lte=end).order_by(
            "held_on", "pk"):
        events.append(KeyEvent(key=f"reviews.rating_held:{s.pk}", day=s.held_on, title=f"召开{s.title}",
                               text=f"{s.reporters.count()} 个单位述职，{s.raters.count()} 名评议人评议。",
                               url=reverse("reviews:session_detail", args=[s.pk]), region_code=s.region_id,
                               importance="important"))
    begin, stop = local_span(start, end)
    for s in RatingSession.objects.filter(inside, status=SessionStatus.PUBLISHED, published_at__gte=begin,
                                          published_at__lt=stop).order_by("published_at", "pk"):
        events.append(KeyEvent(key=f"reviews.rating_published:{s.pk}", day=local_date(s.published_at),
                               title=f"公布{s.title}结果", url=reverse("reviews:session_results", args=[s.pk]),
                               region_code=s.region_id))
    return events


def register() -> None:
    register_calendar_source("reviews.rating", "述职评议", rating_calendar)
    register_key_events("reviews.rating", "述职评议", rating_events)
