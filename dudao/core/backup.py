"""Backup and restore: one zip archive that moves a whole installation between databases (SQLite <-> PostgreSQL).

Archive layout (a zip: members are streamed in and out, the central directory lets restore read the manifest
first and tells a truncated file from a whole one; every member carries a CRC-32 as well):

    tables/<app_label>.<model_name>.jsonl   one JSON array per row, the raw column values in the manifest's order
    media/<name in the file storage>        every stored file (uploads, thumbnails, generated documents), as is
    manifest.json                           written last, read first

Column values are database-neutral: datetimes ISO 8601 in UTC, dates/times ISO, decimals and UUIDs as strings,
durations ISO 8601, binary as base64, JSON fields as JSON (keys sorted, so the same data gives the same bytes on
either engine). Restore turns them back with each field's own ``to_python`` and ``get_db_prep_save``.

The manifest names the latest applied migration of every app (the schema version), each table's columns, row
count and SHA-256, and each file's size and SHA-256. Sessions are not kept (everyone logs in again). The rows
``migrate`` itself creates (content types and permissions) are in the archive and replace the target's own, so
every generic reference and permission id means the same after the move.

Backup reads with bounded memory (pk-ordered ``iterator(chunk_size)``) inside one read-only snapshot that does
not block writers: REPEATABLE READ READ ONLY on PostgreSQL, a deferred read transaction in WAL mode on SQLite.
Restore writes in one transaction (foreign keys checked at the end), with plain batched INSERTs (COPY on
PostgreSQL) that keep every stored value as it was (the audit log's ids, times and any hash columns included; no
model code runs), then resets PostgreSQL's sequences; files are checked against their SHA-256 before they are
written. Any refusal or damage changes nothing.

Files are read and written through Django's file storage (``default_storage``: folders under MEDIA_ROOT, or an
S3-compatible bucket when STORAGE_URL is set), so an archive moves between the two as well.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import hashlib
import json
import os
import tempfile
import uuid
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.duration import duration_iso_string

FORMAT = "dudao-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
# Not kept: logins expire anyway and a session row is useless on another server.
SKIPPED_MODELS = {"sessions.session"}
# Rows that `migrate` itself creates: the archive's copies replace the target's (same ids as the source).
REPLACED_MODELS = {"contenttypes.contenttype", "auth.permission"}
# Column types whose JSON value is already what the database driver takes.
PASSTHROUGH_TYPES = {
    "AutoField", "BigAutoField", "SmallAutoField", "IntegerField", "BigIntegerField", "SmallIntegerField",
    "PositiveIntegerField", "PositiveBigIntegerField", "PositiveSmallIntegerField", "BooleanField",
    "CharField", "TextField", "SlugField", "EmailField", "URLField", "FilePathField", "FloatField",
}
COPY_BUFFER = 1024 * 1024


def chunk_rows() -> int:
    return int(getattr(settings, "DUDAO_BACKUP_CHUNK_ROWS", 2000))


class BackupError(Exception):
    """A refusal or a damaged archive; the message is for the operator (Chinese)."""


# --- models and schema -----------------------------------------------------------------------------------------

def backed_up_models(app_registry=apps) -> list:
    """Every table Django manages, many-to-many tables included, in a stable order."""
    models = []
    for model in app_registry.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.swapped or meta.label_lower in SKIPPED_MODELS:
            continue
        models.append(model)
    return sorted(models, key=lambda m: m._meta.label_lower)


def _leaf_per_app(loader: MigrationLoader, nodes) -> dict[str, str]:
    """The latest of the given migrations for each app (the one that has all the others of its app before it)."""
    by_app: dict[str, list[tuple[str, str]]] = {}
    for node in nodes:
        if node in loader.graph.nodes:
            by_app.setdefault(node[0], []).append(node)
    leaves = {}
    for app_label, app_nodes in by_app.items():
        leaves[app_label] = max(app_nodes, key=lambda n: len(loader.graph.forwards_plan(n)))[1]
    return dict(sorted(leaves.items()))


def applied_schema(connection) -> tuple[MigrationLoader, dict[str, str]]:
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    return loader, _leaf_per_app(loader, loader.applied_migrations)


# --- value encoding ---------------------------------------------------------------------------------------------

def _encode(value):
    """json.dumps' fallback for the column values JSON has no type for."""
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(datetime.UTC)
        return value.isoformat()
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return duration_iso_string(value)
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"cannot back up a value of type {type(value).__name__}")


def encode_row(row) -> bytes:
    return (json.dumps(row, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_encode) + "\n").encode()


def _decoder(field, connection):
    """A function from the archived JSON value to the value the database driver takes, or None when it is the same."""
    kind = (field.target_field if field.is_relation else field).get_internal_type()
    if kind in PASSTHROUGH_TYPES:
        return None

    def convert(value):
        if value is None:
            return None
        return field.get_db_prep_save(field.to_python(value), connection=connection)

    return convert


# --- backup -----------------------------------------------------------------------------------------------------

@contextmanager
def read_snapshot(connection) -> Iterator[None]:
    """One consistent, read-only view of the database that lets the running site keep writing."""
    if connection.in_atomic_block:  # already inside a transaction (the test suite): its reads are consistent
        yield
        return
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            yield
        return
    if connection.vendor == "sqlite":
        # Django's transactions on SQLite begin IMMEDIATE (the write lock); a read needs only a deferred one,
        # which in WAL mode sees one snapshot from its first read on and never blocks a writer.
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("COMMIT")
        return
    with transaction.atomic(using=connection.alias):
        yield


def stored_files(storage=None, folder: str = "") -> Iterator[str]:
    """Every name in the file storage, in a stable order; half-written ``*.part`` files (being written
    atomically right now on disk) are left out."""
    storage = storage or default_storage
    try:
        folders, names = storage.listdir(folder)
    except FileNotFoundError:  # MEDIA_ROOT not created yet
        return
    for name in sorted(names):
        if not name.endswith(".part"):
            yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from stored_files(storage, f"{folder}/{sub}" if folder else sub)


def storage_label(storage=None) -> str:
    """Where the files are, for the operator."""
    storage = storage or default_storage
    if isinstance(storage, FileSystemStorage):
        return f"上传文件目录 MEDIA_ROOT（{storage.location}）"
    bucket, location = getattr(storage, "bucket_name", ""), getattr(storage, "location", "")
    return f"对象存储 s3://{bucket}/{location}".rstrip("/")


def _zip_info(name: str, compress: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=timezone.now().timetuple()[:6])
    info.compress_type = compress
    return info


def backup(path: str | os.PathLike, *, using: str = DEFAULT_DB_ALIAS, log=None) -> dict:
    """Write the archive to ``path`` (through ``path.part``, renamed when complete) and return its manifest."""
    log = log or (lambda message: None)
    connection = connections[using]
    target = Path(path)
    if target.exists():
        raise BackupError(f"文件 {target} 已存在，备份不会覆盖已有文件，请换一个文件名。")
    if not target.parent.is_dir():
        raise BackupError(f"目录 {target.parent} 不存在，请先创建备份目录。")
    loader, schema = applied_schema(connection)
    pending = [node for node in loader.graph.leaf_nodes() if node not in loader.applied_migrations]
    if pending:
        raise BackupError("数据库尚未迁移到当前版本（未应用：" + "、".join(f"{a}.{n}" for a, n in pending)
                          + "），请先运行 python manage.py migrate。")
    partial = target.with_name(target.name + ".part")
    manifest = {"format": FORMAT, "version": FORMAT_VERSION, "created_at": timezone.now().isoformat(),
                "engine": connection.vendor, "migrations": schema, "tables": [], "files": []}
    try:
        archive_file = partial.open("wb")  # a .part left by an interrupted run is ours to replace
    except OSError as exc:
        raise BackupError(f"无法写入备份文件 {partial}：{exc}") from None
    try:
        with archive_file:
            with zipfile.ZipFile(archive_file, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1,
                                 allowZip64=True) as archive:
                # Rows first, then files: a file is on disk before the row that names it commits, so every file the
                # snapshot's rows refer to is there when the folder is read.
                with read_snapshot(connection):
                    for model in backed_up_models():
                        manifest["tables"].append(_write_table(archive, model, using))
                        entry = manifest["tables"][-1]
                        log(f"{entry['model']}: {entry['rows']} 行")
                for name in stored_files():
                    entry = _write_file(archive, name)
                    if entry:
                        manifest["files"].append(entry)
                log(f"文件 {len(manifest['files'])} 个")
                with archive.open(_zip_info(MANIFEST, zipfile.ZIP_DEFLATED), "w") as out:
                    out.write(json.dumps(manifest, ensure_ascii=False, indent=1).encode())
            archive_file.flush()
            os.fsync(archive_file.fileno())  # on disk before it takes its final name
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return manifest


def _write_table(archive: zipfile.ZipFile, model, using: str) -> dict:
    fields = model._meta.concrete_fields
    member = f"tables/{model._meta.label_lower}.jsonl"
    digest, rows, size = hashlib.sha256(), 0, 0
    values = (model._base_manager.using(using).order_by("pk").values_list(*[f.attname for f in fields])
              .iterator(chunk_size=chunk_rows()))
    with archive.open(_zip_info(member, zipfile.ZIP_DEFLATED), "w", force_zip64=True) as out:
        chunk = []
        for row in values:
            chunk.append(encode_row(row))
            if len(chunk) >= chunk_rows():
                size += _flush(out, digest, chunk)
                rows += len(chunk)
                chunk = []
        size += _flush(out, digest, chunk)
        rows += len(chunk)
    return {"model": model._meta.label_lower, "table": model._meta.db_table, "member": member,
            "columns": [f.column for f in fields], "rows": rows, "size": size, "sha256": digest.hexdigest()}


def _flush(out, digest, chunk: list[bytes]) -> int:
    data = b"".join(chunk)
    digest.update(data)
    out.write(data)
    return len(data)


def _write_file(archive: zipfile.ZipFile, name: str) -> dict | None:
    digest, size = hashlib.sha256(), 0
    try:
        source = default_storage.open(name, "rb")
    except FileNotFoundError:  # removed since the folder was listed
        return None
    with source, archive.open(_zip_info(f"media/{name}", zipfile.ZIP_STORED), "w", force_zip64=True) as out:
        while block := source.read(COPY_BUFFER):
            digest.update(block)
            out.write(block)
            size += len(block)
    return {"path": name, "size": size, "sha256": digest.hexdigest()}


# --- restore ----------------------------------------------------------------------------------------------------

def read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise BackupError("备份文件中没有 manifest.json，不是本系统的备份或已损坏。") from None
    except (zipfile.BadZipFile, zlib.error, ValueError, OSError, EOFError) as exc:
        raise BackupError(f"备份文件的 manifest.json 已损坏：{exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("备份文件的 manifest.json 不是本系统的备份清单。")
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(f"备份格式版本 {manifest.get('version')} 不受支持（本程序支持版本 {FORMAT_VERSION}）。")
    if not all(isinstance(manifest.get(key), want) for key, want in
               (("migrations", dict), ("tables", list), ("files", list))):
        raise BackupError("备份文件的 manifest.json 缺少必需的内容。")
    return manifest


def open_archive(path: str | os.PathLike) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BackupError(f"找不到备份文件 {path}。") from None
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
        raise BackupError(f"备份文件已损坏或不完整（可能传输中断）：{exc}") from None


def check_schema(manifest: dict, connection):
    """Refuse an archive from newer code, or one whose schema is not the target database's; return the
    historical models of the archive's schema (the target's, after this check)."""
    loader, target_schema = applied_schema(connection)
    archived = {str(app): str(name) for app, name in manifest["migrations"].items()}
    unknown = [f"{app}.{name}" for app, name in archived.items() if (app, name) not in loader.disk_migrations]
    if unknown:
        raise BackupError("备份来自更新版本的程序（本程序没有以下迁移：" + "、".join(sorted(unknown))
                          + "），请先把程序升级到不低于备份时的版本再恢复。")
    if archived != target_schema:
        diff = sorted({app for app in archived.keys() | target_schema.keys()
                       if archived.get(app) != target_schema.get(app)})
        steps = "；".join(f"python manage.py migrate {app} {archived[app]}" for app in diff if app in archived)
        raise BackupError("目标数据库的迁移版本与备份不同（" + "、".join(
            f"{app}：备份 {archived.get(app, '无')}，数据库 {target_schema.get(app, '无')}" for app in diff)
            + "）。请用与备份相同版本的程序恢复，或先把这个空数据库迁移到备份的版本（" + (steps or "无")
            + "），恢复后再运行 python manage.py migrate。")
    return loader.project_state(list(archived.items()), at_end=True).apps


def check_empty(connection, history=apps) -> None:
    """The target must hold nothing but what `migrate` creates, and the file storage no file. ``history``: the
    models as the database's applied migrations define them."""
    busy = []
    for model in backed_up_models(history):
        if model._meta.label_lower in REPLACED_MODELS:
            continue
        if model._base_manager.using(connection.alias).exists():
            busy.append(model._meta.db_table)
    if busy:
        shown = "、".join(busy[:5]) + (f" 等 {len(busy)} 张表" if len(busy) > 5 else "")
        raise BackupError(f"目标数据库已有数据（{shown}）。恢复只能写入新建并已迁移（migrate）的空数据库，"
                          "不会覆盖现有数据。")
    if next(iter(stored_files()), None) is not None:
        raise BackupError(f"{storage_label()}中已有文件。恢复只能写入空的文件存储，不会覆盖现有文件。")


def _safe_name(relative) -> str:
    if not isinstance(relative, str) or not relative or "\\" in relative or "\x00" in relative:
        raise BackupError(f"备份清单中的文件路径无效：{relative!r}。")
    pure = PurePosixPath(relative)
    if pure.is_absolute() or any(part in ("", ".", "..") for part in pure.parts) or str(pure) != relative:
        raise BackupError(f"备份清单中的文件路径无效：{relative!r}。")
    return relative


def restore(path: str | os.PathLike, *, using: str = DEFAULT_DB_ALIAS, log=None) -> dict:
    """Restore the archive into an empty migrated database and an empty file storage; refuse or roll back
    (database and files) on anything unexpected."""
    log = log or (lambda message: None)
    connection = connections[using]
    with open_archive(path) as archive:
        manifest = read_manifest(archive)
        history = check_schema(manifest, connection)
        check_empty(connection, history)
        plan = _plan_tables(manifest, history, archive)
        if not all(isinstance(entry, dict) for entry in manifest["files"]):
            raise BackupError("备份清单中的文件信息不完整。")
        files = [(_safe_name(entry.get("path")), entry) for entry in manifest["files"]]
        for _name, entry in files:
            if f"media/{entry['path']}" not in archive.NameToInfo:
                raise BackupError(f"备份文件不完整：缺少文件 {entry['path']}。")
        written: list[str] = []
        try:
            with connection.constraint_checks_disabled():
                with transaction.atomic(using=using):
                    _load_tables(archive, plan, connection, log)
                    _write_files(archive, files, written, log)
        except BaseException:
            for name in written:
                default_storage.delete(name)
            raise
    ContentType.objects.clear_cache()  # this process may have cached the ids the archive replaced
    return manifest


def _plan_tables(manifest: dict, history, archive: zipfile.ZipFile) -> list[tuple]:
    plan, seen = [], set()
    for entry in manifest["tables"]:
        try:
            label, columns, rows = entry["model"], list(entry["columns"]), int(entry["rows"])
            member, sha = entry["member"], entry["sha256"]
        except (KeyError, TypeError, ValueError):
            raise BackupError("备份清单中的表信息不完整。") from None
        if label in SKIPPED_MODELS or label in seen:
            continue
        seen.add(label)
        try:
            model = history.get_model(label)
        except (LookupError, ValueError):
            raise BackupError(f"备份中的表 {label} 在当前数据库结构中不存在。") from None
        fields = {f.column: f for f in model._meta.concrete_fields}
        if sorted(columns) != sorted(fields):
            raise BackupError(f"备份中表 {model._meta.db_table} 的列与数据库不一致。")
        if member not in archive.NameToInfo:
            raise BackupError(f"备份文件不完整：缺少表 {label} 的数据。")
        plan.append((model, [fields[c] for c in columns], rows, member, sha))
    return plan


def _load_tables(archive: zipfile.ZipFile, plan: list[tuple], connection, log) -> None:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model, *_rest in plan:
            if model._meta.label_lower in REPLACED_MODELS:
                cursor.execute(f"DELETE FROM {quote(model._meta.db_table)}")
        for model, fields, rows, member, sha in plan:
            table = model._meta.db_table
            columns = ", ".join(quote(f.column) for f in fields)
            decoders = [(i, decode) for i, f in enumerate(fields) if (decode := _decoder(f, connection))]
            digest, counter = hashlib.sha256(), [0]
            try:
                with archive.open(member) as stream:
                    values = _decoded_rows(stream, digest, counter, len(fields), decoders, table)
                    if connection.vendor == "postgresql":
                        # COPY: several times faster than INSERTs; triggers and deferred foreign keys still apply.
                        with connection.wrap_database_errors, \
                                cursor.cursor.copy(f"COPY {quote(table)} ({columns}) FROM STDIN") as copy:
                            for row in values:
                                copy.write_row(row)
                    else:
                        sql = f"INSERT INTO {quote(table)} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"
                        batch = []
                        for row in values:
                            batch.append(row)
                            if len(batch) >= chunk_rows():
                                cursor.executemany(sql, batch)
                                batch = []
                        if batch:
                            cursor.executemany(sql, batch)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, TypeError, ValidationError) as exc:
                raise BackupError(f"备份中表 {table} 的数据已损坏：{exc}") from None
            except DatabaseError as exc:
                raise BackupError(f"备份中表 {table} 的数据无法写入数据库（{exc}），未做任何更改。") from None
            count = counter[0]
            if digest.hexdigest() != sha or count != rows:
                raise BackupError(f"备份中表 {table} 的数据与清单不符（行数 {count}/{rows} 或 SHA-256 不同），"
                                  "备份已损坏，未做任何更改。")
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")
            if cursor.fetchone()[0] != rows:
                raise BackupError(f"表 {table} 恢复后的行数与清单不符，未做任何更改。")
            log(f"{model._meta.label_lower}: {rows} 行")
        try:
            connection.check_constraints()
        except Exception as exc:  # an IntegrityError naming the row that points nowhere
            raise BackupError(f"备份中的数据引用了不存在的记录（{exc}），备份已损坏，未做任何更改。") from None
        if connection.vendor == "postgresql":
            for statement in connection.ops.sequence_reset_sql(no_style(), [m for m, *_ in plan]):
                cursor.execute(statement)


def _decoded_rows(stream, digest, counter: list, width: int, decoders: list, table: str) -> Iterator[list]:
    """The archived rows of one table as the database driver takes them, one at a time."""
    for line in stream:
        digest.update(line)
        row = json.loads(line)
        if not isinstance(row, list) or len(row) != width:
            raise BackupError(f"备份中表 {table} 的第 {counter[0] + 1} 行格式不对。")
        for i, decode in decoders:
            row[i] = decode(row[i])
        counter[0] += 1
        yield row


def _write_files(archive, files, written: list, log) -> None:
    """Each file checked against its size and SHA-256 in a temporary copy first, then stored under its name:
    nothing damaged reaches the storage, and every stored name is noted for the rollback."""
    for name, entry in files:
        digest, size = hashlib.sha256(), 0
        with tempfile.SpooledTemporaryFile(max_size=COPY_BUFFER * 8) as copy:
            try:
                with archive.open(f"media/{entry['path']}") as source:
                    while block := source.read(COPY_BUFFER):
                        digest.update(block)
                        copy.write(block)
                        size += len(block)
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
                raise BackupError(f"备份中的文件 {entry['path']} 已损坏：{exc}") from None
            if digest.hexdigest() != entry.get("sha256") or size != entry.get("size"):
                raise BackupError(f"备份中的文件 {entry['path']} 与清单的 SHA-256 或大小不符，备份已损坏，未做任何更改。")
            copy.seek(0)
            saved = default_storage.save(name, File(copy, name=name))
            written.append(saved)
            if saved != name:  # the storage was empty when the restore began: someone is writing into it
                raise BackupError(f"文件 {name} 在恢复过程中已被写入文件存储，恢复已撤销，未做任何更改。")
    log(f"文件 {len(files)} 个")


def describe(manifest: dict) -> str:
    rows = sum(t["rows"] for t in manifest["tables"])
    size = sum(f["size"] for f in manifest["files"])
    return (f"{len(manifest['tables'])} 张表共 {rows} 行，文件 {len(manifest['files'])} 个共 "
            f"{size / 1024 / 1024:.1f} MB")

