"""Benchmark for the 学生成绩 import (issue 19): 500,000 score rows (125,000 pupils × 4 subjects in 200 schools)
parsed, validated and written in under 60 s on PostgreSQL.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_scores_bench .venv/bin/python bench/bench_quality_import.py
     (SQLite works too, with bulk_create instead of COPY: .venv/bin/python bench/bench_quality_import.py)
Prints its figures; docs/benchmarks.md records the latest ones.

Three imports of the same size: the earlier round of the cohort (grade 7, 前测成绩 in the file), then this round
(grade 8, no 前测成绩: every prior linked by 学生编号 from the earlier round), then this round again (every row
replaced). A workbook of 500,000 rows is about 17 MB and 160 MB unpacked, above the default upload limits meant
for a county (10 MB, 100 MB unpacked); the benchmark raises them through their environment variables, as a
province-level installation would.
"""

import io
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
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench_quality_import.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dudao.settings")
os.environ.setdefault("DUDAO_IMPORT_MAX_BYTES", str(64 * 1024 * 1024))
os.environ.setdefault("DUDAO_ZIP_MAX_UNCOMPRESSED_BYTES", str(512 * 1024 * 1024))

import django  # noqa: E402

django.setup()

import xlsxwriter  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402

from dudao.core.services import role_assign, user_create  # noqa: E402
from dudao.core.tabular import read_upload  # noqa: E402
from dudao.quality.models import Round, RoundSchool, RoundSubject, StudentScore  # noqa: E402
from dudao.quality.scoresheet import validate_sheet  # noqa: E402
from dudao.quality.services import scores as score_service  # noqa: E402
from dudao.quality.services.scores import score_context, scores_import  # noqa: E402
from dudao.regions.models import Region  # noqa: E402
from dudao.schools.models import School  # noqa: E402

PUPILS = int(os.environ.get("BENCH_PUPILS", 125_000))
SCHOOLS = 200
SUBJECTS = [("语文", 120.0), ("数学", 120.0), ("英语", 120.0), ("物理", 100.0)]
HEADER = ["学生编号", "学校标识码", "年级", "学科", "成绩", "前测成绩", "性别", "班级"]


def workbook(grade: int, *, prior: bool, seed: int) -> bytes:
    """The file a testing centre returns (shared strings, as Excel and WPS save them); cached under bench/out."""
    path = OUT / f"quality_scores_{PUPILS}_{grade}_{int(prior)}_{seed}.xlsx"
    if path.exists():
        return path.read_bytes()
    rng = random.Random(seed)
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet("学生成绩")
    sheet.write_row(0, 0, HEADER)
    row = 1
    effects = [rng.gauss(0, 6) for _ in range(SCHOOLS)]
    for pupil in range(PUPILS):
        school = pupil % SCHOOLS
        ability = rng.gauss(0, 12)
        for name, full in SUBJECTS:
            score = min(full, max(0.0, round(0.7 * full + ability + effects[school] + rng.gauss(0, 8), 1)))
            before = min(full, max(0.0, round(0.68 * full + ability + rng.gauss(0, 8), 1)))
            sheet.write_row(row, 0, [f"S{pupil:07d}", f"{1990200000 + school}", grade, name, score,
                                     before if prior else "", "男" if pupil % 2 else "女", f"{pupil // SCHOOLS % 10 + 1}班"])
            row += 1
    book.close()
    path.write_bytes(buffer.getvalue())
    return buffer.getvalue()


def timed(name: str, timings: dict) -> None:
    """Wrap a function of the score service to record its wall time (the bench's breakdown only)."""
    original = getattr(score_service, name)

    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            timings[name] = time.perf_counter() - started

    setattr(score_service, name, wrapper)


def main() -> None:
    vendor = connection.vendor
    if vendor == "sqlite":
        connections.close_all()
        Path(connections.databases["default"]["NAME"]).unlink(missing_ok=True)
    else:
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", "--noinput", verbosity=0)
    admin = get_user_model().objects.create_superuser("bench", password="Bench-pass-2026")
    province = Region.objects.create(code="990000", name="示范省", level="province")
    city = Region.objects.create(code="990100", name="示范市", level="city", parent=province)
    county = Region.objects.create(code="990102", name="示范区", level="county", parent=city)
    town = Region.objects.create(code="990102001", name="示范街道", level="town", parent=county)
    office = user_create(actor=admin, username="office", full_name="督导室", password="Bench-pass-2026")
    role_assign(actor=admin, user=office, role="office", region=county)
    schools = School.objects.bulk_create([School(
        code=f"{1990200000 + i}", name=f"示范区第{i + 1}中学", school_type="junior", ownership="public",
        urban_rural="urban", region=town, students_junior=2000) for i in range(SCHOOLS)])

    def make_round(year: int, term: str, grade: int) -> Round:
        found = Round.objects.create(region=county, title=f"{year}学年{grade}年级监测", year=year, term=term,
                                     grade=grade, test_date=f"{year + 1}-05-10", selection="list", created_by=admin)
        RoundSubject.objects.bulk_create([RoundSubject(round=found, name=name, full_marks=full, pass_line=0.6 * full,
                                                       excellent_line=0.85 * full, low_line=0.4 * full, order=i)
                                          for i, (name, full) in enumerate(SUBJECTS)])
        RoundSchool.objects.bulk_create([RoundSchool(round=found, school=s) for s in schools])
        return found

    earlier, current = make_round(2024, "spring", 7), make_round(2025, "spring", 8)
    started = time.perf_counter()
    files = {7: workbook(7, prior=True, seed=7), 8: workbook(8, prior=False, seed=8)}
    print(f"[{vendor}] workbooks ready in {time.perf_counter() - started:.1f} s: "
          f"{', '.join(f'{len(d) / 1048576:.1f} MB' for d in files.values())}; load average {os.getloadavg()}")
    figures = []
    if os.environ.get("BENCH_BREAKDOWN", "1") == "1":
        started, cpu = time.perf_counter(), time.process_time()
        sheets = read_upload(files[8], "学生成绩.xlsx", convert=False)
        read_wall, read_cpu = time.perf_counter() - started, time.process_time() - cpu
        started, cpu = time.perf_counter(), time.process_time()
        checked = validate_sheet(sheets[0], score_context(current))
        print(f"[{vendor}] breakdown: read (size, zip and grid checks, calamine) {read_wall:.1f} s wall / "
              f"{read_cpu:.1f} s CPU; validate {checked.frame.height:,} rows {time.perf_counter() - started:.1f} s "
              f"wall / {time.process_time() - cpu:.1f} s CPU")
        del sheets, checked
    timings: dict[str, float] = {}
    timed("_save", timings)  # link priors, delete replaced rows, COPY, audit, commit (deferred FK checks)
    timed("_insert", timings)  # the COPY alone
    for label, round_, data in (("earlier round (prior in file)", earlier, files[7]),
                                ("this round (priors linked)", current, files[8]),
                                ("this round again (all replaced)", current, files[8])):
        load = os.getloadavg()[0]
        started, cpu = time.perf_counter(), time.process_time()
        result = scores_import(actor=office, round=round_, data=data, filename="学生成绩.xlsx", confirm=True)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        figures.append(elapsed)
        print(f"[{vendor}] {label}: {result.rows:,} rows, replaced {result.replaced:,}, prior from file "
              f"{result.prior_from_file:,}, linked {result.prior_linked:,}, missing {result.prior_missing:,}, "
              f"{len(result.warnings)} warnings; {elapsed:.1f} s wall, {cpu:.1f} s CPU in this process "
              f"(load average before {load:.1f}); of which read + validate {elapsed - timings['_save']:.1f} s, "
              f"write {timings['_save']:.1f} s (COPY {timings['_insert']:.1f} s)")
    assert StudentScore.objects.filter(round=current).count() == PUPILS * len(SUBJECTS)
    assert StudentScore.objects.filter(round=current, prior_source="linked").count() == PUPILS * len(SUBJECTS)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"[{vendor}] slowest import {max(figures):.1f} s (target < 60 s); peak memory {peak:.0f} MB")


if __name__ == "__main__":
    main()
