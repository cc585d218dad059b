"""The leader's cockpit (驾驶舱): every registered section's metrics for a region and a year (area: cockpit).

Who reads it: office and leader users over their region subtree, administrators anywhere. What it shows is
computed by the providers (core.registries.cockpit_sections) as FigureReader(region), serialised to plain JSON
(`compute_cockpit`) and either read from a CockpitSnapshot (computed nightly, or in the background on demand)
or computed live for a county or a town (`cockpit_state`). The rest of this module turns that JSON into what the
page, the drill-down, the comparison table and the exports print."""

import dataclasses
import datetime
import decimal
import logging
import time

from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from dudao.core.models import RoleAssignment
from dudao.core.registries import CockpitChild, cockpit_sections, map_layers
from dudao.core.roles import Role
from dudao.core.scope import region_prefix, scope_for
from dudao.dashboard.models import CockpitSnapshot
from dudao.regions.models import Region, RegionLevel
from dudao.schools.models import School

logger = logging.getLogger(__name__)

READERS = (Role.OFFICE, Role.LEADER)
NOT_FOUND = "未找到该对象，或您无权查看。"
# Levels computed live when no snapshot of today exists (a county has ~20 towns and ~500 schools: fast enough);
# a city's or a province's cockpit is computed in the background and read from its snapshot.
LIVE_LEVELS = (RegionLevel.COUNTY, RegionLevel.TOWN)
TREND_YEARS = 5
YEARS_SHOWN = 6  # the year picker: this year and the five before


# ---- who and where ------------------------------------------------------------------------------------------

def reads_region(user, region_code: str) -> bool:
    return scope_for(user).holds(region_code, *READERS)


def own_regions(user) -> list[Region]:
    """The regions of the user's office and leader assignments (administrators: every province), highest first."""
    if scope_for(user).everything:
        regions = list(Region.objects.filter(level=RegionLevel.PROVINCE).order_by("code"))
        return regions or list(Region.objects.filter(parent__isnull=True).order_by("code"))
    codes = set(RoleAssignment.objects.filter(user_id=user.pk, role__in=READERS, region__isnull=False)
                .values_list("region_id", flat=True))
    return sorted(Region.objects.filter(code__in=codes), key=lambda r: (len(region_prefix(r.code)), r.code))


def cockpit_region(user, code: str = "") -> Region:
    """The region asked for if the user reads it (else 404, like a missing one); without one, the user's own."""
    code = (code or "").strip()
    if code:
        region = Region.objects.filter(code=code[:12]).first()
        if region is None or not reads_region(user, region.code):
            raise Http404(NOT_FOUND)
        return region
    regions = own_regions(user)
    if not regions:
        raise Http404(NOT_FOUND)
    return regions[0]


def _ancestor_codes(region: Region) -> list[str]:
    code = region.code
    county = code[:6]
    candidates = [code[:2] + "0000", county[:4] + "00", county]
    return [c for c in candidates if c != code]


def region_choices(user, region: Region) -> list[Region]:
    """The picker: the user's own regions, the chosen region's ancestors the user reads, the region itself and
    its child regions (all inside the user's scope)."""
    own = own_regions(user)
    above = [r for r in Region.objects.filter(code__in=_ancestor_codes(region)) if reads_region(user, r.code)]
    below = list(Region.objects.filter(parent=region).order_by("code")) if region.level != RegionLevel.TOWN else []
    seen, result = set(), []
    for r in [*own, *sorted(above, key=lambda r: len(region_prefix(r.code))), region, *below]:
        if r.code not in seen:
            seen.add(r.code)
            result.append(r)
    return result


def cockpit_year(value, today: datetime.date | None = None) -> tuple[int, bool]:
    """(year, valid): the year asked for if it is one of the picker's years, else this Beijing year and False."""
    this_year = (today or timezone.localdate()).year
    text = str(value or "").strip()
    if not text:
        return this_year, True
    if text.isdecimal() and len(text) == 4 and this_year - 30 <= int(text) <= this_year:
        return int(text), True
    return this_year, False


def year_choices(today: datetime.date | None = None) -> list[int]:
    this_year = (today or timezone.localdate()).year
    return list(range(this_year, this_year - YEARS_SHOWN, -1))


def cockpit_children(region: Region) -> tuple[CockpitChild, ...]:
    """The breakdown rows: the direct child regions (towns of a county, counties of a city, cities of a province);
    for a town, its schools."""
    if region.level == RegionLevel.TOWN:
        rows = School.objects.filter(region=region).order_by("code").values_list("pk", "name")
        return tuple(CockpitChild(f"school:{pk}", name, school_id=pk) for pk, name in rows)
    rows = Region.objects.filter(parent=region).order_by("code").values_list("code", "name")
    return tuple(CockpitChild(code, name, region_code=code) for code, name in rows)


# ---- computing (providers → plain JSON) ---------------------------------------------------------------------

def _plain(value):
    if isinstance(value, decimal.Decimal):
        return float(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def metric_dict(metric) -> dict:
    """A Metric as JSON-safe data (what a snapshot stores)."""
    data = {field.name: _plain(getattr(metric, field.name)) for field in dataclasses.fields(metric)
            if field.name != "breakdown"}
    breakdown = metric.breakdown
    data["breakdown"] = None if breakdown is None else {str(k): _plain(v) for k, v in breakdown.items()}
    return data


def compute_cockpit(region: Region, year: int) -> dict:
    """Every section's metrics for the region and the year, with the children they are broken down over."""
    children = cockpit_children(region)
    sections = []
    for section in cockpit_sections():
        try:
            metrics = [metric_dict(m) for m in section.metrics(region.code, year, children)]
            error = ""
        except Exception:  # noqa: BLE001 -- one provider's failure must not take the whole cockpit down
            logger.exception("cockpit section %s failed for %s %s", section.name, region.code, year)
            metrics, error = [], "该部分数据计算出错，已记录日志，请联系系统管理员。"
        sections.append({"name": section.name, "title": section.title, "metrics": metrics, "error": error})
    data = {"region": region.code, "region_name": region.name, "level": region.level, "year": year,
            "children": [dataclasses.asdict(c) for c in children], "sections": sections}
    if region.level not in LIVE_LEVELS:
        data["layers"] = layer_values(region, year)
    return data


def layer_values(region: Region, year: int) -> dict[str, dict[str, object]]:
    """Every map layer's per-school values ({layer key: {school id: value}}), kept in the snapshot of a city or a
    province so that their map never computes a layer over every school of the region for a request."""
    layers = {}
    for key, layer in map_layers().items():
        try:
            values = layer.values(region.code, year)
        except Exception:  # noqa: BLE001 -- like a section: one layer's failure leaves it grey, not the cockpit down
            logger.exception("map layer %s failed for %s %s", key, region.code, year)
            continue
        layers[key] = {str(pk): _plain(v) for pk, v in values.items()}
    return layers


def timed_compute(region: Region, year: int) -> tuple[dict, float]:
    started = time.monotonic()
    data = compute_cockpit(region, year)
    return data, time.monotonic() - started


# ---- reading (snapshot or live) -----------------------------------------------------------------------------

@dataclasses.dataclass
class CockpitState:
    data: dict | None  # None: nothing to show yet (a province's first computation is queued)
    computed_at: datetime.datetime | None
    live: bool = False  # computed for this request
    fresh: bool = True  # computed today (Beijing); False: an older snapshot is shown while a new one is computed
    needs_background: bool = False  # the view asks services.snapshot_request to queue one
    seconds: float = 0.0


def is_fresh(snapshot: CockpitSnapshot | None, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    return snapshot is not None and timezone.localdate(snapshot.computed_at) == today


def cockpit_state(region: Region, year: int) -> CockpitState:
    """Today's snapshot if there is one (one query); else, for a county or a town, computed now; else (a city or a
    province) the last snapshot if any, and the view queues a background computation."""
    snapshot = CockpitSnapshot.objects.filter(region_code=region.code, year=year).first()
    if is_fresh(snapshot):
        return CockpitState(snapshot.data, snapshot.computed_at, seconds=snapshot.seconds)
    if region.level in LIVE_LEVELS:
        data, seconds = timed_compute(region, year)
        return CockpitState(data, timezone.now(), live=True, seconds=seconds)
    if snapshot is not None:
        return CockpitState(snapshot.data, snapshot.computed_at, fresh=False, needs_background=True,
                            seconds=snapshot.seconds)
    return CockpitState(None, None, fresh=False, needs_background=True)


# ---- presenting -----------------------------------------------------------------------------------------------

def number_text(value, unit: str = "") -> str:
    """57, 63.5%, 12 所; "—" when there is no data (never 0)."""
    if value is None or value == "":
        return "—"
    if isinstance(value, float):
        value = str(int(value)) if value == int(value) else f"{value:.1f}"
    return f"{value}{unit}" if unit in ("%", "") else f"{value} {unit}"


def tone(value, limit, higher_is_better: bool = True) -> str:
    """"ok" when the value reaches its limit line, "bad" when not, "" without a value or a limit."""
    if value is None or limit is None:
        return ""
    met = value >= limit if higher_is_better else value <= limit
    return "ok" if met else "bad"


def change(metric: dict) -> dict | None:
    """Year-over-year: the delta, its arrow and whether it is an improvement; None when a year has no data."""
    value, previous = metric.get("value"), metric.get("previous")
    if value is None or previous is None:
        return None
    delta = round(value - previous, 1) if isinstance(value, float) or isinstance(previous, float) else value - previous
    arrow = "↑" if delta > 0 else "↓" if delta < 0 else "→"
    better = None if delta == 0 else (delta > 0) == bool(metric.get("higher_is_better", True))
    unit = "个百分点" if metric.get("unit") == "%" else metric.get("unit", "")
    sign = "+" if delta > 0 else ""
    delta_text = f"{sign}{number_text(delta)}" + (f" {unit}" if unit else "")
    return {"delta": delta, "arrow": arrow, "better": better, "text": delta_text}


def metric_view(metric: dict) -> dict:
    return {**metric, "text": number_text(metric.get("value"), metric.get("unit", "")),
            "previous_text": number_text(metric.get("previous"), metric.get("unit", "")),
            "limit_text": number_text(metric.get("limit"), metric.get("unit", "")),
            "tone": tone(metric.get("value"), metric.get("limit"), metric.get("higher_is_better", True)),
            "change": change(metric)}


def sections_view(data: dict) -> list[dict]:
    return [{**s, "metrics": [metric_view(m) for m in s["metrics"]]} for s in data["sections"]]


def all_metrics(data: dict) -> list[dict]:
    return [{**m, "section_title": s["title"]} for s in data["sections"] for m in s["metrics"]]


def find_metric(data: dict, key: str) -> dict | None:
    return next((m for m in all_metrics(data) if m["key"] == key), None)


def child_url(child: dict, *, key: str = "", year: int) -> str:
    """A town (or county) row opens the same page for it; a school row opens the school's page."""
    if child.get("school_id"):
        return reverse("dashboard:school_detail", args=[child["school_id"]])
    target = reverse("dashboard:cockpit_metric", args=[key]) if key else reverse("dashboard:cockpit")
    return f"{target}?region={child['region_code']}&year={year}"


def breakdown_rows(data: dict, metric: dict) -> list[dict]:
    """One metric over the children, highest value first (children without data last), coloured by the limit."""
    values = metric.get("breakdown") or {}
    rows = []
    for child in data["children"]:
        value = values.get(child["key"])
        rows.append({"child": child, "value": value, "text": number_text(value, metric.get("unit", "")),
                     "tone": tone(value, metric.get("limit"), metric.get("higher_is_better", True)),
                     "url": child_url(child, key=metric["key"], year=data["year"])})
    rows.sort(key=lambda r: (r["value"] is None, -(r["value"] or 0), r["child"]["key"]))
    return rows


def _rank_tones(values: list, higher_is_better: bool) -> dict[int, str]:
    """Without a limit: the best third "good", the worst third "poor" (at least three different values)."""
    present = sorted({v for v in values if v is not None}, reverse=higher_is_better)
    if len(present) < 3:
        return {}
    third = len(present) // 3 or 1
    best, worst = set(present[:third]), set(present[-third:])
    return {i: "good" if v in best else "poor" if v in worst else "" for i, v in enumerate(values) if v is not None}


def comparison(data: dict) -> dict:
    """The children × the broken-down metrics: columns, and rows of cells with their value, text and colour
    (against the limit line, or by rank among the children when the metric has no limit)."""
    columns = [m for m in all_metrics(data) if m.get("breakdown") is not None]
    children = data["children"]
    cells_by_column = []
    for m in columns:
        values = [m["breakdown"].get(c["key"]) for c in children]
        ranks = {} if m.get("limit") is not None else _rank_tones(values, m.get("higher_is_better", True))
        cells_by_column.append([
            {"value": v, "text": number_text(v, m.get("unit", "")),
             "tone": tone(v, m.get("limit"), m.get("higher_is_better", True)) or ranks.get(i, "")}
            for i, v in enumerate(values)])
    rows = [{"child": c, "url": child_url(c, year=data["year"]),
             "cells": [column[i] for column in cells_by_column]} for i, c in enumerate(children)]
    return {"columns": columns, "rows": rows}


def trends(region: Region, year: int, data: dict) -> dict[str, dict]:
    """Each metric over the last five years: earlier years from the region's snapshots (one query), the year before
    from the metric's own `previous` when no snapshot has it, this year from the data shown. Only metrics with
    at least two years of data."""
    first = year - TREND_YEARS + 1
    # only the sections (a city's or province's snapshot also holds every school's map-layer values)
    past = {row["year"]: {m["key"]: m.get("value") for s in row["data__sections"] or [] for m in s["metrics"]}
            for row in CockpitSnapshot.objects.filter(region_code=region.code, year__gte=first, year__lt=year)
            .values("year", "data__sections")}
    result = {}
    for m in all_metrics(data):
        values = [past.get(y, {}).get(m["key"]) for y in range(first, year)] + [m.get("value")]
        if values[-2] is None:
            values[-2] = m.get("previous")
        years = list(range(first, year + 1))
        while values and values[0] is None:  # the line starts at the first year with data
            values, years = values[1:], years[1:]
        if sum(v is not None for v in values) >= 2:
            result[m["key"]] = {"years": [str(y) for y in years], "values": values,
                                "unit": m.get("unit", ""), "label": m["label"], "limit": m.get("limit")}
    return result


def updated_text(state: CockpitState) -> str:
    if state.computed_at is None:
        return ""
    return timezone.localtime(state.computed_at).strftime("%Y-%m-%d %H:%M")
