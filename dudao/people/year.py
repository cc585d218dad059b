"""What people gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

import datetime

from django.db.models import Count, Sum
from django.urls import reverse

from dudao.core.policy import policy_value
from dudao.core.registries import (
    CalendarItem,
    Figure,
    FigureReader,
    period_label,
    register_calendar_source,
    register_year_figures,
)
from dudao.core.scope import region_prefix, scope_for
from dudao.people import engine, selectors
from dudao.people.models import Inspector, InspectorStatus, Training

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

def year_figures(region_code: str, start: datetime.date, end: datetime.date) -> list[Figure]:
    """Training of the region's active inspectors: hours in the period (the Training records), and how many stay
    under the yearly minimum (people.training_hours_min) on the year's hours inspector_list annotates."""
    reader, period = FigureReader(region_code), period_label(start, end)
    inspectors = selectors.inspector_list(reader, region=region_prefix(region_code), status=InspectorStatus.ACTIVE,
                                          year=start.year)
    hours = Training.objects.filter(inspector__in=inspectors.values("id"), date__gte=start, date__lte=end).aggregate(
        h=Sum("hours"))["h"] or 0
    minimum: dict[str, float] = {}
    short = count = 0
    for region_id, year_hours in inspectors.values_list("region_id", "training_hours"):
        county = region_id[:6]
        if county not in minimum:
            minimum[county] = float(policy_value("people.training_hours_min", county))
        count += 1
        short += engine.training_shortfall(float(year_hours), minimum[county]) > 0
    least = min(minimum.values()) if minimum else float(policy_value("people.training_hours_min", region_code))
    return [
        Figure("people.inspectors", "在岗督学", count, "人", "people.selectors.inspector_list：状态为在岗"),
        Figure("people.training_hours", "督学参加培训", round(float(hours), 1), "学时",
               f"people.models.Training：{period} 的培训记录，在岗督学合计"),
        Figure("people.training_short", f"{start.year}年培训不足 {least:g} 学时的督学", short, "人",
               f"people.selectors.inspector_list（{start.year}年 training_hours）+ people.engine.training_shortfall"),
    ]



# --- 简报 materials ----------------------------------------------------------------------------------------


# --- archive documents (督导档案) --------------------------------------------------------------------------


def register_year() -> None:
    # plan links

    # calendar items
    register_calendar_source("people.training", "督学培训", calendar_trainings)

    # key events

    # year figures
    register_year_figures("people", "督学队伍建设", year_figures, order=70)

    # 简报 materials

    # archive documents

    return
