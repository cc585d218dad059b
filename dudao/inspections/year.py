"""What inspections gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

import datetime

from django.db.models import Count
from django.urls import reverse

from dudao.core.dates import local_date, local_span
from dudao.core.registries import KeyEvent, register_key_events
from dudao.inspections.models import InspectionStage, Opinion, Transition

# --- plan links (工作要点) ----------------------------------------------------------------------------------


# --- calendar items (行事历) -------------------------------------------------------------------------------


# --- key events (大事记) -----------------------------------------------------------------------------------

def opinion_events(region_code: str, start: datetime.date, end: datetime.date) -> list[KeyEvent]:
    """A project's 督导意见书 issued: the day it reached 已出具意见书, once per project, with how many."""
    begin, stop = local_span(start, end)
    moves = (Transition.objects.filter(to_status=InspectionStage.ISSUED, at__gte=begin, at__lt=stop,
                                       inspection__county__code__startswith=region_code)
             .select_related("inspection").order_by("at", "pk"))
    first = {}
    for move in moves:
        first.setdefault(move.inspection_id, move)
    counts = {row["target__inspection_id"]: row["n"] for row in Opinion.objects.filter(
        target__inspection_id__in=list(first), issued_at__isnull=False).values("target__inspection_id").annotate(
        n=Count("pk"))}
    events = []
    for pk, move in first.items():
        inspection, n = move.inspection, counts.get(pk, 0)
        events.append(KeyEvent(
            key=f"inspections.opinions:{pk}", day=local_date(move.at),
            title=f"{inspection.name}出具督导意见书" + (f" {n} 份" if n else ""),
            text=f"{inspection.get_kind_display()}“{inspection.name}”完成评议，出具督导意见书{n}份，进入整改阶段。",
            url=reverse("inspections:detail", args=[pk]), region_code=inspection.county_id, importance="important"))
    return events


# --- year figures (年度工作总结) ----------------------------------------------------------------------------


# --- 简报 materials ----------------------------------------------------------------------------------------


# --- archive documents (督导档案) --------------------------------------------------------------------------


def register_year() -> None:
    # plan links

    # calendar items

    # key events
    register_key_events("inspections.opinions", "督导意见书出具", opinion_events)

    # year figures

    # 简报 materials

    # archive documents

    return
