"""Benchmark of zones' and rectification's to-do sources (issue 22, area todo-a): an inspector with 50 schools and the
office of a 500-school county, inside a province-size database; the sources alone and GET /api/v1/me/tasks.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_bench .venv/bin/python bench/bench_todo_a.py
     DATABASE_URL=... .venv/bin/python bench/bench_todo_a.py time     (the timings again, on the last run's data)
     (SQLite without DATABASE_URL, a fresh database under bench/out/)
Prints its figures (median and 95th percentile of 30 runs after 3 warm-ups).

The province (rows written in bulk, as bench_zones and bench_rectification do): 100 counties, 20,000 schools (the
first county 500), 1,000 zones, one inspector per 20 schools with one current assignment per school, the
benchmarked inspector with 50 schools; 240,000 visits over the school year (none this month in the first county,
so every school of the inspector is due), a quarter of them still to be signed; 100,000 rectification notices in
every state (1,000 per county), 督办单 for the overdue ones, 20,000 complaints, 5,000 talk proposals and 5,000 open
accountability cases.
"""

import datetime
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
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench_todo_a.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ["ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

COUNTIES = 100
SCHOOLS = 200  # per county; the first has FIRST
FIRST = 500
PER_INSPECTOR = 20
MINE = 50
VISITS_PER_SCHOOL = 12
NOTICES_PER_COUNTY = 1000
COMPLAINTS_PER_COUNTY = 200
TALKS_PER_COUNTY = 50


def build():
    from django.contrib.auth import get_user_model

    from dudao.core.models import Role, RoleAssignment
    from dudao.people.models import Inspector
    from dudao.rectification.models import (
        AccountabilityCase,
        NoticeStatus,
        RectificationNotice,
        SupervisionOrder,
        Talk,
    )
    from dudao.regions.models import GovUnit, Region
    from dudao.schools.models import School
    from dudao.zones.models import Assignment, Complaint, Visit, Zone

    User = get_user_model()
    admin = User.objects.create_superuser("bench_admin", password="Bench-pass-2026")
    office = User.objects.create_user("bench_office", password="Bench-pass-2026")
    inspector_user = User.objects.create_user("bench_inspector", password="Bench-pass-2026")
    province = Region.objects.create(code="980000", name="测试省", level="province")
    city = Region.objects.create(code="980100", name="测试市", level="city", parent=province)
    counties = Region.objects.bulk_create([Region(code=f"98{1 + c // 90:02d}{c % 90 + 10:02d}", name=f"测试县{c}",
                                                  level="county", parent=city) for c in range(COUNTIES)])
    towns = Region.objects.bulk_create([Region(code=f"{c.code}{t:03d}", name=f"{c.name}镇{t}", level="town", parent=c)
                                        for c in counties for t in range(1, 6)])
    RoleAssignment.objects.create(user=office, role=Role.OFFICE, region=counties[0])
    bureaus = GovUnit.objects.bulk_create([GovUnit(code=f"B{c.code}", name=f"{c.name}教育局", kind="department",
                                                   region=c, is_education_authority=True) for c in counties])
    schools = []
    for k, county in enumerate(counties):
        for s in range(FIRST if k == 0 else SCHOOLS):
            schools.append(School(code=f"1{county.code}{s:03d}", name=f"{county.name}第{s}小学", school_type="primary",
                                  region=towns[k * 5 + s % 5], ownership="public", urban_rural="urban",
                                  students_primary=300, classes_primary=8))
    schools = School.objects.bulk_create(schools, batch_size=2000)
    by_county: dict[str, list] = {}
    for school in schools:
        by_county.setdefault(school.region_id[:6], []).append(school)
    day = datetime.date(2024, 9, 1)
    inspectors, zones, assignments = [], [], []
    for k, county in enumerate(counties):
        own = by_county[county.code]
        n = (len(own) - MINE) // PER_INSPECTOR + 1 if k == 0 else len(own) // PER_INSPECTOR
        for i in range(n):
            inspectors.append(Inspector(card_no=f"D{county.code}{i:03d}", name=f"督学{county.code}{i}", phone="1",
                                        kind="fulltime", source="official", region=county, appointed_on=day,
                                        term_start=day, user=inspector_user if (k == 0 and i == 0) else None))
            zones.append(Zone(code=f"Z{county.code}{i:03d}", name=f"{county.name}责任区{i}", region=county))
    inspectors = Inspector.objects.bulk_create(inspectors, batch_size=2000)
    zones = Zone.objects.bulk_create(zones, batch_size=2000)
    by_region: dict[str, list] = {}
    for inspector, zone in zip(inspectors, zones, strict=True):
        by_region.setdefault(inspector.region_id, []).append((inspector, zone))
    for county in counties:
        own = by_county[county.code]
        pairs = by_region[county.code]
        for s, school in enumerate(own):
            index = 0 if (county is counties[0] and s < MINE) else (
                (s - MINE) // PER_INSPECTOR + 1 if county is counties[0] else s // PER_INSPECTOR)
            inspector, zone = pairs[min(index, len(pairs) - 1)]
            assignments.append(Assignment(zone=zone, inspector=inspector, school=school, started_on=day, created_by=admin))
    Assignment.objects.bulk_create(assignments, batch_size=5000)
    owner = {a.school_id: a for a in assignments}
    now = timezone.now()
    month_start = timezone.localdate().replace(day=1)
    visits = []
    for school in schools:
        a = owner[school.pk]
        first_county = school.region_id.startswith(counties[0].code)
        for v in range(VISITS_PER_SCHOOL):
            start = now - datetime.timedelta(days=(timezone.localdate() - month_start).days + 1 + 25 * v) \
                if first_county else now - datetime.timedelta(days=1 + 25 * v)
            visits.append(Visit(inspector=a.inspector, school=school, zone=a.zone, started_at=start,
                                ended_at=start + datetime.timedelta(hours=2), minutes_on_site=120, narrative="纪实",
                                status="submitted" if v % 4 == 0 else "signed", created_by=admin))
        if len(visits) >= 20000:
            Visit.objects.bulk_create(visits, batch_size=5000)
            visits = []
    Visit.objects.bulk_create(visits, batch_size=5000)
    statuses = [NoticeStatus.ISSUED, NoticeStatus.ACKNOWLEDGED, NoticeStatus.RECTIFYING, NoticeStatus.REPORTED,
                NoticeStatus.CLOSED]
    today = timezone.localdate()
    for k, county in enumerate(counties):
        own = by_county[county.code]
        notices = []
        for n in range(NOTICES_PER_COUNTY):
            school = own[n % len(own)]
            status = statuses[n % 5]
            notices.append(RectificationNotice(
                number=f"{county.name}督整〔2026〕{n + 1}号", school=school, region_code=school.region_id,
                due_date=today + datetime.timedelta(days=(n % 40) - 20), status=status, issued_by=admin, issued_at=now,
                reported_at=now if status in (NoticeStatus.REPORTED, NoticeStatus.CLOSED) else None,
                verify_due_date=today + datetime.timedelta(days=10) if status == NoticeStatus.REPORTED else None,
                file_due_date=today + datetime.timedelta(days=3) if status == NoticeStatus.REPORTED else None,
                filed_at=now if status == NoticeStatus.CLOSED else None))
        notices = RectificationNotice.objects.bulk_create(notices, batch_size=2000)
        SupervisionOrder.objects.bulk_create([SupervisionOrder(
            number=f"{county.name}督办〔2026〕{i}号", notice=x, department=bureaus[k], region_code=x.region_code,
            issued_at=now, due_date=today + datetime.timedelta(days=5)) for i, x in enumerate(notices)
            if x.status in (NoticeStatus.ISSUED, NoticeStatus.ACKNOWLEDGED) and x.due_date < today and i % 3])
        Complaint.objects.bulk_create([Complaint(
            number=f"TS{county.code}{c:05d}", school=own[c % len(own)], kind="complaint", channel="hotline",
            content="反映的问题。", received_at=now, assigned_to=owner[own[c % len(own)].pk].inspector if c % 4 else None,
            status=["received", "assigned", "verified", "replied", "closed"][c % 5]) for c in range(COMPLAINTS_PER_COUNTY)])
        Talk.objects.bulk_create([Talk(key=f"bench:{county.code}:{t}", school=own[t], region_code=own[t].region_id,
                                       reason="整改不力。", proposed_at=now) for t in range(TALKS_PER_COUNTY)])
        AccountabilityCase.objects.bulk_create([AccountabilityCase(
            number=f"{county.name}督问〔2026〕{t}号", target_kind="unit", school=own[t], region_code=own[t].region_id,
            situation="safety", facts="安全问题。", filed_on=today, investigation_due=today + datetime.timedelta(days=60),
            created_by=admin) for t in range(TALKS_PER_COUNTY)])
    return office, inspector_user


def timed(label, fn, runs=30):
    for _ in range(3):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(f"{label:60s} median {statistics.median(times):7.1f} ms   p95 {times[int(len(times) * 0.95) - 1]:7.1f} ms")


def main() -> None:
    from django.contrib.auth import get_user_model

    from dudao.dashboard.selectors.todos import my_todos
    from dudao.rectification.todo import notices_to_check, office_decisions, orders
    from dudao.zones.todo import complaints, cross_due, visits_due

    User = get_user_model()
    if sys.argv[1:] == ["time"]:  # the timings again, on the last run's data
        office, inspector = User.objects.get(username="bench_office"), User.objects.get(username="bench_inspector")
    else:
        call_command("flush", interactive=False, verbosity=0)
        call_command("migrate", verbosity=0)
        t0 = time.perf_counter()
        office, inspector = build()
        print(f"built in {time.perf_counter() - t0:.0f} s ({connection.vendor})")
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE")
    today = timezone.localdate()
    for user in (inspector, office):
        fresh = User.objects.get(pk=user.pk)
        with CaptureQueriesContext(connection) as q:
            rows = my_todos(fresh)
        print(f"{user.username}: {len(rows)} items, {len(q.captured_queries)} queries")
    for name, fn, user in [("visits_due (inspector, 50 schools)", visits_due, inspector),
                           ("complaints (inspector)", complaints, inspector),
                           ("cross_due (inspector)", cross_due, inspector),
                           ("notices_to_check (inspector)", notices_to_check, inspector),
                           ("complaints (office, 500 schools)", complaints, office),
                           ("notices_to_check (office)", notices_to_check, office),
                           ("orders (office)", orders, office),
                           ("office_decisions (office)", office_decisions, office)]:
        timed(name, lambda fn=fn, user=user: fn(User.objects.get(pk=user.pk), today))
    for user in (inspector, office):
        client = Client()
        client.force_login(user)
        timed(f"my_todos, every source ({user.username})", lambda user=user: my_todos(User.objects.get(pk=user.pk)))
        timed(f"GET /api/v1/me/tasks ({user.username})", lambda client=client: client.get("/api/v1/me/tasks"))


if __name__ == "__main__":
    main()
