"""Benchmark for the 年度工作总结 (issue 20 item 6): the province's draft built as the background task builds it.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_summary_bench .venv/bin/python bench/bench_planning_summary.py
     ... bench/bench_planning_summary.py --reuse    (time the build again on the data the last run left)
Target: summary_build for the province region under 30 s. Prints the time per section and the load average.

The data: bench_zones' province (20,000 schools in 100 counties, 8,000 inspectors, 1,000 zones, 250,000 visits)
and bench_rectification's 2,000,000 findings and 100,000 notices over the same schools, built with their own
generators (the second registry import is skipped: the schools are already there).
"""

import datetime
import os
import sys
import time
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
OUT = ROOT / "bench" / "out"
OUT.mkdir(exist_ok=True)
os.environ.setdefault("DUDAO_VAR_DIR", str(OUT))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench_planning_summary.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ["ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

import bench_rectification  # noqa: E402
import bench_zones  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, reset_queries  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

PROVINCE = "990000"


def build() -> None:
    from django.contrib.auth import get_user_model

    if connection.vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(connections.databases["default"]["NAME"]) + suffix).unlink(missing_ok=True)
    else:
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", "--noinput", verbosity=0)
    admin = get_user_model().objects.create_superuser("bench", password="Bench-pass-2026")
    started = time.perf_counter()
    bench_zones.build_province(admin)
    with mock.patch("dudao.schools.imports.registry_import", lambda **kwargs: None):
        bench_rectification.build(admin)
    print(f"[{connection.vendor}] data built in {time.perf_counter() - started:.0f} s")


def time_build() -> None:
    from django.contrib.auth import get_user_model

    from dudao.core.registries import year_figure_sections
    from dudao.planning.models import JobStatus, SummaryReport
    from dudao.planning.services.summary import period_of, summary_build

    call_command("migrate", "--noinput", verbosity=0)
    admin = get_user_model().objects.get(username="bench")
    year = datetime.date.today().year
    start, end = period_of(year)
    for section in year_figure_sections():  # per section, for the record (each is also timed inside the build)
        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            section.figures(PROVINCE, start, end)
        print(f"  {section.name:<14} {time.perf_counter() - t0:6.2f} s, {len(queries)} queries")
    for run in (1, 2):
        report = SummaryReport.objects.create(region_id=PROVINCE, year=year, requested_by=admin)
        reset_queries()
        t0 = time.perf_counter()
        status = summary_build(report.pk)
        elapsed = time.perf_counter() - t0
        report.refresh_from_db()
        assert status == JobStatus.DONE, report.error
        load = os.getloadavg()
        print(f"[{connection.vendor}] summary_build(province {PROVINCE}, {year}), run {run}: {elapsed:.1f} s "
              f"(target < 30 s); {len(report.figures)} figures; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    from dudao.rectification.models import Finding
    from dudao.zones.models import Visit

    print(f"  data: {Finding.objects.count()} findings, {Visit.objects.count()} visits")


def main() -> None:
    if "--reuse" not in sys.argv[1:]:
        build()
    time_build()


if __name__ == "__main__":
    main()
