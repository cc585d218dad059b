"""Benchmark of the 工作台 (issue 22): the home page and GET /api/v1/me/tasks for an inspector with 50 schools and
for the office of a 500-school county, on a province-size database. Target: under 150 ms each (PostgreSQL).

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_home_bench .venv/bin/python bench/bench_home.py
     .venv/bin/python bench/bench_home.py                      (SQLite, a fresh database under bench/out/)
     .venv/bin/python bench/bench_home.py pages                (the pages again, on the last run's data)
Prints its figures; docs/benchmarks.md records the latest ones.

The province is bench_zones.py's (20,000 schools in 100 counties, 8,000 inspectors, one current assignment per
school, 250,000 visits over the school year) with bench_rectification.py's kind of findings, scaled to 25 per
school (500,000, a quarter open, some overdue) and one rectification notice per school (a third overdue, a third
due in two days). County 990101 gets 300 more schools (500 in all, findings and notices too) and an office login
("office-990101"); one inspector there is given 50 of its schools ("inspector-50"). Every registered to-do source
and calendar source runs: the figure is the page's cost with the sources of this checkout. A second round adds a
stand-in source, "overdue and active notices" read through rectification.selectors.notice_list (what todo-a's
notice source reads), so the office has hundreds of items and the per-source cap (20 shown) is measured too.
"""

import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
OUT.mkdir(exist_ok=True)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench_home.sqlite3'}")
sys.path.insert(0, str(ROOT / "bench"))
import bench_zones  # noqa: E402 -- sets Django up (tests.settings) on DATABASE_URL
from bench_registry import timed_pages  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

FINDINGS_PER_SCHOOL = 25
COUNTY = "990101"
EXTRA_SCHOOLS = 300
INSPECTOR_SCHOOLS = 50
TEXTS = ["食堂留样记录不全，部分餐次未留样。", "校门口护学岗人员不足。", "部分班级书面作业量偏大。", "消防通道堆放杂物。"]


def build(admin) -> None:
    from django.contrib.auth import get_user_model

    from dudao.core.models import RoleAssignment
    from dudao.people.models import Inspector
    from dudao.rectification.models import Finding, NoticeStatus, RectificationNotice
    from dudao.schools.models import School
    from dudao.zones.models import Assignment, Zone

    bench_zones.build_province(admin)
    start = time.perf_counter()
    towns = [f"{COUNTY}{t:03d}" for t in range(1, 11)]
    School.objects.bulk_create([
        School(code=f"{COUNTY}{9000 + k:04d}", name=f"县{COUNTY}加设小学{k}", school_type="primary", ownership="public",
               urban_rural="rural", region_id=towns[k % 10], students_primary=300, classes_primary=8)
        for k in range(EXTRA_SCHOOLS)], batch_size=2000)
    User = get_user_model()
    office = User.objects.create_user("office-" + COUNTY, password=None)
    RoleAssignment.objects.create(user=office, role="office", region_id=COUNTY)
    # the inspector with 50 schools: the county's first inspector, given 50 of its schools
    user = User.objects.create_user("inspector-50", password=None)
    inspector = Inspector.objects.filter(region_id=COUNTY).order_by("card_no").first()
    inspector.user = user
    inspector.save(update_fields=["user"])
    mine = list(School.objects.filter(region__code__startswith=COUNTY).order_by("code").values_list("pk", flat=True)
                [:INSPECTOR_SCHOOLS])
    today = timezone.localdate()
    Assignment.objects.filter(school_id__in=mine, ended_on__isnull=True).update(ended_on=today - datetime.timedelta(days=1))
    zone = Zone.objects.filter(region_id=COUNTY).order_by("code").first()
    Assignment.objects.bulk_create([Assignment(zone=zone, inspector=inspector, school_id=pk, started_on=today,
                                               created_by=admin) for pk in mine])
    # findings and notices, as bench_rectification.py makes them (scaled)
    schools = list(School.objects.order_by("code").values_list("pk", "region_id"))
    now = timezone.now()
    notices = []
    for n, (school_id, region) in enumerate(schools):
        status, offset = ((NoticeStatus.ACKNOWLEDGED, -1), (NoticeStatus.RECTIFYING, 2), (NoticeStatus.CLOSED, -30))[n % 3]
        notices.append(RectificationNotice(number=f"H{n:07d}", school_id=school_id, region_code=region,
                                           due_date=today + datetime.timedelta(days=offset), status=status,
                                           issued_by=admin, issued_at=now - datetime.timedelta(days=40)))
    RectificationNotice.objects.bulk_create(notices, batch_size=5000)
    raised = now - datetime.timedelta(days=200)
    total, i = len(schools) * FINDINGS_PER_SCHOOL, 0
    while i < total:
        batch = []
        for _ in range(min(20_000, total - i)):
            school_id, region = schools[i % len(schools)]
            state = ("closed", "closed", "open", "resolved_on_site")[i % 4]
            batch.append(Finding(
                source=("visit", "inspection", "complaint", "manual")[i % 4], school_id=school_id, region_code=region,
                category=f"r{i % 8}", category_label=f"类别{i % 8}", description=TEXTS[i % len(TEXTS)],
                raised_at=raised + datetime.timedelta(minutes=i % 200_000), status=state,
                due_date=today + datetime.timedelta(days=(i % 90) - 45), closed_at=now if state == "closed" else None,
                closed_on_time=None if state == "open" else (state == "resolved_on_site" or i % 5 != 0)))
            i += 1
        Finding.objects.bulk_create(batch, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"[{connection.vendor}] built {School.objects.count()} schools, {Finding.objects.count()} findings, "
          f"{RectificationNotice.objects.count()} notices in {time.perf_counter() - start:.1f} s")


def stand_in_notices(user, today):
    """Every active notice in the user's scope as a to-do (the real sources are todo-a's and todo-b's)."""
    from dudao.core.registries import Todo, url_for_pk
    from dudao.rectification.models import ACTIVE_NOTICE
    from dudao.rectification.selectors import notice_list

    url = url_for_pk("rectification:notice_detail")
    return [Todo(kind="bench.notice", title="督促整改", object=f"{n.school or n.unit} · {n.number}", url=url(n.pk),
                 due=n.due_date, key=f"bench.notice:{n.pk}")
            for n in notice_list(user).filter(status__in=ACTIVE_NOTICE).order_by("due_date", "pk")]


def time_pages() -> None:
    from dudao.core.registries import register_todo_source

    _time_pages("")
    register_todo_source("bench.notices", "整改通知书（替身）", stand_in_notices, roles=("office", "inspector"),
                         list_url="rectification:notice_list")
    _time_pages(" + stand-in notice source")


def _time_pages(label: str) -> None:
    from django.contrib.auth import get_user_model

    from dudao.core.services import token_issue
    from dudao.dashboard.selectors.todos import todo_list

    vendor = connection.vendor
    for who, username in (("inspector, 50 schools", "inspector-50"), (f"office of {COUNTY} (500 schools)", f"office-{COUNTY}")):
        user = get_user_model().objects.get(username=username)
        client = Client()
        client.force_login(user)
        key, _token = token_issue(user=user)
        listed = todo_list(user)
        print(f"[{vendor}]{label} {who}: {listed.total} to-do items ({len(listed.rows)} listed)")
        for path, headers in (("/", {}), ("/api/v1/me/tasks", {"HTTP_AUTHORIZATION": f"Bearer {key}"})):
            client.get(path, **headers)
            ms, queries = timed_pages(_with_headers(client, headers), path, runs=15)
            print(f"[{vendor}]{label} {who} GET {path}: median {ms:.0f} ms, {queries} queries")


def _with_headers(client: Client, headers: dict) -> Client:
    """A client whose get() sends the headers (timed_pages calls client.get(path))."""
    if not headers:
        return client
    get = client.get
    client.get = lambda path, **extra: get(path, **{**headers, **extra})
    return client


def main() -> None:
    from django.contrib.auth import get_user_model

    if sys.argv[1:] == ["pages"]:
        call_command("migrate", "--noinput", verbosity=0)
        time_pages()
        return
    if connection.vendor == "sqlite":
        connections.close_all()
        for suffix in ("", "-wal", "-shm"):
            Path(str(connections.databases["default"]["NAME"]) + suffix).unlink(missing_ok=True)
    else:
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", "--noinput", verbosity=0)
    admin = get_user_model().objects.create_superuser("bench", password="Bench-pass-2026")
    build(admin)
    time_pages()


if __name__ == "__main__":
    main()
