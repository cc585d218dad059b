"""What reviews gives the office's year (docs/architecture.md, core.registries): plan links, calendar items,
key events, year figures, 简报 materials and archive documents. One block per area."""

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
from dudao.reviews.models import Assignment, Review, ReviewStatus, ReviewTransition

# ---- upward (迎检) ---------------------------------------------------------------------------------------------

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


def register_upward_year() -> None:
    register_plan_link("reviews.review", "迎检", choices=review_link_choices, resolve=review_link_resolve)
    register_calendar_source("reviews.review", "迎检", calendar_reviews)
    register_key_events("reviews.review", "迎检", review_events)
from dudao.core.registries import Figure, FigureReader, period_label, register_year_figures
from dudao.reviews.selectors import uses as use_selectors
from dudao.core.registries import CalendarItem, register_calendar_source, url_for_pk
from dudao.core.roles import Role
from dudao.core.scope import scope_for
from dudao.reviews.models import Review, SiteVisit

# ---- outputs: 实地督查日程 in the 行事历 ------------------------------------------------------------------------


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


def register_outputs_year() -> None:
    register_calendar_source("reviews.site_visit", "迎检实地督查", calendar_site_visits)


def register_year() -> None:
    """Called from registrations.register()."""
    register_upward_year()
    register_rating_year()


# ---- rating (述职评议): key events (held, results published) and the calendar item (the session's day) --------

def rating_calendar(user, start, end):
    """The 述职评议 of the user's county on its 评议日期, for its office and leaders."""
    from django.urls import reverse  # noqa: PLC0415 -- imported when the calendar is read

    from dudao.core.registries import CalendarItem  # noqa: PLC0415
    from dudao.reviews.models import RatingSession  # noqa: PLC0415

    rows = (RatingSession.objects.visible_to(user).filter(held_on__gte=start, held_on__lte=end)
            .only("pk", "title", "held_on", "region_id", "status").order_by("held_on", "pk"))
    return [CalendarItem(source="reviews.rating", key=str(s.pk), title=s.title, start=s.held_on, end=s.held_on,
                         url=reverse("reviews:session_detail", args=[s.pk]), region_code=s.region_id,
                         detail=f"述职评议（{s.get_status_display()}）") for s in rows]


def rating_events(region_code: str, start, end):
    """述职评议 held (closed or published, on its 评议日期) and its results published (the day of publication)."""
    from django.urls import reverse  # noqa: PLC0415

    from dudao.core.dates import local_date, local_span  # noqa: PLC0415
    from dudao.core.registries import KeyEvent  # noqa: PLC0415
    from dudao.core.scope import prefix_q, region_prefix  # noqa: PLC0415
    from dudao.reviews.models import RatingSession, SessionStatus  # noqa: PLC0415

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


def register_rating_year() -> None:
    from dudao.core.registries import register_calendar_source, register_key_events  # noqa: PLC0415

    register_calendar_source("reviews.rating", "述职评议", rating_calendar)
    register_key_events("reviews.rating", "述职评议", rating_events)
    register_bulletin_year()


# ---- bulletin: 教育督导公报 (key events: published; archive: the published 公报 of the year) --------------------

def bulletin_events(region_code: str, start, end) -> list:
    """A 公报 published in [start, end] (Beijing dates): an important event of the day it was published."""
    from django.urls import reverse  # noqa: PLC0415 -- this block's imports stay with it (year.py is shared)

    from dudao.core.dates import local_date  # noqa: PLC0415
    from dudao.core.registries import KeyEvent, figure_period  # noqa: PLC0415
    from dudao.core.scope import region_prefix  # noqa: PLC0415
    from dudao.reviews.models import Bulletin, BulletinStatus  # noqa: PLC0415

    low, high = figure_period(start, end)
    rows = (Bulletin.objects.filter(region__code__startswith=region_prefix(region_code), status=BulletinStatus.PUBLISHED,
                                    published_at__gte=low, published_at__lt=high)
            .select_related("region").order_by("published_at", "id"))
    return [KeyEvent(key=f"reviews.bulletin:{b.pk}", day=local_date(b.published_at), title=f"发布《{b.title}》",
                     text=f"{b.region.name}发布{b.year}年教育督导工作公报（{b.number}），向社会公开督导结果。",
                     url=reverse("reviews:bulletin_detail", args=[b.pk]), region_code=b.region_id,
                     importance="important") for b in rows]


def _bulletin_docx(pk: int) -> bytes:
    from dudao.reviews.models import Bulletin  # noqa: PLC0415
    from dudao.reviews.selectors.bulletin import bulletin_docx  # noqa: PLC0415

    return bulletin_docx(Bulletin.objects.select_related("region").get(pk=pk))


def archive_bulletins(region_code: str, start, end):
    """督政: the published 公报 of the period's year (like the year's 工作要点, filed under the year it reports),
    rendered as Word on demand; dated the day it was published, kept inside the period."""
    from dudao.core.dates import local_date  # noqa: PLC0415
    from dudao.core.registries import ArchiveItem  # noqa: PLC0415
    from dudao.core.scope import region_prefix  # noqa: PLC0415
    from dudao.reviews.models import Bulletin, BulletinStatus  # noqa: PLC0415

    rows = (Bulletin.objects.filter(region__code__startswith=region_prefix(region_code), year=start.year,
                                    status=BulletinStatus.PUBLISHED).order_by("region_id", "id"))
    for b in rows:
        day = max(start, min(end, local_date(b.published_at))) if b.published_at else end
        yield ArchiveItem("duzheng", f"{b.title}（{b.number}）", day, f"{b.title}.docx",
                          render=lambda pk=b.pk: _bulletin_docx(pk), source=f"reviews.bulletin:{b.pk}")


def register_bulletin_year() -> None:
    from dudao.core.registries import register_archive_source, register_key_events  # noqa: PLC0415

    register_key_events("reviews.bulletin", "教育督导公报发布", bulletin_events)
    register_archive_source("reviews.bulletin", archive_bulletins)
    register_year_figures("reviews.uses", "督导结果运用", use_figures, order=95)  # uses


# ---- uses: 督导结果运用 figures for the 年度工作总结 and the 公报 -------------------------------------------------

def use_figures(region_code: str, start: datetime.date, end: datetime.date) -> list[Figure]:
    """Uses of supervision results dated in the period, by purpose and by using unit."""
    reader, period = FigureReader(region_code), period_label(start, end)
    found = use_selectors.counts(reader, region_code, start, end)
    source = f"reviews.selectors.uses.counts：{period} 登记的督导结果运用"
    return [
        Figure("reviews.uses", "督导结果运用", found["total"], "次", source, columns=("运用方式", "次数"),
               rows=tuple(found["by_purpose"])),
        Figure("reviews.uses_units", "运用督导结果的单位", len(found["by_unit"]), "个", source,
               columns=("运用单位", "次数"), rows=tuple(found["by_unit"])),
    ]
    register_outputs_year()
