"""Work that used to run in the request or a thread goes through the task queue: notification mail, the daily
deadline run (queued by the command cron calls), and the recovery rules for tasks whose worker is gone."""

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dudao.core.models import Notification
from dudao.core.services import Message, notify
from dudao.worker.models import WorkerHeartbeat
from dudao.worker.recovery import beat, recover_lost_tasks, workers_alive


def test_notification_mail_is_sent_by_a_task_not_the_request(world, django_capture_on_commit_callbacks, run_tasks,
                                                             settings):
    settings.SITE_URL = "https://dudao.example.cn"
    world.principal_a.email = "principal@example.cn"
    world.principal_a.save()
    message = Message("k:mail", "notice", "收到整改通知书", "请在期限内整改。", "/rectification/")
    with django_capture_on_commit_callbacks(execute=True):
        assert notify(messages=[(message, {world.principal_a.pk, world.office_a.pk})]) == 2
    assert not mail.outbox  # nothing sent while the request runs
    task = DBTaskResult.objects.get()
    assert task.task_path == "dudao.core.tasks.send_notification_mail" and task.status == "READY"
    assert run_tasks() == 1
    assert len(mail.outbox) == 1  # office_a has no address
    sent = mail.outbox[0]
    assert sent.to == ["principal@example.cn"] and sent.subject == "【督导管理平台】收到整改通知书"
    assert "https://dudao.example.cn/rectification/" in sent.body
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL" and task.return_value == 1
    assert Notification.objects.filter(key="k:mail").count() == 2


def test_no_mail_task_when_the_transaction_rolls_back(world, django_capture_on_commit_callbacks):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            notify(messages=[(Message("k:rollback", "notice", "t"), {world.principal_a.pk})])
            raise RuntimeError
    assert not DBTaskResult.objects.exists()


def test_a_smtp_failure_fails_the_task_with_the_error(world, django_capture_on_commit_callbacks, run_tasks,
                                                      settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2  # nothing listens
    world.principal_a.email = "principal@example.cn"
    world.principal_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(messages=[(Message("k:smtp", "notice", "t"), {world.principal_a.pk})])
    run_tasks()
    task = DBTaskResult.objects.get()
    assert task.status == "FAILED" and task.traceback  # the reason is kept on the task


def test_the_deadline_command_queues_one_daily_task_that_is_idempotent(world, run_tasks, monkeypatch):
    from dudao.rectification import jobs

    runs = []
    real = jobs.run_deadlines
    monkeypatch.setattr(jobs, "run_deadlines", lambda **kw: runs.append(1) or real(**kw))
    out = io.StringIO()
    call_command("run_deadlines", stdout=out)
    assert "已排队" in out.getvalue()
    call_command("run_deadlines", stdout=out)  # a second timer firing before the worker ran it
    assert "未重复排队" in out.getvalue()
    assert DBTaskResult.objects.filter(task_path="dudao.rectification.tasks.daily_deadlines").count() == 1
    assert run_tasks() == 1 and len(runs) == 1
    first = DBTaskResult.objects.get()
    assert first.status == "SUCCESSFUL"
    assert set(first.return_value) == {"campaign", "reminded", "orders", "talks", "recovered", "quality_pending",
                                      "plan_overdue", "chronicle", "review_due", "result_use_reminders",
                                      "cockpit",  # area "cockpit": the nightly snapshots
                                      "project_milestones"}  # research (issue 24): 课题 milestone reminders
    call_command("run_deadlines", stdout=out)  # the next day (or a repeat): queued again, runs again
    assert run_tasks() == 1 and len(runs) == 2


def test_the_deadline_command_can_run_in_process(world):
    out = io.StringIO()
    call_command("run_deadlines", "--now", stdout=out)
    assert "督办单 0 份" in out.getvalue() and not DBTaskResult.objects.exists()


def claimed(worker_id: str, started_minutes_ago: float) -> DBTaskResult:
    from dudao.rectification.tasks import daily_deadlines

    result = daily_deadlines.enqueue().db_result
    result.claim(worker_id)
    DBTaskResult.objects.filter(pk=result.pk).update(
        started_at=timezone.now() - datetime.timedelta(minutes=started_minutes_ago))
    return result


def test_recovery_leaves_tasks_of_live_workers_alone(db, settings):
    settings.TASKS_WORKER_TIMEOUT_SECONDS = 120
    beat("alive", timezone.now())
    alive = claimed("alive", started_minutes_ago=60)  # a long task of a worker that still beats
    unknown_recent = claimed("never-seen", started_minutes_ago=0.5)  # claimed before its first beat was read
    past = timezone.now() - datetime.timedelta(minutes=3)
    WorkerHeartbeat.objects.create(worker_id="gone", started_at=past, seen_at=past)
    gone = claimed("gone", started_minutes_ago=3)
    unknown_old = claimed("never-seen-old", started_minutes_ago=10)
    assert workers_alive() == 1
    assert recover_lost_tasks() == 2
    status = dict(DBTaskResult.objects.values_list("pk", "status"))
    assert status[alive.pk] == "RUNNING" and status[unknown_recent.pk] == "RUNNING"
    assert status[gone.pk] == "FAILED" and status[unknown_old.pk] == "FAILED"
    # Both were safe to repeat: queued again with attempt 2.
    again = DBTaskResult.objects.filter(status="READY")
    assert sorted(r.args_kwargs["kwargs"]["attempt"] for r in again) == [2, 2]
    assert recover_lost_tasks(exclude={"alive"}) == 0


def test_a_task_lost_more_often_than_the_retries_allow_stays_failed(db, settings):
    settings.TASKS_LOST_RETRIES = 1
    from dudao.rectification.tasks import daily_deadlines

    result = daily_deadlines.enqueue(attempt=2).db_result  # already retried once
    result.claim("gone")
    DBTaskResult.objects.filter(pk=result.pk).update(started_at=timezone.now() - datetime.timedelta(hours=1))
    assert recover_lost_tasks() == 1
    assert not DBTaskResult.objects.filter(status="READY").exists()
    result.refresh_from_db()
    assert result.status == "FAILED" and "工作进程中断" in result.traceback


def test_long_dead_heartbeats_are_pruned(db):
    old = timezone.now() - datetime.timedelta(days=2)
    WorkerHeartbeat.objects.create(worker_id="old", started_at=old, seen_at=old)
    recover_lost_tasks()
    assert not WorkerHeartbeat.objects.exists()


def test_heartbeats_use_the_database_clock_not_the_local_one(db, settings, monkeypatch):
    """A worker host whose clock is 10 minutes slow still counts as alive for a sweep on a host with the right
    time (and a sweeping host whose clock is 10 minutes fast does not take live workers for dead)."""
    settings.TASKS_WORKER_TIMEOUT_SECONDS = 120
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: real_now() - datetime.timedelta(minutes=10))
    beat("slow-clock", timezone.now())
    task = claimed("slow-clock", started_minutes_ago=0)
    monkeypatch.setattr(timezone, "now", real_now)
    assert abs(WorkerHeartbeat.objects.get().seen_at - real_now()) < datetime.timedelta(minutes=1)
    assert workers_alive() == 1 and recover_lost_tasks() == 0
    monkeypatch.setattr(timezone, "now", lambda: real_now() + datetime.timedelta(minutes=10))
    assert workers_alive() == 1 and recover_lost_tasks() == 0
    assert DBTaskResult.objects.get(pk=task.pk).status == "RUNNING"
