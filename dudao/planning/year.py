"""What planning gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

import datetime

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dudao.core.dates import local_date, local_span
from dudao.core.registries import KeyEvent, register_key_events
from dudao.planning.models import Importance, Meeting, MeetingKind, Plan, PlanStatus

# --- plan links (工作要点) ----------------------------------------------------------------------------------


# --- calendar items (行事历) -------------------------------------------------------------------------------


# --- key events (大事记) -----------------------------------------------------------------------------------
KEY_MEETING_KINDS = (MeetingKind.ANNUAL, MeetingKind.COMMITTEE)  # the meetings worth a 大事记 entry


def _url(name: str, pk: int, fallback: str) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return reverse(fallback)


def plan_events(region_code: str, start: datetime.date, end: datetime.date) -> list[KeyEvent]:
    """A 工作要点 published (印发), on the Beijing day of its publication."""
    begin, stop = local_span(start, end)
    plans = (Plan.objects.filter(region__code__startswith=region_code, status=PlanStatus.PUBLISHED,
                                 published_at__gte=begin, published_at__lt=stop)
             .select_related("region").order_by("published_at", "pk"))
    return [KeyEvent(key=f"planning.plan:{p.pk}", day=local_date(p.published_at),
                     title=f"印发《{p.title}》" + (f"（{p.number}）" if p.number else ""),
                     text=f"{p.region.name}印发{p.year}年度督导工作要点。",
                     url=_url("planning:plan_detail", p.pk, "planning:plan_list"), region_code=p.region_id,
                     importance=Importance.IMPORTANT) for p in plans]


def meeting_events(region_code: str, start: datetime.date, end: datetime.date) -> list[KeyEvent]:
    """A 年度工作会议 or 督导委员会会议 held: dated in the span and already begun."""
    begin, stop = local_span(start, end)
    meetings = (Meeting.objects.filter(region__code__startswith=region_code, kind__in=KEY_MEETING_KINDS,
                                       starts_at__gte=begin, starts_at__lt=min(stop, timezone.now()))
                .order_by("starts_at", "pk"))
    return [KeyEvent(key=f"planning.meeting:{m.pk}", day=local_date(m.starts_at), title=f"召开{m.title}",
                     text="；".join(x for x in (f"地点：{m.place}" if m.place else "",
                                                f"主持：{m.host}" if m.host else "") if x),
                     url=_url("planning:meeting_detail", m.pk, "planning:meeting_list"), region_code=m.region_id,
                     importance=Importance.IMPORTANT) for m in meetings]


# --- year figures (年度工作总结) ----------------------------------------------------------------------------


# --- 简报 materials ----------------------------------------------------------------------------------------


# --- archive documents (督导档案) --------------------------------------------------------------------------


def register_year() -> None:
    # plan links

    # calendar items

    # key events
    register_key_events("planning.plan", "工作要点印发", plan_events)
    register_key_events("planning.meeting", "重要会议", meeting_events)

    # year figures

    # 简报 materials

    # archive documents

    return
