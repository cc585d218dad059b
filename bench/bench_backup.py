"""Benchmark for backup and restore (issue 17) on bench_rectification's province: 2,000,000 findings.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_backup_bench .venv/bin/python bench/bench_backup.py
     .venv/bin/python bench/bench_backup.py                 (SQLite, a fresh database under bench/out/)
     ... bench/bench_backup.py again                        (backup and restore again on the last run's data)
     DATABASE_URL=sqlite:///bench/out/bench_backup.sqlite3 \
     RESTORE_URL=postgres://postgres@127.0.0.1:5432/dudao_backup_bench_moved \
     .venv/bin/python bench/bench_backup.py from bench/out/bench_backup.zip
         (the move at province size: restore an archive into a fresh database of DATABASE_URL's engine instead
         of building, back that database up, restore it into RESTORE_URL, compare the manifests)
Prints its figures; docs/benchmarks.md records the latest ones.

The province is bench_rectification's (20,000 schools, 2,000,000 findings, 100,000 notices, the 督办单 and
reminders of one deadline run are not made) plus 500 uploaded photos of 200 KB each (100 MB) with their
StoredFile rows. `manage.py backup` and `manage.py restore` each run in their own process, as an operator runs
them; peak memory is that process's own high-water mark (VmHWM). While the backup runs, this process keeps
writing one finding every 0.1 s through another connection, as the site would: the figures show whether any
write waited for the backup. The restore goes into a second, freshly migrated database (PostgreSQL:
<name>_restore; SQLite: a second file) and an empty media folder, and checks every row count and SHA-256.
"""

import os
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
OUT.mkdir(exist_ok=True)
os.environ.setdefault("DUDAO_VAR_DIR", str(OUT))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench_backup.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ["MEDIA_ROOT"] = str(OUT / "backup_media_source")
os.environ["ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import close_old_connections, connection, connections  # noqa: E402
from django.utils import timezone  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))

PHOTOS, PHOTO_BYTES = 500, 200 * 1024
ARCHIVE = OUT / "bench_backup.zip"
RESTORE_MEDIA = OUT / "backup_media_restored"

JOB = """
import django, re, sys
django.setup()
from django.core.management import call_command
call_command(sys.argv[1], sys.argv[2])
status = open("/proc/self/status").read()
print("VmHWM", re.search(r"VmHWM:\\s+(\\d+)", status).group(1))
"""


def build() -> None:
    from bench_rectification import build as build_province
    from django.contrib.auth import get_user_model

    from dudao.documents.files import sha256_of, write_blob
    from dudao.documents.models import StoredFile

    vendor = connection.vendor
    if vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(connections.databases["default"]["NAME"]) + suffix).unlink(missing_ok=True)
    else:
        call_command("flush", "--noinput", verbosity=0)
    shutil.rmtree(os.environ["MEDIA_ROOT"], ignore_errors=True)
    call_command("migrate", "--noinput", verbosity=0)
    admin = get_user_model().objects.create_superuser("bench", password="Bench-pass-2026")
    build_province(admin)
    rng = random.Random(17)
    files = []
    for i in range(PHOTOS):
        data = rng.randbytes(PHOTO_BYTES)
        sha = sha256_of(data)
        files.append(StoredFile(sha256=sha, size=len(data), content_type="image/jpeg", kind="image",
                                original_name=f"照片{i}.jpg", path=write_blob(sha, data), uploaded_by=admin))
    StoredFile.objects.bulk_create(files)
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def run_command(name: str, path: Path, env: dict) -> tuple[str, float, float]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", JOB, name, str(path)], env=env, cwd=ROOT, capture_output=True,
                          text=True)
    elapsed = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"{name} failed:\n{done.stdout}\n{done.stderr}")
    lines = done.stdout.strip().splitlines()
    return lines[0], elapsed, int(lines[-1].split()[1]) / 1024


def writer(stop: threading.Event, latencies: list, failures: list) -> None:
    """The site keeps working: a finding written every 0.1 s through this thread's own connection."""
    from dudao.rectification.models import Finding
    from dudao.schools.models import School

    school = School.objects.order_by("pk").first()
    try:
        while not stop.is_set():
            start = time.perf_counter()
            try:
                Finding.objects.create(source="manual", school=school, region_code=school.region_id,
                                       description="备份期间写入", raised_at=timezone.now())
            except Exception as exc:  # noqa: BLE001 - a write the backup blocked is what this measures
                failures.append(repr(exc))
            latencies.append(time.perf_counter() - start)
            stop.wait(0.1)
    finally:
        close_old_connections()
        connection.close()


def fresh_database(url: str) -> None:
    """Drop and create a PostgreSQL database, or delete an SQLite file."""
    if url.startswith("sqlite:///"):
        for suffix in ("", "-wal", "-shm"):
            Path(url[len("sqlite:///"):] + suffix).unlink(missing_ok=True)
        return
    import psycopg

    server, name = url.rsplit("/", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def restore_target() -> dict:
    env = os.environ.copy()
    settings_db = connections.databases["default"]
    if os.environ.get("RESTORE_URL"):
        fresh_database(os.environ["RESTORE_URL"])
        env["DATABASE_URL"] = os.environ["RESTORE_URL"]
    elif connection.vendor == "postgresql":
        name = f"{settings_db['NAME']}_restore"
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + name
    else:
        target = OUT / "bench_backup_restore.sqlite3"
        for suffix in ("", "-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        env["DATABASE_URL"] = f"sqlite:///{target}"
    shutil.rmtree(RESTORE_MEDIA, ignore_errors=True)
    env["MEDIA_ROOT"] = str(RESTORE_MEDIA)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
    return env


def main() -> None:
    from dudao.rectification.models import Finding

    vendor = connection.vendor
    source = None
    if sys.argv[1:2] == ["from"]:
        source = Path(sys.argv[2]).resolve()
        moved = source.with_name(source.stem + "-source.zip")
        shutil.copyfile(source, moved)  # this run writes a new bench_backup.zip
        connections.close_all()
        fresh_database(os.environ["DATABASE_URL"])
        shutil.rmtree(os.environ["MEDIA_ROOT"], ignore_errors=True)
        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, check=True)
        summary, elapsed, peak = run_command("restore", moved, os.environ.copy())
        print(f"[{vendor}] restore of {source.name}: {summary} in {elapsed:.1f} s; peak memory {peak:.0f} MB")
        source = moved
    elif sys.argv[1:] != ["again"]:
        start = time.perf_counter()
        build()
        print(f"[{vendor}] built the province and {PHOTOS} photos in {time.perf_counter() - start:.0f} s")
    print(f"[{vendor}] {Finding.objects.count()} findings")
    ARCHIVE.unlink(missing_ok=True)
    stop, latencies, failures = threading.Event(), [], []
    thread = threading.Thread(target=writer, args=(stop, latencies, failures))
    thread.start()
    try:
        summary, elapsed, peak = run_command("backup", ARCHIVE, os.environ.copy())
    finally:
        stop.set()
        thread.join()
    print(f"[{vendor}] backup: {summary} in {elapsed:.1f} s; peak memory {peak:.0f} MB; "
          f"archive {ARCHIVE.stat().st_size / 1024 / 1024:.0f} MB")
    if latencies:
        ms = sorted(x * 1000 for x in latencies)
        print(f"[{vendor}] writes during the backup: {len(ms)}, median {statistics.median(ms):.0f} ms, "
              f"max {ms[-1]:.0f} ms, failed {len(failures)} {failures[:1]}")
    connections.close_all()
    env = restore_target()
    summary, elapsed, peak = run_command("restore", ARCHIVE, env)
    target = env["DATABASE_URL"].split(":", 1)[0]
    print(f"[{vendor} -> {target}] restore: {summary} in {elapsed:.1f} s; peak memory {peak:.0f} MB")
    if source:
        from dudao.core.backup import open_archive, read_manifest

        with open_archive(source) as first, open_archive(ARCHIVE) as second:
            a, b = read_manifest(first), read_manifest(second)
        differ = [f"{x['model']} {x['rows']} -> {y['rows']} rows"
                  for x, y in zip(a["tables"], b["tables"], strict=True) if x != y]
        print(f"[{a['engine']} -> {vendor} -> {target}] files the same: {a['files'] == b['files']}; tables whose rows "
              f"or SHA-256 differ: {differ or 'none'} (findings: the writes made before the backup's snapshot)")

if __name__ == "__main__":
    main()
