"""Issue 22 as an attacker, on the demo: every to-do item of every demo persona links to something that persona
can open (never a page of an object out of their scope), and no persona's to-do names another district."""

import pytest
from django.contrib.auth import get_user_model

from dudao.core.scope import scope_for
from dudao.dashboard.selectors.todos import todo_list
from dudao.demo.services import DEMO_ACCOUNTS
from tests.dashboard.test_home_demo import demo  # noqa: F401 -- the module's restored demo

User = get_user_model()


@pytest.mark.parametrize("username", [name for name, _label, _role in DEMO_ACCOUNTS])
def test_every_demo_todo_opens_for_its_owner_and_stays_in_scope(demo, db, client, username):  # noqa: F811
    user = User.objects.get(username=username)
    client.force_login(user)
    todos = todo_list(user, per_source=10_000)
    scope = scope_for(user)
    for row in todos.rows:
        todo = row.todo
        response = client.get(todo.url)
        assert response.status_code == 200, (username, todo.kind, todo.url, response.status_code)
        if todo.region_code and not scope.everything and scope.region_prefixes and not scope.school_ids:
            assert scope.covers_region(todo.region_code), (username, todo.kind, todo.region_code)
    for note in todos.notes:
        assert not note.failed, (username, note.name)
        if note.url:
            assert client.get(note.url).status_code == 200


def test_an_empty_sibling_county_shows_nothing_of_the_demo_county(demo, db):  # noqa: F811
    """Every cockpit provider and map layer, asked for a county next to the demo's with no school and no record,
    finds nothing: a figure computed over the demo county's rows would mean a provider reads past its region."""
    from django.utils import timezone

    from dudao.core.registries import map_layers
    from dudao.dashboard.selectors.cockpit import compute_cockpit
    from dudao.regions.models import Region, RegionLevel

    demo_county = Region.objects.filter(level=RegionLevel.COUNTY, school__isnull=False).first() or \
        Region.objects.filter(level=RegionLevel.COUNTY).first()
    city = demo_county.parent
    taken = set(Region.objects.filter(parent=city).values_list("code", flat=True))
    code = next(f"{city.code[:4]}{n:02d}" for n in range(99, 1, -1) if f"{city.code[:4]}{n:02d}" not in taken)
    empty = Region.objects.create(code=code, name="空县", level=RegionLevel.COUNTY, parent=city)
    Region.objects.create(code=code + "001", name="空镇", level=RegionLevel.TOWN, parent=empty)
    # and a town of the demo county with no school: a town-level office must not read its county's figures
    town_codes = set(Region.objects.filter(parent=demo_county).values_list("code", flat=True))
    lone = next(f"{demo_county.code}{n:03d}" for n in range(999, 1, -1) if f"{demo_county.code}{n:03d}" not in town_codes)
    lone_town = Region.objects.create(code=lone, name="空街道", level=RegionLevel.TOWN, parent=demo_county)
    year = timezone.localdate().year
    leaks = []
    for y in (year, year - 1):
        for region in (empty, Region.objects.get(code=code + "001"), lone_town):
            data = compute_cockpit(region, y)
            for section in data["sections"]:
                assert not section["error"], section
                for m in section["metrics"]:
                    values = [m.get("value"), m.get("previous"), *(m.get("breakdown") or {}).values()]
                    if region == lone_town and m["key"] == "quality.rounds":
                        continue  # by design: a town counts its county's published rounds (quality/cockpit.py)
                    if any(v not in (None, 0, 0.0) for v in values):
                        leaks.append((region.code, y, m["key"], values))
        for key, layer in map_layers().items():
            if layer.values(code, y):
                leaks.append((code, y, key, "map layer"))
    assert not leaks
