"""Benchmark for the statistics import (issue 6): a province's workbook, 20,000 school rows, under 10 s.

Run: .venv/bin/python bench/bench_monitoring_import.py            (SQLite, a fresh database under bench/out/)
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_bench .venv/bin/python bench/bench_monitoring_import.py
Prints its figures; docs/benchmarks.md records the latest ones.

The province is bench_registry's (100 counties × 200 schools); the workbook has one 2025 row per school with
the 15 template columns plus class and room columns, drawn as the demo draws them. The import runs twice:
the second time every row replaces the first (one version per school-year, with the audit record).
"""

import os
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
OUT.mkdir(exist_ok=True)
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench_monitoring.sqlite3'}")

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402

from bench.bench_registry import province_workbook  # noqa: E402  (sets up Django)


def main() -> None:
    from django.contrib.auth import get_user_model

    from dudao.core.tabular import write_template_workbook
    from dudao.demo.monitoring import stats_rows
    from dudao.monitoring.imports import SPEC, stats_import
    from dudao.monitoring.models import SchoolStats
    from dudao.schools.imports import registry_import
    from dudao.schools.models import School

    vendor = connection.vendor
    if vendor == "sqlite":
        Path(connections.databases["default"]["NAME"]).unlink(missing_ok=True)
    else:
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", "--noinput", verbosity=0)
    admin = get_user_model().objects.create_superuser("bench", password="Bench-pass-2026")
    registry_import(actor=admin, data=province_workbook(), filename="province.xlsx")
    schools = list(School.objects.order_by("code"))
    data = write_template_workbook([SPEC], {SPEC.name: stats_rows(schools, 2025, random.Random(6))}, with_notes=False)
    print(f"[{vendor}] statistics workbook: {len(schools):,} rows, {len(data) / 1048576:.1f} MB")
    for label in ("first import", "re-import (replaces every row)"):
        started = time.perf_counter()
        result = stats_import(actor=admin, data=data, filename="province_stats.xlsx", confirm=True)
        elapsed = time.perf_counter() - started
        print(f"[{vendor}] {label}: {result.rows:,} rows, {result.replaced:,} replaced, "
              f"{len(result.warnings)} warnings confirmed, {elapsed:.1f} s")
    assert SchoolStats.objects.count() == len(schools)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"[{vendor}] peak memory of the process: {peak:.0f} MB")


if __name__ == "__main__":
    main()
