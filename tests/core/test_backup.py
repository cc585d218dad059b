"""Backup and restore (issue 17 item 10): round trips on the same engine and across engines, and every refusal
(non-empty database or media folder, newer or different schema, damaged or truncated archive, hostile paths)
changes nothing."""

import datetime
import hashlib
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone
from PIL import Image

from dudao.core.audit import audit_record
from dudao.core.backup import REPLACED_MODELS, backed_up_models
from dudao.core.models import AuditLog, Policy
from dudao.core.services import user_create
from dudao.documents.files import sha256_of, write_blob
from dudao.documents.models import StoredFile
from dudao.rectification.models import Finding
from dudao.regions.models import Region
from dudao.schools.models import School
from tests.demo_snapshot import restore

User = get_user_model()
ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "Test-pass-2026"


def _photo(colour) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), colour).save(buffer, "PNG")
    return buffer.getvalue()


def _make_data() -> None:
    """A little of everything: users, a region tree, a school, a finding with two photos, JSON, decimals, audit."""
    admin = User.objects.create_superuser("admin", password=PASSWORD)
    office = user_create(actor=admin, username="office_a", full_name="周主任", password=PASSWORD)
    county = Region.objects.create(code="990102", name="甲区", level="county")
    town = Region.objects.create(code="990102001", name="甲一街道", level="town", parent=county)
    school = School.objects.create(code="1990102001", name="甲区第一小学", school_type="primary", region=town,
                                   ownership="public", urban_rural="urban", students_primary=300, classes_primary=8)
    finding = Finding.objects.create(source="manual", school=school, region_code=town.code, description="消防通道堆放杂物。",
                                     raised_by=office, raised_at=timezone.now(), due_date=datetime.date(2026, 3, 6))
    for colour in ("red", "blue"):
        data = _photo(colour)
        sha = sha256_of(data)
        finding.evidence.add(StoredFile.objects.create(
            sha256=sha, size=len(data), content_type="image/png", kind="image", original_name=f"{colour}.png",
            path=write_blob(sha, data), width=32, height=24, uploaded_by=office))
    Policy.objects.create(key="backup.test", region_code="990102", value={"比例": 0.25, "档": [1, "二", None]})
    audit_record(actor=office, action="finding.create", obj=finding, region_code=town.code,
                 after={"描述": finding.description, "期限": "2026-03-06", "金额": str(Decimal("12.50"))})


def _manifest(path) -> dict:
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("manifest.json"))


def _rewrite(source, target, *, manifest=None, members=None) -> None:
    """Copy an archive, replacing the manifest or members' bytes (a valid zip: only the content is wrong)."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info.filename)
            if info.filename == "manifest.json" and manifest is not None:
                data = json.dumps(manifest).encode()
            elif members and info.filename in members:
                data = members[info.filename](data)
            new.writestr(info.filename, data)


def _user_rows() -> int:
    return sum(m._base_manager.count() for m in backed_up_models() if m._meta.label_lower not in REPLACED_MODELS)


def _files(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def archive(db, settings, tmp_path) -> Path:
    """An archive of _make_data's installation; the data is then rolled back, so the test database is as a
    fresh `migrate` left it, and MEDIA_ROOT points at an empty folder."""
    settings.MEDIA_ROOT = tmp_path / "source-media"
    path = tmp_path / "backup.zip"
    savepoint = transaction.savepoint()
    _make_data()
    call_command("backup", str(path), stdout=io.StringIO())
    transaction.savepoint_rollback(savepoint)
    assert _user_rows() == 0
    settings.MEDIA_ROOT = tmp_path / "media"
    return path


def test_a_fresh_migrate_counts_as_empty(db):
    """Only content types and permissions come from `migrate` itself; if a migration ever seeds other rows,
    restore would refuse every fresh database, and this test says so first."""
    assert _user_rows() == 0


def test_round_trip_keeps_every_row_and_file(archive, settings, tmp_path):
    first = _manifest(archive)
    by_model = {t["model"]: t for t in first["tables"]}
    assert by_model["auth.user"]["rows"] == 2 and by_model["core.auditlog"]["rows"] >= 2
    assert by_model["rectification.finding_evidence"]["rows"] == 2 and len(first["files"]) == 2
    assert "sessions.session" not in by_model
    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "恢复完成" in out.getvalue()

    again = tmp_path / "again.zip"
    call_command("backup", str(again), stdout=io.StringIO())
    second = _manifest(again)
    assert second["tables"] == first["tables"]  # same rows, byte for byte (timestamps of the audit log included)
    assert second["files"] == first["files"]
    assert _files(tmp_path / "media") == _files(tmp_path / "source-media")
    finding = Finding.objects.get()
    assert finding.evidence.count() == 2 and finding.due_date == datetime.date(2026, 3, 6)
    assert Policy.objects.get(key="backup.test").value == {"比例": 0.25, "档": [1, "二", None]}
    assert AuditLog.objects.filter(action="finding.create").get().after["金额"] == "12.50"
    # New rows after a restore get new ids (PostgreSQL's sequences were moved past the restored rows).
    newest = User.objects.order_by("-pk").first().pk
    assert User.objects.create(username="after_restore").pk > newest


def _refused(path, message: str, media: Path) -> None:
    before = _user_rows()
    with pytest.raises(CommandError, match=message):
        call_command("restore", str(path), stdout=io.StringIO())
    assert _user_rows() == before
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_refuses_a_database_with_data(archive, tmp_path):
    Region.objects.create(code="990103", name="乙县", level="county")
    _refused(archive, "目标数据库已有数据", tmp_path / "media")
    assert Region.objects.count() == 1


def test_refuses_media_with_files(archive, tmp_path):
    (tmp_path / "media" / "files").mkdir(parents=True)
    (tmp_path / "media" / "files" / "old.jpg").write_bytes(b"old")
    with pytest.raises(CommandError, match="MEDIA_ROOT"):
        call_command("restore", str(archive), stdout=io.StringIO())
    assert _user_rows() == 0
    assert _files(tmp_path / "media") == {"files/old.jpg": hashlib.sha256(b"old").hexdigest()}


def test_refuses_an_archive_of_a_newer_schema(archive, tmp_path):
    manifest = _manifest(archive)
    manifest["migrations"]["core"] = "9999_from_the_future"
    _rewrite(archive, tmp_path / "newer.zip", manifest=manifest)
    _refused(tmp_path / "newer.zip", "更新版本的程序.*core.9999_from_the_future", tmp_path / "media")


def test_refuses_an_archive_of_another_schema_and_says_how(archive, tmp_path):
    manifest = _manifest(archive)
    manifest["migrations"]["rectification"] = "0007_notice_filing"
    _rewrite(archive, tmp_path / "older.zip", manifest=manifest)
    _refused(tmp_path / "older.zip", "迁移版本与备份不同.*migrate rectification 0007_notice_filing", tmp_path / "media")


def test_a_changed_file_rolls_everything_back(archive, tmp_path):
    name = "media/" + _manifest(archive)["files"][-1]["path"]
    _rewrite(archive, tmp_path / "bad.zip", members={name: lambda data: data[:-1] + bytes([data[-1] ^ 1])})
    _refused(tmp_path / "bad.zip", "SHA-256", tmp_path / "media")


def test_a_changed_row_rolls_everything_back(archive, tmp_path):
    def forge(data: bytes) -> bytes:
        return data.replace(b"finding.create", b"finding.delete")

    _rewrite(archive, tmp_path / "forged.zip", members={"tables/core.auditlog.jsonl": forge})
    _refused(tmp_path / "forged.zip", "core_auditlog.*与清单不符", tmp_path / "media")


@pytest.mark.parametrize("member", ["tables/auth.user.jsonl", "tables/core.auditlog.jsonl", "media"])
@pytest.mark.parametrize("where", [0.1, 0.5, 0.9])
def test_changed_bytes_inside_the_zip_are_caught(archive, tmp_path, member, where):
    """Bytes flipped on disk (a bad copy), in a compressed table or a stored photo: the deflate stream, the
    member's CRC-32 or its SHA-256 no longer matches."""
    if member == "media":
        member = "media/" + _manifest(archive)["files"][0]["path"]
    data = bytearray(archive.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        info = zf.getinfo(member)
    name_length, extra_length = struct.unpack("<HH", data[info.header_offset + 26:info.header_offset + 30])
    start = info.header_offset + 30 + name_length + extra_length  # the local header's own extra field
    data[start + int(info.compress_size * where)] ^= 0xFF
    (tmp_path / "flipped.zip").write_bytes(bytes(data))
    _refused(tmp_path / "flipped.zip", "已损坏|与清单不符", tmp_path / "media")


def test_a_truncated_archive_is_refused(archive, tmp_path):
    data = archive.read_bytes()
    (tmp_path / "cut.zip").write_bytes(data[: len(data) // 2])
    _refused(tmp_path / "cut.zip", "已损坏或不完整", tmp_path / "media")
    (tmp_path / "empty.zip").write_bytes(b"")
    _refused(tmp_path / "empty.zip", "已损坏或不完整", tmp_path / "media")


@pytest.mark.parametrize("path", ["../outside.txt", "/etc/passwd", "files/../../x", "a\\b", ""])
def test_hostile_file_paths_are_refused(archive, tmp_path, path):
    manifest = _manifest(archive)
    manifest["files"][0]["path"] = path
    _rewrite(archive, tmp_path / "hostile.zip", manifest=manifest)
    _refused(tmp_path / "hostile.zip", "文件路径无效", tmp_path / "media")
    assert not (tmp_path / "outside.txt").exists()


def test_not_a_backup_is_refused(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with zipfile.ZipFile(tmp_path / "other.zip", "w") as other:
        other.writestr("readme.txt", "hello")
    _refused(tmp_path / "other.zip", "没有 manifest.json", tmp_path / "media")
    _refused(tmp_path / "missing.zip", "找不到备份文件", tmp_path / "media")


def test_backup_never_overwrites_a_file(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "exists.zip").write_bytes(b"keep")
    with pytest.raises(CommandError, match="已存在"):
        call_command("backup", str(tmp_path / "exists.zip"))
    assert (tmp_path / "exists.zip").read_bytes() == b"keep"
    with pytest.raises(CommandError, match="不存在"):
        call_command("backup", str(tmp_path / "no-such-folder" / "b.zip"))


# --- the demo, moved to a fresh database of each engine by the commands an operator runs ---------------------

POSTGRES = "postgres://postgres@127.0.0.1:5432"
PG_TARGET = f"dudao_backup_rt_{os.getpid()}"  # two suites at once (SQLite and PostgreSQL) never collide

# Run in a fresh installation, as an operator would: migrate, restore, back up again; a second restore is refused;
# then a backup's snapshot must neither block the site's writes nor see them.
TARGET_SCRIPT = """
import sys, threading, time, django
django.setup()
from django.core.management import CommandError, call_command
from django.db import connection
from dudao.core.backup import read_snapshot
from dudao.regions.models import Region
archive, again = sys.argv[1:3]
call_command("migrate", "--noinput", verbosity=0)
call_command("restore", archive)
call_command("backup", again)
try:
    call_command("restore", archive)
except CommandError as exc:
    assert "目标数据库已有数据" in str(exc), exc
else:
    raise AssertionError("restored twice")
from django.contrib.auth import get_user_model
User = get_user_model()
newest = User.objects.order_by("-pk").first().pk
assert User.objects.create(username="after_restore").pk > newest  # PostgreSQL's sequences were reset
seen = []
def write():
    start = time.perf_counter()
    Region.objects.create(code="990199", name="快照期间新建", level="county")
    seen.append(time.perf_counter() - start)
    connection.close()
with read_snapshot(connection):
    before = Region.objects.count()
    thread = threading.Thread(target=write)
    thread.start()
    thread.join(30)
    during = Region.objects.count()
assert seen and seen[0] < 5, seen
assert during == before, (before, during)
assert Region.objects.count() == before + 1
print("snapshot ok")
"""


def _postgres_available() -> bool:
    import psycopg

    try:
        psycopg.connect(f"{POSTGRES}/postgres", connect_timeout=3).close()
    except psycopg.Error:
        return False
    return True


def _run(env: dict, *args, check=True) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    if check and done.returncode:
        raise AssertionError(f"{args} failed:\n{done.stdout}\n{done.stderr}")
    return done


def _env(database_url: str, media: Path, tmp_path: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "MEDIA_ROOT")}
    env.update(DATABASE_URL=database_url, MEDIA_ROOT=str(media), DUDAO_VAR_DIR=str(tmp_path / "var"),
               DJANGO_SETTINGS_MODULE="tests.settings", PYTHONPATH=str(ROOT))
    return env


def _restore_into(database_url: str, archive: Path, media: Path, tmp_path: Path) -> dict:
    again = tmp_path / f"again-{len(list(tmp_path.glob('again-*')))}.zip"
    done = _run(_env(database_url, media, tmp_path), "-c", TARGET_SCRIPT, str(archive), str(again))
    assert "恢复完成" in done.stdout and "snapshot ok" in done.stdout
    return _manifest(again)


def test_the_demo_moves_to_a_fresh_database_of_either_engine(demo_snapshot, db, settings, tmp_path):
    """SQLite -> SQLite and SQLite -> PostgreSQL when the suite runs on SQLite (PostgreSQL -> both when it runs
    on PostgreSQL): equal row counts and bytes per table, equal files."""
    settings.MEDIA_ROOT = tmp_path / "source-media"
    restore(demo_snapshot)  # what `load_demo` writes (tests/demo_snapshot.py)
    archive = tmp_path / "demo.zip"
    call_command("backup", str(archive), stdout=io.StringIO())
    source = _manifest(archive)
    assert source["engine"] == connection.vendor and len(source["files"]) > 0
    rows = {t["model"]: t["rows"] for t in source["tables"]}
    assert rows["zones.visit"] > 1000 and rows["core.auditlog"] > 0 and rows["zones.visitfile"] > 0

    sqlite_url = f"sqlite:///{tmp_path / 'target.sqlite3'}"
    sqlite = _restore_into(sqlite_url, archive, tmp_path / "media-sqlite", tmp_path)
    assert sqlite["tables"] == source["tables"] and sqlite["files"] == source["files"]
    assert _files(tmp_path / "media-sqlite") == _files(tmp_path / "source-media")
    refused = _run(_env(sqlite_url, tmp_path / "media-sqlite", tmp_path), "manage.py", "restore", str(archive),
                   check=False)  # the command line: a Chinese message and a non-zero exit
    assert refused.returncode == 1 and "目标数据库已有数据" in refused.stderr

    if not _postgres_available():
        if os.environ.get("CI") == "true":
            pytest.fail("PostgreSQL is not reachable at 127.0.0.1:5432 (CI must test the move to PostgreSQL)")
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
    import psycopg

    with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {PG_TARGET} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {PG_TARGET}")
    try:
        postgres = _restore_into(f"{POSTGRES}/{PG_TARGET}", archive, tmp_path / "media-pg", tmp_path)
    finally:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {PG_TARGET} WITH (FORCE)")
    assert postgres["engine"] == "postgresql"
    assert postgres["tables"] == source["tables"] and postgres["files"] == source["files"]
    assert _files(tmp_path / "media-pg") == _files(tmp_path / "source-media")
    shutil.rmtree(tmp_path / "media-pg")
