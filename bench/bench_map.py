"""Benchmark of the cockpit map's data (dashboard:map_data, area: map): a county of 1,600 schools in 20 towns,
every school with coordinates, the county's and every town's outline stored, as the county's leader.

Run: .venv/bin/python bench/bench_map.py            (SQLite, a fresh database under bench/out/)
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_bench .venv/bin/python bench/bench_map.py
Prints the median and worst of 20 requests, the number of queries and the size of the JSON.
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
OUT.mkdir(exist_ok=True)
os.environ.setdefault("DUDAO_VAR_DIR", str(OUT))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench_map.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

SCHOOLS, TOWNS, RUNS = 1600, 20, 20


def square(x0, y0, size, steps=50):
    """A square ring with `steps` points per side (so the outlines carry realistic vertex counts)."""
    side = [i / steps * size for i in range(steps)]
    ring = ([[x0 + d, y0] for d in side] + [[x0 + size, y0 + d] for d in side]
            + [[x0 + size - d, y0 + size] for d in side] + [[x0, y0 + size - d] for d in side])
    return [[round(x, 6), round(y, 6)] for x, y in [*ring, ring[0]]]


def build():
    from django.contrib.auth import get_user_model

    from dudao.core.services import role_assign
    from dudao.regions.models import Region
    from dudao.regions.services import boundary_upload, town_boundaries_upload
    from dudao.schools.models import School

    call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    User = get_user_model()
    admin = User.objects.create_superuser("bench-admin", password="Bench-pass-2026")
    province = Region.objects.create(code="990000", name="示范省", level="province")
    city = Region.objects.create(code="990100", name="示范市", level="city", parent=province)
    county = Region.objects.create(code="990102", name="示范区", level="county", parent=city)
    towns = [Region.objects.create(code=f"990102{i:03d}", name=f"第{i}镇", level="town", parent=county)
             for i in range(1, TOWNS + 1)]
    size = 0.1
    features = [{"type": "Feature", "properties": {"code": t.code},
                 "geometry": {"type": "Polygon", "coordinates": [square(113 + (i % 5) * size, 34 + (i // 5) * size, size)]}}
                for i, t in enumerate(towns)]
    boundary_upload(actor=admin, region=county, data=json.dumps(
        {"type": "Polygon", "coordinates": [square(113, 34, 0.5, 250)]}).encode(), filename="county.geojson")
    town_boundaries_upload(actor=admin, region=county, data=json.dumps(
        {"type": "FeatureCollection", "features": features}).encode(), filename="towns.geojson")
    School.objects.bulk_create([
        School(code=f"1990{k:06d}", name=f"示范学校{k}", school_type="primary", ownership="public", urban_rural="rural",
               region=towns[k % TOWNS], students_primary=100, classes_primary=4,
               longitude=113 + (k % TOWNS % 5) * size + 0.05, latitude=34 + (k % TOWNS // 5) * size + 0.05)
        for k in range(SCHOOLS)], batch_size=500)
    leader = User.objects.create_user("bench-leader", password="Bench-pass-2026")
    role_assign(actor=admin, user=leader, role="leader", region=county)
    return leader


def main():
    leader = build()
    client = Client()
    client.force_login(leader)
    url = "/cockpit/map/data/?region=990102"
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    body = response.json()
    assert body["counts"]["placed"] == SCHOOLS, body["counts"]
    connection.force_debug_cursor = True
    before = len(connection.queries_log)
    client.get(url)
    queries = len(connection.queries_log) - before
    connection.force_debug_cursor = False
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - start) * 1000)
    print(f"map_data, {SCHOOLS} schools, {TOWNS} towns with outlines, {connection.vendor}: "
          f"median {statistics.median(times):.0f} ms, worst {max(times):.0f} ms, "
          f"{queries} queries, {len(response.content) / 1024:.0f} KB JSON")


if __name__ == "__main__":
    main()
