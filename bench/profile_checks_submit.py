"""In-process profile of the 专项检查 submission API (issue 23, Performance): queries and CPU per
`POST /api/v1/checks/{id}/targets/{target_id}/submissions`, with the payload bench_checks_submit.py sends (all 8
answers; every 2nd request fails one item settled on the spot with a 1280×960 JPEG).

Run: PYTHONPATH=$PWD .venv/bin/python bench/profile_checks_submit.py [--profile] [--queries]
Prints the median of 50 requests (queries, CPU ms) overall and per kind; --profile adds a cProfile of the last
pass-only and failed requests, --queries lists the SQL of one of each.
"""

import cProfile
import datetime
import io
import os
import pstats
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
OUT.mkdir(exist_ok=True)
DB = OUT / "profile_checks_submit.sqlite3"
os.environ.setdefault("DUDAO_VAR_DIR", str(OUT))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{DB}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from bench_checks_submit import _answers, _multipart, build  # noqa: E402
from bench_zones import _jpegs  # noqa: E402

N = 50


def main() -> None:
    if connection.vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(DB) + suffix).unlink(missing_ok=True)
    else:
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", "--noinput", verbosity=0)
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("bench", password="Bench-pass-2026")
    round_pk, items, clients = build(admin)
    photos = _jpegs(N + 1)
    http = [(Client(HTTP_AUTHORIZATION=f"Bearer {key}"), targets) for key, targets in clients]
    tz = timezone.get_current_timezone()
    today = timezone.localdate()
    show_queries = "--queries" in sys.argv
    profile = "--profile" in sys.argv
    figures = {True: [], False: []}
    for r in range(N + 1):  # the first request warms up (imports, the API schema) and is not counted
        fail = r % 2 == 1
        day = today - datetime.timedelta(days=1 + r % 20)
        began = datetime.datetime.combine(day, datetime.time(8, 30), tzinfo=tz)
        payload = {"client_id": str(uuid.uuid4()), "started_at": began.isoformat(),
                   "ended_at": (began + datetime.timedelta(hours=1)).isoformat(),
                   "narrative": "按检查清单逐项检查，查看值班记录、消防设施和食堂留样。",
                   "methods": {"tour": 1, "documents": 1}, "answers": _answers(items, fail)}
        files = {f"photo_{items[0].pk}": photos[r]} if fail else {}
        body, content_type = _multipart(payload, files)
        client, targets = http[r % len(http)]
        url = f"/api/v1/checks/{round_pk}/targets/{targets[r // len(http)]}/submissions"
        profiler = cProfile.Profile() if profile and r >= N - 1 else None
        with CaptureQueriesContext(connection) as queries:
            start = time.process_time()
            if profiler:
                profiler.enable()
            response = client.generic("POST", url, body, content_type=content_type)
            if profiler:
                profiler.disable()
            cpu = (time.process_time() - start) * 1000
        assert response.status_code == 201, response.content[:500]
        if r:
            figures[fail].append((len(queries), cpu))
        if show_queries and r >= N - 1:
            print(f"--- {'failed + photo' if fail else 'all pass'}: {len(queries)} queries")
            for q in queries.captured_queries:
                print("   ", q["sql"][:220])
        if profiler:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
            print(f"--- cProfile, {'failed + photo' if fail else 'all pass'}\n{out.getvalue()}")
    both = figures[True] + figures[False]
    print(f"[{connection.vendor}] {len(both)} submissions in process (median): "
          f"{statistics.median(q for q, _ in both):.0f} queries, {statistics.median(c for _, c in both):.1f} ms CPU; "
          f"all pass {statistics.median(q for q, _ in figures[False]):.0f} queries / "
          f"{statistics.median(c for _, c in figures[False]):.1f} ms; "
          f"one failed item + photo {statistics.median(q for q, _ in figures[True]):.0f} queries / "
          f"{statistics.median(c for _, c in figures[True]):.1f} ms")


if __name__ == "__main__":
    main()
