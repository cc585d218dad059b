"""Benchmarks for the rectification loop (issue 5): the daily deadline job over a province, and the ledger page.

Run: .venv/bin/python bench/bench_rectification.py            (SQLite, a fresh database under bench/out/)
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_bench .venv/bin/python bench/bench_rectification.py
     .venv/bin/python bench/bench_rectification.py pages      (the ledger pages again, on the last run's data)
Prints its figures; docs/benchmarks.md records the latest ones.

The province: 20,000 schools in 100 counties, each county with its education bureau (the competent department,
with one login so 督办单 notifications are really written) and an office login; 2,000,000 findings (100 per
school, a third still open); 100,000 notices: 50,000 whose deadline was yesterday (each must get one 督办单),
25,000 due in two days (each must get one reminder) and 25,000 closed. The job runs twice: the second run
must find nothing to do. Peak memory is the process's maximum resident set size.
"""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
OUT.mkdir(exist_ok=True)
os.environ.setdefault("DUDAO_VAR_DIR", str(OUT))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench_rectification.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ["ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from bench_registry import province_workbook, timed_pages  # noqa: E402

FINDINGS_PER_SCHOOL = 100
OVERDUE, REMIND, CLOSED = 50_000, 25_000, 25_000
TEXTS = ["食堂留样记录不全，部分餐次未留样。", "校门口护学岗人员不足。", "部分班级书面作业量偏大。", "消防通道堆放杂物。",
         "教师师德考核档案不完整。", "体育课被占用。", "校务公开栏信息更新不及时。"]


def build(admin) -> None:
    from django.contrib.auth import get_user_model

    from dudao.core.models import RoleAssignment
    from dudao.rectification.models import Finding, NoticeStatus, RectificationNotice
    from dudao.regions.models import GovUnit, Region
    from dudao.schools.imports import registry_import
    from dudao.schools.models import School

    registry_import(actor=admin, data=province_workbook(), filename="province.xlsx")
    start = time.perf_counter()
    counties = list(Region.objects.filter(level="county").order_by("code").values_list("code", flat=True))
    GovUnit.objects.bulk_create([GovUnit(code=f"E{c}", name=f"{c}教育局", kind="department", region_id=c,
                                         is_education_authority=True) for c in counties])
    get_user_model().objects.bulk_create(
        [get_user_model()(username=f"bureau-{c}") for c in counties] + [get_user_model()(username=f"office-{c}") for c in counties])
    units = dict(GovUnit.objects.filter(code__startswith="E").values_list("region_id", "pk"))
    users = {u.username: u.pk for u in get_user_model().objects.filter(username__contains="-99")}
    RoleAssignment.objects.bulk_create(
        [RoleAssignment(user_id=users[f"bureau-{c}"], role="unit", unit_id=units[c]) for c in counties]
        + [RoleAssignment(user_id=users[f"office-{c}"], role="office", region_id=c) for c in counties])
    schools = list(School.objects.order_by("code").values_list("pk", "region_id"))
    today = timezone.localdate()
    now = timezone.now()
    notices = []
    plan = [(OVERDUE, NoticeStatus.ACKNOWLEDGED, -1), (REMIND, NoticeStatus.RECTIFYING, 2), (CLOSED, NoticeStatus.CLOSED, -30)]
    n = 0
    for count, status, offset in plan:
        for _ in range(count):
            school_id, region = schools[n % len(schools)]
            notices.append(RectificationNotice(
                number=f"B{n:07d}", school_id=school_id, region_code=region, due_date=today + datetime.timedelta(days=offset),
                status=status, issued_by=admin, issued_at=now - datetime.timedelta(days=40)))
            n += 1
    RectificationNotice.objects.bulk_create(notices, batch_size=5000)
    notice_ids = list(RectificationNotice.objects.order_by("pk").values_list("pk", "school_id", "status", "due_date"))
    # 2,000,000 findings: the first 150,000 belong to the notices (one or two each), the rest a mix of states.
    regions = dict(schools)
    batch, k = [], 0
    raised = now - datetime.timedelta(days=200)
    for notice_id, school_id, status, due in notice_ids:
        for _ in range(1 + notice_id % 2):
            done = status == NoticeStatus.CLOSED
            batch.append(Finding(source="visit", school_id=school_id, region_code=regions[school_id],
                                 description=TEXTS[k % len(TEXTS)], raised_at=raised, notice_id=notice_id, due_date=due,
                                 status="closed" if done else "open", closed_at=now if done else None,
                                 closed_on_time=True if done else None))
            k += 1
    Finding.objects.bulk_create(batch, batch_size=5000)
    total = len(schools) * FINDINGS_PER_SCHOOL
    i = 0
    while k < total:
        batch = []
        for _ in range(min(20_000, total - k)):
            school_id, region = schools[i % len(schools)]
            state = ("closed", "closed", "open", "resolved_on_site")[i % 4]
            batch.append(Finding(
                source=("visit", "inspection", "complaint", "manual")[i % 4], school_id=school_id, region_code=region,
                category=f"r{i % 8}", category_label=f"类别{i % 8}", description=TEXTS[i % len(TEXTS)],
                raised_at=raised + datetime.timedelta(minutes=i % 200_000), status=state,
                due_date=today + datetime.timedelta(days=(i % 90) - 45), closed_at=now if state == "closed" else None,
                closed_on_time=None if state == "open" else (state == "resolved_on_site" or i % 5 != 0)))
            i += 1
            k += 1
        Finding.objects.bulk_create(batch, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"[{connection.vendor}] built {Finding.objects.count()} findings, {RectificationNotice.objects.count()} notices "
          f"in {time.perf_counter() - start:.1f} s")


JOB = """
import django, re, time
django.setup()
from django.utils import timezone
from dudao.core.registries import daily_jobs
# what `manage.py run_deadlines --now` runs (rectification.tasks.deadlines_run), each daily job timed on its own:
# since issue 22 the run ends with the cockpit's snapshots of every region, which is not the deadline work
now, parts = timezone.now(), []
for name, job in daily_jobs():
    start = time.perf_counter()
    result = job(now=now)
    parts.append(f"{name} {time.perf_counter() - start:.1f} s ({result})")
print("; ".join(parts))
status = open("/proc/self/status").read()
print("VmHWM", re.search(r"VmHWM:\\s+(\\d+)", status).group(1))
"""


def run_job() -> None:
    """The job in its own process, as cron runs `manage.py run_deadlines`. Its peak memory is read from
    /proc/self/status (VmHWM, the high-water mark of the process's own address space after exec; getrusage
    would also count the pages it shared with this large parent between fork and exec)."""
    from dudao.rectification.models import SupervisionOrder, Talk

    vendor = connection.vendor
    connections.close_all()
    for run in ("first", "second"):
        start = time.perf_counter()
        out = subprocess.run([sys.executable, "-c", JOB], env=os.environ.copy(), cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.strip().splitlines()
        elapsed = time.perf_counter() - start
        peak_mb = int(out[-1].split()[1]) / 1024
        print(f"[{vendor}] deadline job, {run} run: {out[0]} in {elapsed:.1f} s; peak memory {peak_mb:.0f} MB")
    assert SupervisionOrder.objects.count() == OVERDUE, SupervisionOrder.objects.count()
    assert Talk.objects.count() > 0


def time_ledger(admin, county_user) -> None:
    vendor = connection.vendor
    for who, user in (("province admin", admin), ("county office", county_user)):
        client = Client()
        client.force_login(user)
        for path in ["/rectification/", "/rectification/?status=open&overdue=1", "/rectification/?source=complaint&page=200",
                     "/rectification/?region=990101&status=open", "/rectification/?q=食堂", "/rectification/dashboard/"]:
            ms, queries = timed_pages(client, path, runs=5)
            print(f"[{vendor}] {who} GET {path}: median {ms:.0f} ms, {queries} queries")


def main() -> None:
    from django.contrib.auth import get_user_model

    if sys.argv[1:] == ["pages"]:  # the ledger again, on the database the last full run left
        call_command("migrate", "--noinput", verbosity=0)
        admin = get_user_model().objects.get(username="bench")
        time_ledger(admin, get_user_model().objects.get(username="office-990101"))
        return
    vendor = connection.vendor
    if vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(connections.databases["default"]["NAME"]) + suffix).unlink(missing_ok=True)
    else:
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", "--noinput", verbosity=0)
    admin = get_user_model().objects.create_superuser("bench", password="Bench-pass-2026")
    build(admin)
    reset_queries()
    run_job()
    time_ledger(admin, get_user_model().objects.get(username="office-990101"))


if __name__ == "__main__":
    main()
