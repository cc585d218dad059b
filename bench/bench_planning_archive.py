"""Benchmark for the 督导档案 export (issue 20): a county year with 5,000 files streamed into one zip with bounded
memory. Run: .venv/bin/python bench/bench_planning_archive.py  (SQLite and media under a temporary directory), or
with DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_bench_archive (flushed).

Each size runs in its own process (so ru_maxrss is that run's): setup (not timed) makes a county with 100 schools,
one inspector, and N visits in 2025 with one photo each — a StoredFile row and a blob of 50–500 KB of random bytes
starting like a JPEG (incompressible, as real photos are) under a temporary MEDIA_ROOT. Timed: `export_run`, what
the worker runs (catalogue from the registered sources, every blob copied into the zip in 1 MiB chunks with its
SHA-256 checked, 案卷目录.xlsx in constant_memory mode, SHA256SUMS.txt, the zip saved through the storage API).
Memory: the tracemalloc peak of Python allocations during a second export run, and the growth of the process's
peak resident size (ru_maxrss) over the two runs. Bounded memory = neither grows with the number or the total size
of the files. Options: --sizes 1000,5000 (default), --one N (internal: one size in this process).
"""

import argparse
import datetime
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MIN_KB, MAX_KB = 50, 500


def run_one(files: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix="dudao-bench-archive-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    os.environ["MEDIA_ROOT"] = str(work / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dudao.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from dudao.documents import files as blobs
    from dudao.documents.models import StoredFile
    from dudao.people.models import Inspector
    from dudao.planning.models import ArchiveExport
    from dudao.planning.services import archive
    from dudao.regions.models import Region
    from dudao.schools.models import School
    from dudao.zones.models import Visit, VisitFile

    if connection.vendor != "sqlite":
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", "--noinput", verbosity=0)
    admin = get_user_model().objects.create_superuser("bench", password="Bench-pass-2026")
    province = Region.objects.create(code="980000", name="压测省", level="province")
    city = Region.objects.create(code="980100", name="压测市", level="city", parent=province)
    county = Region.objects.create(code="980102", name="压测区", level="county", parent=city)
    town = Region.objects.create(code="980102001", name="压测街道", level="town", parent=county)
    schools = School.objects.bulk_create([
        School(code=f"1980{i:06d}", name=f"压测第{i}小学", school_type="primary", region=town, ownership="public",
               urban_rural="urban", students_primary=900) for i in range(1, 101)])
    inspector = Inspector.objects.create(card_no="YC001", name="压测督学", phone="13900000000", kind="fulltime",
                                         source="official", region=county, appointed_on=datetime.date(2020, 9, 1),
                                         term_start=datetime.date(2020, 9, 1))
    rng = random.Random(20)
    bj = datetime.timezone(datetime.timedelta(hours=8))
    total_bytes = 0
    t0 = time.perf_counter()
    for start in range(0, files, 500):
        chunk = range(start, min(files, start + 500))
        visits = Visit.objects.bulk_create([Visit(
            inspector=inspector, school=schools[i % 100],
            started_at=datetime.datetime(2025, 1, 1, 9, tzinfo=bj) + datetime.timedelta(hours=i * 8600 // files),
            ended_at=datetime.datetime(2025, 1, 1, 11, tzinfo=bj) + datetime.timedelta(hours=i * 8600 // files),
            minutes_on_site=120, narrative="压测", created_by=admin) for i in chunk])
        stored = []
        for i in chunk:
            data = b"\xff\xd8\xff\xe0" + rng.randbytes(rng.randint(MIN_KB, MAX_KB) * 1024 - 4)
            sha = blobs.sha256_of(data)
            stored.append(StoredFile(sha256=sha, size=len(data), content_type="image/jpeg", kind="image",
                                     original_name=f"照片{i + 1}.jpg", path=blobs.write_blob(sha, data, ".jpg")))
            total_bytes += len(data)
        stored = StoredFile.objects.bulk_create(stored)
        VisitFile.objects.bulk_create([VisitFile(visit=v, file=f, sha256=f.sha256) for v, f in zip(visits, stored,
                                                                                                   strict=True)])
        del stored, visits
    setup = time.perf_counter() - t0

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    t0 = time.perf_counter()
    export = archive.export_now(actor=admin, region=county, year=2025)
    elapsed = time.perf_counter() - t0
    rss_after_timed = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert export.status == "done" and export.file_count == files and not export.missing, (export.status, export.error)

    tracemalloc.start()
    second = archive.export_now(actor=admin, region=county, year=2025)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert second.status == "done" and second.sha256 and second.file_count == files
    zip_size = ArchiveExport.objects.get(pk=export.pk).size
    return {"files": files, "total_mb": round(total_bytes / 2**20, 1), "zip_mb": round(zip_size / 2**20, 1),
            "setup_s": round(setup, 1), "export_s": round(elapsed, 1),
            "mb_per_s": round(total_bytes / 2**20 / elapsed, 1),
            "tracemalloc_peak_mb": round(peak / 2**20, 2),
            "rss_before_mb": round(rss_before / 1024, 1), "rss_growth_timed_mb": round((rss_after_timed - rss_before) / 1024, 1),
            "rss_growth_mb": round((rss_after - rss_before) / 1024, 1), "db": connection.vendor, "work": str(work)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,5000")
    parser.add_argument("--one", type=int)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory (database, blobs, zip)")
    args = parser.parse_args()
    if args.one:
        result = run_one(args.one)
        if not args.keep:
            import shutil

            shutil.rmtree(result["work"], ignore_errors=True)
        print("RESULT " + json.dumps(result, ensure_ascii=False))
        return
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        out = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True, check=True)
        line = next(x for x in out.stdout.splitlines() if x.startswith("RESULT "))
        rows.append(json.loads(line[7:]))
        print(line[7:], flush=True)
    print("\n| files | blobs (MB) | zip (MB) | export (s) | MB/s | tracemalloc peak (MB) | ru_maxrss growth (MB) |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['files']:,} | {r['total_mb']:,} | {r['zip_mb']:,} | {r['export_s']} | {r['mb_per_s']} | "
              f"{r['tracemalloc_peak_mb']} | {r['rss_growth_mb']} |")


if __name__ == "__main__":
    main()
