"""Benchmark for 培训签到 (issue 24, area training): QR sign-in of a 500-person online training through a real
server (gunicorn, 3 workers, over loopback), as bench_checks_submit.py measures the checks API.

Run: .venv/bin/python bench/bench_training_signin.py            (SQLite, a fresh database under bench/out/)
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_training_bench .venv/bin/python bench/bench_training_signin.py
Target (issue 24): 500 sign-ins within one minute, p95 under 150 ms, no duplicates. /work/wt/bench/training.md
records the figures.

The county: 500 inspectors, each with a login and a bearer token, all enrolled in one open online event whose
session runs now. 20 client threads post POST /api/v1/trainings/{id}/sign-in with the session's current QR token
(as the phone does after the scan), the 500 scans paced evenly over 50 s (people arriving within the minute, an
open loop: each is sent at its moment whatever the others do); every 10th trainee scans twice (the second must
answer 200 and change nothing). The code rotates every 60 s as on the office's screen. Afterwards the attendance rows are counted: exactly 500, one per trainee.
"""

import datetime
import http.client
import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
OUT.mkdir(exist_ok=True)
os.environ.setdefault("DUDAO_VAR_DIR", str(OUT))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench_training_signin.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.utils import timezone  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from bench_zones import _children_cpu, _cpu  # noqa: E402

TRAINEES = 500
CLIENTS = 20
PORT = int(os.environ.get("BENCH_PORT", "8767"))
SPREAD_SECONDS = 50  # the trainees' scans spread over this much of the minute
ROTATE_SECONDS = 60  # workforce.training_qr_rotate_seconds' default


def build(admin):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from dudao.core.services import role_assign, token_issue
    from dudao.people.models import Inspector
    from dudao.regions.models import Region
    from dudao.workforce.models import TrainingEnrolment, TrainingEvent, TrainingEventStatus
    from dudao.workforce.services import training as services

    User = get_user_model()
    province = Region.objects.create(code="990000", name="示范省", level="province")
    city = Region.objects.create(code="990100", name="示范市", level="city", parent=province)
    county = Region.objects.create(code="990101", name="示范区", level="county", parent=city)
    password = make_password("Bench-pass-2026")
    User.objects.bulk_create([User(username=f"bench-trainee-{n}", password=password) for n in range(TRAINEES)])
    users = list(User.objects.filter(username__startswith="bench-trainee-").order_by("id"))
    Inspector.objects.bulk_create([
        Inspector(card_no=f"DXT{n:04d}", name=f"督学{n:03d}", phone="13900000000", kind="parttime", source="teacher",
                  region_id=county.code, appointed_on=datetime.date(2024, 9, 1), term_start=datetime.date(2024, 9, 1),
                  user=user) for n, user in enumerate(users)])
    office = User.objects.create_user("bench-training-office", password="Bench-pass-2026")
    role_assign(actor=admin, user=office, role="office", region=county)
    now = timezone.now()
    today = timezone.localdate()
    event = services.event_create(actor=office, region=county, data={
        "title": "全省督学网络培训（基准）", "level": "province", "kind": "online", "starts_on": today, "ends_on": today,
        "is_online": True, "place": "省督导网络学院", "hours": "2", "audience": ["inspector"], "capacity": TRAINEES,
        "self_enrol": True, "completion_percent": "100"})
    start = max(now - datetime.timedelta(minutes=5), timezone.localtime(now).replace(hour=0, minute=0, second=0))
    end = min(now + datetime.timedelta(minutes=50), timezone.localtime(now).replace(hour=23, minute=59, second=0))
    session = services.session_add(actor=office, event=event, title="直播课", starts_at=start, ends_at=end)
    services.event_transition(actor=office, event=event, to=TrainingEventStatus.OPEN)
    inspectors = list(Inspector.objects.filter(region_id=county.code).order_by("id"))
    TrainingEnrolment.objects.bulk_create([TrainingEnrolment(event=event, inspector=i, enrolled_by=office)
                                           for i in inspectors])
    TrainingEvent.objects.filter(pk=event.pk).update(enrolled_count=len(inspectors))
    keys = []
    for user in users:
        key, _token = token_issue(user=user)
        keys.append(key)
    print(f"[{connection.vendor}] built {len(inspectors)} enrolled inspectors with tokens, one online event, one "
          f"session now")
    return event.pk, session.pk, keys


def run(event_pk: int, session_pk: int, keys: list[str]) -> None:
    from dudao.workforce.models import TrainingAttendance, TrainingSession
    from dudao.workforce.services import training as services

    vendor = connection.vendor
    session = TrainingSession.objects.get(pk=session_pk)
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
        latencies: list[float] = []
        errors: list[str] = []
        counts = {"new": 0, "again": 0}
        lock = threading.Lock()
        path = f"/api/v1/trainings/{event_pk}/sign-in"
        # the QR page: a fresh code every rotation interval (60 s), as the office's screen shows it
        current = {"body": json.dumps({"token": services.sign_in_token(session)}).encode()}
        done = threading.Event()

        def rotate():
            while not done.wait(ROTATE_SECONDS):
                current["body"] = json.dumps({"token": services.sign_in_token(session)}).encode()

        def post(conn, key):
            body = current["body"]
            start = time.perf_counter()
            conn.request("POST", path, body=body, headers={"Authorization": f"Bearer {key}",
                                                            "Content-Type": "application/json"})
            response = conn.getresponse()
            text = response.read()
            return response.status, text, (time.perf_counter() - start) * 1000

        # open loop: the 500 trainees scan at an even pace over SPREAD_SECONDS (as people arrive within the
        # minute), every 10th scans twice; CLIENTS threads send them at their scheduled moments
        plan = []
        for r, key in enumerate(keys):
            at = r * SPREAD_SECONDS / len(keys)
            plan.append((at, key, 0))
            if r % 10 == 9:
                plan.append((at + 0.05, key, 1))
        plan.sort(key=lambda row: row[0])
        lags: list[float] = []
        owner: dict[str, int] = {}
        t0 = 0.0

        def client_loop(n: int, mine: list) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            for at, key, attempt in mine:
                delay = t0 + at - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                try:
                    status, text, elapsed = post(conn, key)
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
                    with lock:
                        errors.append(f"client {n}: {exc!r}")
                    continue
                expected = 201 if attempt == 0 else 200
                with lock:
                    latencies.append(elapsed)
                    lags.append(max(0.0, -delay))
                    if status != expected:
                        errors.append(f"client {n}: HTTP {status} (expected {expected}) {text[:200]!r}")
                    else:
                        counts["new" if attempt == 0 else "again"] += 1

        for _ in range(15):  # warm the workers: imports, the API schema, a connection each
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            conn.request("GET", "/api/v1/trainings", headers={"Authorization": f"Bearer {keys[0]}"})
            conn.getresponse().read()
            conn.close()
        cpu_self, cpu_children = resource.getrusage(resource.RUSAGE_SELF), _children_cpu(server.pid)
        # a trainee's second scan goes to the same thread, after the first
        shares = [[] for _ in range(CLIENTS)]
        for i, row in enumerate(plan):
            if row[2] == 0:
                owner[row[1]] = i % CLIENTS
            shares[owner[row[1]]].append(row)
        threads = [threading.Thread(target=client_loop, args=(n, shares[n])) for n in range(CLIENTS)]
        rotator = threading.Thread(target=rotate, daemon=True)
        rotator.start()
        current["body"] = json.dumps({"token": services.sign_in_token(session)}).encode()
        wall = t0 = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - wall
        done.set()
        client_cpu = _cpu(resource.getrusage(resource.RUSAGE_SELF)) - _cpu(cpu_self)
        server_cpu = _children_cpu(server.pid) - cpu_children
        rows = TrainingAttendance.objects.filter(session_id=session_pk).count()
        people = TrainingAttendance.objects.filter(session_id=session_pk).values("enrolment").distinct().count()
        latencies.sort()
        p95 = latencies[int(len(latencies) * 0.95) - 1] if latencies else float("nan")
        print(f"[{vendor}] POST /api/v1/trainings/{{id}}/sign-in, {CLIENTS} concurrent clients, {len(latencies)} "
              f"requests ({counts['new']} sign-ins 201, {counts['again']} second scans 200): median "
              f"{statistics.median(latencies):.0f} ms, p95 {p95:.0f} ms, max {latencies[-1]:.0f} ms, "
              f"{len(latencies) / wall:.0f} req/s, all {len(keys)} signed in within {wall:.1f} s (paced over "
              f"{SPREAD_SECONDS} s; sent at most {max(lags) * 1000:.0f} ms behind schedule), "
              f"{len(errors)} errors; attendance rows {rows} for {people} people (expected {len(keys)}, no duplicates)")
        print(f"[{vendor}]   CPU during the run: server (gunicorn workers) {server_cpu:.1f} s = "
              f"{server_cpu * 1000 / max(len(latencies), 1):.0f} ms per request; client threads {client_cpu:.1f} s")
        for error in errors[:10]:
            print("   ", error)
        if rows != len(keys) or people != len(keys) or errors:
            sys.exit(1)
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()


def main() -> None:
    if connection.vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(connections.databases["default"]["NAME"]) + suffix).unlink(missing_ok=True)
    else:
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", "--noinput", verbosity=0)
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("bench", password="Bench-pass-2026")
    event_pk, session_pk, keys = build(admin)
    connections.close_all()
    run(event_pk, session_pk, keys)


if __name__ == "__main__":
    main()
