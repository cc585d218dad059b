"""Benchmark of the cockpit (驾驶舱, issue 22): a province user's page under 1 s, and the nightly snapshot job.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_cockpit .venv/bin/python bench/bench_cockpit.py
     .venv/bin/python bench/bench_cockpit.py                       (SQLite, a fresh database under bench/out/)
     ... bench/bench_cockpit.py --per-school 50                    (findings per school; default 20)
     ... bench/bench_cockpit.py --reuse                            (measure again on the last run's province)
Prints its figures; /work/wt/bench/cockpit.md (docs/benchmarks.md once merged) records the latest ones.

The province is bench_registry's (the generator bench_zones and bench_rectification use): 1 province, 3 cities,
100 counties, 1,000 towns, 20,000 schools; findings as bench_rectification makes them (sources, states, due dates
around today), raised over this year and the last, `--per-school` per school (20 → 400,000). Measured: the
province's page before any snapshot (it queues the background computation and answers at once), the background
computation itself, the province's page with its snapshot (a read of one row), a county's and a town's page
computed live, a county's drill-down, the province's Excel export, and the nightly job (first run: this year,
the last and three years of trend back-fill; second run: this year and the last).
"""

import argparse
import datetime
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
OUT.mkdir(exist_ok=True)
os.environ.setdefault("DUDAO_VAR_DIR", str(OUT))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench_cockpit.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ["ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from bench_registry import province_workbook, timed_pages  # noqa: E402

TEXTS = ["食堂留样记录不全，部分餐次未留样。", "校门口护学岗人员不足。", "部分班级书面作业量偏大。", "消防通道堆放杂物。"]


def build(admin, per_school: int) -> None:
    from dudao.rectification.models import Finding
    from dudao.schools.imports import registry_import
    from dudao.schools.models import School

    registry_import(actor=admin, data=province_workbook(), filename="province.xlsx")
    start = time.perf_counter()
    schools = list(School.objects.order_by("code").values_list("pk", "region_id"))
    now, today = timezone.now(), timezone.localdate()
    year_start = datetime.datetime(today.year, 1, 1, tzinfo=timezone.get_current_timezone())
    span = int((now - year_start).total_seconds() // 60) or 1
    total, i = len(schools) * per_school, 0
    while i < total:
        batch = []
        for _ in range(min(20_000, total - i)):
            school_id, region = schools[i % len(schools)]
            state = ("closed", "closed", "open", "resolved_on_site")[i % 4]
            last_year = i % 3 == 0  # a third raised last year
            raised = (year_start - datetime.timedelta(days=1 + i % 360)) if last_year else \
                (year_start + datetime.timedelta(minutes=i % span))
            batch.append(Finding(
                source=("visit", "inspection", "complaint", "manual")[i % 4], school_id=school_id, region_code=region,
                description=TEXTS[i % len(TEXTS)], raised_at=raised, status=state,
                due_date=today + datetime.timedelta(days=(i % 90) - 45), closed_at=now if state == "closed" else None,
                closed_on_time=None if state == "open" else (state == "resolved_on_site" or i % 5 != 0)))
            i += 1
        Finding.objects.bulk_create(batch, batch_size=5000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"[{connection.vendor}] built {len(schools)} schools, {Finding.objects.count()} findings "
          f"in {time.perf_counter() - start:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-school", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="measure again on the province the last run built")
    args = parser.parse_args()
    vendor = connection.vendor
    if not args.reuse:
        if vendor == "sqlite":
            Path(connections.databases["default"]["NAME"]).unlink(missing_ok=True)
        else:
            call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", "--noinput", verbosity=0)
    from django.contrib.auth import get_user_model

    from dudao.core.services import role_assign, user_create
    from dudao.dashboard.models import CockpitSnapshot
    from dudao.dashboard.services.cockpit import daily_snapshots, snapshot_compute
    from dudao.regions.models import Region

    if args.reuse:
        admin = get_user_model().objects.get(username="bench")
        CockpitSnapshot.objects.all().delete()
    else:
        admin = get_user_model().objects.create_superuser("bench", password="Bench-pass-2026")
        build(admin, args.per_school)
    province = Region.objects.get(code="990000")
    county = Region.objects.filter(level="county").order_by("code").first()
    town = Region.objects.filter(parent=county).order_by("code").first()
    users = {}
    for name, region, role in (("province", province, "leader"), ("county", county, "office")):
        user = get_user_model().objects.filter(username=f"bench-{name}").first()
        if user is None:
            user = user_create(actor=admin, username=f"bench-{name}", full_name=name, password="Bench-pass-2026")
            role_assign(actor=admin, user=user, role=role, region=region)
        users[name] = user
    year = timezone.localdate().year
    results = []

    client = Client()
    client.force_login(users["province"])
    start = time.perf_counter()
    response = client.get("/cockpit/")
    assert response.status_code == 200 and "正在计算，请稍后刷新" in response.content.decode()
    results.append(("省级用户首次打开驾驶舱（无快照：排队后台计算；含进程首个请求的预热）", (time.perf_counter() - start) * 1000, None))
    ms, queries = timed_pages(client, "/cockpit/", runs=5)
    results.append(("省级用户刷新（后台计算尚未完成：显示“正在计算”）", ms, queries))

    start = time.perf_counter()
    snapshot = snapshot_compute(region=province, year=year)
    results.append(("后台计算全省驾驶舱（一次，含 3 个市的分解）", (time.perf_counter() - start) * 1000, None))
    print(f"  province snapshot: {snapshot.seconds:.2f} s computing, {len(str(snapshot.data))} chars of JSON")

    ms, queries = timed_pages(client, "/cockpit/")
    results.append(("省级用户打开驾驶舱（有当日快照）", ms, queries))
    ms, queries = timed_pages(client, "/cockpit/metrics/rectification.rate/")
    results.append(("省级用户指标下钻（有当日快照）", ms, queries))
    ms, queries = timed_pages(client, "/cockpit/export.xlsx", runs=5)
    results.append(("省级用户导出 Excel", ms, queries))

    county_client = Client()
    county_client.force_login(users["county"])
    ms, queries = timed_pages(county_client, "/cockpit/", runs=7)
    results.append(("县级用户打开驾驶舱（无快照：实时计算，10 个乡镇）", ms, queries))
    ms, queries = timed_pages(county_client, f"/cockpit/?region={town.code}", runs=7)
    results.append(("县级用户打开乡镇驾驶舱（实时计算，20 所学校）", ms, queries))

    CockpitSnapshot.objects.all().delete()
    start = time.perf_counter()
    written = daily_snapshots()
    first = time.perf_counter() - start
    results.append((f"每晚快照任务（首次：{written} 个快照，含趋势回填）", first * 1000, None))
    start = time.perf_counter()
    written = daily_snapshots()
    second = time.perf_counter() - start
    results.append((f"每晚快照任务（此后每晚：{written} 个快照）", second * 1000, None))
    ms, queries = timed_pages(county_client, "/cockpit/", runs=15)
    results.append(("县级用户打开驾驶舱（有当日快照）", ms, queries))

    print(f"\n[{vendor}] cockpit, {args.per_school} findings per school")
    for label, ms, queries in results:
        extra = f"，{queries} 次查询" if queries is not None else ""
        print(f"  {label}: {ms:,.0f} ms{extra}")


if __name__ == "__main__":
    main()
