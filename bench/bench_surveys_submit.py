"""Benchmark for the public answer endpoint (issue 7): at least 300 responses/s with p95 under 100 ms on this
2-core machine, and nothing lost (responses in the database = 201 answers received).

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_bench .venv/bin/python bench/bench_surveys_submit.py
     .venv/bin/python bench/bench_surveys_submit.py                   (SQLite, a fresh database under bench/out/)
Options: --requests N (default 9000), --concurrency C (default 8), --workers W (gunicorn processes, default 3).

It builds a county of 50 schools with an open parent survey, starts gunicorn (gthread) on 127.0.0.1, and a
loopback load generator in another process: C threads, each with a keep-alive connection, POST distinct
complete responses as JSON to /api/v1/public/surveys/<token>/<school>/responses. Every request comes from
127.0.0.1, so the county's per-address limit is raised for the run (a Policy override, as an office would
for a school's parent meeting behind one NAT address). Prints throughput, latency percentiles and the counts.
"""

import argparse
import http.client
import json
import multiprocessing
import os
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
OUT.mkdir(exist_ok=True)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench_surveys.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dudao.settings")
PORT = 8765


def setup_database() -> tuple[str, list[str]]:
    import django

    django.setup()
    import datetime

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, connections
    from django.utils import timezone

    from dudao.core.models import Policy
    from dudao.regions.models import Region
    from dudao.schools.models import School
    from dudao.surveys import services

    if connection.vendor == "sqlite":
        connection.close()
        Path(connections.databases["default"]["NAME"]).unlink(missing_ok=True)
    else:
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", "--noinput", verbosity=0)
    admin = get_user_model().objects.create_superuser("bench", password="Bench-pass-2026")
    province = Region.objects.create(code="980000", name="压测省", level="province")
    city = Region.objects.create(code="980100", name="压测市", level="city", parent=province)
    county = Region.objects.create(code="980102", name="压测区", level="county", parent=city)
    town = Region.objects.create(code="980102001", name="压测街道", level="town", parent=county)
    schools = [School.objects.create(code=f"1980102{i:03d}", name=f"压测第{i}小学", school_type="primary",
                                     region=town, ownership="public", urban_rural="urban", students_primary=900)
               for i in range(1, 51)]
    q = services.questionnaire_from_template(actor=admin, county=county, template_code="parent_school")
    q = services.questionnaire_publish(actor=admin, questionnaire=q)
    now = timezone.now()
    survey = services.round_create(actor=admin, questionnaire=q, name="压测家长满意度调查", year=2026, schools=schools,
                                   opens_at=now - datetime.timedelta(hours=1), closes_at=now + datetime.timedelta(days=1))
    Policy.objects.create(key="surveys.responses_per_ip_hour", region_code=county.code, value=10**9)
    return survey.token, [s.code for s in schools]


def answers(rng: random.Random) -> dict:
    level = lambda: rng.choices((5, 4, 3, 2, 1), weights=(5, 4, 2, 1, 1))[0]  # noqa: E731
    out = {"q1": rng.choice(("父亲", "母亲", "祖辈")), "q2": level(), "q3": {str(i): level() for i in range(1, 9)},
           "q4": rng.choice(("30分钟以内", "30分钟至1小时", "1至1.5小时")), "q5": "没有"}
    if rng.random() < 0.3:
        out["q7"] = rng.choice(("希望增加课后服务内容。", "食堂饭菜需要改进。", "老师很负责。")) + str(rng.random())
    return out


def load(token: str, codes: list[str], requests: int, concurrency: int, result_queue) -> None:
    """The load generator process: closed loop, `concurrency` keep-alive connections."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    per_thread = requests // concurrency

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        bodies = [json.dumps({"answers": answers(rng)}).encode() for _ in range(per_thread)]
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        mine, codes_seen = [], {}
        for body in bodies:
            path = f"/api/v1/public/surveys/{token}/{rng.choice(codes)}/responses"
            started = time.perf_counter()
            conn.request("POST", path, body=body, headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            response.read()
            mine.append(time.perf_counter() - started)
            codes_seen[response.status] = codes_seen.get(response.status, 0) + 1
        conn.close()
        with lock:
            latencies.extend(mine)
            for status, n in codes_seen.items():
                statuses[status] = statuses.get(status, 0) + n

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(concurrency)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result_queue.put((time.perf_counter() - started, sorted(latencies), statuses))


def wait_for_server() -> None:
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", "/login/")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=9000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    token, codes = setup_database()
    from django.db import connection

    vendor = connection.vendor
    connection.close()
    # Production settings; plain HTTP on loopback (TLS is the reverse proxy's job).
    env = {**os.environ, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost", "DUDAO_PLAIN_HTTP": "1"}
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "dudao.wsgi", "-b", f"127.0.0.1:{PORT}", "-w", str(args.workers),
         "-k", "gthread", "--threads", "4", "--log-level", "warning"], cwd=ROOT, env=env)
    try:
        wait_for_server()
        queue = multiprocessing.Queue()
        # Warm-up: every worker process loads the code and opens its database connection.
        warm = multiprocessing.Process(target=load, args=(token, codes, 200, 4, queue))
        warm.start()
        queue.get()
        warm.join()
        run = multiprocessing.Process(target=load, args=(token, codes, args.requests, args.concurrency, queue))
        run.start()
        elapsed, latencies, statuses = queue.get()
        run.join()
    finally:
        server.terminate()
        server.wait()
    from dudao.surveys.models import RefusedSubmission, SurveyResponse

    sent = len(latencies)
    pct = lambda p: latencies[min(sent - 1, int(p * sent))] * 1000  # noqa: E731
    stored = SurveyResponse.objects.count()
    accepted = statuses.get(201, 0) + 200  # the warm-up's responses are stored too
    print(f"[{vendor}] {sent:,} responses in {elapsed:.1f} s = {sent / elapsed:,.0f} responses/s "
          f"({args.concurrency} connections, {args.workers} gunicorn workers × 4 threads)")
    print(f"[{vendor}] latency p50 {pct(0.50):.0f} ms, p95 {pct(0.95):.0f} ms, p99 {pct(0.99):.0f} ms, "
          f"max {latencies[-1] * 1000:.0f} ms")
    print(f"[{vendor}] statuses {statuses}; stored {stored:,} = accepted {accepted:,}: {stored == accepted}; "
          f"refusals recorded {sum(RefusedSubmission.objects.values_list('count', flat=True))}")


if __name__ == "__main__":
    main()
