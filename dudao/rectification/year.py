"""What rectification gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from dudao.core.dates import local_date
from dudao.core.registries import Material, material_key_id, register_briefing_material
from dudao.core.scope import region_prefix
from dudao.rectification.models import Publication

# --- plan links (工作要点) ----------------------------------------------------------------------------------


# --- calendar items (行事历) -------------------------------------------------------------------------------


# --- key events (大事记) -----------------------------------------------------------------------------------


# --- year figures (年度工作总结) ----------------------------------------------------------------------------


# --- 简报 materials ----------------------------------------------------------------------------------------

def publications(user, region_code: str, start: datetime.date, end: datetime.date, q: str = "") -> list[Material]:
    """结果公开: what the office published in [start, end] and has not withdrawn, newest first."""
    tz = timezone.get_current_timezone()
    items = Publication.objects.visible_to(user).filter(
        region_code__startswith=region_prefix(region_code), withdrawn_at__isnull=True,
        published_at__gte=datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
        published_at__lt=datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz))
    key_id = material_key_id(q, "rectification.publication")
    if key_id is not None:
        items = items.filter(pk=key_id)
    elif q:
        items = items.filter(Q(title__contains=q) | Q(body__contains=q))
    return [Material(key=f"rectification.publication:{item.pk}", day=local_date(item.published_at),
                     heading=item.title, text=item.body, url=reverse("results:detail", args=[item.pk]))
            for item in items.order_by("-published_at", "-id")[:50]]


# --- archive documents (督导档案) --------------------------------------------------------------------------


def register_year() -> None:
    # plan links

    # calendar items

    # key events

    # year figures

    # 简报 materials
    register_briefing_material("rectification.publications", "结果公开", "publication", publications)

    # archive documents

    return
