"""Benchmark for the 学业质量监测 county dashboard (issue 19): 30,000 pupils in 40 schools, 3 subjects (90,000
score rows), the office opening the dashboard of one subject — county figures, score bands, the school table and
the value-added model (REML, and ML) with its charts — plus the same subject's two API reads and a school's
profile page with its quality section. Target: the dashboard page under 500 ms.

Run: .venv/bin/python bench/bench_quality_dashboard.py            (SQLite, a fresh database under bench/out/)
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_pages_bench .venv/bin/python bench/bench_quality_dashboard.py
Prints its figures (median of 15 requests after one warm-up, and the query count); docs/benchmarks.md records them.
"""

import datetime
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
OUT.mkdir(exist_ok=True)
os.environ.setdefault("DUDAO_VAR_DIR", str(OUT))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench_quality_dashboard.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

PUPILS = 30_000
SCHOOLS = 40
SUBJECTS = (("语文", 120.0, "fixed"), ("数学", 120.0, "fixed"), ("科学", 100.0, "drawn"))
TARGET_MS = 500
RUNS = 15


def build(admin):
    """A county of 40 schools with a published round: sizes from 150 to 1,350 pupils (30,000 in all), school
    effects of ±6 points, scores driven by prior attainment, classes of about 45, genders alternating."""
    from dudao.core.services import role_assign
    from dudao.quality.models import (
        Round,
        RoundSchool,
        RoundStatus,
        RoundSubject,
        SchoolSelection,
        ScoreImport,
        StudentScore,
        Term,
    )
    from dudao.regions.models import Region
    from dudao.schools.models import School

    province = Region.objects.create(code="980000", name="基准省", level="province")
    city = Region.objects.create(code="980100", name="基准市", level="city", parent=province)
    county = Region.objects.create(code="980101", name="基准区", level="county", parent=city)
    towns = [Region.objects.create(code=f"980101{t:03d}", name=f"基准{t}镇", level="town", parent=county)
             for t in range(1, 9)]
    schools = School.objects.bulk_create([
        School(code=f"2980101{i:03d}", name=f"基准区第{i}中学", school_type="junior", ownership="public",
               urban_rural="urban", region=towns[i % len(towns)], students_junior=1000) for i in range(1, SCHOOLS + 1)])
    schools = list(School.objects.filter(region__code__startswith="980101").order_by("code"))
    office = type(admin).objects.create_user("bench-office", password="Bench-pass-2026")
    role_assign(actor=admin, user=office, role="office", region=county)
    rnd = Round.objects.create(region=county, title="2025学年秋季八年级质量监测", year=2025, term=Term.AUTUMN, grade=8,
                               test_date=datetime.date(2025, 11, 12), selection=SchoolSelection.TYPE,
                               status=RoundStatus.PUBLISHED, created_by=admin)
    subjects = [RoundSubject.objects.create(round=rnd, name=name, full_marks=full, pass_line=0.6 * full,
                                            excellent_line=0.85 * full, low_line=0.4 * full, kind=kind, order=k)
                for k, (name, full, kind) in enumerate(SUBJECTS)]
    RoundSchool.objects.bulk_create([RoundSchool(round=rnd, school=s) for s in schools])
    batch = ScoreImport.objects.create(round=rnd, filename="bench.xlsx", sha256="0" * 64, rows=PUPILS * len(SUBJECTS),
                                       created_by=admin)
    rng = np.random.default_rng(19)
    weights = np.linspace(1, 9, SCHOOLS)
    sizes = np.floor(weights / weights.sum() * PUPILS).astype(int)
    sizes[-1] += PUPILS - sizes.sum()
    effects = rng.normal(0, 3, SCHOOLS)
    start = time.perf_counter()
    rows = []
    for subject in subjects:
        scale = subject.full_marks / 100
        for school, size, effect in zip(schools, sizes, effects, strict=True):
            prior = rng.normal(62, 14, size).clip(0, 100)
            score = ((18 + 0.72 * prior + effect + rng.normal(0, 9, size)) * scale).clip(0, subject.full_marks)
            rows += [StudentScore(round=rnd, subject=subject, school=school, batch=batch, student=f"{school.code}{k:05d}",
                                  score=round(float(score[k]), 1), prior=round(float(prior[k]), 1),
                                  prior_source="file", gender="女" if k % 2 else "男", class_name=f"{1 + k // 45}班")
                     for k in range(size)]
        StudentScore.objects.bulk_create(rows, batch_size=5000)
        rows = []
    print(f"[{connection.vendor}] built {PUPILS:,} pupils × {len(SUBJECTS)} subjects in {SCHOOLS} schools "
          f"({StudentScore.objects.count():,} rows) in {time.perf_counter() - start:.1f} s")
    return office, rnd, schools


def timed(client, path: str, runs: int = RUNS) -> tuple[float, float, float, int]:
    """Median and slowest wall time, median CPU time of this process (the Python side: on a loaded machine it
    stays close to what a quiet one would take; on SQLite it includes the database work), and the query count."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    times, cpu, queries = [], [], 0
    for _ in range(runs):
        with CaptureQueriesContext(connection) as ctx:
            start, start_cpu = time.perf_counter(), time.process_time()
            response = client.get(path)
            times.append((time.perf_counter() - start) * 1000)
            cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        queries = len(ctx)
    return statistics.median(times), max(times), statistics.median(cpu), queries


def main() -> None:
    vendor = connection.vendor
    if vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(connections.databases["default"]["NAME"]) + suffix).unlink(missing_ok=True)
    else:
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", "--noinput", verbosity=0)
    from django.contrib.auth import get_user_model

    admin = get_user_model().objects.create_superuser("bench", password="Bench-pass-2026")
    office, rnd, schools = build(admin)
    client = Client()
    client.force_login(office)
    load = os.getloadavg()
    print(f"[{vendor}] load average at start: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    pages = [
        ("dashboard 数学 (REML, page)", f"/quality/rounds/{rnd.pk}/results/?subject=数学"),
        ("dashboard 数学 (ML, page)", f"/quality/rounds/{rnd.pk}/results/?subject=数学&method=ml"),
        ("dashboard 语文 (REML + gender)", f"/quality/rounds/{rnd.pk}/results/?subject=语文&gender=1"),
        ("API results 数学", f"/api/v1/quality/rounds/{rnd.pk}/results?subject=数学"),
        ("API value-added 数学 REML", f"/api/v1/quality/rounds/{rnd.pk}/value-added?subject=数学"),
        ("export .xlsx 数学", f"/quality/rounds/{rnd.pk}/results/export.xlsx?subject=数学"),
        ("school profile (3 subjects)", f"/schools/{schools[-1].pk}/"),
    ]
    worst = 0.0
    for label, path in pages:
        median, slowest, cpu, queries = timed(client, path)
        print(f"[{vendor}] {label:34s} median {median:7.1f} ms  max {slowest:7.1f} ms  CPU {cpu:7.1f} ms  "
              f"{queries} queries")
        if "page" in label:
            worst = max(worst, median)
    load = os.getloadavg()
    print(f"[{vendor}] load average at end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")
    verdict = "met" if worst < TARGET_MS else "NOT met"
    print(f"[{vendor}] dashboard target < {TARGET_MS} ms: {verdict} (slowest median {worst:.1f} ms)")


if __name__ == "__main__":
    main()
