"""Benchmark for the 结果运用 register (issue 21 item 4) at province scale: 100 counties, each with 50 units and
10 issued inspections of them (50,000 results, 10% 不合格 = 5,000 failing), and 100,000 recorded uses.

Measured: the daily reminder job "result_use_reminders" (first run: every failing result without a use is due,
claimed and listed, one inbox item per county; second run: nothing new, the job's usual day), then one county
office's register page (1,000 uses of the county), its Excel export, and GET /api/v1/result-uses.

Run: .venv/bin/python bench/bench_reviews_uses.py            (SQLite, a fresh database under bench/out/)
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_uses_bench .venv/bin/python bench/bench_reviews_uses.py
Prints its figures (median of 5 requests after one warm-up, and the query count).
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
OUT.mkdir(exist_ok=True)
os.environ.setdefault("DUDAO_VAR_DIR", str(OUT))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench_reviews_uses.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")
COUNTIES, UNITS, INSPECTIONS, USES = 100, 50, 10, 100_000
RUNS = 5


def build(admin):
    from dudao.core.models import Role
    from dudao.core.services import role_assign, user_create
    from dudao.frameworks.models import Framework
    from dudao.inspections.models import Inspection, Target
    from dudao.regions.models import GovUnit, Region
    from dudao.reviews.models import ResultUse

    province = Region.objects.create(code="990000", name="示范省", level="province")
    city = Region.objects.create(code="990100", name="示范市", level="city", parent=province)
    counties = Region.objects.bulk_create([Region(code=f"99{c:04d}", name=f"第{c}区", level="county", parent=city)
                                           for c in range(101, 101 + COUNTIES)])
    units = GovUnit.objects.bulk_create([GovUnit(code=f"U{c.code}-{u}", name=f"{c.name}单位{u}", kind="department",
                                                 region=c) for c in counties for u in range(UNITS)], batch_size=2000)
    framework = Framework.objects.create(region=province, family="bench", name="督政评价", kind="special",
                                         target="unit", definition={}, created_by=admin)
    inspections = Inspection.objects.bulk_create([Inspection(
        county=c, name=f"{c.name}{2016 + i}年度督政评价", kind="duzheng", framework=framework, year=2016 + i,
        starts_on=datetime.date(2016 + i, 3, 1), ends_on=datetime.date(2016 + i, 6, 30), stage="rectifying",
        created_by=admin) for c in counties for i in range(INSPECTIONS)], batch_size=2000)
    by_county = {}
    for unit in units:
        by_county.setdefault(unit.region_id, []).append(unit)
    targets = Target.objects.bulk_create([Target(
        inspection=i, unit=u, region_code=u.region_id, score=50.0 if n % 10 == 0 else 80.0,
        level="不合格" if n % 10 == 0 else "良好") for i in inspections
        for n, u in enumerate(by_county[i.county_id])], batch_size=5000)
    passing = [t for t in targets if t.level != "不合格"]
    ResultUse.objects.bulk_create([ResultUse(
        region_id=t.region_code[:6], result_kind="inspections.target", result_id=str(t.pk), result_label=f"督政评价{t.pk}",
        result_year=2020, unit_id=t.unit_id, user_unit_id=t.unit_id, user_name="区委组织部", purpose="annual",
        used_on=datetime.date(2024, 1 + k % 12, 1 + k % 28), decision="纳入年度考核", recorded_by=admin)
        for k, t in enumerate((passing * 3)[:USES])], batch_size=5000)
    office = user_create(actor=admin, username="office", full_name="督导室", password="Bench-pass-2026")
    role_assign(actor=admin, user=office, role=Role.OFFICE, region=counties[0])
    return office


def timed(client, path):
    client.get(path)
    times, queries = [], 0
    for _ in range(RUNS):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - start)
        assert response.status_code == 200, (path, response.status_code)
        queries = len(captured)
    return statistics.median(times), queries


def main():
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from dudao.core.models import Notification
    from dudao.core.services import token_issue
    from dudao.reviews.models import ResultReminder
    from dudao.reviews.services.uses import result_use_reminders

    connections.close_all()
    db = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite" and Path(db).exists():
        Path(db).unlink()
    call_command("migrate", verbosity=0)
    admin = get_user_model().objects.create_superuser("admin", password="Bench-pass-2026")
    start = time.perf_counter()
    office = build(admin)
    print(f"built in {time.perf_counter() - start:.1f} s on {connection.vendor}")
    now = timezone.now()
    for label in ("first run (5,000 due)", "second run (none new)"):
        start = time.perf_counter()
        reminded = result_use_reminders(now=now)
        print(f"result_use_reminders {label}: {reminded} results, {time.perf_counter() - start:.2f} s")
    print(f"  reminders: {ResultReminder.objects.count()}, inbox items: "
          f"{Notification.objects.filter(kind='result_use_reminder').count()}")
    client = Client()
    client.force_login(office)
    for path in ("/reviews/uses/", "/reviews/uses/?q=组织部&purpose=annual", "/reviews/uses/?export=xlsx",
                 "/reviews/uses/annual/?year=2024"):
        seconds, queries = timed(client, path)
        print(f"GET {path}: {seconds * 1000:.0f} ms, {queries} queries")
    key, _token = token_issue(user=office)
    api = Client(headers={"Authorization": f"Bearer {key}"})
    seconds, queries = timed(api, "/api/v1/result-uses?page_size=50")
    print(f"GET /api/v1/result-uses: {seconds * 1000:.0f} ms, {queries} queries")


if __name__ == "__main__":
    main()
