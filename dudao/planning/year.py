"""What planning gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

import datetime

from django.db.models import Q
from django.urls import reverse

from dudao.core.dates import cn_date
from dudao.core.registries import Material, material_key_id, register_briefing_material
from dudao.core.scope import region_prefix
from dudao.planning.models import ChronicleEntry, ChronicleStatus

# --- plan links (工作要点) ----------------------------------------------------------------------------------


# --- calendar items (行事历) -------------------------------------------------------------------------------


# --- key events (大事记) -----------------------------------------------------------------------------------


# --- year figures (年度工作总结) ----------------------------------------------------------------------------


# --- 简报 materials ----------------------------------------------------------------------------------------

def chronicle_entries(user, region_code: str, start: datetime.date, end: datetime.date, q: str = "") -> list[Material]:
    """大事记: the region's accepted entries dated in [start, end], newest first."""
    entries = ChronicleEntry.objects.visible_to(user).filter(
        region__code__startswith=region_prefix(region_code), status=ChronicleStatus.ACCEPTED, day__gte=start,
        day__lte=end)
    key_id = material_key_id(q, "planning.chronicle")
    if key_id is not None:
        entries = entries.filter(pk=key_id)
    elif q:
        entries = entries.filter(Q(title__contains=q) | Q(text__contains=q))
    return [Material(key=f"planning.chronicle:{entry.pk}", day=entry.day, heading=entry.title,
                     text=f"{cn_date(entry.day)}，{entry.text.strip() or entry.title}",
                     url=entry.url or reverse("planning:chronicle"))
            for entry in entries.order_by("-day", "-id")[:50]]


# --- archive documents (督导档案) --------------------------------------------------------------------------


def register_year() -> None:
    # plan links

    # calendar items

    # key events

    # year figures

    # 简报 materials
    register_briefing_material("planning.chronicle", "大事记", "chronicle", chronicle_entries)

    # archive documents

    return
