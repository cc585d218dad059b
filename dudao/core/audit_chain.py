"""The audit log's hash chain: each record stores a SHA-256 over its content and the previous record's hash.

One chain per database, in id order. The content is canonical so that the same record hashes the same on
SQLite and PostgreSQL (and after a backup is restored into the other engine): `at` as UTC ISO 8601 with
microseconds; JSON with sorted keys and compact separators; integral numbers as integers (PostgreSQL's jsonb
prints 1e20 as 100000000000000000000 and reads back an int), other floats as Python's shortest repr (jsonb
keeps their digits exactly, so they read back as the same float).

Appends are serialised: on PostgreSQL the writer takes a transaction-level advisory lock before it reads the
last hash, held until its transaction commits, so two transactions cannot chain onto the same record; SQLite
begins every transaction IMMEDIATE (settings), which already lets one writer in at a time.

Application-level guard: a database execute wrapper refuses UPDATE and DELETE statements on the audit table
from any Django code path (QuerySet.update on any queryset, _raw_delete, bulk_update, deletes through the
collector). Plain SQL outside Django cannot be stopped on SQLite; `manage.py audit_verify` detects it.
"""

import collections
import concurrent.futures
import contextlib
import contextvars
import datetime
import decimal
import hashlib
import json
import multiprocessing
import re
from dataclasses import dataclass

from django.db import connections
from django.db.models import TextField
from django.db.models.functions import Cast
from django.utils.ipv6 import clean_ipv6_address

GENESIS = "0" * 64
TABLE = "core_auditlog"
# Every stored field except id and the two hashes, in the order they enter the hash.
CONTENT_FIELDS = ("at", "actor_id", "actor_name", "action", "object_type", "object_id", "object_repr",
                  "region_code", "before", "after", "request_id", "ip")
_TEXT_FIELDS = ("actor_name", "action", "object_type", "object_id", "object_repr", "region_code", "request_id")
# Key of PostgreSQL's advisory lock that serialises appends (any fixed 64-bit number; "dudao" + "audit").
_PG_LOCK_KEY = 0x6475_6461_6F_61_7564
_TIP_SQL = f'SELECT "hash" FROM "{TABLE}" ORDER BY "id" DESC LIMIT 1'


def _number(token: str):
    """A JSON number with a fraction or exponent: integral values as ints (PostgreSQL's jsonb prints 1e20 as
    100000000000000000000 and 2.0 as 2.0; the JSON module reads the first as an int), others as the float."""
    value = float(token)
    return int(decimal.Decimal(token)) if value.is_integer() else value


_decoder = json.JSONDecoder(parse_float=_number)
_encoder = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), check_circular=False)


def _at(value) -> str:
    # PostgreSQL gives an aware datetime; SQLite's column holds the naive UTC text Django wrote.
    if type(value) is str:
        if len(value) == 26 and value[10] == " " and value[19] == ".":  # "2026-03-06 01:30:00.123456": a fast path
            return f"{value[:10]}T{value[11:]}+00:00"
        value = datetime.datetime.fromisoformat(value)
    value = value.replace(tzinfo=datetime.UTC) if value.tzinfo is None else value.astimezone(datetime.UTC)
    return value.isoformat(timespec="microseconds")


def canonical(at, actor_id, actor_name, action, object_type, object_id, object_repr, region_code, before, after,
              request_id, ip, *, prev_hash: str) -> bytes:
    """The bytes that are hashed: the previous hash and every stored field as one canonical JSON array. The
    values are as the database cursor returns them: `before` and `after` as JSON text, `at` as a datetime or
    (SQLite) its text."""
    return _encoder.encode([
        prev_hash, None if at is None else _at(at), actor_id, actor_name, action, object_type, object_id,
        object_repr, region_code, None if before is None else _decoder.decode(before),
        None if after is None else _decoder.decode(after), request_id, ip]).encode()


def record_hash(row, prev_hash: str) -> str:
    """row: the CONTENT_FIELDS values in order, as the database cursor returns them (see canonical)."""
    return hashlib.sha256(canonical(*row, prev_hash=prev_hash)).hexdigest()


def _text(value):
    return value if value is None or type(value) is str else str(value)


def seal(record, prev_hash: str) -> str:
    """Set record.prev_hash and record.hash (an unsaved AuditLog whose `at` is set); returns the new hash. The
    fields are first brought to what the database will store, so the hash is the one audit_verify computes."""
    from dudao.core.models import AuditLog  # noqa: PLC0415 -- core.models imports this module to seal records

    encoder = AuditLog._meta.get_field("after").encoder
    for name in _TEXT_FIELDS:
        setattr(record, name, _text(getattr(record, name)))
    if record.actor_id is not None:
        record.actor_id = int(record.actor_id)
    record.ip = (clean_ipv6_address(record.ip) if ":" in record.ip else record.ip) if record.ip else None
    # The JSONField sends json.dumps(value, cls=encoder): hash that text, as the database will give it back.
    json_text = [None if value is None else json.dumps(value, cls=encoder) for value in (record.before, record.after)]
    row = [getattr(record, name) for name in CONTENT_FIELDS]
    row[8], row[9] = json_text
    record.prev_hash = prev_hash
    record.hash = record_hash(row, prev_hash)
    return record.hash


def rows_sql(using: str, *, after_id: int | None, chunk: int) -> tuple[str, list]:
    """SQL for the next `chunk` records after `after_id` in id order: id, hash, prev_hash, then the content
    fields. Run on a plain cursor, so values come as the database gives them (JSON as text), without Django's
    per-value converters."""
    from dudao.core.models import AuditLog  # noqa: PLC0415 -- core.models imports this module to seal records

    records = AuditLog.objects.db_manager(using).order_by("id")
    if after_id is not None:
        records = records.filter(id__gt=after_id)
    fields = ["id", "hash", "prev_hash", *CONTENT_FIELDS]
    if connections[using].vendor == "sqlite":
        # The column's text as stored (naive UTC): skips the sqlite3 module's Python datetime converter.
        records = records.annotate(at_text=Cast("at", TextField()))
        fields[3] = "at_text"
    return records.values_list(*fields)[:chunk].query.sql_with_params()


def chain_tip(using: str) -> str:
    """Take the append lock (PostgreSQL; held until the caller's transaction ends) and return the last hash.
    Must run inside a transaction."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One round trip, two statements: the SELECT runs after the lock is granted, with a snapshot of its
            # own (READ COMMITTED), so it sees the record the previous holder committed.
            cursor.execute(f"SELECT pg_advisory_xact_lock({_PG_LOCK_KEY}); {_TIP_SQL}")
            cursor.nextset()
        else:
            cursor.execute(_TIP_SQL)
        last = cursor.fetchone()
    return GENESIS if last is None else last[0]


# ---------------------------------------------------------------------------------------------------------------
# Verification


@dataclass
class Result:
    ok: bool
    count: int = 0
    last_id: int | None = None
    last_hash: str = ""
    bad_id: int | None = None
    message: str = ""
    expected_found: bool | None = None


def first_bad_content(rows: list) -> int | None:
    """Index of the first row (id, hash, prev_hash, *content) whose content and prev_hash do not give its hash.
    Rows are independent of each other here, so chunks can be checked in parallel (worker processes)."""
    for index, row in enumerate(rows):
        if hashlib.sha256(canonical(*row[3:], prev_hash=row[2])).hexdigest() != row[1]:
            return index
    return None


def _chunks(cursor, using: str, after_id: int | None, chunk: int):
    while True:
        cursor.execute(*rows_sql(using, after_id=after_id, chunk=chunk))
        rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        after_id = rows[-1][0]


def verify(*, from_id: int | None = None, expect_hash: str | None = None, using: str = "default",
           chunk: int = 5000, workers: int = 1) -> Result:
    """Walk the chain in id order, `chunk` rows at a time, and stop at the first record whose content or link
    does not match. With from_id, start there (its link is checked against the record before it). With
    expect_hash, the chain must contain a record with that hash (record from_id if given).

    With workers > 1, worker processes hash the chunks' contents while this process reads the next chunks and
    checks the links in order; at most 2 × workers chunks are in flight, so memory stays bounded."""
    prev_hash, prev_id, count = GENESIS, None, 0
    found = None if expect_hash is None else False
    connection = connections[using]
    with connection.cursor() as cursor, contextlib.ExitStack() as stack:
        if from_id is not None:
            cursor.execute(f'SELECT "id", "hash" FROM "{TABLE}" WHERE "id" < %s ORDER BY "id" DESC LIMIT 1', [from_id])
            before = cursor.fetchone()
            if before is not None:
                prev_id, prev_hash = before
        chunks = _chunks(cursor, using, None if from_id is None else from_id - 1, chunk)
        if workers > 1:
            pool = stack.enter_context(concurrent.futures.ProcessPoolExecutor(
                workers, mp_context=multiprocessing.get_context("fork")))
            pending: collections.deque = collections.deque()
            stack.callback(lambda: [future.cancel() for _rows, future in pending])

            def checked():
                for rows in chunks:
                    pending.append((rows, pool.submit(first_bad_content, rows)))
                    if len(pending) >= 2 * workers:
                        rows, future = pending.popleft()
                        yield rows, future.result()
                while pending:
                    rows, future = pending.popleft()
                    yield rows, future.result()

            results = checked()
        else:
            results = ((rows, first_bad_content(rows)) for rows in chunks)
        for rows, bad in results:
            for index, row in enumerate(rows):
                record_id, stored, stored_prev = row[0], row[1], row[2]
                if stored_prev != prev_hash:
                    after = f"第 {prev_id} 号记录" if prev_id is not None else "链的起点"
                    return Result(False, count, prev_id, prev_hash, record_id,
                                  f"审计日志校验失败：第 {record_id} 号记录与{after}的链接不符"
                                  f"（其前一条哈希应为 {prev_hash}，记录的是 {stored_prev or '空'}）。"
                                  f"说明其前面有记录被删除、插入或调换了顺序。")
                if index == bad:
                    return Result(False, count, prev_id, prev_hash, record_id,
                                  f"审计日志校验失败：第 {record_id} 号记录的内容与其哈希不符，说明该记录在写入后被修改过。")
                if found is False and stored == expect_hash and (from_id is None or record_id == from_id):
                    found = True
                prev_hash, prev_id = stored, record_id
                count += 1
    if found is False:
        where = f"第 {from_id} 号记录的哈希" if from_id is not None else "链中任何一条记录的哈希"
        return Result(False, count, prev_id, prev_hash, from_id,
                      f"审计日志校验失败：{where}都不是登记的 {expect_hash}，说明登记之后有记录被改写、删除或整条链被重算。",
                      expected_found=False)
    return Result(True, count, prev_id, prev_hash, expected_found=found)


# ---------------------------------------------------------------------------------------------------------------
# Application-level guard against UPDATE and DELETE


_WRITE = re.compile(rf'^\s*(?:UPDATE|DELETE\s+FROM)\s+"?{TABLE}"?(?:\s|;|$)', re.IGNORECASE)
# Django's flush on SQLite (test teardown of transactional tests, `manage.py flush`) empties every table with
# exactly this statement; no ORM query ends with a semicolon.
_FLUSH = f'DELETE FROM "{TABLE}";'
_rewrite_allowed: contextvars.ContextVar[bool] = contextvars.ContextVar("dudao_audit_rewrite", default=False)


class AuditLogWriteRefused(PermissionError):
    pass


def refuse_audit_writes(execute, sql, params, many, context):
    if (isinstance(sql, str) and TABLE in sql and _WRITE.match(sql) and sql.strip() != _FLUSH
            and not _rewrite_allowed.get()):
        raise AuditLogWriteRefused("audit log is append-only: UPDATE and DELETE are refused")
    return execute(sql, params, many, context)


def install_guard(sender, connection, **kwargs):
    """connection_created receiver: put the guard first, so execute_wrapper() blocks pushed by others pop their
    own wrapper, not this one."""
    if refuse_audit_writes not in connection.execute_wrappers:
        connection.execute_wrappers.insert(0, refuse_audit_writes)


@contextlib.contextmanager
def rewrite_allowed():
    """Only for migrations that add chain data to existing rows (and tests that tamper on purpose)."""
    token = _rewrite_allowed.set(True)
    try:
        yield
    finally:
        _rewrite_allowed.reset(token)
