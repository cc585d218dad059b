"""The office's year from workforce: calendar items, key events, year figures, archive documents (core.registries), registered
by register_year(). One block per area: imports at the top, functions in your block, registration in register_year()."""

import datetime

from django.db.models import Count, Q
from django.utils import timezone

from dudao.core.dates import local_span
from dudao.core.registries import (
    CalendarItem,
    Figure,
    KeyEvent,
    period_label,
    register_calendar_source,
    register_key_events,
    register_year_figures,
    url_for_pk,
)
from dudao.workforce.models import (
    AppointmentBatch,
    AppointmentStatus,
    CandidateStatus,
    TrainingEvent,
    TrainingEventStatus,
    TrainingSession,
)
from dudao.workforce.selectors import appointments as appointment_selectors
from dudao.workforce.year_allowances import register_allowance_year

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


def calendar_publicity(user, start, end):
    """The 公示 window of each visible 选聘批次."""
    rows = (AppointmentBatch.objects.visible_to(user).filter(publicity_start__lte=end, publicity_end__gte=start)
            .only("pk", "title", "region_code", "publicity_start", "publicity_end", "status"))
    url = url_for_pk("workforce:appointment_detail")
    return [CalendarItem(source="workforce.publicity", key=str(b.pk), title=f"督学聘任公示：{b.title}",
                         start=b.publicity_start, end=b.publicity_end, url=url(b.pk), region_code=b.region_code,
                         detail=b.get_status_display()) for b in rows]


def appointment_events(region_code: str, start: datetime.date, end: datetime.date) -> list[KeyEvent]:
    """大事记: each 选聘批次 appointed in the period, with its 文号."""
    rows = (AppointmentBatch.objects.filter(region_code__startswith=region_code, status=AppointmentStatus.APPOINTED,
                                            appointed_on__gte=start, appointed_on__lte=end)
            .annotate(n_appointed=Count("candidates", filter=Q(candidates__status=CandidateStatus.APPOINTED)))
            .order_by("appointed_on", "id"))
    url = url_for_pk("workforce:appointment_detail")
    return [KeyEvent(key=f"workforce.appointment:{b.pk}", day=b.appointed_on,
                     title=f"印发{b.doc_no}，聘任督学 {b.n_appointed} 名",
                     text=f"{b.title}经推荐、资格审核和公示，聘期 {b.term_years} 年。", url=url(b.pk),
                     region_code=b.region_code) for b in rows]


def appointment_figures(region_code: str, start: datetime.date, end: datetime.date) -> list[Figure]:
    counts = appointment_selectors.appointed_in(region_code, start, end)
    src = f"workforce.selectors.appointments.appointed_in：{period_label(start, end)} 任命的选聘批次"
    return [Figure("workforce.appointed", "新聘和续聘督学", counts["n_all"], "名", src),
            Figure("workforce.renewed", "其中续聘督学", counts["n_renewed"], "名", src)]


# ---- allowances ----


def register_year() -> None:
    # training
    register_calendar_source("workforce.training", "培训活动", calendar_training)
    # appointments
    register_calendar_source("workforce.publicity", "督学聘任公示", calendar_publicity)
    register_key_events("workforce.appointments", "督学聘任", appointment_events)
    register_year_figures("workforce.appointments", "督学聘任", appointment_figures, order=60)
    # allowances
    register_allowance_year()
