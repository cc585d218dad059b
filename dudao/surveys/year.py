"""What surveys gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

import datetime

from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from dudao.core.dates import local_date, local_span
from dudao.core.registries import KeyEvent, register_key_events
from dudao.surveys import engine, selectors
from dudao.surveys.models import SurveyRound

# --- plan links (工作要点) ----------------------------------------------------------------------------------


# --- calendar items (行事历) -------------------------------------------------------------------------------


# --- key events (大事记) -----------------------------------------------------------------------------------

def survey_events(region_code: str, start: datetime.date, end: datetime.date) -> list[KeyEvent]:
    """A survey round ended (closed early or past its deadline), with its satisfaction rate."""
    begin, stop = local_span(start, end)
    stop = min(stop, timezone.now())
    ended = (SurveyRound.objects.filter(county__code__startswith=region_code)
             .annotate(ended=Coalesce("closed_at", "closes_at")).filter(ended__gte=begin, ended__lt=stop)
             .order_by("ended", "pk"))
    events = []
    for r in ended:
        figures = engine.overall(selectors.rated_frame([r.pk]), selectors.rules_for(r.county_id))
        rate = f"，满意度 {figures['rate'] * 100:.1f}%" if figures["rate"] is not None else ""
        events.append(KeyEvent(key=f"surveys.round:{r.pk}", day=local_date(r.ended), title=f"{r.name}结束",
                               text=f"{r.get_group_display()}调查，收回问卷 {figures['responses']} 份{rate}。",
                               url=reverse("surveys:round_detail", args=[r.pk]), region_code=r.county_id))
    return events


# --- year figures (年度工作总结) ----------------------------------------------------------------------------


# --- 简报 materials ----------------------------------------------------------------------------------------


# --- archive documents (督导档案) --------------------------------------------------------------------------


def register_year() -> None:
    # plan links

    # calendar items

    # key events
    register_key_events("surveys.round", "满意度调查", survey_events)

    # year figures

    # 简报 materials

    # archive documents

    return
