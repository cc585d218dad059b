"""What zones gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

from django.urls import reverse

from dudao.core.registries import CalendarItem, register_calendar_source
from dudao.zones.models import CrossSupervision

# --- plan links (工作要点) ----------------------------------------------------------------------------------


# --- calendar items (行事历) -------------------------------------------------------------------------------

def calendar_cross_supervision(user, start, end):
    """Planned 交叉督导 days (the plan, not the visit log), for the office of the host zone's county."""
    plans = (CrossSupervision.objects.visible_to(user).filter(planned_on__range=(start, end))
             .select_related("visiting_zone", "host_zone").only("pk", "semester", "planned_on", "note",
                                                                  "visiting_zone__name", "host_zone__name",
                                                                  "host_zone__region_id"))
    url = reverse("zones:cross")
    return [CalendarItem(
        source="zones.cross", key=str(c.pk), title=f"交叉督导：{c.visiting_zone.name} → {c.host_zone.name}",
        start=c.planned_on, end=c.planned_on, url=url, region_code=c.host_zone.region_id,
        detail=f"{c.semester}" + (f"；{c.note}" if c.note else "")) for c in plans]


# --- key events (大事记) -----------------------------------------------------------------------------------


# --- year figures (年度工作总结) ----------------------------------------------------------------------------


# --- 简报 materials ----------------------------------------------------------------------------------------


# --- archive documents (督导档案) --------------------------------------------------------------------------


def register_year() -> None:
    # plan links

    # calendar items
    register_calendar_source("zones.cross", "交叉督导", calendar_cross_supervision)

    # key events

    # year figures

    # 简报 materials

    # archive documents

    return
