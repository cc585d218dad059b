"""The 意见书 batch as a background task: queued when the start commits (audited), run by the worker, resumed
without rendering twice after its worker was killed, failed with the reason when that happens too often, and
retried by the office."""

import datetime
import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog
from dudao.documents import files
from dudao.inspections import opinions
from dudao.inspections.models import Opinion, OpinionBatch
from dudao.worker.models import WorkerHeartbeat
from dudao.worker.recovery import recover_lost_tasks
from tests.inspections.conftest import ready


@pytest.fixture
def batch_project(world, project, expert_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    for target in ready(world, project, expert_user):
        Opinion.objects.create(target=target, evaluation="办学规范。", updated_by=world.office_a)
    return project


def archive_of(batch: OpinionBatch) -> zipfile.ZipFile:
    """The batch's archive as stored (through the file storage, as the download view reads it)."""
    return zipfile.ZipFile(io.BytesIO(files.read_blob(batch.path)))


def stored_in(folder: str) -> list[str]:
    return sorted(default_storage.listdir(folder)[1]) if default_storage.exists(folder) else []


def start(world, project, capture):
    with capture(execute=True):
        return opinions.batch_start(actor=world.office_a, inspection=project)


def kill_worker_of(batch: OpinionBatch) -> DBTaskResult:
    """What a worker killed with -9 leaves behind: the task claimed (RUNNING), the batch running, and a heartbeat
    that stopped 5 minutes ago."""
    result = DBTaskResult.objects.get(status="READY")
    result.claim("dead-worker")
    past = timezone.now() - datetime.timedelta(minutes=5)
    WorkerHeartbeat.objects.create(worker_id="dead-worker", started_at=past, seen_at=past)
    OpinionBatch.objects.filter(pk=batch.pk).update(status="running")
    return result


def test_a_start_is_audited_queued_after_commit_and_one_at_a_time(world, batch_project,
                                                                  django_capture_on_commit_callbacks):
    batch = start(world, batch_project, django_capture_on_commit_callbacks)
    assert batch.status == "pending" and batch.total == 2
    task = DBTaskResult.objects.get()
    assert task.task_path == "dudao.inspections.tasks.render_opinion_batch" and task.args_kwargs["args"] == [batch.pk]
    record = AuditLog.objects.get(action="inspection.batch_start")
    assert record.actor == world.office_a and record.after["total"] == 2 and record.region_code == "990102"
    assert record.action_label == "批量生成督导意见书"
    with pytest.raises(ApplicationError, match="还没有完成"):
        opinions.batch_start(actor=world.office_a, inspection=batch_project)
    for outsider in (world.office_b, world.principal_a, world.inspector_a):
        with pytest.raises(PermissionDenied):
            opinions.batch_start(actor=outsider, inspection=batch_project)
    assert OpinionBatch.objects.count() == 1 and DBTaskResult.objects.count() == 1


def test_the_batch_runs_end_to_end_through_the_task(world, batch_project, django_capture_on_commit_callbacks,
                                                   run_tasks):
    batch = start(world, batch_project, django_capture_on_commit_callbacks)
    assert run_tasks() == 1
    batch.refresh_from_db()
    assert batch.status == "done" and batch.done == batch.total == 2 and batch.finished_at
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    with archive_of(batch) as archive:
        assert len(archive.namelist()) == 2 and all(n.endswith(".docx") for n in archive.namelist())
    assert stored_in(opinions.batch_folder(batch.pk)) == []  # the per-document files are cleaned up
    assert batch.path == f"batches/opinions-{batch.pk}-1.zip"  # a storage name, not a path on one server
    assert run_tasks() == 0  # nothing left in the queue


def test_a_killed_worker_requeues_the_batch_which_skips_rendered_documents(
        world, batch_project, django_capture_on_commit_callbacks, run_tasks, monkeypatch):
    batch = start(world, batch_project, django_capture_on_commit_callbacks)
    lost = kill_worker_of(batch)
    first = Opinion.objects.filter(target__inspection=batch_project).order_by("target__region_code", "target_id")[0]
    folder = opinions.batch_folder(batch.pk)
    files.store(f"{folder}/{first.pk}.docx", b"rendered before the kill")

    assert recover_lost_tasks() == 1
    assert recover_lost_tasks() == 0  # taken once
    lost.refresh_from_db()
    assert lost.status == "FAILED" and "工作进程中断" in lost.traceback and lost.exception_class_path.endswith("WorkerLost")
    batch.refresh_from_db()
    assert batch.status == "pending" and batch.attempt == 2 and "工作进程中断" in batch.error and "重新排队" in batch.error
    again = DBTaskResult.objects.get(status="READY")
    assert again.args_kwargs == {"args": [batch.pk], "kwargs": {"attempt": 2, "run": 2}}

    from dudao.documents import render

    rendered = []
    real = render.render_docx_bytes
    monkeypatch.setattr(render, "render_docx_bytes", lambda *a, **k: rendered.append(1) or real(*a, **k))
    assert run_tasks() == 1
    batch.refresh_from_db()
    assert batch.status == "done" and batch.error == "" and len(rendered) == 1  # only the one not yet rendered
    with archive_of(batch) as archive:
        assert b"rendered before the kill" in [archive.read(n) for n in archive.namelist()]


def test_killed_too_often_fails_with_the_reason_and_the_office_retries(
        world, batch_project, django_capture_on_commit_callbacks, run_tasks, login, settings):
    settings.TASKS_LOST_RETRIES = 0
    batch = start(world, batch_project, django_capture_on_commit_callbacks)
    kill_worker_of(batch)
    assert recover_lost_tasks() == 1
    batch.refresh_from_db()
    assert batch.status == "failed" and "工作进程中断" in batch.error and batch.finished_at
    assert not DBTaskResult.objects.filter(status="READY").exists()  # not queued again

    office = login(world.office_a)
    page = office.get(f"/inspections/batches/{batch.pk}/").content.decode()
    assert "失败" in page and "失败原因" in page and "工作进程中断" in page and f'/inspections/{batch_project.pk}/batch/retry/' in page
    assert "hx-trigger" not in page  # no more polling
    leader_page = login(world.principal_a).get(f"/inspections/batches/{batch.pk}/")
    assert leader_page.status_code == 404

    # Outsiders cannot retry: another county's office gets 404 and nothing changes.
    assert login(world.office_b).post(f"/inspections/{batch_project.pk}/batch/retry/").status_code == 404
    with pytest.raises(PermissionDenied):
        opinions.batch_retry(actor=world.office_b, batch=batch)
    batch.refresh_from_db()
    assert batch.status == "failed" and not AuditLog.objects.filter(action="inspection.batch_retry").exists()

    office = login(world.office_a)  # one test client: log the office in again
    with django_capture_on_commit_callbacks(execute=True):
        response = office.post(f"/inspections/{batch_project.pk}/batch/retry/", follow=True)
    assert "已重新排队" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == "pending" and batch.error == "" and batch.attempt == 2  # a new attempt
    assert DBTaskResult.objects.get(status="READY").args_kwargs["kwargs"] == {"run": 2}
    record = AuditLog.objects.get(action="inspection.batch_retry")
    assert record.before["status"] == "failed" and record.actor == world.office_a
    assert record.before["attempt"] == 1 and record.after["attempt"] == 2
    response = office.post(f"/inspections/{batch_project.pk}/batch/retry/", follow=True)
    assert "只有失败的批量生成可以重试" in response.content.decode()  # a second click changes nothing
    assert AuditLog.objects.filter(action="inspection.batch_retry").count() == 1
    assert run_tasks() == 1
    batch.refresh_from_db()
    assert batch.status == "done"
    page = office.get(f"/inspections/batches/{batch.pk}/").content.decode()
    assert "已完成" in page and "下载 zip" in page


def test_a_batch_whose_rendering_raises_fails_with_the_error(world, batch_project, django_capture_on_commit_callbacks,
                                                            run_tasks, monkeypatch):
    batch = start(world, batch_project, django_capture_on_commit_callbacks)

    def broken(*args, **kwargs):
        raise ValueError("模板损坏")

    monkeypatch.setattr("dudao.documents.render.render_docx_bytes", broken)
    run_tasks()
    batch.refresh_from_db()
    assert batch.status == "failed" and "模板损坏" in batch.error
    assert DBTaskResult.objects.get().status == "FAILED"


def test_running_page_shows_progress_without_worker_warning(world, batch_project, django_capture_on_commit_callbacks,
                                                           login):
    from dudao.worker.recovery import beat

    batch = start(world, batch_project, django_capture_on_commit_callbacks)
    beat("live-worker", timezone.now())
    page = login(world.office_a).get(f"/inspections/batches/{batch.pk}/").content.decode()
    assert "排队中" in page and "0/2" in page and "后台工作进程没有运行" not in page
    OpinionBatch.objects.filter(pk=batch.pk).update(status="running", done=1)
    page = login(world.office_a).get(f"/inspections/batches/{batch.pk}/").content.decode()
    assert "生成中" in page and "1/2" in page and 'hx-trigger="every 1s"' in page
    assert "后台工作进程没有运行" not in page
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - datetime.timedelta(minutes=10))  # the worker died
    page = login(world.office_a).get(f"/inspections/batches/{batch.pk}/").content.decode()
    assert "生成中" in page and "后台工作进程没有运行" in page


def test_a_worker_stopped_in_the_middle_leaves_the_batch_failed_with_the_reason(
        world, batch_project, django_capture_on_commit_callbacks, monkeypatch):
    batch = start(world, batch_project, django_capture_on_commit_callbacks)

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt  # a second Ctrl-C: the worker gives up the task at once

    monkeypatch.setattr("dudao.documents.render.render_docx_bytes", interrupted)
    with pytest.raises(KeyboardInterrupt):
        opinions.batch_run(batch.pk)
    batch.refresh_from_db()
    assert batch.status == "failed" and "工作进程被停止" in batch.error and "重试" in batch.error


# ---- a run recovered by mistake (its worker only looked dead) carries on next to the newer attempt ----------------

def superseded_by_recovery(world, project, capture) -> OpinionBatch:
    """Attempt 1 is running when a sweep wrongly takes its worker for dead: the batch becomes attempt 2."""
    batch = start(world, project, capture)
    kill_worker_of(batch)
    OpinionBatch.objects.filter(pk=batch.pk).update(started_at=timezone.now())
    assert recover_lost_tasks() == 1
    batch.refresh_from_db()
    assert batch.status == "pending" and batch.attempt == 2
    return batch


def test_a_superseded_attempt_finishing_late_does_not_overwrite_done(world, batch_project,
                                                                     django_capture_on_commit_callbacks, run_tasks):
    batch = superseded_by_recovery(world, batch_project, django_capture_on_commit_callbacks)
    assert run_tasks() == 1  # attempt 2 completes
    batch.refresh_from_db()
    assert batch.status == "done" and batch.attempt == 2 and batch.path.endswith(f"opinions-{batch.pk}-2.zip")
    done = OpinionBatch.objects.values().get(pk=batch.pk)

    # The old run, still alive, now gets to its own status updates: nothing changes and it stops quietly.
    assert opinions.batch_run(batch.pk, run=1) is None
    assert OpinionBatch.objects.values().get(pk=batch.pk) == done
    for args in ({"expected": "running", "status": "failed", "error": "old"},
                 {"expected": "running", "status": "done", "path": "/elsewhere.zip"},
                 {"expected": "pending", "status": "running"}):
        with pytest.raises(opinions.Superseded):
            opinions.batch_set(batch.pk, run=1, **args)
    assert OpinionBatch.objects.values().get(pk=batch.pk) == done
    with archive_of(batch) as archive:
        assert len(archive.namelist()) == 2


def test_a_superseded_attempt_failing_late_does_not_touch_the_newer_attempts_progress(
        world, batch_project, django_capture_on_commit_callbacks, monkeypatch):
    """Attempt 1 is running (the worker is slow, not dead) when attempt 2 takes over; attempt 1 then fails or
    reports progress: attempt 2's status and progress stand, and its run completes."""
    from dudao.documents import render

    batch = start(world, batch_project, django_capture_on_commit_callbacks)
    real = render.render_docx_bytes
    calls = []

    def slow_worker(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:  # while attempt 1 renders its first document, a sweep supersedes it
            OpinionBatch.objects.filter(pk=batch.pk).update(status="pending", attempt=2)
            assert opinions.batch_run(batch.pk, run=2) == "done"  # attempt 2 runs to the end meanwhile
            raise OSError("disk full")  # and attempt 1 then fails
        return real(*args, **kwargs)

    monkeypatch.setattr(render, "render_docx_bytes", slow_worker)
    assert opinions.batch_run(batch.pk, run=1) is None  # superseded: stopped quietly
    batch.refresh_from_db()
    assert batch.status == "done" and batch.error == "" and batch.attempt == 2 and batch.done == 2

    # Progress of a stale run never overwrites the newer one's either.
    OpinionBatch.objects.filter(pk=batch.pk).update(status="running", attempt=3, done=1)
    with pytest.raises(opinions.Superseded):
        opinions.batch_set(batch.pk, run=2, expected="running", done=2)
    assert OpinionBatch.objects.get(pk=batch.pk).done == 1


def test_two_attempts_do_not_delete_each_others_files(world, batch_project, django_capture_on_commit_callbacks,
                                                      monkeypatch):
    """Temporary files carry the attempt: the older run's leftovers neither clash with nor remove the newer
    run's, and only the run that set DONE removes the folder."""
    from dudao.documents import render

    batch = start(world, batch_project, django_capture_on_commit_callbacks)
    folder = opinions.batch_folder(batch.pk)
    real = render.render_docx_bytes
    seen = {}

    def interleaved(*args, **kwargs):
        if not seen:  # attempt 1 is writing its first document when attempt 2 takes over and runs
            seen["second"] = "running"
            OpinionBatch.objects.filter(pk=batch.pk).update(status="pending", attempt=2)
            seen["second"] = opinions.batch_run(batch.pk, run=2)
        return real(*args, **kwargs)

    monkeypatch.setattr(render, "render_docx_bytes", interleaved)
    assert opinions.batch_run(batch.pk, run=1) is None
    assert seen["second"] == "done"
    batch.refresh_from_db()
    assert batch.status == "done" and batch.attempt == 2
    with archive_of(batch) as archive:  # attempt 2's archive is whole and left alone by attempt 1
        assert len(archive.namelist()) == 2 and all(archive.read(n)[:2] == b"PK" for n in archive.namelist())
    # Removed by attempt 2, which set DONE; what attempt 1 stored after that it removed itself on finding DONE.
    assert stored_in(folder) == []
    assert stored_in("batches") == [f"opinions-{batch.pk}-2.zip"]  # attempt 1 left nothing behind


def test_a_lost_run_of_a_batch_finished_meanwhile_is_not_queued_again(
        world, batch_project, django_capture_on_commit_callbacks):
    batch = start(world, batch_project, django_capture_on_commit_callbacks)
    kill_worker_of(batch)
    OpinionBatch.objects.filter(pk=batch.pk).update(status="done")  # the "lost" run had actually finished
    assert recover_lost_tasks() == 1
    batch.refresh_from_db()
    assert batch.status == "done" and batch.attempt == 1 and batch.error == ""
    assert not DBTaskResult.objects.filter(status="READY").exists()
