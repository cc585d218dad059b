"""Issue 22 as an attacker (security review): who may open the cockpit, the map and the boundary pages, out-of-scope
regions, hostile ?year= / ?region= / metric / layer values, names carrying HTML or spreadsheet formulas, CSRF on
the boundary uploads, the navigation's cached 待办 count, and every demo to-do link opening for its owner."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from dudao.core.models import Role
from dudao.dashboard.selectors.todos import todo_count, todo_list
from dudao.regions.models import Boundary, Region
from dudao.schools.services import school_save
from tests.regions.test_geo import dump, polygon

PAGES = ["dashboard:cockpit", "dashboard:cockpit_pdf", "dashboard:cockpit_xlsx", "dashboard:map", "dashboard:map_data"]


def _urls():
    return [reverse(name) for name in PAGES] + [reverse("dashboard:cockpit_metric", args=["rectification.rate"])]


@pytest.mark.parametrize("who", ["principal_a", "inspector_a", "town_a", "expert"])
def test_roles_without_the_cockpit_get_404_everywhere(world, login, who):
    client = login(getattr(world, who))
    for url in _urls():
        for query in ({}, {"region": "990102"}, {"region": "990000"}):
            assert client.get(url, query).status_code == 404, (who, url, query)
    assert client.get(reverse("regions:boundary", args=["990102"])).status_code == 404


@pytest.mark.parametrize("who", ["office_a", "leader_a"])
@pytest.mark.parametrize("region", ["990103", "990103001", "990100", "990000", "99", "9901", "990102x", "%",
                                    "990102' OR '1'='1", "0" * 5000])
def test_a_region_outside_the_users_scope_is_404_everywhere(world, login, who, region):
    client = login(getattr(world, who))
    for url in _urls():
        assert client.get(url, {"region": region}).status_code == 404, (url, region)
    assert client.get(reverse("regions:boundary", args=[region[:100] or "x"])).status_code == 404


@pytest.mark.parametrize("year", ["0", "-1", "99999", "x", "9" * 5000, "2026.0", "1e3", "２０２６", " ",
                                  "1995", "3000"])
def test_hostile_years_fall_back_without_an_error(world, login, year):
    client = login(world.office_a)
    for url in (reverse("dashboard:cockpit"), reverse("dashboard:map"), reverse("dashboard:map_data")):
        response = client.get(url, {"year": year})
        assert response.status_code == 200, (url, year)
    # a NUL byte anywhere in the query is refused by the house's input guard (core.input_guard) before any view
    assert client.get(reverse("dashboard:cockpit"), {"year": "\x00"}).status_code == 400


@pytest.mark.parametrize("key", ["x" * 3000, "<script>", "..", "%00", "rectification.rate'--"])
def test_hostile_metric_layer_and_figure_keys(world, login, key):
    client = login(world.office_a)
    assert client.get(reverse("dashboard:cockpit_metric", args=[key])).status_code == 404
    body = client.get(reverse("dashboard:map_data"), {"layer": key, "figure": key})
    assert body.status_code == 200
    assert "<script>" not in client.get(reverse("dashboard:map"), {"layer": key, "figure": key}).content.decode()


EVIL = '<img src=x onerror=alert(1)>=HYPERLINK("http://evil","x")'


def test_names_carrying_html_are_escaped_and_formulas_stay_text(world, login):
    town = Region.objects.get(code="990102001")
    town.name = EVIL
    town.save()
    school_save(actor=world.admin, school=world.schools_a[0], name="=1+2" + EVIL, longitude=113.4, latitude=34.7)
    client = login(world.office_a)
    for url in (reverse("dashboard:cockpit"), reverse("dashboard:map"),
                reverse("dashboard:cockpit") + "?region=990102001"):
        html = client.get(url).content.decode()
        assert "<img src=x" not in html, url
    data = client.get(reverse("dashboard:map_data"))
    assert data["Content-Type"].startswith("application/json")
    response = client.get(reverse("dashboard:cockpit_xlsx"), {"region": "990102001"})
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as book:
        sheets = [book.read(n).decode() for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
    assert sheets and not any("<f>" in s for s in sheets)  # no cell is a formula


def test_boundary_uploads_need_the_office_of_the_region_and_a_csrf_token(world, login):
    url = reverse("regions:boundary_upload", args=["990102"])
    towns = reverse("regions:boundary_towns_upload", args=["990102"])

    def upload():
        return {"file": SimpleUploadedFile("a.geojson", dump(polygon()), content_type="application/geo+json")}

    for who in ("leader_a", "office_b", "principal_a", "inspector_a", "expert"):
        client = login(getattr(world, who))
        assert client.post(url, upload()).status_code == 404, who
        assert client.post(towns, upload()).status_code == 404, who
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(world.office_a)
    assert strict.post(url, upload()).status_code == 403
    assert strict.get(url).status_code == 405
    assert not Boundary.objects.exists()


def test_the_navigation_count_is_per_user(world, login, fake_sources):
    from dudao.core.registries import Todo

    def items(user, today):
        n = 3 if user.pk == world.office_a.pk else 1
        return [Todo(kind="t", title=f"t{i}", object="o", url="/", key=f"t:{user.pk}:{i}") for i in range(n)]

    fake_sources("sec.test", items, roles=(Role.OFFICE,))
    todo_list(world.office_a)
    assert todo_count(world.office_a) == 3 and todo_count(world.office_b) == 1
    html_b = login(world.office_b).get("/").content.decode()
    assert 'badge text-bg-warning">1<' in html_b


def test_a_province_map_never_computes_a_layer_live(world, login):
    """DoS: the cockpit page of a city or province user includes the map panel, whose data asked every map layer to
    compute its per-school values over the whole province on each request (the 优质均衡 judgement, the value-added
    models...). Above the county, the values come from the cockpit's snapshot (computed nightly or in the
    background); a county's are still computed for the request, as its cockpit is."""
    from django.contrib.auth import get_user_model

    from dudao.core import registries
    from dudao.core.registries import MapLayer
    from dudao.core.services import role_assign
    from dudao.dashboard.services.cockpit import snapshot_compute

    calls = []

    def values(region_code, year):
        calls.append(region_code)
        return {world.schools_a[0].pk: 7}

    school_save(actor=world.admin, school=world.schools_a[0], longitude=113.4, latitude=34.7)
    user = get_user_model().objects.create_user("province_office")
    role_assign(actor=world.admin, user=user, role=Role.OFFICE, region=Region.objects.get(code="990000"))
    original = dict(registries._MAP_LAYERS)
    registries._MAP_LAYERS.clear()
    registries._MAP_LAYERS["sec.layer"] = MapLayer("sec.layer", "测试", "个", values, True, False)
    try:
        client = login(user)
        body = client.get(reverse("dashboard:map_data"), {"region": "990000"}).json()
        assert calls == [] and body["schools"][0]["value"] is None  # no snapshot yet: grey, nothing computed
        assert client.get(reverse("dashboard:cockpit"), {"region": "990100"}).status_code == 200
        assert calls == []
        snapshot_compute(region=Region.objects.get(code="990000"), year=body["year"])  # the nightly job
        calls.clear()
        body = client.get(reverse("dashboard:map_data"), {"region": "990000"}).json()
        assert calls == [] and body["schools"][0]["value"] == 7
        body = client.get(reverse("dashboard:map_data"), {"region": "990102"}).json()
        assert calls == ["990102"] and body["schools"][0]["value"] == 7  # a county: live
    finally:
        registries._MAP_LAYERS.clear()
        registries._MAP_LAYERS.update(original)
