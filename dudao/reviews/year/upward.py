"""迎检: a plan link (done once visited or closed), calendar items (materials due, visit days, an assignee's own due dates) and key events."""

import datetime

from django.db.models import Q
from django.urls import reverse

from dudao.core.dates import local_date, local_span
from dudao.core.registries import (
    CalendarItem,
    KeyEvent,
    LinkTarget,
    plan_link_ids,
    register_calendar_source,
    register_key_events,
    register_plan_link,
    url_for_pk,
)
from dudao.core.scope import prefix_q, region_prefix
from dudao.reviews.models import (
    Assignment,
    Review,
    ReviewStatus,
    ReviewTransition,
)

REVIEW_DONE = {ReviewStatus.VISITED, ReviewStatus.CLOSED}


def review_link_choices(user, region_code: str, q: str = "") -> list[tuple[str, str]]:
    """Reviews of the region the user may see, matching q (title or id), newest first, at most 50."""
    rows = Review.objects.visible_to(user).filter(prefix_q("region__code", [region_prefix(region_code)]))
    q = (q or "").strip()[:100]
    if q:
        rows = rows.filter(pk=int(q)) if q.isdecimal() and len(q) < 19 else rows.filter(title__icontains=q)
    return [(str(pk), title) for pk, title in rows.order_by("-year", "-pk").values_list("pk", "title")[:50]]


def review_link_resolve(object_ids) -> dict[str, LinkTarget]:
    """Unscoped (the caller checks): done once the site visit happened (已实地督查 or 已结束)."""
    return {str(r.pk): LinkTarget(
        kind="reviews.review", object_id=str(r.pk), title=r.title, url=reverse("reviews:review_detail", args=[r.pk]),
        region_code=r.region_id, done=r.status in REVIEW_DONE, state=r.get_status_display(),
        day=r.visit_starts or r.materials_due)
        for r in Review.objects.filter(pk__in=plan_link_ids(object_ids))}


def calendar_reviews(user, start: datetime.date, end: datetime.date) -> list[CalendarItem]:
    """Materials due and the site-visit days of the reviews the user may read (the office and leaders: all of
    them; a unit: those where it has assignments), and the user's own assignments' due dates."""
    url = url_for_pk("reviews:review_detail")
    items = []
    reviews = Review.objects.visible_to(user).filter(
        Q(materials_due__range=(start, end)) | Q(visit_starts__lte=end, visit_starts__gte=start - datetime.timedelta(days=31))
    ).only("pk", "title", "materials_due", "visit_starts", "visit_ends", "region_id", "body")
    for r in reviews:
        if r.materials_due and start <= r.materials_due <= end:
            items.append(CalendarItem(source="reviews.review", key=f"due:{r.pk}", title=f"迎检材料报送截止：{r.title}",
                                      start=r.materials_due, end=r.materials_due, url=url(r.pk),
                                      region_code=r.region_id, detail=r.body))
        if r.visit_starts:
            last = max(r.visit_ends or r.visit_starts, r.visit_starts)
            if r.visit_starts <= end and last >= start:
                items.append(CalendarItem(source="reviews.review", key=f"visit:{r.pk}", title=f"上级实地督查：{r.title}",
                                          start=r.visit_starts, end=last, url=url(r.pk), region_code=r.region_id,
                                          detail=r.body))
    units = set(user.role_assignments.filter(unit__isnull=False).values_list("unit_id", flat=True)) \
        if getattr(user, "is_authenticated", False) else set()
    task_url = url_for_pk("reviews:assignment_detail")
    for a in (Assignment.objects.filter(Q(user_id=user.pk) | Q(unit_id__in=units), due_on__range=(start, end))
              .select_related("indicator__review").only("pk", "due_on", "indicator__code", "indicator__review__title",
                                                        "indicator__review__region_id")[:500]):
        items.append(CalendarItem(source="reviews.review", key=f"task:{a.pk}",
                                  title=f"迎检材料提交期限：指标 {a.indicator.code}", start=a.due_on, end=a.due_on,
                                  url=task_url(a.pk), region_code=a.indicator.review.region_id,
                                  detail=a.indicator.review.title))
    return items


def review_events(region_code: str, start: datetime.date, end: datetime.date) -> list[KeyEvent]:
    """A review registered (its first transition), and its materials submitted to the higher level."""
    begin, stop = local_span(start, end)
    moves = (ReviewTransition.objects.filter(at__gte=begin, at__lt=stop, review__region__code__startswith=region_code)
             .filter(Q(from_status="") | Q(to_status=ReviewStatus.SUBMITTED)).select_related("review").order_by("at", "pk"))
    events, seen = [], set()
    for move in moves:
        review = move.review
        kind = "registered" if not move.from_status else "submitted"
        if (kind, review.pk) in seen:
            continue
        seen.add((kind, review.pk))
        if kind == "registered":
            title = f"{review.body}对我区开展{review.get_kind_display()}（{review.title}）"
            text = f"登记迎检“{review.title}”，检查机关：{review.body}。"
        else:
            title = f"向{review.body}报送{review.title}材料"
            text = f"“{review.title}”的自评报告和佐证材料已报送。"
        events.append(KeyEvent(key=f"reviews.review-{kind}:{review.pk}", day=local_date(move.at), title=title,
                               text=text, url=reverse("reviews:review_detail", args=[review.pk]),
                               region_code=review.region_id, importance="important"))
    return events




def register() -> None:
    register_plan_link("reviews.review", "迎检", choices=review_link_choices, resolve=review_link_resolve)
    register_calendar_source("reviews.review", "迎检", calendar_reviews)
    register_key_events("reviews.review", "迎检", review_events)
