"""Benchmark for 专项检查 (issue 23, area fill): the checklist submission API under 10 concurrent clients over
loopback, as bench_zones.py measures the visit API.

Run: .venv/bin/python bench/bench_checks_submit.py            (SQLite, a fresh database under bench/out/)
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_fill_bench .venv/bin/python bench/bench_checks_submit.py
Prints its figures; /work/wt/bench/fill.md (then docs/benchmarks.md) records them. Target: p95 under 150 ms.

The county: 420 schools in 6 towns, 10 inspectors (each the 责任督学 of 42 schools, with a login and a bearer
token), one open round of 8 items (yes/no with photo required, 一票否决, number, text) over all 420 schools. Ten
client threads each submit checklists for their own targets: every request carries the visit's times and text and
all 8 answers; every 2nd request fails one item settled on the spot with a 1280×960 JPEG (checked, hashed,
stored, raised as a finding with the photo as evidence); every 5th request is a retry of the one before (same
client id), which must answer 200 and create nothing.
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
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
OUT.mkdir(exist_ok=True)
os.environ.setdefault("DUDAO_VAR_DIR", str(OUT))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench_checks_submit.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.utils import timezone  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from bench_zones import _children_cpu, _cpu, _jpegs  # noqa: E402

CLIENTS = 10
REQUESTS_PER_CLIENT = 40
SCHOOLS = 420
PORT = int(os.environ.get("BENCH_PORT", "8766"))
ITEMS = [
    {"text": "消防通道畅通", "photo_required": True, "finding_text": "消防通道堵塞", "finding_category": "校园安全",
     "severity": 2},
    {"text": "灭火器在有效期内", "photo_required": True, "finding_text": "灭火器过期", "finding_category": "校园安全"},
    {"text": "门卫值守到位", "finding_text": "门卫值守不到位", "finding_category": "校园安全"},
    {"text": "无组织学生违规补课", "veto": True, "finding_text": "组织学生违规补课", "finding_category": "规范办学",
     "severity": 3},
    {"text": "食堂留样保存时间", "answer_kind": "number", "number_min": 2, "unit": "天",
     "finding_text": "留样不足 48 小时", "finding_category": "食品安全"},
    {"text": "值班人数", "answer_kind": "number", "number_min": 1, "number_max": 20, "unit": "人",
     "finding_text": "值班人数不足", "finding_category": "校园安全"},
    {"text": "安全教育落实", "finding_text": "安全教育未落实", "finding_category": "安全教育"},
    {"text": "其他情况", "answer_kind": "text"},
]


def build(admin):
    """The county, its schools, inspectors with tokens, assignments and the open round; returns the clients."""
    from django.contrib.auth import get_user_model

    from dudao.checks.models import CheckTarget
    from dudao.checks.services.rounds import round_create, round_open, targets_add
    from dudao.core.services import role_assign, token_issue
    from dudao.people.models import Inspector
    from dudao.regions.models import Region
    from dudao.schools.models import School
    from dudao.zones.models import Assignment, Zone

    province = Region.objects.create(code="990000", name="示范省", level="province")
    city = Region.objects.create(code="990100", name="示范市", level="city", parent=province)
    county = Region.objects.create(code="990101", name="示范区", level="county", parent=city)
    towns = [Region.objects.create(code=f"990101{t:03d}", name=f"第{t}镇", level="town", parent=county)
             for t in range(1, 7)]
    School.objects.bulk_create([
        School(code=f"1990{n:06d}", name=f"示范区第{n}小学", school_type="primary",
               region=towns[n % 6], ownership="public", urban_rural="urban", students_primary=300, classes_primary=8)
        for n in range(1, SCHOOLS + 1)])
    schools = list(School.objects.order_by("code"))
    users, inspectors = [], []
    for n in range(CLIENTS):
        user, _new = get_user_model().objects.get_or_create(username=f"bench-check-{n}")
        inspectors.append(Inspector.objects.create(
            card_no=f"DXB{n:03d}", name=f"督学{n:02d}", phone="13900000000", kind="fulltime", source="official",
            region_id=county.code, appointed_on=datetime.date(2024, 9, 1), term_start=datetime.date(2024, 9, 1),
            user=user))
        users.append(user)
    zone = Zone.objects.create(code="ZB01", name="第一责任区", region=county)
    Assignment.objects.bulk_create([
        Assignment(zone=zone, inspector=inspectors[i % CLIENTS], school=s, started_on=datetime.date(2025, 9, 1),
                   created_by=admin) for i, s in enumerate(schools)])
    for n, user in enumerate(users):
        role_assign(actor=admin, user=user, role="inspector",
                    school=schools[n])  # a role for the token's scope; the round's targets are their own
    office = get_user_model().objects.create_user("bench-check-office", password="Bench-pass-2026")
    role_assign(actor=admin, user=office, role="office", region=county)
    today = timezone.localdate()
    check_round = round_create(actor=office, region=county, title="节前安全稳定专项检查（基准）", kind="holiday_safety",
                               starts_on=today - datetime.timedelta(days=30), ends_on=today + datetime.timedelta(days=5),
                               items=ITEMS)
    targets_add(actor=office, round=check_round, schools=schools)
    round_open(actor=office, round=check_round)
    items = list(check_round.items.order_by("order", "id"))
    clients = []
    for user, inspector in zip(users, inspectors, strict=True):
        key, _token = token_issue(user=user)
        targets = list(CheckTarget.objects.filter(round=check_round, inspector=inspector).order_by("pk")
                       .values_list("pk", flat=True))
        clients.append((key, targets))
    print(f"[{connection.vendor}] built {len(schools)} schools, {CLIENTS} inspectors, a round of {len(items)} items "
          f"over {CheckTarget.objects.filter(round=check_round).count()} targets")
    return check_round.pk, items, clients


def _multipart(data: dict, photos: dict[str, bytes]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = [f"--{boundary}\r\nContent-Disposition: form-data; name=\"data\"\r\n\r\n".encode(),
             json.dumps(data, ensure_ascii=False).encode(), b"\r\n"]
    for name, photo in photos.items():
        parts += [f"--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"p.jpg\"\r\n"
                  f"Content-Type: image/jpeg\r\n\r\n".encode(), photo, b"\r\n"]
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _answers(items, fail: bool) -> list[dict]:
    rows = []
    for item in items:
        if item.answer_kind == "number":
            rows.append({"item": item.pk, "number": str(item.number_min or 0)})
        elif item.answer_kind == "text":
            rows.append({"item": item.pk, "note": "无"})
        else:
            rows.append({"item": item.pk, "value": "yes"})
    if fail:
        rows[0] = {"item": items[0].pk, "value": "no", "settle": "on_site", "note": "当场清理"}
    return rows


def run_api(round_pk: int, items, clients) -> None:
    from dudao.checks.models import CheckSubmission
    from dudao.rectification.models import Finding

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
        before = (CheckSubmission.objects.count(), Finding.objects.count())
        latencies: list[float] = []
        errors: list[str] = []
        created = failed_sent = 0
        lock = threading.Lock()
        tz = timezone.get_current_timezone()
        today = timezone.localdate()

        def client_loop(n: int, key: str, targets: list[int]) -> None:
            nonlocal created, failed_sent
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            last = None
            used = 0
            for r in range(REQUESTS_PER_CLIENT):
                if r % 5 == 4 and last is not None:
                    target, payload, files = last  # a retry after a "dropped" response: same client id
                else:
                    target = targets[used]
                    used += 1
                    fail = r % 2 == 0
                    day = today - datetime.timedelta(days=1 + r % 20)
                    began = datetime.datetime.combine(day, datetime.time(8, 30), tzinfo=tz)
                    payload = {"client_id": str(uuid.uuid4()), "started_at": began.isoformat(),
                               "ended_at": (began + datetime.timedelta(hours=1)).isoformat(),
                               "narrative": "按检查清单逐项检查，查看值班记录、消防设施和食堂留样。",
                               "methods": {"tour": 1, "documents": 1}, "answers": _answers(items, fail)}
                    files = {f"photo_{items[0].pk}": photos[n * REQUESTS_PER_CLIENT + r]} if fail else {}
                body, content_type = _multipart(payload, files)
                start = time.perf_counter()
                try:
                    conn.request("POST", f"/api/v1/checks/{round_pk}/targets/{target}/submissions", body=body,
                                 headers={"Authorization": f"Bearer {key}", "Content-Type": content_type})
                    response = conn.getresponse()
                    text = response.read()
                except (OSError, http.client.HTTPException) as exc:
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
                    with lock:
                        errors.append(f"client {n}: {exc!r}")
                    continue
                elapsed = (time.perf_counter() - start) * 1000
                is_retry = last is not None and payload is last[1]
                expected = 200 if is_retry else 201
                with lock:
                    latencies.append(elapsed)
                    if response.status != expected:
                        errors.append(f"client {n}: HTTP {response.status} (expected {expected}) {text[:300]!r}")
                    elif expected == 201:
                        created += 1
                        failed_sent += 1 if files else 0
                last = (target, payload, files)

        key0, targets0 = clients[0]
        for _ in range(15):  # warm the workers: imports, the API schema, a connection each
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            conn.request("GET", f"/api/v1/checks/submissions/{10**9}", headers={"Authorization": f"Bearer {key0}"})
            conn.getresponse().read()
            conn.close()
        cpu_self, cpu_children = resource.getrusage(resource.RUSAGE_SELF), _children_cpu(server.pid)
        threads = [threading.Thread(target=client_loop, args=(n, key, targets)) for n, (key, targets) in enumerate(clients)]
        wall = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - wall
        client_cpu = _cpu(resource.getrusage(resource.RUSAGE_SELF)) - _cpu(cpu_self)
        server_cpu = _children_cpu(server.pid) - cpu_children
        added = CheckSubmission.objects.count() - before[0]
        findings = Finding.objects.count() - before[1]
        latencies.sort()
        p95 = latencies[int(len(latencies) * 0.95) - 1] if latencies else float("nan")
        print(f"[{vendor}] POST /api/v1/checks/{{id}}/targets/{{id}}/submissions, {CLIENTS} concurrent clients, "
              f"{len(latencies)} requests ({created} new, {failed_sent} with a failed item and a photo, + retries): "
              f"median {statistics.median(latencies):.0f} ms, p95 {p95:.0f} ms, max {latencies[-1]:.0f} ms, "
              f"{len(latencies) / wall:.0f} req/s, {len(errors)} errors, submissions added {added} (expected "
              f"{created}), findings added {findings} (expected {failed_sent})")
        print(f"[{vendor}]   CPU during the run: server (gunicorn workers) {server_cpu:.1f} s = "
              f"{server_cpu * 1000 / max(len(latencies), 1):.0f} ms per request; client threads {client_cpu:.1f} s; "
              f"wall {wall:.1f} s")
        for error in errors[:10]:
            print("   ", error)
    finally:
        server.terminate()
        server.wait(timeout=10)


def main() -> None:
    if connection.vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(connections.databases["default"]["NAME"]) + suffix).unlink(missing_ok=True)
    else:
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", "--noinput", verbosity=0)
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("bench", password="Bench-pass-2026")
    round_pk, items, clients = build(admin)
    connections.close_all()
    run_api(round_pk, items, clients)


if __name__ == "__main__":
    main()
