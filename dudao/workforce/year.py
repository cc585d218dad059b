"""The office's year from workforce: calendar items, key events, year figures, archive documents (core.registries), registered
by register_year(). One block per area: imports at the top, functions in your block, registration in register_year()."""

import datetime

from dudao.core.registries import (
    CalendarItem,
    Figure,
    period_label,
    register_calendar_source,
    register_year_figures,
    url_for_pk,
)
from dudao.workforce.models import AppointmentBatch
from dudao.workforce.selectors import appointments as appointment_selectors

# ---- training ----

# ---- appointments ----


def calendar_publicity(user, start, end):
    """The 公示 window of each visible 选聘批次."""
    rows = (AppointmentBatch.objects.visible_to(user).filter(publicity_start__lte=end, publicity_end__gte=start)
            .only("pk", "title", "region_code", "publicity_start", "publicity_end", "status"))
    url = url_for_pk("workforce:appointment_detail")
    return [CalendarItem(source="workforce.publicity", key=str(b.pk), title=f"督学聘任公示：{b.title}",
                         start=b.publicity_start, end=b.publicity_end, url=url(b.pk), region_code=b.region_code,
                         detail=b.get_status_display()) for b in rows]


def appointment_figures(region_code: str, start: datetime.date, end: datetime.date) -> list[Figure]:
    counts = appointment_selectors.appointed_in(region_code, start, end)
    src = f"workforce.selectors.appointments.appointed_in：{period_label(start, end)} 任命的选聘批次"
    return [Figure("workforce.appointed", "新聘和续聘督学", counts["n_all"], "名", src),
            Figure("workforce.renewed", "其中续聘督学", counts["n_renewed"], "名", src)]


# ---- allowances ----


def register_year() -> None:
    # training
    # appointments
    register_calendar_source("workforce.publicity", "督学聘任公示", calendar_publicity)
    register_year_figures("workforce.appointments", "督学聘任", appointment_figures, order=60)
    # allowances
    pass
