"""The office's year from research: calendar items, key events, year figures, archive documents (core.registries), registered
by register_year(). One block per area: imports at the top, functions in your block, registration in register_year()."""

from dudao.core.registries import CalendarItem, register_calendar_source, url_for_pk
from dudao.research.models import CallStatus, ResearchCall

# ---- calls ----


def calendar_call_deadlines(user, start, end) -> list[CalendarItem]:
    """The deadline day of each visible call (not drafts) in the period."""
    url = url_for_pk("research:call_detail")
    calls = (ResearchCall.objects.visible_to(user).exclude(status=CallStatus.DRAFT)
             .filter(deadline__gte=start, deadline__lte=end).only("pk", "title", "kind", "status", "deadline", "region_id"))
    return [CalendarItem(source="research.call_deadline", key=str(c.pk), title=f"{c.title} 投稿截止", start=c.deadline,
                         end=c.deadline, url=url(c.pk), region_code=c.region_id,
                         detail=f"{c.get_kind_display()}（{c.get_status_display()}）") for c in calls]

# ---- projects ----


def register_year() -> None:
    # calls
    register_calendar_source("research.call_deadline", "征集评选截止", calendar_call_deadlines)
    # projects
    pass
