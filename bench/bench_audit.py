"""Benchmarks for the tamper-evident audit log (issue 17): the cost of the hash chain per write, and
`manage.py audit_verify` over 1,000,000 records.

Run: .venv/bin/python bench/bench_audit.py            (SQLite, a fresh database under bench/out/)
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/dudao_bench .venv/bin/python bench/bench_audit.py
     .venv/bin/python bench/bench_audit.py write      (the per-write part again, on the records the last run left)
     .venv/bin/python bench/bench_audit.py verify     (audit_verify again on the records the last run left)
Prints its figures; docs/benchmarks.md records the latest ones.

Per write: WRITES audit records through `audit_record`, each in its own transaction as a service writes it, with
the chain (lock, read the last hash, hash the content) and without it (the same insert through Model.save, as
before the chain); the two are interleaved in rounds so load on the machine hits both alike. Each write's
transaction is rolled back, so the table stays as built (a commit costs both the same). Timed on the empty
table and again on RECORDS records.

Verify: RECORDS records (default 1,000,000; BENCH_AUDIT_RECORDS to change) are written with the chain by
`audit_records`-style bulk inserts of 10,000, with realistic content (before/after snapshots with numbers and
Chinese text, request id, address). Then `manage.py audit_verify` runs in its own process, as an office runs
it; its peak memory is the process's own high-water mark (VmHWM).
"""

import datetime
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "bench" / "out"
OUT.mkdir(exist_ok=True)
os.environ.setdefault("DUDAO_VAR_DIR", str(OUT))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{OUT / 'bench_audit.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, models, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

RECORDS = int(os.environ.get("BENCH_AUDIT_RECORDS", "1000000"))
BATCH = 10_000
WRITES = 2_000
ROUNDS = 10
ACTIONS = ["school.update", "finding.raise", "notice.issue", "visit.submit", "order.issue", "policy.set"]


def fresh_database() -> None:
    if connection.vendor == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(str(connections.databases["default"]["NAME"]) + suffix).unlink(missing_ok=True)
    else:
        call_command("flush", "--noinput", verbosity=0)
    call_command("migrate", "--noinput", verbosity=0)


def users() -> list:
    from django.contrib.auth import get_user_model

    User = get_user_model()
    return [User.objects.get_or_create(username=f"bench-audit-{n}", defaults={"first_name": f"督学{n}"})[0]
            for n in range(20)]


def content(n: int) -> dict:
    return dict(
        action=ACTIONS[n % len(ACTIONS)], object_type="rectification.finding", object_id=str(100_000 + n),
        object_repr=f"第{n}号问题：食堂留样记录不全，未按要求公示", region_code=f"9901{n % 100:02d}001",
        before={"status": "open", "score": 72.5, "due_date": "2026-12-01", "count": n % 7, "note": "原状态"},
        after={"status": "closed", "score": 90.0, "due_date": "2026-12-31", "count": n % 7 + 1, "note": "整改完成"},
        request_id=str(uuid.UUID(int=n)), ip=f"10.{n % 250}.{n % 200}.{n % 100 + 1}")


def build(actors) -> None:
    """RECORDS chained records in bulk inserts of BATCH (each its own transaction)."""
    from dudao.core.models import AuditLog

    start = time.perf_counter()
    at = timezone.now() - datetime.timedelta(days=365)
    step = datetime.timedelta(days=365) / RECORDS
    for first in range(0, RECORDS, BATCH):
        batch = []
        for n in range(first, min(first + BATCH, RECORDS)):
            actor = actors[n % len(actors)]
            batch.append(AuditLog(at=at + step * n, actor=actor, actor_name=actor.first_name, **content(n)))
        with transaction.atomic():
            AuditLog.objects.bulk_create(batch, batch_size=1000)
    print(f"[{connection.vendor}] wrote {AuditLog.objects.count():,} chained audit records in bulk "
          f"({BATCH:,} per transaction) in {time.perf_counter() - start:.1f} s")


JOB = """
import django, re, sys, time
django.setup()
from django.core.management import call_command
start, cpu = time.perf_counter(), time.process_time()
call_command("audit_verify")
print("SECONDS", time.perf_counter() - start, time.process_time() - cpu)
status = open("/proc/self/status").read()
print("VmHWM", re.search(r"VmHWM:\\s+(\\d+)", status).group(1))
"""


def run_verify() -> None:
    """`manage.py audit_verify` in its own process (wall time includes Django's start-up)."""
    connections.close_all()
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", JOB], env=os.environ.copy(), cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.strip().splitlines()
    wall = time.perf_counter() - start
    inner, cpu = (float(x) for x in next(line.split()[1:] for line in out if line.startswith("SECONDS")))
    peak = int(next(line.split()[1] for line in out if line.startswith("VmHWM"))) / 1024
    summary = next(line for line in out if line.startswith("审计日志"))
    print(f"[{connection.vendor}] manage.py audit_verify: {wall:.1f} s wall ({inner:.1f} s in the command, of which "
          f"{cpu:.1f} s CPU of its own process), "
          f"peak {peak:.0f} MB: {summary}")


def time_writes(actor) -> None:
    """audit_record with the chain vs. the same insert without it, each write in its own transaction."""
    from dudao.core.audit import audit_record
    from dudao.core.models import AuditLog
    from dudao.schools.models import School

    chained = hasattr(AuditLog, "hash")
    school = School(pk=1, code="1990101001", name="示范第一小学")
    with_chain: list[float] = []
    without: list[float] = []

    def plain(n: int) -> None:  # what audit_record did before the chain: one INSERT through Model.save
        record = AuditLog(actor=actor, actor_name=actor.first_name, **content(n))
        models.Model.save(record)

    for _ in range(ROUNDS):
        for label, samples in (("chain", with_chain), ("plain", without)):
            start, cpu = time.perf_counter(), time.process_time()
            for n in range(WRITES // ROUNDS):
                with transaction.atomic():
                    if label == "chain":
                        audit_record(actor=actor, action="school.update", obj=school, region_code="990101001",
                                     before=content(n)["before"], after=content(n)["after"])
                    else:
                        plain(n)
                    transaction.set_rollback(True)  # leave the table as built (the commit costs both the same)
            per = 1e6 / (WRITES // ROUNDS)
            samples.append(((time.perf_counter() - start) * per, (time.process_time() - cpu) * per))
    trips = []
    with connection.cursor() as cursor:
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(200):
                cursor.execute("SELECT 1")
                cursor.fetchone()
            trips.append((time.perf_counter() - start) * 1e6 / 200)
    (a, a_cpu), (b, b_cpu) = ([statistics.median(x[i] for x in s) for i in (0, 1)] for s in (with_chain, without))
    what = "audit_record with the chain" if chained else "audit_record (no chain in this code)"
    print(f"[{connection.vendor}] per write, own transaction, on {AuditLog.objects.count():,} records: "
          f"{what} {a:.0f} µs, plain insert {b:.0f} µs, difference {a - b:+.0f} µs "
          f"(CPU of this process: {a_cpu:.0f} vs {b_cpu:.0f} µs, {a_cpu - b_cpu:+.0f} µs; "
          f"medians of {ROUNDS} rounds of {WRITES // ROUNDS}); one SELECT 1 round trip {statistics.median(trips):.0f} µs")


def main() -> None:
    args = sys.argv[1:]
    if args == ["verify"]:
        run_verify()
        return
    if args == ["write"]:
        call_command("migrate", "--noinput", verbosity=0)
        time_writes(users()[0])
        return
    fresh_database()
    actors = users()
    time_writes(actors[0])
    build(actors)
    time_writes(actors[0])
    run_verify()


if __name__ == "__main__":
    main()
