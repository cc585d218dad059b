"""迎检 outputs: the 实地督查日程 in the 行事历."""

from dudao.core.registries import (
    CalendarItem,
    register_calendar_source,
    url_for_pk,
)
from dudao.core.roles import Role
from dudao.core.scope import scope_for
from dudao.reviews.models import Review, SiteVisit


def calendar_site_visits(user, start, end):
    """One item per review and visit day: "迎检实地督查：<review>" with the day's lines, for the office and leaders
    of the reviewed county (the units hand in evidence; the schedule is the office's)."""
    scope = scope_for(user).restricted_to(Role.OFFICE, Role.LEADER)
    if scope.is_empty and not scope.everything:
        return []
    reviews = Review.objects.visible_to(user, as_roles=(Role.OFFICE, Role.LEADER)).values("pk")
    rows = (SiteVisit.objects.filter(review__in=reviews, day__gte=start, day__lte=end)
            .select_related("review", "school").order_by("review_id", "day", "starts", "id"))
    url = url_for_pk("reviews:visits")
    days: dict[tuple[int, object], list[SiteVisit]] = {}
    for visit in rows:
        days.setdefault((visit.review_id, visit.day), []).append(visit)
    items = []
    for (review_id, day), lines in days.items():
        review = lines[0].review
        detail = "；".join(
            (f"{v.starts:%H:%M} " if v.starts else "") + v.activity + (f"（{v.school.name}）" if v.school_id else "")
            for v in lines)
        items.append(CalendarItem(
            source="reviews.site_visit", key=f"{review_id}-{day.isoformat()}", title=f"迎检实地督查：{review.title}",
            start=day, end=day, url=url(review_id), region_code=review.region_id,
            school_ids=tuple(sorted({v.school_id for v in lines if v.school_id})), detail=detail[:500]))
    return items



def register() -> None:
    register_calendar_source("reviews.site_visit", "迎检实地督查", calendar_site_visits)
