"""Benchmark of every registered to-do source (issue 22) on the demo district: for each demo persona, each source
whose roles the persona holds, called as the home page calls it (`source.items(user, today)`), on a fresh user
object (its scope not cached); median of 5 runs, with the number of items and queries.

Run (the demo database is built first; `--reuse` measures the last one again):
    .venv/bin/python bench/bench_todo_sources.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_todo_bench .venv/bin/python bench/bench_todo_sources.py
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
OUT.mkdir(exist_ok=True)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench_todo_sources.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dudao.settings")
sys.path.insert(0, str(ROOT))

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from dudao.core.registries import todo_sources  # noqa: E402
from dudao.core.scope import scope_for  # noqa: E402

PERSONAS = ["demo_office", "demo_leader", "demo_inspector", "demo_school", "demo_unit", "demo_bureau", "demo_expert"]


def main() -> None:
    if "--reuse" not in sys.argv:
        call_command("migrate", verbosity=0)
        call_command("flush", interactive=False, verbosity=0)
        call_command("load_demo", verbosity=0)
    users = get_user_model().objects
    today = timezone.localdate()
    print(f"database: {connection.vendor}")
    print("| 账号 | 来源 | 待办数 | 查询数 | 中位耗时（ms） |")
    print("|---|---|---|---|---|")
    for name in PERSONAS:
        roles = set(scope_for(users.get(username=name)).roles)
        total_ms = 0.0
        for source in todo_sources().values():
            if not source.roles & roles:
                continue
            times, count, queries = [], 0, 0
            for _ in range(5):
                user = users.get(username=name)
                scope_for(user)  # the scope is read once per request before any source runs
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    count = len(list(source.items(user, today)))
                    times.append((time.perf_counter() - started) * 1000)
                queries = len(captured.captured_queries)
            median = statistics.median(times)
            total_ms += median
            print(f"| {name} | {source.name} | {count} | {queries} | {median:.1f} |")
        print(f"| {name} | **all sources** | | | **{total_ms:.1f}** |")


if __name__ == "__main__":
    main()
