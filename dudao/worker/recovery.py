"""Tasks that outlive their worker. django-tasks-db marks a task RUNNING when a worker claims it and nothing
else: a worker killed with -9 (or a power cut) leaves it RUNNING for ever. Every `db_worker` therefore writes a
heartbeat (WorkerHeartbeat) and sweeps: a RUNNING task whose worker has been silent for
TASKS_WORKER_TIMEOUT_SECONDS is marked failed with the reason "工作进程中断"; a task declared safe to repeat
(`@recoverable(retry=True)`, it takes an `attempt` keyword) is queued again, at most TASKS_LOST_RETRIES times,
and its `on_lost` hook updates the records the office sees (a batch's progress).

Heartbeats are written with the database's clock (`Now()`) and compared in SQL with the database's clock, so
clock skew between worker hosts cannot make a live worker look silent. A task whose worker never beat (its row
is gone) is judged by its `started_at`, which django-tasks-db writes with the claiming host's clock: that one
case assumes the hosts' clocks are synchronised (NTP). Recovery can still be wrong (a worker stalled for longer
than the timeout, e.g. by a database lock): a task safe to repeat must therefore tolerate an older run that
carries on after it was superseded (the batch does, by compare-and-set on its attempt)."""

import datetime
import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import DateTimeField, DurationField, ExpressionWrapper, Value
from django.db.models.functions import Now
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from dudao.worker.models import WorkerHeartbeat

logger = logging.getLogger("dudao.worker")

LOST_REASON = "工作进程中断"


class WorkerLost(Exception):
    """Recorded as the failure of a task whose worker stopped without finishing it."""


@dataclass(frozen=True)
class Recovery:
    retry: bool
    on_lost: Callable[[list, dict, int | None, str], dict | None] | None


_RECOVERY: dict[str, Recovery] = {}


def recoverable(*, retry: bool, on_lost: Callable[[list, dict, int | None, str], dict | None] | None = None):
    """Declare, above `@task()`, what happens when the task's worker is killed: `retry=True` (only for tasks that
    are safe to run twice; they take `attempt: int = 1`) queues it again; `on_lost(args, kwargs, next_attempt,
    reason)` updates the task's own records (next_attempt is None when it is not to be queued again) and, when
    next_attempt is given, returns the keyword arguments of the next run, or None when the task's records show
    it must not run again (finished or superseded meanwhile)."""

    def register(task):
        _RECOVERY[task.module_path] = Recovery(retry=retry, on_lost=on_lost)
        return task

    return register


def db_now_minus(delta: datetime.timedelta) -> ExpressionWrapper:
    """The database's clock minus `delta`, evaluated in SQL (never the local clock of this host)."""
    return ExpressionWrapper(Now() - Value(delta, output_field=DurationField()), output_field=DateTimeField())


def beat(worker_id: str, started_at: datetime.datetime) -> None:
    """Seen now, by the database's clock. Only this worker's heartbeat thread writes its row."""
    fields = {"host": socket.gethostname()[:255], "pid": os.getpid(), "seen_at": Now()}
    if not WorkerHeartbeat.objects.filter(worker_id=worker_id).update(**fields):
        WorkerHeartbeat.objects.create(worker_id=worker_id, started_at=started_at, **fields)


def _timeout() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.TASKS_WORKER_TIMEOUT_SECONDS)


def workers_alive() -> int:
    """How many workers were seen within the timeout (0: queued work waits; the progress page says so)."""
    return WorkerHeartbeat.objects.filter(seen_at__gte=db_now_minus(_timeout())).count()


def recover_lost_tasks(*, exclude: set[str] | frozenset = frozenset()) -> int:
    """Fail (and re-queue where safe) every RUNNING task whose worker is gone; returns how many. A worker that
    left a heartbeat is gone once the heartbeat is older than the timeout; a worker never seen (no heartbeat
    row) once its task started longer ago than the timeout. Both are compared with the database's clock, in
    SQL. Safe to run in several processes at once: each task is taken by one conditional UPDATE."""
    cutoff = db_now_minus(_timeout())
    # The tasks first, the heartbeats after: a worker beats before its first claim, so a task listed here has
    # its worker's row in place by the time the heartbeats are read.
    running = list(DBTaskResult.objects.running().order_by("started_at"))
    seen = dict(WorkerHeartbeat.objects.values_list("worker_id", "seen_at"))
    alive = set(WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).values_list("worker_id", flat=True))
    started_recently = set(DBTaskResult.objects.filter(pk__in=[r.pk for r in running], started_at__gte=cutoff)
                           .values_list("pk", flat=True))
    recovered = 0
    for result in running:
        worker = result.worker_ids[-1] if result.worker_ids else ""
        if worker in exclude or worker in alive:
            continue
        last_seen = seen.get(worker)
        if last_seen is None and result.pk in started_recently:
            continue
        now = timezone.now()
        since = timezone.localtime(last_seen or result.started_at or now)
        reason = f"{LOST_REASON}：执行该任务的工作进程自 {since:%Y-%m-%d %H:%M:%S} 起无响应（被终止或断电）。"
        with transaction.atomic():
            taken = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED, finished_at=now, return_value=None,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}", traceback=reason)
            if not taken:
                continue  # another worker's sweep got there first
            recovered += 1
            _after_loss(result, reason)
    WorkerHeartbeat.objects.filter(seen_at__lt=db_now_minus(datetime.timedelta(days=1))).delete()
    return recovered


def _after_loss(result, reason: str) -> None:
    try:
        task = result.task  # imports the task's module, which registers its recovery
    except Exception:  # noqa: BLE001 - a task whose code is gone stays failed
        logger.warning("Task %s (%s) lost with its worker; its code cannot be imported", result.pk, result.task_path)
        return
    recovery = _RECOVERY.get(result.task_path)
    args, kwargs = list(result.args_kwargs.get("args", [])), dict(result.args_kwargs.get("kwargs", {}))
    next_attempt = None
    if recovery and recovery.retry:
        attempt = int(kwargs.get("attempt", 1))
        if attempt <= settings.TASKS_LOST_RETRIES:
            next_attempt = attempt + 1
    next_kwargs = {**kwargs, "attempt": next_attempt}
    if recovery and recovery.on_lost:
        next_kwargs = recovery.on_lost(args, kwargs, next_attempt, reason)
    if next_attempt and next_kwargs is not None:
        task.enqueue(*args, **next_kwargs)
    else:
        next_attempt = None
    logger.warning("Task %s (%s) lost with its worker; %s", result.pk, result.task_path,
                   f"queued again (attempt {next_attempt})" if next_attempt else "marked failed")


class Heartbeat(threading.Thread):
    """Beats for the worker every TASKS_HEARTBEAT_SECONDS, also while a long task runs, and sweeps other
    workers' lost tasks. Its own database connection, closed after every beat."""

    def __init__(self, worker_id: str) -> None:
        super().__init__(name=f"heartbeat-{worker_id[:8]}", daemon=True)
        self.worker_id, self.started_at = worker_id, timezone.now()
        self.stopped = threading.Event()

    def beat_and_sweep(self) -> None:
        beat(self.worker_id, self.started_at)
        recover_lost_tasks(exclude={self.worker_id})

    def run(self) -> None:
        while not self.stopped.wait(settings.TASKS_HEARTBEAT_SECONDS):
            try:
                close_old_connections()
                self.beat_and_sweep()
            except Exception:  # noqa: BLE001 - a busy database: try again at the next beat
                logger.exception("Worker heartbeat failed")
            finally:
                connection.close()

    def stop(self) -> None:
        self.stopped.set()
        self.join(timeout=5)
        WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
