"""Reads of the 行事历: every registered calendar source merged for one user (each source returns only what the
user may see), the month grid, and the per-term count of supervision visits into each school against the policy
limit (seed 004 "严控督导频次").

Terms: the first term (第一学期) runs 1 September – 31 January, the second (第二学期) 1 February – 31 August. An
item counts in the term its first day falls in."""

import calendar as calendar_module
import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from dudao.core.dates import cn_date
from dudao.core.policy import PolicyTable
from dudao.core.registries import CalendarItem, calendar_sources
from dudao.core.scope import scope_for
from dudao.regions.models import Region, RegionLevel
from dudao.schools.models import School

ENTRIES_POLICY = "planning.school_entries_per_term"
WEEKDAYS = "一二三四五六日"
# Badge colours of the sources (Bootstrap-like tones readable on white); an unknown source is grey.
SOURCE_COLOURS = {
    "inspections.site_visit": "#0d6efd",
    "quality.test": "#6f42c1",
    "surveys.round": "#20c997",
    "rectification.notice": "#dc3545",
    "rectification.order": "#b02a37",
    "monitoring.campaign_task": "#fd7e14",
    "zones.cross": "#198754",
    "people.training": "#0dcaf0",
    "planning.task": "#6c757d",
    "planning.meeting": "#d63384",
}
MAX_DAYS = 400  # the widest window one request may read (the API refuses more)


def source_labels() -> dict[str, str]:
    return {name: source.label for name, source in sorted(calendar_sources().items())}


def entering_sources() -> list[str]:
    """The sources whose items may be visits into schools: what the per-term count reads."""
    return sorted(name for name, source in calendar_sources().items() if source.enters_school)


def source_colour(name: str) -> str:
    return SOURCE_COLOURS.get(name, "#495057")


# --- terms ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Term:
    start: datetime.date
    end: datetime.date
    label: str


def term_of(day: datetime.date) -> Term:
    """The school term a day lies in: 1 September – 31 January (第一学期), 1 February – 31 August (第二学期)."""
    if day.month >= 9 or day.month == 1:
        first = day.year if day.month >= 9 else day.year - 1
        return Term(datetime.date(first, 9, 1), datetime.date(first + 1, 1, 31), f"{first}—{first + 1}学年第一学期")
    first = day.year - 1
    return Term(datetime.date(day.year, 2, 1), datetime.date(day.year, 8, 31), f"{first}—{first + 1}学年第二学期")


# --- items ------------------------------------------------------------------------------------------------

def towns_for(user) -> list[Region]:
    """The towns (乡镇、街道) the user may filter by: those of their region subtrees."""
    scope = scope_for(user)
    if not (scope.everything or scope.region_prefixes):
        return []
    return list(Region.objects.visible_to(user).filter(level=RegionLevel.TOWN).order_by("code"))


def office_heading(user) -> tuple[str, str]:
    """(region code, "甲区人民政府教育督导室") for the user's widest region, for the exported 行事历's heading;
    a school's or unit's account: ("", "教育督导室")."""
    scope = scope_for(user)
    prefix = min(scope.region_prefixes, default="", key=len)
    region = (Region.objects.filter(code__startswith=prefix).order_by("code").only("code", "name").first()
              if prefix else None)
    if region is None:
        return "", "教育督导室"
    return region.code, f"{region.name}人民政府教育督导室"


def _in_area(items: list[CalendarItem], area: str) -> list[CalendarItem]:
    """Items that happen in the town `area`: by their region code, or because a school they reach is there."""
    school_ids = {pk for item in items for pk in item.school_ids}
    town_of = dict(School.objects.filter(pk__in=school_ids).values_list("pk", "region_id")) if school_ids else {}
    return [item for item in items if item.region_code.startswith(area)
            or any(town_of.get(pk, "").startswith(area) for pk in item.school_ids)]


def calendar_items(user, start: datetime.date, end: datetime.date, *, area: str | None = None,
                   sources: Iterable[str] | None = None) -> list[CalendarItem]:
    """Everything dated in [start, end] (inclusive) the user may see, from every registered source (or the named
    ones), sorted by first day, last day, source and title. `area` is a town's region code."""
    if end < start or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    wanted = set(sources) if sources else None
    items: list[CalendarItem] = []
    for name, source in calendar_sources().items():
        if wanted is not None and name not in wanted:
            continue
        items.extend(item for item in source.items(user, start, end) if item.start <= end and item.end >= start)
    if area:
        items = _in_area(items, area)
    items.sort(key=lambda i: (i.start, i.end, i.source, i.title, i.key))
    return items


# --- the per-term count -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class SchoolLoad:
    school_id: int
    name: str
    region_code: str
    count: int
    limit: int

    @property
    def at_limit(self) -> bool:
        return self.count >= self.limit

    @property
    def over(self) -> bool:
        return self.count > self.limit


def count_entries(items: Iterable[CalendarItem], term: Term) -> Counter:
    """Per school id: the visits into it (enters_school items) whose first day lies in the term."""
    counts: Counter = Counter()
    for item in items:
        if item.enters_school and term.start <= item.start <= term.end:
            counts.update(set(item.school_ids))
    return counts


def school_term_load(user, school_ids: Iterable[int] | None, term: Term, *,
                     items: list[CalendarItem] | None = None) -> list[SchoolLoad]:
    """For each of the schools (among those the user may see; None: all of them) the number of supervision visits
    planned into it in the term, against the policy limit of its region. `items` may pass the term's items when
    the caller has them already."""
    schools = School.objects.visible_to(user)
    if school_ids is not None:
        schools = schools.filter(pk__in=list(school_ids))
    rows = list(schools.values_list("pk", "name", "region_id").order_by("region_id", "name"))
    if items is None:
        items = calendar_items(user, term.start, term.end, sources=entering_sources())
    counts = count_entries(items, term)
    policy = PolicyTable([ENTRIES_POLICY])
    return [SchoolLoad(pk, name, region, counts.get(pk, 0), int(policy.get(ENTRIES_POLICY, region)))
            for pk, name, region in rows]


def schools_at_limit(user, term: Term, *, items: list[CalendarItem] | None = None,
                     area: str | None = None) -> list[SchoolLoad]:
    """The schools (of the town `area`, if given) at or over the limit this term, most visited first: the office's
    warning when planning more. Only the schools that have entries are read."""
    if items is None:
        items = calendar_items(user, term.start, term.end, sources=entering_sources())
    counts = count_entries(items, term)
    if not counts:
        return []
    loads = school_term_load(user, [pk for pk, n in counts.items() if n > 0], term, items=items)
    return sorted((s for s in loads if s.at_limit and s.region_code.startswith(area or "")), key=lambda s: (-s.count, s.region_code, s.name))


# --- the month grid ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Shown:
    """An item as the page shows it: its category's label and colour and its dates in words, worked out once."""

    item: CalendarItem
    label: str
    colour: str
    when: str
    weekday: str
    tip: str
    short: str  # the title without a category prefix ("整改期限：…"): the badge's colour says it


def shown(items: Iterable[CalendarItem], labels: dict[str, str]) -> list[Shown]:
    result = []
    for item in items:
        label = labels.get(item.source, item.source)
        when = cn_date(item.start) if item.start == item.end else f"{cn_date(item.start)}至{cn_date(item.end)}"
        tip = f"{item.title}（{label}" + (f"；{item.detail}" if item.detail else "") + "）"
        head, _sep, rest = item.title.partition("：")
        short = rest if rest and len(head) <= 8 else item.title
        result.append(Shown(item, label, source_colour(item.source), when, weekday_label(item.start), tip, short))
    return result


@dataclass
class Day:
    day: datetime.date
    in_month: bool
    today: bool
    items: list


def month_bounds(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, month, 1), datetime.date(year, month, calendar_module.monthrange(year, month)[1])


LONG_DAYS = 7  # items longer than this are listed above the grid ("本月持续事项"), not in every day's cell


def month_grid(year: int, month: int, items: list[Shown], today: datetime.date | None = None
               ) -> tuple[list[list[Day]], list[Shown]]:
    """The weeks (Monday first) of a month with each day's short items, and the long items of the month."""
    today = today or timezone.localdate()
    first, last = month_bounds(year, month)
    start = first - datetime.timedelta(days=first.weekday())
    end = last + datetime.timedelta(days=6 - last.weekday())
    long_items = [s for s in items if (s.item.end - s.item.start).days + 1 > LONG_DAYS and s.item.start <= last
                  and s.item.end >= first]
    short = [s for s in items if (s.item.end - s.item.start).days + 1 <= LONG_DAYS]
    by_day: dict[datetime.date, list] = {}
    for entry in short:
        day = max(entry.item.start, start)
        while day <= min(entry.item.end, end):
            by_day.setdefault(day, []).append(entry)
            day += datetime.timedelta(days=1)
    weeks, day = [], start
    while day <= end:
        week = []
        for _ in range(7):
            week.append(Day(day, day.month == month, day == today, by_day.get(day, [])))
            day += datetime.timedelta(days=1)
        weeks.append(week)
    return weeks, long_items


def weekday_label(day: datetime.date) -> str:
    return "星期" + WEEKDAYS[day.weekday()]
