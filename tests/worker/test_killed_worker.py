"""A real `manage.py db_worker` killed with -9 in the middle of a task. django-tasks-db alone leaves the task
RUNNING for ever; with the heartbeat, the next worker marks it failed with the reason "工作进程中断" and runs it
again when it is safe to repeat. Runs against a database of its own (a file SQLite database, or a PostgreSQL
database next to the test database), migrated by a subprocess."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
TABLE = "django_tasks_database_dbtaskresult"


@pytest.fixture(scope="module")
def database(tmp_path_factory):
    """(DATABASE_URL, query function) for a freshly migrated database that subprocesses can share."""
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        path = tmp_path_factory.mktemp("worker") / "worker.sqlite3"
        url = f"sqlite:///{path}"

        def query(sql):
            with sqlite3.connect(path, timeout=20) as db:
                cursor = db.execute(sql)
                return cursor.fetchall() if cursor.description else []
        drop = None
    else:
        import psycopg

        name = f"{settings['NAME']}_worker"[:63]
        params = {"host": settings["HOST"] or None, "port": settings["PORT"] or None, "user": settings["USER"] or None,
                  "password": settings["PASSWORD"] or None}
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        auth = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
        url = f"postgres://{auth}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{name}"

        def query(sql):
            with psycopg.connect(dbname=name, autocommit=True, **params) as db:
                cursor = db.execute(sql)
                return cursor.fetchall() if cursor.description else []

        def drop():
            with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    env = environment(url)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=300)
    yield url, query
    if drop:
        drop()


def environment(url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="tests.settings", PYTHONPATH=str(ROOT),
               ALLOWED_HOSTS="127.0.0.1,localhost",
               TASKS_HEARTBEAT_SECONDS="1", TASKS_WORKER_TIMEOUT_SECONDS="3", DEBUG="0")
    return env


def start_worker(url: str, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.2"],
        cwd=ROOT, env=environment(url), stdout=log.open("ab"), stderr=subprocess.STDOUT, start_new_session=True)


def wait_for(condition, what: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def tasks(query) -> dict[str, list[tuple]]:
    """task name -> [(status, traceback, kwargs)] in the order they were queued."""
    found: dict[str, list[tuple]] = {}
    for path, status, traceback, args_kwargs in query(
            f"SELECT task_path, status, traceback, args_kwargs FROM {TABLE} ORDER BY enqueued_at"):
        data = args_kwargs if isinstance(args_kwargs, dict) else json.loads(args_kwargs)
        found.setdefault(path.rsplit(".", 1)[1], []).append((status, traceback, data["kwargs"]))
    return found


def test_a_worker_killed_mid_task_leaves_no_task_running(database, tmp_path):
    url, query = database
    folder = tmp_path / "marks"
    folder.mkdir()
    log = tmp_path / "worker.log"
    script = ("from tests.worker.tasks import block_once, block_forever; "
              f"block_once.enqueue({str(folder)!r}); block_forever.enqueue({str(folder)!r})")
    subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=environment(url), check=True,
                   timeout=120)
    workers = []
    try:
        # 1. The first worker takes the retry-safe task (higher priority) and is killed in the middle of it.
        workers.append(start_worker(url, log))
        wait_for(lambda: (folder / "once.1").exists(), "the first task to start")
        os.kill(workers[-1].pid, signal.SIGKILL)
        workers[-1].wait(timeout=10)
        assert tasks(query)["block_once"][0][0] == "RUNNING"  # what django-tasks-db leaves behind

        # 2. The next worker sees the first one silent for longer than the timeout (at its start or in its
        # heartbeat thread): that task is failed with the reason and queued again (attempt 2). Depending on the
        # timing it runs attempt 2 first or only later; either way it also takes the other task, which blocks.
        workers.append(start_worker(url, log))
        wait_for(lambda: (folder / "forever").exists(), "the second task to start")
        once = wait_for(lambda: len(tasks(query).get("block_once", [])) == 2 and tasks(query)["block_once"],
                        "the first task to be recovered")
        assert once[0][0] == "FAILED" and "工作进程中断" in once[0][1]
        assert once[1][0] in ("READY", "RUNNING", "SUCCESSFUL") and once[1][2] == {"attempt": 2}
        os.kill(workers[-1].pid, signal.SIGKILL)  # killed too, in the middle of the task not safe to repeat
        workers[-1].wait(timeout=10)

        # 3. A third worker: the non-repeatable task ends failed with the reason, the repeatable one completes.
        workers.append(start_worker(url, log))
        final = wait_for(lambda: (t := tasks(query))["block_once"][1][0] == "SUCCESSFUL"
                         and t["block_forever"][0][0] == "FAILED" and t, "both tasks to end")
        assert "工作进程中断" in final["block_forever"][0][1]
        assert len(final["block_forever"]) == 1  # not repeated: it is not declared safe to repeat
        assert not [t for rows in final.values() for t in rows if t[0] in ("RUNNING", "READY")]
        assert query("SELECT COUNT(*) FROM worker_workerheartbeat")[0][0] >= 1  # the live worker beats
        workers[-1].send_signal(signal.SIGTERM)  # a graceful stop removes its heartbeat
        assert workers[-1].wait(timeout=20) == 0
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait(timeout=10)
    print(log.read_text(errors="replace"))


def test_rundemo_starts_the_server_and_a_worker_and_ctrl_c_stops_both(database, tmp_path):
    """`make demo` runs `manage.py rundemo`: the web server and a worker in one command, the address and the
    account to try printed last, and Ctrl-C (SIGINT to the process group) stops both."""
    import socket
    import urllib.request

    url, query = database
    query("DELETE FROM worker_workerheartbeat")  # left by the workers killed in the test above
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "demo.log"
    env = {**environment(url), "DEBUG": "1", "PYTHONUNBUFFERED": "1"}
    demo = subprocess.Popen([sys.executable, "manage.py", "rundemo", f"127.0.0.1:{port}"], cwd=ROOT, env=env,
                            stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for(lambda: "demo_office" in log.read_text(errors="replace"), "the start-up banner", timeout=120)
        output = log.read_text(errors="replace").strip().splitlines()
        assert f"http://127.0.0.1:{port}/" in "\n".join(output[-2:]) and "demo_office" in output[-1]
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=20) as response:
            assert response.status == 200
        wait_for(lambda: query("SELECT COUNT(*) FROM worker_workerheartbeat")[0][0] >= 1, "the worker's heartbeat")
        os.killpg(demo.pid, signal.SIGINT)  # what Ctrl-C in the terminal does
        demo.wait(timeout=60)
    finally:
        if demo.poll() is None:
            os.killpg(demo.pid, signal.SIGKILL)
            demo.wait()
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0  # the server is gone
    wait_for(lambda: query("SELECT COUNT(*) FROM worker_workerheartbeat")[0][0] == 0, "the worker to stop", 30)
