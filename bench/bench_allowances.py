"""Benchmark of 兼职督学劳务补贴 (issue 24, Performance): a province's 8,000 part-time inspectors (40 counties × 200)
with a realistic month each — 4 visits (督导纪实, 1–7 hours on site), 1 专项检查 made inside its own visit, 1 on-site day
of a 督导评估 project as a team member — computed as one month of the province: target under 10 s. Measured: the
first computation (8,000 lines bulk-inserted), a recomputation (the computed lines replaced), the month page and the
finance sheet (.xlsx) of all 8,000 lines.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_allowance_bench .venv/bin/python bench/bench_allowances.py
     (.venv/bin/python bench/bench_allowances.py alone uses SQLite under bench/out/)
The database is flushed and rebuilt. Prints each timing (median of 3 after the first computation) and the queries.
"""

import datetime
import os
import random
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
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench_allowances.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

BJ = ZoneInfo("Asia/Shanghai")
CITIES, COUNTIES, PER_COUNTY, SCHOOLS = 4, 10, 200, 20  # 40 counties × 200 = 8,000 part-time inspectors
YEAR, MONTH = 2025, 3
RUNS = 3


def build():
    from django.contrib.auth import get_user_model

    from dudao.checks.models import CheckRound, CheckSubmission, CheckTarget
    from dudao.core.models import Role
    from dudao.core.services import policy_set, role_assign
    from dudao.frameworks.models import Framework
    from dudao.inspections.models import Inspection, Target, TeamMember, Transition
    from dudao.people.models import Inspector
    from dudao.regions.models import Region
    from dudao.schools.models import School
    from dudao.zones.models import Visit

    rng = random.Random(24)
    User = get_user_model()
    admin = User.objects.create_superuser("bench", password="Bench-pass-2026")
    province = Region.objects.create(code="990000", name="示范省", level="province")
    cities, counties, towns = [], [], []
    for c in range(1, CITIES + 1):
        city = Region(code=f"99{c:02d}00", name=f"第{c}市", level="city", parent=province)
        cities.append(city)
        for k in range(1, COUNTIES + 1):
            county = Region(code=f"99{c:02d}{k:02d}", name=f"第{c}市{k}区", level="county", parent=city)
            counties.append(county)
            towns.append(Region(code=f"{county.code}001", name=f"{county.name}一镇", level="town", parent=county))
    Region.objects.bulk_create(cities)
    Region.objects.bulk_create(counties)
    Region.objects.bulk_create(towns)
    schools = School.objects.bulk_create([
        School(code=f"{n:010d}", name=f"{town.name}第{s}小学", school_type="primary", ownership="public",
               urban_rural="urban", region=town)
        for n, (town, s) in enumerate(((t, s) for t in towns for s in range(SCHOOLS)), start=1)], batch_size=5000)
    by_county = {c.code: [s for s in schools if s.region_id.startswith(c.code)] for c in counties}
    day = datetime.date(2020, 9, 1)
    n_total = len(counties) * PER_COUNTY
    users = User.objects.bulk_create([User(username=f"jz{i}") for i in range(n_total)], batch_size=5000)
    inspectors = Inspector.objects.bulk_create([
        Inspector(card_no=f"JZ{i:05d}", name=f"兼职督学{i:04d}", phone="13900000000", kind="parttime",
                  source="teacher", employer=f"第{i % 97}小学", region=counties[i // PER_COUNTY], appointed_on=day,
                  term_start=day, user=users[i]) for i in range(n_total)], batch_size=5000)
    visits, checks_at = [], []
    for n, inspector in enumerate(inspectors):
        county_schools = by_county[inspector.region_id]
        for v in range(4):
            start = datetime.datetime(YEAR, MONTH, 2 + v * 7, 8 + rng.randint(0, 6), 0, tzinfo=BJ)
            minutes = rng.choice([60, 120, 180, 240, 300, 420])
            visits.append(Visit(inspector=inspector, school=county_schools[(n + v) % SCHOOLS], started_at=start,
                                ended_at=start + datetime.timedelta(minutes=minutes), minutes_on_site=minutes,
                                narrative="督导。", created_by=admin))
        start = datetime.datetime(YEAR, MONTH, 25, 9, 0, tzinfo=BJ)
        checks_at.append(Visit(inspector=inspector, school=county_schools[n % SCHOOLS], started_at=start,
                               ended_at=start + datetime.timedelta(hours=2), minutes_on_site=120,
                               narrative="专项检查。", reason="special", created_by=admin))
    Visit.objects.bulk_create(visits, batch_size=5000)
    Visit.objects.bulk_create(checks_at, batch_size=5000)
    # the checks: one round per county, each inspector checks one school (a school once per round): 10 rounds of
    # 20 schools would not do for 200 inspectors a county, so one round per (county, block of 20 inspectors)
    targets = []
    rounds = []
    for c in counties:
        for block in range(PER_COUNTY // SCHOOLS):
            rounds.append(CheckRound(region=c, title=f"{c.name}专项检查{block + 1}", kind="holiday_safety",
                                     starts_on=datetime.date(YEAR, MONTH, 20), ends_on=datetime.date(YEAR, MONTH, 28),
                                     status="closed", created_by=admin))
    CheckRound.objects.bulk_create(rounds, batch_size=1000)
    for n, inspector in enumerate(inspectors):
        county_index, k = divmod(n, PER_COUNTY)
        check_round = rounds[county_index * (PER_COUNTY // SCHOOLS) + k // SCHOOLS]
        school = by_county[inspector.region_id][k % SCHOOLS]
        targets.append(CheckTarget(round=check_round, school=school, region_code=school.region_id,
                                   inspector=inspector, status="done"))
    CheckTarget.objects.bulk_create(targets, batch_size=5000)
    CheckSubmission.objects.bulk_create([
        CheckSubmission(target=t, visit=v, inspector=t.inspector, submitted_by=admin,
                        submitted_at=v.started_at + datetime.timedelta(hours=2))
        for t, v in zip(targets, checks_at, strict=True)], batch_size=5000)
    # the inspections: one project per county, on site on 18 March, every inspector of the county in a team of 10
    framework = Framework.objects.create(region=province, family="bench", name="指标", kind="special", target="school",
                                         definition={}, created_by=admin)
    projects = Inspection.objects.bulk_create([
        Inspection(county=c, name=f"{c.name}综合督导", kind="special", framework=framework, year=YEAR,
                   starts_on=datetime.date(YEAR, MONTH, 1), ends_on=datetime.date(YEAR, 4, 30), stage="deliberation",
                   created_by=admin) for c in counties])
    project_targets = Target.objects.bulk_create([
        Target(inspection=p, school=s, region_code=s.region_id) for p, c in zip(projects, counties, strict=True)
        for s in by_county[c.code]], batch_size=5000)
    TeamMember.objects.bulk_create([
        TeamMember(target=project_targets[n // 10], user_id=inspectors[n].user_id, role="inspector")
        for n in range(n_total)], batch_size=5000)
    Transition.objects.bulk_create(
        [Transition(inspection=p, from_status="review", to_status="onsite",
                    at=datetime.datetime(YEAR, MONTH, 18, 8, 30, tzinfo=BJ)) for p in projects]
        + [Transition(inspection=p, from_status="onsite", to_status="deliberation",
                      at=datetime.datetime(YEAR, MONTH, 18, 17, 30, tzinfo=BJ)) for p in projects])
    for name, value in {"visit": 60, "half_day": 40, "check": 50, "inspection_day": 200, "transport": 30,
                        "monthly_cap": 1500}.items():
        policy_set(actor=admin, key=f"workforce.allowance_{name}", value=value, region_code=province.code)
    office = User.objects.create_user("office_p")
    role_assign(actor=admin, user=office, role=Role.OFFICE, region=province)
    return province, office


CPU = {}


def timed(fn):
    with CaptureQueriesContext(connection) as ctx:
        started, cpu = time.perf_counter(), time.process_time()
        result = fn()
        elapsed = time.perf_counter() - started
        CPU["last"] = time.process_time() - cpu
    return result, elapsed, len(ctx)


def main() -> None:
    call_command("migrate", "--noinput", verbosity=0)
    call_command("flush", "--noinput", verbosity=0)
    started = time.perf_counter()
    province, office = build()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"built in {time.perf_counter() - started:.1f} s on {connection.vendor}; load average {os.getloadavg()}")

    from dudao.workforce.models import AllowanceLine
    from dudao.workforce.services import allowances as services

    def compute():
        return services.allowance_compute(actor=office, region=province, year=YEAR, month=MONTH)

    month, first, queries = timed(compute)
    lines = AllowanceLine.objects.filter(allowance_month=month).count()
    print(f"first computation: {first:.2f} s ({CPU['last']:.2f} s CPU in Python), {queries} queries; {lines} lines, {month.inspectors} inspectors, "
          f"total {month.total} 元 (target 10 s)")
    assert lines == 8000 and month.inspectors == 8000
    sample = AllowanceLine.objects.filter(allowance_month=month).first()
    assert (sample.visits, sample.checks, sample.inspection_days, sample.trips) == (4, 1, 1, 6), sample.__dict__
    times, cpu = [], []
    for _ in range(RUNS):
        _m, elapsed, queries = timed(compute)
        times.append(elapsed)
        cpu.append(CPU["last"])
    print(f"recomputation (8,000 lines replaced): median {statistics.median(times):.2f} s of {RUNS} "
          f"({statistics.median(cpu):.2f} s CPU in Python), {queries} queries; load average {os.getloadavg()}")

    client = Client()
    client.force_login(office)
    for label, url in [("month page (first 50 lines)", f"/workforce/allowances/{month.pk}/"),
                       ("finance sheet (.xlsx, 8,000 rows)", f"/workforce/allowances/{month.pk}/export/")]:
        client.get(url)  # warm-up: the navigation's to-do count (every app's sources) is cached 60 s per user
        response, elapsed, queries = timed(lambda url=url: client.get(url))
        assert response.status_code == 200, response.status_code
        print(f"{label}: {elapsed * 1000:.0f} ms, {queries} queries")
    print(f"load average at the end: {os.getloadavg()} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
