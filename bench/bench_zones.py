"""Benchmarks for 挂牌督导 (issue 3): province-size compliance, frequency (overdue), coverage and workload
pages, and the visit submission API under 10 concurrent clients over loopback.

Run: .venv/bin/python bench/bench_zones.py            (SQLite, a fresh database under bench/out/)
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_bench .venv/bin/python bench/bench_zones.py
     .venv/bin/python bench/bench_zones.py api        (the API part again, on the province the last run built)
Prints its figures; docs/benchmarks.md records the latest ones.

The province: 20,000 schools (30,000 campuses) in 100 counties, 8,000 inspectors, 1,000 zones, one current
assignment per school, 250,000 visits over the school year (the last 10,000 schools have no visit this month,
so the overdue list is long). The API part starts gunicorn on 127.0.0.1 and has 10 client threads each submit
visits (one photo, two problems, one lesson observation) as their own inspector with a bearer token; every 5th
request is a retry of the one before (same client id), which must answer 200 and create nothing.
"""

import datetime
import http.client
import io
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
OUT.mkdir(exist_ok=True)
os.environ.setdefault("DUDAO_VAR_DIR", str(OUT))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench_zones.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from bench_registry import province_workbook, timed_pages  # noqa: E402

INSPECTORS_PER_COUNTY = 80
ZONE_SIZE = 20
VISITS = 250_000
CLIENTS = 10
REQUESTS_PER_CLIENT = 40
PORT = int(os.environ.get("BENCH_PORT", "8765"))


def build_province(admin) -> None:
    from dudao.people.models import Inspector
    from dudao.schools.imports import registry_import
    from dudao.schools.models import School
    from dudao.zones.models import Assignment, Visit, Zone

    registry_import(actor=admin, data=province_workbook(), filename="province.xlsx")
    schools = list(School.objects.order_by("code").values_list("pk", "region_id"))
    counties = sorted({region[:6] for _pk, region in schools})
    start = time.perf_counter()
    inspectors = []
    for county in counties:
        for n in range(INSPECTORS_PER_COUNTY):
            full_time = n % 3 == 0
            inspectors.append(Inspector(
                card_no=f"DX{county}{n:03d}", name=f"督学{county[-3:]}{n:02d}", phone="13900000000",
                kind="fulltime" if full_time else "parttime", source="official" if full_time else (
                    "retired" if n % 5 == 1 else "teacher"),
                region_id=county, retirement_date=datetime.date(2023, 7, 1) if (not full_time and n % 5 == 1) else None,
                appointed_on=datetime.date(2024, 9, 1), term_start=datetime.date(2024, 9, 1)))
    Inspector.objects.bulk_create(inspectors, batch_size=2000)
    by_county: dict[str, list[int]] = {}
    for pk, region in Inspector.objects.order_by("pk").values_list("pk", "region_id"):
        by_county.setdefault(region, []).append(pk)
    zones = []
    schools_by_county: dict[str, list[int]] = {}
    for pk, region in schools:
        schools_by_county.setdefault(region[:6], []).append(pk)
    for county in counties:
        for z in range(len(schools_by_county[county]) // ZONE_SIZE):
            zones.append(Zone(code=f"Z{county}{z:02d}", name=f"第{z + 1}责任区", region_id=county))
    Zone.objects.bulk_create(zones, batch_size=2000)
    zone_ids = {code: pk for code, pk in Zone.objects.values_list("code", "pk")}
    assignments = []
    for county in counties:
        for i, school_id in enumerate(schools_by_county[county]):
            assignments.append(Assignment(
                zone_id=zone_ids[f"Z{county}{i // ZONE_SIZE:02d}"], inspector_id=by_county[county][i % INSPECTORS_PER_COUNTY],
                school_id=school_id, started_on=datetime.date(2025, 9, 1), created_by=admin))
    Assignment.objects.bulk_create(assignments, batch_size=2000)
    # 13 school months from Sep 2025 to Nov 2026; 20,000 schools × 13 = 260,000, so 10,000 miss this month.
    months = [datetime.date(2025, m, 1) for m in (9, 10, 11, 12)] + [datetime.date(2026, m, 1) for m in (1, 2, 3, 4, 5, 6, 9, 10, 11)]
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    batch = []
    for k in range(VISITS):
        a = assignments[k % len(assignments)]
        day = months[k // len(assignments)].replace(day=3 + k % 20)
        if day > today:
            day = today
        began = datetime.datetime.combine(day, datetime.time(9, 0), tzinfo=tz)
        batch.append(Visit(client_id=uuid.UUID(int=k + 1), inspector_id=a.inspector_id, school_id=a.school_id,
                           zone_id=a.zone_id, started_at=began, ended_at=began + datetime.timedelta(hours=3),
                           minutes_on_site=180, methods={"lessons": 2, "tour": 1}, items=["r1", "r3", "r7"],
                           narrative="查看校园安全与课后服务情况。", status="signed", created_by=admin))
        if len(batch) == 5000:
            Visit.objects.bulk_create(batch)
            batch = []
    Visit.objects.bulk_create(batch)
    print(f"[{connection.vendor}] built {len(inspectors)} inspectors, {len(zones)} zones, {len(assignments)} assignments, "
          f"{Visit.objects.count()} visits in {time.perf_counter() - start:.1f} s")


def time_pages(admin, county_user) -> None:
    vendor = connection.vendor
    for who, user in (("province admin", admin), ("county office", county_user)):
        client = Client()
        client.force_login(user)
        for path in ["/zones/compliance/", "/zones/frequency/", "/zones/frequency/?show=all&page=50",
                     "/zones/coverage/", "/zones/workload/"]:
            ms, queries = timed_pages(client, path, runs=5)
            print(f"[{vendor}] {who} GET {path}: median {ms:.0f} ms, {queries} queries")


# ---- the API under concurrency ---------------------------------------------------------------------

def _jpegs(count: int) -> list[bytes]:
    """Distinct 1280×960 photos (each is checked, hashed and thumbnailed; none is a repeat the store can skip)."""
    from PIL import Image, ImageDraw

    base = Image.new("RGB", (1280, 960), (120, 160, 200))
    draw = ImageDraw.Draw(base)
    for i in range(0, 1280, 40):
        draw.line([(i, 0), (1280 - i, 960)], fill=(i % 255, 80, 40), width=3)
    result = []
    for n in range(count):
        image = base.copy()
        ImageDraw.Draw(image).rectangle([n % 1200, 10, n % 1200 + 60, 70], fill=(n % 256, (n // 256) % 256, 200))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=85)
        result.append(buffer.getvalue())
    return result


def _multipart(data: dict, photo: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"data\"\r\n\r\n".encode(),
        json.dumps(data, ensure_ascii=False).encode(), b"\r\n",
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"photos\"; filename=\"p.jpg\"\r\n"
        f"Content-Type: image/jpeg\r\n\r\n".encode(), photo, b"\r\n", f"--{boundary}--\r\n".encode(),
    ]
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def api_clients(admin) -> list[tuple[str, list[str]]]:
    """Ten inspectors of one county get a login and a token; each submits to its own schools."""
    from django.contrib.auth import get_user_model

    from dudao.core.services import token_issue
    from dudao.people.models import Inspector
    from dudao.zones.models import Assignment

    result = []
    for n, inspector in enumerate(Inspector.objects.filter(region_id="990101").order_by("pk")[:CLIENTS]):
        user, _new = get_user_model().objects.get_or_create(username=f"bench-inspector-{n}")
        inspector.user = user
        inspector.save(update_fields=["user"])
        key, _token = token_issue(user=user)
        codes = list(Assignment.objects.current().filter(inspector=inspector).values_list("school__code", flat=True))
        result.append((key, codes))
    return result


def _cpu(usage) -> float:
    return usage.ru_utime + usage.ru_stime


def _children_cpu(pid: int) -> float:
    """User + system CPU seconds of the gunicorn master and its workers, from /proc."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if stat.parent.name == str(pid) or fields[1] == str(pid):  # the master, or a worker (ppid = master)
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def warm_up(clients, photo: bytes) -> None:
    """Each worker imports Pillow, builds the API schema and opens its connection on its first requests."""
    key, codes = clients[0]
    for _ in range(15):
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        conn.request("GET", "/api/v1/visits?page=1", headers={"Authorization": f"Bearer {key}"})
        conn.getresponse().read()
        conn.close()


def run_api(clients: list[tuple[str, list[str]]]) -> None:
    from dudao.zones.models import Visit

    vendor = connection.vendor
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "ALLOWED_HOSTS": "127.0.0.1"}
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "dudao.wsgi", "--bind", f"127.0.0.1:{PORT}", "--workers", "3",
         "--log-level", "warning"], cwd=ROOT, env=env)
    try:
        for _ in range(100):
            try:
                probe = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
                probe.request("GET", "/login/")
                probe.getresponse().read()
                break
            except OSError:
                time.sleep(0.2)
        photos = _jpegs(CLIENTS * REQUESTS_PER_CLIENT)
        before = Visit.objects.count()
        latencies: list[float] = []
        errors: list[str] = []
        created = 0
        lock = threading.Lock()
        today = timezone.localdate()
        tz = timezone.get_current_timezone()

        def client_loop(n: int, key: str, codes: list[str]) -> None:
            nonlocal created
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            last = None
            for r in range(REQUESTS_PER_CLIENT):
                if r % 5 == 4 and last is not None:
                    payload = last  # a retry after a "dropped" response: same client id, same photo
                else:
                    photo = photos[n * REQUESTS_PER_CLIENT + r]
                    day = today - datetime.timedelta(days=1 + r % 20)
                    began = datetime.datetime.combine(day, datetime.time(8, 30), tzinfo=tz)
                    payload = {
                        "client_id": str(uuid.uuid4()), "school_code": codes[r % len(codes)],
                        "started_at": began.isoformat(), "ended_at": (began + datetime.timedelta(hours=3)).isoformat(),
                        "methods": {"lessons": 2, "documents": 1, "tour": 1}, "items": ["r1", "r3", "r7"],
                        "narrative": "随机听课两节，查阅课后服务台账，巡视食堂与校门口。", "highlights": "课后服务项目丰富。",
                        "problems": [
                            {"item": "r7", "follow_up": "on_site", "description": "食堂留样记录不全。"},
                            {"item": "r3", "follow_up": "suggestion", "description": "作业公示未按周更新。",
                             "requirement": "两周内整改并报送照片。"}],
                        "lessons": [{"class_name": "五（2）班", "subject": "数学", "teacher": "王老师", "rating": "good"}],
                    }
                body, content_type = _multipart(payload, photo)
                start = time.perf_counter()
                try:
                    conn.request("POST", "/api/v1/visits", body=body, headers={
                        "Authorization": f"Bearer {key}", "Content-Type": content_type})
                    response = conn.getresponse()
                    text = response.read()
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
                    with lock:
                        errors.append(f"client {n}: {exc!r}")
                    continue
                elapsed = (time.perf_counter() - start) * 1000
                expected = 200 if payload is last else 201
                with lock:
                    latencies.append(elapsed)
                    if response.status != expected:
                        errors.append(f"client {n}: HTTP {response.status} (expected {expected}) {text[:200]!r}")
                    elif expected == 201:
                        created += 1
                last = payload

        warm_up(clients, photos[-1])
        cpu_self, cpu_children = resource.getrusage(resource.RUSAGE_SELF), _children_cpu(server.pid)
        threads = [threading.Thread(target=client_loop, args=(n, key, codes)) for n, (key, codes) in enumerate(clients)]
        wall = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - wall
        client_cpu = _cpu(resource.getrusage(resource.RUSAGE_SELF)) - _cpu(cpu_self)
        server_cpu = _children_cpu(server.pid) - cpu_children
        added = Visit.objects.count() - before
        latencies.sort()
        p95 = latencies[int(len(latencies) * 0.95) - 1] if latencies else float("nan")
        print(f"[{vendor}] POST /api/v1/visits, {CLIENTS} concurrent clients, {len(latencies)} requests "
              f"({created} new + retries), photos ~{len(photos[0]) // 1024} KB: median {statistics.median(latencies):.0f} ms, "
              f"p95 {p95:.0f} ms, max {latencies[-1]:.0f} ms, {len(latencies) / wall:.0f} req/s, "
              f"{len(errors)} errors, visits added {added} (expected {created})")
        print(f"[{vendor}]   CPU during the run: server (gunicorn workers) {server_cpu:.1f} s = "
              f"{server_cpu * 1000 / len(latencies):.0f} ms per request; client threads {client_cpu:.1f} s; wall {wall:.1f} s")
        for error in errors[:10]:
            print("   ", error)
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    if sys.argv[1:] == ["api"]:  # measure the API again on the database the last full run left
        clients = api_clients(None)
        connections.close_all()
        run_api(clients)
        return
    vendor = connection.vendor
    if vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(connections.databases["default"]["NAME"]) + suffix).unlink(missing_ok=True)
    else:
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", "--noinput", verbosity=0)
    from django.contrib.auth import get_user_model

    from dudao.core.services import role_assign
    from dudao.regions.models import Region

    admin = get_user_model().objects.create_superuser("bench", password="Bench-pass-2026")
    build_province(admin)
    county_user = get_user_model().objects.create_user("bench-county", password="Bench-pass-2026")
    role_assign(actor=admin, user=county_user, role="office", region=Region.objects.get(code="990101"))
    time_pages(admin, county_user)
    clients = api_clients(admin)
    connections.close_all()
    run_api(clients)


if __name__ == "__main__":
    main()
