"""The audit log's hash chain: built by every write path, verified by `manage.py audit_verify`, which names the
first record whose content or link was changed behind the application's back."""

import contextlib
import io
import threading
import types

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, models, transaction
from django.db.models import ProtectedError

from dudao.core import audit_chain
from dudao.core.audit import audit_record, audit_records
from dudao.core.models import AuditLog

pg_only = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="PostgreSQL only")


@contextlib.contextmanager
def tampering():
    """A cursor that can change the table as an intruder with database access would (on PostgreSQL the trigger
    is switched off for the test's transaction, as a superuser can)."""
    with audit_chain.rewrite_allowed(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = replica")
        yield cursor
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")


def verify(*args) -> str:
    out = io.StringIO()
    call_command("audit_verify", *args, stdout=out)
    return out.getvalue()


def refused(*args) -> str:
    with pytest.raises(CommandError) as info:
        verify(*args)
    return str(info.value)


@pytest.fixture
def chain(world):
    """Single writes and bulk writes mixed, with awkward content (floats jsonb rewrites, unicode, IPv6)."""
    for n, school in enumerate(world.schools_a):
        audit_record(actor=world.office_a, action="school.update", obj=school, region_code=school.region_id,
                     before={"name": school.name, "n": n}, after={"name": f"{school.name}{n}", "score": 1e20,
                                                                 "ratio": 0.1 + 0.2, "whole": 2.0, "list": [3, 1.5e-7]})
    audit_records(actor=world.admin, action="order.issue", items=[
        (school, school.region_id, {"z": 1, "a": {"甲": "乙", "b": [True, None]}}) for school in world.schools_b * 3])
    audit_record(actor=None, action="complaint.receive", object_type="x", object_id=7, object_repr="公众投诉")
    return list(AuditLog.objects.order_by("id"))


def test_every_write_is_chained_onto_the_one_before(chain):
    assert len(chain) > 20
    assert chain[0].prev_hash == audit_chain.GENESIS
    for before, record in zip(chain, chain[1:], strict=False):
        assert record.prev_hash == before.hash and len(record.hash) == 64
    assert len({r.hash for r in chain}) == len(chain)
    out = verify()
    assert "审计日志校验通过" in out and f"共 {len(chain)} 条记录" in out
    assert f"最新记录：第 {chain[-1].id} 号" in out and f"最新哈希：{chain[-1].hash}" in out


def test_the_hash_covers_what_the_database_gives_back(chain):
    """Read back from the database (jsonb reorders keys and rewrites 1e20 on PostgreSQL), every record hashes the same."""
    with connection.cursor() as cursor:
        cursor.execute(*audit_chain.rows_sql(connection.alias, after_id=None, chunk=1000))
        rows = cursor.fetchall()
    assert len(rows) == len(chain)
    for row in rows:
        assert audit_chain.record_hash(row[3:], row[2]) == row[1]
    stored = AuditLog.objects.filter(action="complaint.receive").get()
    assert stored.object_id == "7" and stored.actor_id is None


def test_ipv6_and_request_id_enter_the_hash(world):
    from dudao.core.middleware import _request_meta

    token = _request_meta.set({"request_id": "r-1", "ip": "2001:DB8:0:0:0:0:0:1"})
    try:
        audit_record(actor=world.office_a, action="school.update", obj=world.schools_a[0])
    finally:
        _request_meta.reset(token)
    record = AuditLog.objects.order_by("-id").first()
    assert record.ip == "2001:db8::1" and record.request_id == "r-1"
    assert "审计日志校验通过" in verify()


@pytest.mark.parametrize("workers", ["1", "3"])
def test_a_raw_update_of_one_record_is_detected_and_named(chain, workers):
    victim = chain[10]
    with tampering() as cursor:
        cursor.execute("UPDATE core_auditlog SET object_repr = %s WHERE id = %s", ["改过的名称", victim.id])
    message = refused("--workers", workers, "--chunk", "4")
    assert f"第 {victim.id} 号记录的内容与其哈希不符" in message


def test_the_first_bad_record_is_named_whichever_worker_finds_it(chain):
    """A changed record in an early chunk and a broken link in a later one: the earlier one is reported."""
    with tampering() as cursor:
        cursor.execute("UPDATE core_auditlog SET object_repr = 'x' WHERE id = %s", [chain[2].id])
        cursor.execute("DELETE FROM core_auditlog WHERE id = %s", [chain[15].id])
    for workers in ("1", "2", "4"):
        assert f"第 {chain[2].id} 号记录的内容与其哈希不符" in refused("--workers", workers, "--chunk", "2")


@pytest.mark.parametrize("column, value", [("actor_name", "别人"), ("at", "2020-01-01 00:00:00"),
                                           ("after", '{"name": "x"}'), ("ip", "10.9.9.9")])
def test_any_changed_column_is_detected(chain, column, value):
    victim = chain[5]
    with tampering() as cursor:
        cast = {"after": "::jsonb", "ip": "::inet", "at": "::timestamptz"}.get(column, "") \
            if connection.vendor == "postgresql" else ""
        cursor.execute(f"UPDATE core_auditlog SET {column} = %s{cast} WHERE id = %s", [value, victim.id])
    assert f"第 {victim.id} 号记录的内容与其哈希不符" in refused()


def test_a_deleted_middle_record_breaks_the_link_of_the_next(chain):
    with tampering() as cursor:
        cursor.execute("DELETE FROM core_auditlog WHERE id = %s", [chain[7].id])
    message = refused()
    assert f"第 {chain[8].id} 号记录与第 {chain[6].id} 号记录的链接不符" in message


def test_swapped_records_are_detected(chain):
    a, b = chain[3], chain[4]
    with tampering() as cursor:  # the two rows exchange places in id order
        cursor.execute("UPDATE core_auditlog SET id = -1 WHERE id = %s", [a.id])
        cursor.execute("UPDATE core_auditlog SET id = %s WHERE id = %s", [a.id, b.id])
        cursor.execute("UPDATE core_auditlog SET id = %s WHERE id = -1", [b.id])
    assert f"第 {a.id} 号记录与第 {chain[2].id} 号记录的链接不符" in refused()


def test_a_forged_row_is_detected(chain, world):
    """Inserted in place of a deleted record with a correctly computed hash: the next record no longer links."""
    victim = chain[9]
    forged = AuditLog(actor_id=world.office_a.id, actor_name="office_a", action="school.update", object_type="x",
                      object_id="1", object_repr="伪造", at=victim.at)
    audit_chain.seal(forged, victim.prev_hash)
    with tampering() as cursor:
        cursor.execute("DELETE FROM core_auditlog WHERE id = %s", [victim.id])
        cursor.execute("INSERT INTO core_auditlog (id, at, actor_id, actor_name, action, object_type, object_id, "
                       "object_repr, region_code, request_id, prev_hash, hash) "
                       "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, '', '', %s, %s)",
                       [victim.id, victim.at, forged.actor_id, forged.actor_name, forged.action, forged.object_type,
                        forged.object_id, forged.object_repr, forged.prev_hash, forged.hash])
    assert f"第 {chain[10].id} 号记录与第 {victim.id} 号记录的链接不符" in refused()


def test_a_row_appended_with_a_made_up_hash_is_detected(chain):
    with tampering() as cursor:
        cursor.execute("INSERT INTO core_auditlog (at, actor_name, action, object_type, object_id, object_repr, "
                       "region_code, request_id, prev_hash, hash) VALUES (%s, '系统', 'x', 'x', '', '', '', '', %s, %s)",
                       [chain[-1].at, chain[-1].hash, "f" * 64])
    last = AuditLog.objects.order_by("-id").first()
    assert f"第 {last.id} 号记录的内容与其哈希不符" in refused()


def test_a_recomputed_chain_is_caught_by_the_hash_kept_off_the_server(chain):
    """An intruder who edits a record and recomputes every hash after it leaves a self-consistent chain; the
    latest hash written down earlier is no longer in it."""
    written_down = chain[-1].hash
    assert "校验通过" in verify("--expect-hash", written_down)
    with tampering() as cursor:
        cursor.execute("UPDATE core_auditlog SET object_repr = '改过' WHERE id = %s", [chain[2].id])
        cursor.execute(*audit_chain.rows_sql(connection.alias, after_id=None, chunk=1000))
        rows = cursor.fetchall()
        prev = audit_chain.GENESIS
        for row in rows:
            new = audit_chain.record_hash(row[3:], prev)
            cursor.execute("UPDATE core_auditlog SET hash = %s, prev_hash = %s WHERE id = %s", [new, prev, row[0]])
            prev = new
    assert "校验通过" in verify()
    message = refused("--expect-hash", written_down)
    assert written_down in message and "整条链被重算" in message


def test_from_id_and_expect_hash(chain):
    middle = chain[12]
    out = verify("--from-id", str(middle.id), "--expect-hash", middle.hash.upper())
    assert f"自第 {middle.id} 号起共 {len(chain) - 12} 条记录" in out and "登记的哈希" in out
    assert f"第 {middle.id} 号记录的哈希" in refused("--from-id", str(middle.id), "--expect-hash", chain[13].hash)
    with tampering() as cursor:
        cursor.execute("DELETE FROM core_auditlog WHERE id = %s", [chain[11].id])
    assert f"第 {middle.id} 号记录与第 {chain[10].id} 号记录的链接不符" in refused("--from-id", str(middle.id))


@pytest.mark.parametrize("args, message", [
    (["--expect-hash", "abc"], "64 位十六进制"), (["--expect-hash", "g" * 64], "64 位十六进制"),
    (["--from-id", "0"], "正整数"), (["--chunk", "0"], "正整数"), (["--workers", "0"], "1 到 64")])
def test_bad_options_are_refused_in_chinese(db, args, message):
    assert message in refused(*args)


def test_an_empty_log_verifies(db):
    assert AuditLog.objects.count() == 0
    assert "没有记录" in verify()


@pytest.mark.parametrize("workers", ["1", "2", "3"])
def test_small_chunks_walk_the_whole_chain(chain, workers):
    assert f"共 {len(chain)} 条记录" in verify("--chunk", "3", "--workers", workers)


def test_the_application_cannot_change_or_remove_records(chain):
    record = chain[0]
    attempts = {
        "base manager update": lambda: AuditLog._base_manager.filter(pk=record.pk).update(object_repr="x"),
        "base manager delete": lambda: AuditLog._base_manager.filter(pk=record.pk).delete(),
        "unbound QuerySet.update": lambda: models.QuerySet(AuditLog).filter(pk=record.pk).update(object_repr="x"),
        "QuerySet.update called on ours": lambda: models.QuerySet.update(AuditLog.objects.all(), object_repr="x"),
        "unbound QuerySet.delete": lambda: models.QuerySet(AuditLog).filter(pk=record.pk).delete(),
        "_raw_delete": lambda: AuditLog.objects.filter(pk=record.pk)._raw_delete(connection.alias),
        "unbound _raw_delete": lambda: models.QuerySet(AuditLog).filter(pk=record.pk)._raw_delete(connection.alias),
        "unbound _raw_delete of everything": lambda: models.QuerySet(AuditLog)._raw_delete(connection.alias),
        "bulk_update": lambda: AuditLog.objects.bulk_update([record], ["object_repr"]),
        "unbound bulk_update": lambda: models.QuerySet(AuditLog).bulk_update([record], ["object_repr"]),
        "save with update_fields": lambda: record.save(update_fields=["object_repr"]),
        "bulk_create over an id": lambda: AuditLog.objects.bulk_create([AuditLog(pk=record.pk, action="x")]),
        "bulk_create update_conflicts": lambda: AuditLog.objects.bulk_create(
            [AuditLog(action="x")], update_conflicts=True, unique_fields=["id"], update_fields=["action"]),
    }
    for name, attempt in attempts.items():
        with pytest.raises(PermissionError), transaction.atomic():
            attempt()
            pytest.fail(f"{name} was allowed")
    assert list(AuditLog.objects.order_by("id")) == chain
    assert AuditLog.objects.get(pk=record.pk).object_repr == record.object_repr
    assert "校验通过" in verify()


def test_a_user_with_audit_records_cannot_be_deleted(world):
    audit_record(actor=world.office_a, action="school.update", obj=world.schools_a[0])
    with pytest.raises(ProtectedError), transaction.atomic():
        world.office_a.delete()
    assert get_user_model().objects.filter(pk=world.office_a.pk).exists()
    assert AuditLog.objects.filter(actor=world.office_a).exists()


def test_existing_records_are_chained_by_the_migration(chain):
    """The data migration hashes records written before the chain, in id order, a chunk at a time."""
    migration = __import__("dudao.core.migrations.0004_audit_chain", fromlist=["chain_existing_records"])
    with tampering() as cursor:
        cursor.execute("UPDATE core_auditlog SET hash = '', prev_hash = ''")
    assert "内容与其哈希不符" in refused() or "链接不符" in refused()
    editor = types.SimpleNamespace(connection=connection, quote_name=connection.ops.quote_name)
    with tampering():  # on PostgreSQL the trigger is created after this step of the migration
        migration.chain_existing_records(django_apps, editor)
    assert [r.hash for r in AuditLog.objects.order_by("id")] == [r.hash for r in chain]
    assert "校验通过" in verify()


@pg_only
def test_the_database_refuses_update_and_delete_on_postgresql(chain):
    for sql in ("UPDATE core_auditlog SET object_repr = 'x' WHERE id = %s", "DELETE FROM core_auditlog WHERE id = %s",
                "UPDATE core_auditlog SET object_repr = 'x' WHERE id = -%s"):
        with pytest.raises(DatabaseError, match="审计日志只能追加"), transaction.atomic():
            with audit_chain.rewrite_allowed(), connection.cursor() as cursor:
                cursor.execute(sql, [chain[1].id])
    assert AuditLog.objects.get(pk=chain[1].pk).object_repr == chain[1].object_repr
    assert "校验通过" in verify()


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_do_not_fork_the_chain(world):
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(("file:memorydb", ":memory:")):
        pytest.skip("in-memory SQLite cannot be shared between threads")
    errors = []
    barrier = threading.Barrier(6)

    def write(n):
        try:
            barrier.wait()
            for i in range(15):
                with transaction.atomic():
                    if i % 5 == 4:
                        audit_records(actor=None, action="order.issue",
                                      items=[(school, school.region_id, {"t": n}) for school in world.schools_a])
                    else:
                        audit_record(actor=None, action="school.update", obj=world.schools_a[i % 5], after={"t": n})
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    hashes = list(AuditLog.objects.order_by("id").values_list("prev_hash", flat=True))
    assert len(hashes) == len(set(hashes))  # no two records chained onto the same one
    assert "校验通过" in verify()


def test_the_same_record_hashes_the_same_from_either_engine():
    """SQLite gives back the text Django wrote; PostgreSQL's jsonb reorders keys, changes spacing and prints
    numbers its own way, and its times come as aware datetimes. The canonical content is the same."""
    import datetime

    sqlite_row = ["2026-03-05 16:30:00.000001", 3, "督学", "a", "t", "1", "对象", "990102",
                  '{"z": 1e+20, "a": 2.0, "m": [1.5e-07, 0.30000000000000004], "k": "\\u7532"}', None, "r", "::1"]
    jsonb_row = [datetime.datetime(2026, 3, 6, 0, 30, 0, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=8))),
                 3, "督学", "a", "t", "1", "对象", "990102",
                 '{"a": 2.0, "k": "甲", "m": [0.00000015, 0.30000000000000004], "z": 100000000000000000000}', None,
                 "r", "::1"]
    assert audit_chain.record_hash(sqlite_row, "0" * 64) == audit_chain.record_hash(jsonb_row, "0" * 64)
    assert audit_chain.record_hash(sqlite_row, "0" * 64) != audit_chain.record_hash(sqlite_row, "1" * 64)
    changed = list(jsonb_row)
    changed[8] = changed[8].replace("2.0", "2.5")
    assert audit_chain.record_hash(changed, "0" * 64) != audit_chain.record_hash(jsonb_row, "0" * 64)
