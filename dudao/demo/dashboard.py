"""The demo district on the cockpit map: school coordinates inside a fictional county outline (area: map).

The outlines are shipped as GeoJSON (dudao/demo/data/county.geojson, towns.geojson: a made-up 示范区 of eight
towns, drawn as a 4 × 2 grid with wavy borders near 113.3–113.8°E, 34.6–34.9°N). They are uploaded through the
same services the office uses, and every demo school gets a point inside its town's outline, derived from its
学校标识码 (the same point on every load)."""

import hashlib
import json
import random
from pathlib import Path

from dudao.regions import geo
from dudao.regions.services import boundary_upload, town_boundaries_upload
from dudao.schools.models import School
from dudao.schools.services import school_save

DATA = Path(__file__).resolve().parent / "data"
COUNTY_FILE = DATA / "county.geojson"
TOWNS_FILE = DATA / "towns.geojson"


def town_outlines() -> dict[str, dict]:
    """{town code: geometry} from the shipped towns file."""
    features = json.loads(TOWNS_FILE.read_text(encoding="utf-8"))["features"]
    return {f["properties"]["code"]: f["geometry"] for f in features}


def point_in_town(code: str, geometry: dict) -> tuple[float, float]:
    """A deterministic point well inside the geometry (the middle 80% of its box, inside the outline)."""
    rng = random.Random(int(hashlib.sha256(code.encode()).hexdigest()[:12], 16))
    x0, y0, x1, y1 = geo.geometry_bbox(geometry)
    mx, my = (x1 - x0) * 0.1, (y1 - y0) * 0.1
    for _ in range(1000):
        lon, lat = round(rng.uniform(x0 + mx, x1 - mx), 6), round(rng.uniform(y0 + my, y1 - my), 6)
        if geo.point_in_geometry(lon, lat, geometry):
            return lon, lat
    raise AssertionError(f"no point found inside the outline of {code}")  # pragma: no cover


def load_dashboard(*, admin, county) -> None:
    """Called last by demo.services.load_demo."""
    boundary_upload(actor=admin, region=county, data=COUNTY_FILE.read_bytes(), filename=COUNTY_FILE.name)
    town_boundaries_upload(actor=admin, region=county, data=TOWNS_FILE.read_bytes(), filename=TOWNS_FILE.name)
    outlines = town_outlines()
    for school in School.objects.filter(region__code__startswith=county.code).select_related("region").order_by("code"):
        geometry = outlines.get(school.region_id)
        if geometry is None:
            continue
        lon, lat = point_in_town(school.code, geometry)
        school_save(actor=admin, school=school, longitude=lon, latitude=lat)
