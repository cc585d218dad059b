"""The demo district, loaded once per test process and copied back in where a test needs it.

Loading 示范区 (`manage.py load_demo`) writes tens of thousands of rows through the services and takes seconds of
CPU; a dozen tests need it (the page crawler, the demo's own tests, the browser journeys, the backup round trip).
The `demo_snapshot` session fixture runs the real command once per process (per pytest-xdist worker) into the empty
test database, keeps every table's rows (PostgreSQL: binary COPY; SQLite: plain rows) and the files it wrote, and
flushes the database again. `restore(snapshot)` writes the same rows and files back in a fraction of the time:
same primary keys, same password hashes (`snapshot.passwords` holds the passwords the load printed).

The tables that an empty, migrated database already fills (content types, permissions) are not copied: they must
hold the same rows as when the snapshot was taken, which `restore` checks.
"""

import datetime
import io
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction
from django.test import override_settings

from dudao.demo.services import DEMO_ACCOUNTS


@dataclass
class Snapshot:
    passwords: dict[str, str]
    media: Path
    tables: dict[str, object] = field(default_factory=dict)  # table -> COPY bytes (PostgreSQL) or (columns, rows)
    baseline: dict[str, int] = field(default_factory=dict)  # tables an empty database fills -> their row count


def _tables() -> list[str]:
    return sorted(connection.introspection.django_table_names(only_existing=True, include_views=False))


def _counts(tables: list[str]) -> dict[str, int]:
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            counts[table] = cursor.fetchone()[0]
    return counts


def _read(table: str):
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            data = bytearray()
            with cursor.cursor.copy(f"COPY {quoted} TO STDOUT (FORMAT BINARY)") as copy:
                for chunk in copy:
                    data += chunk
            return bytes(data)
        cursor.execute(f"SELECT * FROM {quoted}")
        return [column[0] for column in cursor.description], cursor.fetchall()


def _write(table: str, data) -> None:
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {quoted} FROM STDIN (FORMAT BINARY)") as copy:
                copy.write(data)
            return
        columns, rows = data
        # SQLite hands time columns back as datetime.time (declared types are parsed) but takes only text for them
        rows = [tuple(v.isoformat() if isinstance(v, datetime.time) else v for v in row) for row in rows]
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        cursor.executemany(f"INSERT INTO {quoted} ({names}) VALUES ({', '.join(['%s'] * len(columns))})", rows)


def take(media: Path) -> Snapshot:
    """Load the demo with the real command into the (empty, committed) test database and keep what it wrote."""
    tables = _tables()
    before = _counts(tables)
    out = io.StringIO()
    call_command("load_demo", stdout=out)  # what `make demo` runs
    accounts = {username for username, _name, _role in DEMO_ACCOUNTS}
    passwords = {parts[0]: parts[1] for parts in (line.split() for line in out.getvalue().splitlines())
                 if len(parts) >= 2 and parts[0] in accounts}
    assert set(passwords) == accounts, out.getvalue()
    snapshot = Snapshot(passwords=passwords, media=media)
    after = _counts(tables)
    for table in tables:
        if before[table]:
            assert after[table] == before[table], f"the demo added rows to {table}, which migrate fills"
            snapshot.baseline[table] = before[table]
        elif after[table]:
            snapshot.tables[table] = _read(table)
    return snapshot


def restore(snapshot: Snapshot) -> dict[str, str]:
    """Write the demo's rows and files into the current database and MEDIA_ROOT; returns the demo passwords.
    Inside the caller's transaction if there is one (the foreign keys are deferred: tables load in any order)."""
    counts = _counts(list(snapshot.baseline))
    assert counts == snapshot.baseline, "restore needs an empty database (only what migrate fills)"
    with transaction.atomic():
        for table, data in snapshot.tables.items():
            _write(table, data)
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True)):
                cursor.execute(sql)
    shutil.copytree(snapshot.media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    return dict(snapshot.passwords)


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker):
    """The demo loaded once for this process (see the module docstring); the database is empty again after."""
    media = Path(tempfile.mkdtemp(prefix="dudao-demo-snapshot-"))
    with override_settings(MEDIA_ROOT=media), django_db_blocker.unblock():
        try:
            snapshot = take(media)
        finally:
            call_command("flush", interactive=False, verbosity=0)
    yield snapshot
    shutil.rmtree(media, ignore_errors=True)
