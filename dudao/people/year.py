"""What people gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

from django.db.models import Count
from django.urls import reverse

from dudao.core.registries import CalendarItem, register_calendar_source
from dudao.core.scope import scope_for
from dudao.people.models import Inspector, Training

# --- plan links (工作要点) ----------------------------------------------------------------------------------


# --- calendar items (行事历) -------------------------------------------------------------------------------

def calendar_trainings(user, start, end):
    """Training days from the 培训档案, one item per (day, title, region) with how many inspectors attended: for
    the region's office and leaders; an inspector sees their own trainings; schools none."""
    scope = scope_for(user)
    if scope.everything or scope.region_prefixes:
        inspectors = Inspector.objects.visible_to(user)
    else:
        inspectors = Inspector.objects.filter(user_id=user.pk)
    rows = (Training.objects.filter(date__range=(start, end), inspector__in=inspectors)
            .values("date", "title", "inspector__region_id").annotate(n=Count("id")).order_by("date", "title"))
    url = reverse("people:inspector_list")
    return [CalendarItem(
        source="people.training", key=f"{r['date']:%Y%m%d}:{r['inspector__region_id']}:{r['title']}",
        title=f"培训：{r['title']}", start=r["date"], end=r["date"], url=url, region_code=r["inspector__region_id"],
        detail=f"{r['n']} 名督学参加") for r in rows]


# --- key events (大事记) -----------------------------------------------------------------------------------


# --- year figures (年度工作总结) ----------------------------------------------------------------------------


# --- 简报 materials ----------------------------------------------------------------------------------------


# --- archive documents (督导档案) --------------------------------------------------------------------------


def register_year() -> None:
    # plan links

    # calendar items
    register_calendar_source("people.training", "督学培训", calendar_trainings)

    # key events

    # year figures

    # 简报 materials

    # archive documents

    return
