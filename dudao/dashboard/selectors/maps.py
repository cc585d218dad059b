"""The cockpit map: schools as points coloured by a registered map layer, towns shaded (area: map).

Everything here reads what the user may see (the region must be in their scope, else 404); the layers and the
cockpit figures read as FigureReader(region) through each module's own selectors, exactly as the cockpit does.
The number of queries does not grow with the number of schools or towns: one for the schools, one for the
outlines, one for the child regions, then a constant number per registered layer and cockpit section."""

import datetime

from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from dudao.core.registries import map_layers
from dudao.core.roles import Role
from dudao.core.scope import region_prefix, scope_for
from dudao.dashboard.selectors.cockpit import LIVE_LEVELS, cockpit_state
from dudao.regions.models import Boundary, Region, RegionLevel
from dudao.schools.selectors import school_list

YEARS_SHOWN = 5  # the year picker: this year and the four before
PICKABLE_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY)


def map_regions(user) -> list[Region]:
    """The regions the user may open the map for (province, city and county levels of their scope)."""
    return list(Region.objects.visible_to(user).filter(level__in=PICKABLE_LEVELS).order_by("code"))


def map_years(today: datetime.date | None = None) -> list[int]:
    today = today or timezone.localdate()
    return list(range(today.year, today.year - YEARS_SHOWN, -1))


def pick_region(user, code: str = "") -> Region:
    """The region asked for (404 when unknown or out of scope), else the user's widest region."""
    scope = scope_for(user)
    if code:
        region = Region.objects.filter(code=code[:12]).first()
        if region is None or not scope.covers_region(region.code):
            raise Http404("未找到该区划，或您无权查看。")
        return region
    prefixes = [p for r, p in sorted(scope.role_prefixes, key=lambda rp: (len(rp[1]), rp[1]))
                if r in (Role.OFFICE, Role.LEADER)] or list(scope.region_prefixes)
    candidates = Region.objects.visible_to(user).filter(level__in=PICKABLE_LEVELS).order_by("code")
    for prefix in prefixes:
        region = candidates.filter(code__startswith=prefix).first()
        if region is not None:
            return region
    region = candidates.first()
    if region is None:
        raise Http404("没有可查看的区划。")
    return region


def pick_year(value: str = "", today: datetime.date | None = None) -> int:
    years = map_years(today)
    try:
        year = int(value)
    except (TypeError, ValueError):
        return years[0]
    return year if year in years else years[0]


def _children(region: Region) -> list[Region]:
    return list(Region.objects.filter(parent=region).order_by("code"))


def _outline_features(geojson: dict, name: str, code: str, role: str) -> list[dict]:
    return [{"type": "Feature", "properties": {"name": name, "code": code, "role": role},
             "geometry": feature["geometry"]} for feature in geojson.get("features", [])]


def _number(value):
    """A JSON number (a Decimal would be written as a string), None kept."""
    return None if value is None else float(value) if not isinstance(value, int | float) else value


def _figures(region: Region, year: int, children: list[Region]) -> list[dict]:
    """Every cockpit figure that has a breakdown over the children: [{key, label, unit, values}], read from the
    cockpit's own data (today's snapshot, or computed as the cockpit page computes it), so the map and the cockpit
    show the same numbers and the map costs no second computation."""
    if not children:
        return []
    state = cockpit_state(region, year)
    if state.data is None:  # a city's or province's first computation is still queued by the cockpit page
        return []
    found = []
    for section in state.data["sections"]:
        for metric in section["metrics"]:
            if metric.get("breakdown") is None:
                continue
            found.append({"key": metric["key"], "label": metric["label"], "unit": metric["unit"],
                          "section": section["title"], "higher_is_better": metric["higher_is_better"],
                          "values": {k: _number(v) for k, v in metric["breakdown"].items() if v is not None}})
    return found


def _layer_values(layer, region: Region, year: int) -> tuple[dict, bool]:
    """The layer's values by school id, and whether they are still to be computed. A county's (or a town's) are
    computed for the request, as its cockpit is; a city's or a province's come from the cockpit's snapshot (the
    nightly job, or the background computation the cockpit page queues): never computed over every school of a
    province for a request."""
    if layer is None:
        return {}, False
    if region.level in LIVE_LEVELS:
        return layer.values(region.code, year), False
    data = cockpit_state(region, year).data or {}
    stored = data.get("layers", {}).get(layer.key)
    if stored is None:
        return {}, True
    return {int(pk): value for pk, value in stored.items()}, False


def map_data(user, region: Region, year: int, *, layer: str = "", figure: str = "") -> dict:
    """The JSON the map page and the cockpit's map panel draw. `region` must come from pick_region (scoped)."""
    prefix = region_prefix(region.code)
    children = _children(region)
    schools = list(school_list(user).filter(region__code__startswith=prefix).select_related(None)
                   .values_list("id", "name", "longitude", "latitude", "region_id"))
    placed = [s for s in schools if s[2] is not None and s[3] is not None]

    layers = map_layers()
    chosen = layers.get(layer) or (layers[sorted(layers)[0]] if layers else None)
    values, pending = _layer_values(chosen, region, year)

    figures = _figures(region, year, children)
    shade = next((f for f in figures if f["key"] == figure), figures[0] if figures else None)

    outlines = {b.region_id: b.geojson for b in Boundary.objects.visible_to(user)
                .filter(region_id__in=[region.code, *(c.code for c in children)])}
    features = []
    if region.code in outlines:
        features += _outline_features(outlines[region.code], region.name, region.code, "outline")
    children_drawn = [c for c in children if c.code in outlines]
    for child in children_drawn:
        features += _outline_features(outlines[child.code], child.name, child.code, "child")

    detail = reverse("dashboard:school_detail", args=[0]).replace("/0/", "/{id}/")
    return {
        "region": {"code": region.code, "name": region.name, "level": region.get_level_display()},
        "year": year,
        "layers": [{"key": x.key, "label": x.label, "unit": x.unit} for x in sorted(layers.values(), key=lambda x: x.key)],
        "layer": None if chosen is None else {"key": chosen.key, "label": chosen.label, "unit": chosen.unit,
                                               "flag": chosen.flag, "higher_is_better": chosen.higher_is_better},
        "figures": [{"key": f["key"], "label": f["label"], "unit": f["unit"], "section": f["section"]} for f in figures],
        "figure": None if shade is None else {
            "key": shade["key"], "label": shade["label"], "unit": shade["unit"],
            "higher_is_better": shade["higher_is_better"],
            "values": {c.name: shade["values"][c.code] for c in children_drawn if c.code in shade["values"]}},
        "boundary": {"type": "FeatureCollection", "features": features} if features else None,
        "children": {"total": len(children), "with_boundary": len(children_drawn)},
        "schools": [{"id": sid, "name": name, "lon": float(lon), "lat": float(lat), "value": _number(values.get(sid)),
                     "url": detail.replace("{id}", str(sid))} for sid, name, lon, lat, _town in placed],
        "layer_pending": pending,  # a city's or province's layer values are still being computed (drawn grey)
        "counts": {"total": len(schools), "placed": len(placed), "without_coordinates": len(schools) - len(placed),
                   "with_value": sum(1 for s in placed if values.get(s[0]) is not None)},
    }
