"""Benchmarks for the foundation issue: province-size import, and list/API page time at 20,000 schools.

Run: .venv/bin/python bench/bench_registry.py            (SQLite, a fresh database under bench/out/)
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_bench .venv/bin/python bench/bench_registry.py
Prints its figures; docs/benchmarks.md records the latest ones.
"""

import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
OUT.mkdir(exist_ok=True)
os.environ.setdefault("DUDAO_VAR_DIR", str(OUT))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ["ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from dudao.demo import generator  # noqa: E402
from dudao.schools.templates_xlsx import write_registry_workbook  # noqa: E402

COUNTIES = 100  # 100 counties × 200 schools = 20,000 schools; 15,000 two-campus schools = 30,000 campuses


def province_workbook() -> bytes:
    rng = random.Random(7)
    areas, schools, campuses = [], [], []
    for c in range(COUNTIES):
        county = f"99{(c // 40) + 1:02d}{(c % 40) + 1:02d}"
        towns = [(f"{county}{t:03d}", f"镇{t}", ("urban", "town", "rural")[t % 3]) for t in range(1, 11)]
        areas.append(generator.Area(county, f"县{c}", towns))
    regions = [["990000", "示范省", "省", ""]]
    for city in sorted({a.county_code[:4] for a in areas}):
        regions.append([f"{city}00", f"市{city}", "市", "990000"])
    for area in areas:
        regions.append([area.county_code, area.county_name, "县（区）", f"{area.county_code[:4]}00"])
        regions.extend([code, name, "乡镇（街道）", area.county_code] for code, name, _ur in area.towns)
    mix = [("kindergarten", 70), ("primary", 70), ("junior", 30), ("nine_year", 20), ("senior", 10)]
    for area in areas:
        rows, _unused = generator.school_rows(area, rng, mix=mix, code_start=1)
        for index, row in enumerate(rows):
            row[0] = f"{area.county_code}{index + 1:04d}"
            row[7] = ""
            schools.append(row)
            if index % 4 != 0:  # 150 of every 200 schools have two campuses
                stage = {"幼儿园": "学前", "小学": "小学", "初中": "初中", "九年一贯制学校": "小学、初中", "普通高中": "高中"}[row[2]]
                campuses.append([row[0], "本部校区", stage, "是", "", "", 0])
                campuses.append([row[0], "分校区", stage, "否", "", "", 0])
    return write_registry_workbook({"行政区划": regions, "学校": schools, "校区": campuses}, with_notes=False)


def timed_pages(client, path: str, runs: int = 15) -> tuple[float, int]:
    client.get(path)
    times, queries = [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        queries = len(ctx)
    return statistics.median(times), queries


def main() -> None:
    vendor = connection.vendor
    if vendor == "sqlite":
        Path(connections.databases["default"]["NAME"]).unlink(missing_ok=True)
    else:
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", "--noinput", verbosity=0)
    from django.contrib.auth import get_user_model

    from dudao.schools.imports import registry_import
    from dudao.schools.models import Campus, School

    admin = get_user_model().objects.create_superuser("bench", password="Bench-pass-2026")
    data = province_workbook()
    print(f"[{vendor}] workbook: {len(data) / 1048576:.1f} MB")
    start = time.perf_counter()
    registry_import(actor=admin, data=data, filename="province.xlsx")
    first = time.perf_counter() - start
    print(f"[{vendor}] import: {School.objects.count()} schools, {Campus.objects.count()} campuses in {first:.1f} s")
    start = time.perf_counter()
    registry_import(actor=admin, data=data, filename="province.xlsx")
    print(f"[{vendor}] re-import (all unchanged): {time.perf_counter() - start:.1f} s")

    client = Client()
    client.force_login(admin)
    for path in ["/schools/?size=50", "/schools/?size=200", "/schools/?page=300&size=50",
                 "/schools/?q=县4&school_type=primary", "/api/v1/schools", "/api/v1/schools?page=300"]:
        ms, queries = timed_pages(client, path)
        print(f"[{vendor}] GET {path}: median {ms:.0f} ms, {queries} queries")


if __name__ == "__main__":
    main()
