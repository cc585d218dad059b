"""The demo on the map (area: map): the shipped outlines pass the upload checks, every demo town has one, and
after load_demo every demo school has a point inside its own town's outline, the same on every load."""

import pytest

from dudao.demo import dashboard as demo_map
from dudao.demo.generator import demo_area
from dudao.regions import geo
from dudao.regions.models import Boundary
from dudao.schools.models import School
from tests.demo_snapshot import restore


def test_the_shipped_outlines_pass_the_upload_checks_and_cover_every_town():
    for path in (demo_map.COUNTY_FILE, demo_map.TOWNS_FILE):
        parsed = geo.parse_boundary(path.read_bytes(), max_bytes=5 * 1024 * 1024, max_vertices=200000)
        assert parsed.vertices > 10
    assert sorted(demo_map.town_outlines()) == sorted(code for code, _name, _ur in demo_area().towns)


def test_a_point_is_deterministic_and_inside_its_town():
    outlines = demo_map.town_outlines()
    for code, geometry in outlines.items():
        first = demo_map.point_in_town(f"{code}0", geometry)
        assert first == demo_map.point_in_town(f"{code}0", geometry)
        assert geo.point_in_geometry(*first, geometry)
        assert not any(geo.point_in_geometry(*first, other) for c, other in outlines.items() if c != code)


@pytest.mark.django_db(transaction=True)
def test_every_demo_school_sits_inside_its_town(demo_snapshot):
    restore(demo_snapshot)
    county = demo_area().county_code
    outlines = {b.region_id: b.geojson["features"][0]["geometry"] for b in Boundary.objects.all()}
    assert county in outlines and len(outlines) == 1 + len(demo_area().towns)
    schools = list(School.objects.filter(region__code__startswith=county))
    assert schools and all(s.longitude is not None for s in schools)
    for school in schools:
        point = (float(school.longitude), float(school.latitude))
        assert geo.point_in_geometry(*point, outlines[school.region_id]), school.name
        assert geo.point_in_geometry(*point, outlines[county]), school.name
