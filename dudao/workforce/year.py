"""The office's year from workforce: calendar items, key events, year figures, archive documents (core.registries), registered
by register_year(). One block per area: imports at the top, functions in your block, registration in register_year()."""

from dudao.core.registries import register_calendar_source  # noqa: F401
from dudao.workforce.year_allowances import register_allowance_year
from django.utils import timezone

from dudao.core.dates import local_span
from dudao.core.registries import CalendarItem, register_calendar_source, url_for_pk
from dudao.workforce.models import TrainingEvent, TrainingEventStatus, TrainingSession

# ---- training ----


def calendar_training(user, start, end) -> list[CalendarItem]:
    """培训场次 on the 行事历: the sessions of the events the user sees (their region's, or those they are enrolled
    in), drafts left out, dated by the Beijing day they start. Two queries."""
    begin, stop = local_span(start, end)
    events = TrainingEvent.objects.visible_to(user).exclude(status=TrainingEventStatus.DRAFT).values("pk")
    rows = (TrainingSession.objects.filter(event__in=events, starts_at__gte=begin, starts_at__lt=stop)
            .select_related("event").order_by("starts_at", "id"))
    url = url_for_pk("workforce:event_detail")
    items = []
    for s in rows:
        day = timezone.localtime(s.starts_at)
        place = "线上" if s.event.is_online else s.event.place
        items.append(CalendarItem(
            source="workforce.training", key=str(s.pk), title=f"培训：{s.event.title}", start=day.date(),
            end=day.date(), url=url(s.event_id), region_code=s.event.region_id,
            detail=f"{s.title}，{day:%H:%M}—{timezone.localtime(s.ends_at):%H:%M}，{place}"))
    return items

# ---- appointments ----

# ---- allowances ----


def register_year() -> None:
    # training
    register_calendar_source("workforce.training", "培训活动", calendar_training)
    # appointments
    # allowances
    register_allowance_year()
