"""Benchmark for the 印证材料 package (issue 21): 200 indicators with 3,000 accepted files totalling 2 GB, built as the
background task builds it, with bounded memory.

Run:  PYTHONPATH=$PWD .venv/bin/python bench/bench_reviews_package.py            (both sizes, SQLite)
      … --sizes 300,3000 --total-gb 2 --blobs /tmp/dudao-bench-package-blobs --clean

The blobs (random, incompressible bytes, sizes spread around total/3000) are generated once into the --blobs folder,
laid out as the storage keeps them (files/ab/<sha256>), with an index.json, and reused by later runs (--clean deletes
them at the end). Each size runs in its own process (ru_maxrss is that run's): setup (not timed) makes a county,
200 indicators, one assignment each with an accepted evidence version holding its share of the files (the first N
blobs). Timed: `package_run`, what the worker runs — the plan, every blob copied into the zip in 1 MiB chunks with its
SHA-256 checked, 目录.xlsx (constant_memory), 目录.docx, SHA256SUMS, the zip hashed and saved through the storage API.
tracemalloc traces the same run (its peak is Python's own allocations); ru_maxrss is the process's peak resident size.
Bounded memory = neither grows with the total size of the files."""

import argparse
import hashlib
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
INDICATORS = 200


def make_blobs(folder: Path, count: int, total_bytes: int) -> list[dict]:
    """count random files totalling about total_bytes, written once; later runs read index.json."""
    index = folder / "index.json"
    if index.exists():
        rows = json.loads(index.read_text())
        if len(rows) >= count:
            return rows
    rng = random.Random(21)
    mean = total_bytes // count
    rows = []
    for n in range(count):
        size = rng.randint(mean // 4, mean * 7 // 4)
        data = b"%PDF-1.4\n" + os.urandom(size - 9)
        sha = hashlib.sha256(data).hexdigest()
        path = folder / "files" / sha[:2] / sha
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        rows.append({"sha": sha, "size": size, "name": f"佐证材料{n:04d}.pdf"})
    index.write_text(json.dumps(rows))
    return rows


def run_one(files: int, blobs: Path) -> dict:
    work = Path(tempfile.mkdtemp(prefix="dudao-bench-package-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{work / 'bench.sqlite3'}")
    os.environ["MEDIA_ROOT"] = str(blobs)  # the blobs are already where the storage looks for them
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dudao.settings")
    import django

    django.setup()
    import datetime

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    from dudao.documents import files as stored_files
    from dudao.documents.models import FileKind, StoredFile
    from dudao.regions.models import GovUnit, Region
    from dudao.reviews.models import (
        Assignment,
        AssignmentStatus,
        Evidence,
        EvidenceDecision,
        Review,
        ReviewIndicator,
        ReviewPackage,
    )
    from dudao.reviews.services.package import package_run

    if connection.vendor != "sqlite":
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", "--noinput", verbosity=0)
    rows = json.loads((blobs / "index.json").read_text())[:files]
    admin = get_user_model().objects.create_superuser("bench", password="Bench-pass-2026")
    province = Region.objects.create(code="980000", name="压测省", level="province")
    city = Region.objects.create(code="980100", name="压测市", level="city", parent=province)
    county = Region.objects.create(code="980102", name="压测区", level="county", parent=city)
    units = GovUnit.objects.bulk_create([GovUnit(code=f"B{k:03d}", name=f"压测区第{k}局", kind="department",
                                                 region=county) for k in range(20)])
    review = Review.objects.create(region=county, title="压测市对压测区履行教育职责评价", level="city", kind="duties",
                                   body="压测市人民政府教育督导委员会办公室", year=2026, created_by=admin)
    indicators = ReviewIndicator.objects.bulk_create([
        ReviewIndicator(review=review, code=f"{k // 10 + 1}.{k % 10 + 1}", text=f"压测指标{k}：" + "指标内容" * 10,
                        position=k) for k in range(INDICATORS)])
    assignments = Assignment.objects.bulk_create([
        Assignment(indicator=i, unit=units[k % len(units)], due_on=datetime.date(2026, 6, 1), assigned_by=admin,
                   status=AssignmentStatus.ACCEPTED) for k, i in enumerate(indicators)])
    evidence = Evidence.objects.bulk_create([
        Evidence(assignment=a, version=1, statement="情况说明" * 50, submitted_by=admin,
                 decision=EvidenceDecision.ACCEPTED) for a in assignments])
    made = StoredFile.objects.bulk_create([
        StoredFile(sha256=r["sha"], size=r["size"], content_type="application/pdf", kind=FileKind.DOCUMENT,
                   original_name=r["name"], path=f"files/{r['sha'][:2]}/{r['sha']}") for r in rows])
    through = Evidence.files.through
    through.objects.bulk_create([through(evidence_id=evidence[k % INDICATORS].pk, storedfile_id=f.pk)
                                 for k, f in enumerate(made)])
    package = ReviewPackage.objects.create(review=review, requested_by=admin)
    total = sum(r["size"] for r in rows)

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    tracemalloc.start()
    started = time.perf_counter()
    status = package_run(package.pk, run=1)
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    package.refresh_from_db()
    assert status == "done" and package.problems == [], (status, package.error)
    zip_size = package.file.size
    stored_files.delete_blob(package.file.path)  # the 2 GB zip: not kept
    shutil.rmtree(work, ignore_errors=True)
    return {"files": files, "total_mb": round(total / 2**20), "zip_mb": round(zip_size / 2**20), "seconds": round(seconds, 1),
            "mb_s": round(total / 2**20 / seconds), "tracemalloc_peak_mb": round(peak / 2**20, 2),
            "rss_before_mb": round(rss_before / 1024), "rss_peak_mb": round(rss_after / 1024),
            "rss_growth_mb": round((rss_after - rss_before) / 1024), "done": package.done}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="300,3000")
    parser.add_argument("--total-gb", type=float, default=2.0)
    parser.add_argument("--blobs", default=os.path.join(tempfile.gettempdir(), "dudao-bench-package-blobs"))
    parser.add_argument("--clean", action="store_true", help="delete the generated blobs at the end")
    parser.add_argument("--one", type=int)
    args = parser.parse_args()
    blobs = Path(args.blobs)
    if args.one:
        print("RESULT " + json.dumps(run_one(args.one, blobs), ensure_ascii=False))
        return
    sizes = [int(s) for s in args.sizes.split(",")]
    started = time.perf_counter()
    make_blobs(blobs, 3000, int(args.total_gb * 2**30))
    print(f"blobs ready in {time.perf_counter() - started:.0f} s under {blobs}")
    results = []
    for n in sizes:
        out = subprocess.run([sys.executable, __file__, "--one", str(n), "--blobs", str(blobs)], capture_output=True,
                             text=True, check=True)
        line = next(x for x in out.stdout.splitlines() if x.startswith("RESULT "))
        results.append(json.loads(line[7:]))
    print("\n| files | blobs (MB) | zip (MB) | package_run (s) | MB/s | tracemalloc peak (MB) | max RSS (MB) | RSS growth (MB) |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        print(f"| {r['files']} | {r['total_mb']} | {r['zip_mb']} | {r['seconds']} | {r['mb_s']} | "
              f"{r['tracemalloc_peak_mb']} | {r['rss_peak_mb']} | {r['rss_growth_mb']} |")
    if args.clean:
        shutil.rmtree(blobs, ignore_errors=True)


if __name__ == "__main__":
    main()
