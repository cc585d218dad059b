"""Benchmark for the 迎检 boards (issue 21 "Performance"): a province-level year of 100 counties, each evaluated by
the city on 200 indicators (20 top-level, 180 leaves), about 1.5 assignments per leaf spread over 12 departments
and towns per county (27,000 assignments), a realistic mix of statuses (45% accepted, 15% awaiting the office, 8%
returned, the rest pending, a tenth of those overdue) and one evidence version per hand-in (17,000). Measured: the
province office's cross-county board (by county and by department name, one aggregate query each) as a page and
as the two selector calls, and one county's own board (per assignee and per top-level indicator). Target: the
board under 1 s on PostgreSQL.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_upward_bench .venv/bin/python bench/bench_reviews_board.py
     .venv/bin/python bench/bench_reviews_board.py                    (SQLite, a fresh database under bench/out/)
Prints the median of 9 requests after one warm-up, and the query counts.
"""

import datetime
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
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench_reviews_board.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

COUNTIES = 100
INDICATORS = 200  # 20 top-level × (1 + 9 leaves)
UNITS_PER_COUNTY = 12
TARGET_MS = 1000
RUNS = 9
YEAR = 2026


def build(admin):
    from dudao.core.models import Role
    from dudao.core.services import role_assign, user_create
    from dudao.regions.models import GovUnit, Region
    from dudao.reviews.models import Assignment, Evidence, Review, ReviewIndicator

    rng = random.Random(21)
    province = Region.objects.create(code="980000", name="基准省", level="province")
    cities = [Region.objects.create(code=f"98{c:02d}00", name=f"基准市{c}", level="city", parent=province)
              for c in range(1, 11)]
    counties = Region.objects.bulk_create([
        Region(code=f"98{k // 10 + 1:02d}{k % 10 + 1:02d}", name=f"基准县{k + 1}", level="county",
               parent=cities[k // 10]) for k in range(COUNTIES)])
    names = ["财政局", "人力资源和社会保障局", "发展和改革委员会", "住房和城乡建设委员会", "教育局", "公安分局",
             "卫生健康委员会", "机构编制委员会办公室", "民政局", "第一镇人民政府", "第二镇人民政府", "第三镇人民政府"]
    units = GovUnit.objects.bulk_create([GovUnit(code=f"B{c.code}{i:02d}", name=name, kind="department", region=c)
                                         for c in counties for i, name in enumerate(names)])
    by_county: dict[str, list] = {}
    for u in units:
        by_county.setdefault(u.region_id, []).append(u)
    reviews = Review.objects.bulk_create([Review(region=c, title=f"{YEAR}年{c.name}履行教育职责评价", level="city",
                                                 kind="duties", body="市人民政府教育督导室", year=YEAR,
                                                 created_by=admin) for c in counties])
    tops = ReviewIndicator.objects.bulk_create([
        ReviewIndicator(review=r, code=str(t + 1), text=f"一级指标{t + 1}", weight=5, position=t * 10)
        for r in reviews for t in range(INDICATORS // 10)], batch_size=5000)
    leaves = ReviewIndicator.objects.bulk_create([
        ReviewIndicator(review_id=top.review_id, parent=top, code=f"{top.code}.{n + 1}", text=f"二级指标{top.code}.{n + 1}",
                        weight=5 / 9, position=top.position + n + 1) for top in tops for n in range(9)],
        batch_size=5000)
    today = datetime.date(YEAR, 11, 1)
    county_of = {r.pk: r.region_id for r in reviews}
    rows = []
    for leaf in leaves:
        county = county_of[leaf.review_id]
        pool = by_county[county]
        for unit in rng.sample(pool, 1 if rng.random() < 0.5 else 2):
            roll = rng.random()
            status = ("accepted" if roll < 0.45 else "submitted" if roll < 0.60 else "returned" if roll < 0.68
                      else "pending")
            due = today - datetime.timedelta(days=5) if status == "pending" and rng.random() < 0.1 else \
                today + datetime.timedelta(days=rng.randint(5, 40))
            rows.append(Assignment(indicator=leaf, unit=unit, due_on=due, status=status, assigned_by=admin))
    assignments = Assignment.objects.bulk_create(rows, batch_size=5000)
    Evidence.objects.bulk_create([
        Evidence(assignment=a, version=1, statement="已按要求落实，见附件。", submitted_by=admin,
                 decision={"accepted": "accepted", "returned": "returned"}.get(a.status, "pending"))
        for a in assignments if a.status != "pending"], batch_size=5000)
    office = user_create(actor=admin, username="province_office", full_name="省督导室", password="Bench-pass-2026")
    role_assign(actor=admin, user=office, role=Role.OFFICE, region=province)
    county_office = user_create(actor=admin, username="county_office", full_name="县督导室", password="Bench-pass-2026")
    role_assign(actor=admin, user=county_office, role=Role.OFFICE, region=counties[0])
    return office, county_office, reviews[0], len(assignments)


def timed(fn):
    fn()  # warm-up
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return statistics.median(times), max(times), len(ctx)


def main() -> None:
    vendor = connection.vendor
    if vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(connections.databases["default"]["NAME"]) + suffix).unlink(missing_ok=True)
    else:
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", "--noinput", verbosity=0)
    from django.contrib.auth import get_user_model

    from dudao.reviews.selectors.upward import board_by_assignee, board_by_indicator, province_board

    admin = get_user_model().objects.create_superuser("bench", password="Bench-pass-2026")
    started = time.perf_counter()
    office, county_office, review, total = build(admin)
    print(f"[{vendor}] built {COUNTIES} counties × {INDICATORS} indicators, {total} assignments "
          f"in {time.perf_counter() - started:.1f} s")
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    client = Client()
    client.force_login(office)
    county_client = Client()
    county_client.force_login(county_office)
    load = os.getloadavg()
    print(f"[{vendor}] load average at start: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    cases = [
        ("province board (page)", lambda: client.get(f"/reviews/board/?year={YEAR}")),
        ("province board (selectors)", lambda: province_board(office, YEAR)),
        ("county board (page)", lambda: county_client.get(f"/reviews/{review.pk}/board/")),
        ("county board by assignee", lambda: board_by_assignee(review)),
        ("county board by indicator", lambda: board_by_indicator(review)),
    ]
    worst = 0.0
    for label, fn in cases:
        response = fn()
        if hasattr(response, "status_code"):
            assert response.status_code == 200, (label, response.status_code)
        median, slowest, queries = timed(fn)
        print(f"[{vendor}] {label:28s} median {median:7.1f} ms  max {slowest:7.1f} ms  {queries} queries")
        if "page" in label:
            worst = max(worst, median)
    load = os.getloadavg()
    print(f"[{vendor}] load average at end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    print(f"[{vendor}] board target < {TARGET_MS} ms: {'met' if worst < TARGET_MS else 'NOT met'} "
          f"(slowest page median {worst:.1f} ms)")


if __name__ == "__main__":
    main()
