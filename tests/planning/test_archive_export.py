"""督导档案 export: the zip's folders, manifest and index checked file by file; a missing and a tampered blob reported
(not skipped); a document that fails to render reported; a killed worker's export queued again; the 案卷目录."""

import datetime
import hashlib
import io
import zipfile

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from python_calamine import CalamineWorkbook

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog
from dudao.planning.models import ArchiveExport, ArchiveYear
from dudao.planning.selectors import archive as selectors
from dudao.planning.services import archive
from dudao.worker.models import WorkerHeartbeat
from dudao.worker.recovery import recover_lost_tasks
from tests.planning.archive_data import frozen_now, make_year


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def march_2026():
    with time_machine.travel(frozen_now(), tick=False):
        yield


def start(world, capture, year=2025, actor=None):
    with capture(execute=True):
        return archive.export_start(actor=actor or world.office_a, region=world.county_a, year=year)


def open_zip(export: ArchiveExport) -> zipfile.ZipFile:
    with default_storage.open(export.file_name, "rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read()))


def index_rows(zf: zipfile.ZipFile) -> list[tuple]:
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(zf.read("案卷目录.xlsx"))).get_sheet_by_name("案卷目录")
    rows = sheet.to_python()
    assert rows[0][0] == "甲区2025年度督导档案 案卷目录" and rows[1] == archive.INDEX_HEADERS

    def plain(value):
        if value == "":
            return None
        return int(value) if isinstance(value, float) and value.is_integer() else value
    return [tuple(plain(v) for v in row) for row in rows[2:]]


def sums(zf: zipfile.ZipFile) -> dict[str, str]:
    text = zf.read("SHA256SUMS.txt").decode("utf-8")
    out = {}
    for line in text.splitlines():
        sha, path = line.split("  ", 1)
        out[path] = sha
    return out


def test_the_export_builds_a_zip_whose_manifest_and_index_verify(world, media, march_2026, run_tasks,
                                                                  django_capture_on_commit_callbacks):
    data = make_year(world)
    export = start(world, django_capture_on_commit_callbacks)
    assert export.status == "pending"
    task = DBTaskResult.objects.get()
    assert task.task_path == "dudao.planning.tasks.build_archive_export" and task.args_kwargs["args"] == [export.pk]
    with pytest.raises(ApplicationError, match="还没有完成"):
        archive.export_start(actor=world.office_a, region=world.county_a, year=2025)
    assert run_tasks() == 1
    export.refresh_from_db()
    assert export.status == "done" and export.missing == [] and export.error == ""
    # three photos of 2025 (not the 2026 one at 00:30 on 1 January, not 乙县's), the plan and the minutes
    assert export.file_count == 5

    with default_storage.open(export.file_name, "rb") as handle:
        whole = handle.read()
    assert hashlib.sha256(whole).hexdigest() == export.sha256 and len(whole) == export.size
    zf = zipfile.ZipFile(io.BytesIO(whole))
    assert zf.testzip() is None
    manifest = sums(zf)
    names = set(zf.namelist())
    assert names == set(manifest) | {"SHA256SUMS.txt"}
    for path, sha in manifest.items():  # every file in the zip has its digest, recomputed here
        assert hashlib.sha256(zf.read(path)).hexdigest() == sha, path
    assert {p.split("/")[0] for p in names if "/" in p} == {"01 计划总结", "03 督学"}
    photos = sorted(p for p in names if p.startswith("03 督学/"))
    assert photos == ["03 督学/0001 照片1.jpg", "03 督学/0002 照片2.jpg", "03 督学/0003 照片3.jpg"]
    for path, stored in zip(photos, data.files, strict=True):  # the bytes are the stored evidence, unchanged
        assert manifest[path] == stored.sha256
    plan_doc = next(p for p in names if p.startswith("01 计划总结/") and "工作要点" in p)
    assert zf.read(plan_doc)[:2] == b"PK"  # a Word document
    from docx import Document

    text = "\n".join(p.text for p in Document(io.BytesIO(zf.read(plan_doc))).paragraphs)
    assert "甲区2025年教育督导工作要点" in text and "开展责任督学挂牌督导" in text and "2025年6月30日" in text

    rows = index_rows(zf)
    assert len(rows) == 5 and all(r[8] == "正常" for r in rows)
    for _category, _no, _title, day, path, size, sha, _source, _status, _note in rows:
        assert manifest[path] == sha and zf.getinfo(path).file_size == size
        assert day.startswith("2025-")
    assert [r[3] for r in rows if r[0] == "督学"] == ["2025-03-05", "2025-06-18", "2025-12-31"]
    assert AuditLog.objects.filter(action="planning.archive_export", actor=world.office_a, region_code="990102").exists()
    assert run_tasks() == 0


def test_a_missing_blob_and_a_tampered_blob_are_reported_not_skipped(world, media, march_2026, run_tasks,
                                                                     django_capture_on_commit_callbacks, login):
    data = make_year(world)
    gone, tampered = data.files[0], data.files[1]
    default_storage.delete(gone.path)
    with default_storage.open(tampered.path, "wb") as handle:
        handle.write(b"\xff\xd8\xff\xe0 changed afterwards")
    export = start(world, django_capture_on_commit_callbacks)
    run_tasks()
    export.refresh_from_db()
    assert export.status == "done"  # finished, with a visible warning
    assert "1 个文件缺失" in export.error and "1 个文件校验不符" in export.error
    reasons = {m["reason"]: m for m in export.missing}
    assert set(reasons) == {"缺失", "校验不符"}
    assert reasons["缺失"]["source"] == f"zones.visit:{data.visits[0].pk}"
    assert tampered.sha256 in reasons["校验不符"]["note"]

    zf = open_zip(export)
    manifest = sums(zf)
    assert not any("照片1" in p for p in zf.namelist())  # not there: nothing to put in
    tampered_path = "03 督学/0002 照片2.jpg"
    assert zf.read(tampered_path) == b"\xff\xd8\xff\xe0 changed afterwards"  # kept as found, flagged
    assert manifest[tampered_path] == hashlib.sha256(zf.read(tampered_path)).hexdigest() != tampered.sha256
    rows = {r[2]: r for r in index_rows(zf)}
    missing_row = next(r for t, r in rows.items() if "第1张" in t)
    assert missing_row[8] == "缺失" and missing_row[4] is None and missing_row[6] == gone.sha256
    bad_row = next(r for t, r in rows.items() if "第2张" in t)
    assert bad_row[8] == "校验不符" and tampered.sha256 in bad_row[9]
    assert export.file_count == 4

    page = login(world.office_a).get("/planning/archive/990102/2025/").content.decode()
    assert "1 个文件缺失" in page and "校验不符" in page and "缺失或校验不符的文件（2）" in page


def test_a_document_that_fails_to_render_is_listed(world, media, march_2026, monkeypatch):
    make_year(world)
    from dudao.planning import year as planning_year

    def broken(plan_id):
        raise ApplicationError("模板出错")

    monkeypatch.setattr(planning_year, "plan_docx", broken)
    export = archive.export_now(actor=world.office_a, region=world.county_a, year=2025)
    assert export.status == "done" and [m["reason"] for m in export.missing] == ["生成失败"]
    assert "模板出错" in export.missing[0]["note"] and export.file_count == 4


def test_export_refusals(world, media, march_2026):
    for outsider in (world.office_b, world.leader_a, world.principal_a, world.inspector_a):
        with pytest.raises(PermissionDenied):
            archive.export_start(actor=outsider, region=world.county_a, year=2025)
    with pytest.raises(ApplicationError, match="年度“2027”无效"):
        archive.export_start(actor=world.office_a, region=world.county_a, year=2027)
    assert not ArchiveExport.objects.exists() and not ArchiveYear.objects.exists()


def kill_worker_of(export: ArchiveExport, worker: str = "dead-worker") -> None:
    """What a worker killed with -9 leaves behind: the task claimed, the export running, a silent heartbeat."""
    result = DBTaskResult.objects.get(status="READY")
    result.claim(worker)
    past = timezone.now() - datetime.timedelta(minutes=5)
    WorkerHeartbeat.objects.create(worker_id=worker, started_at=past, seen_at=past)
    ArchiveExport.objects.filter(pk=export.pk).update(status="running", file_count=2)


def test_a_killed_worker_requeues_the_export_and_too_many_kills_fail_it(world, media, settings, run_tasks,
                                                                        django_capture_on_commit_callbacks):
    make_year(world)
    export = start(world, django_capture_on_commit_callbacks)
    with time_machine.travel(frozen_now() + datetime.timedelta(minutes=10), tick=False):
        kill_worker_of(export)
    with time_machine.travel(frozen_now() + datetime.timedelta(minutes=20), tick=False):
        assert recover_lost_tasks() == 1
        export.refresh_from_db()
        assert export.status == "pending" and export.attempt == 2 and "工作进程中断" in export.error
        assert DBTaskResult.objects.get(status="READY").args_kwargs == {"args": [export.pk],
                                                                        "kwargs": {"attempt": 2, "run": 2}}
        assert archive.export_run(export.pk, run=1) is None  # the lost run, if it woke up, does nothing
        assert run_tasks() == 1
        export.refresh_from_db()
        assert export.status == "done" and export.file_count == 5 and export.error == ""
        assert export.file_name.endswith(f"export-{export.pk}-2.zip")

        settings.TASKS_LOST_RETRIES = 0
        second = start(world, django_capture_on_commit_callbacks)
        kill_worker_of(second, "another-dead-worker")
    with time_machine.travel(frozen_now() + datetime.timedelta(minutes=40), tick=False):
        assert recover_lost_tasks() == 1
        second.refresh_from_db()
        assert second.status == "failed" and "工作进程中断" in second.error and second.finished_at


def test_the_catalogue_lists_by_category_without_reading_storage(world, media, march_2026, django_assert_max_num_queries):
    data = make_year(world)
    for f in data.files:
        default_storage.delete(f.path)  # the catalogue never opens a file
    with django_assert_max_num_queries(30):
        blocks = selectors.catalogue(world.county_a, 2025)
    by = {b.category: b for b in blocks}
    assert [b.folder for b in blocks] == ["01 计划总结", "02 督政", "03 督学", "04 评估监测", "05 整改问责",
                                          "06 队伍建设", "07 宣传研究"]
    assert by["duxue"].count == 3 and by["plan"].count == 2 and by["duzheng"].count == 0
    assert by["duxue"].size == sum(f.size for f in data.files) and by["plan"].unknown_size == 2
    assert [r["no"] for r in by["duxue"].rows] == [1, 2, 3]
    assert by["duxue"].rows[2]["day"] == datetime.date(2025, 12, 31)
    assert selectors.catalogue(world.county_b, 2025)[2].count == 1  # 乙县's own visit only


def test_safe_filenames():
    assert archive.safe_filename('a/b\\c:d*?"<>|.jpg') == "a_b_c_d_.jpg"
    assert archive.safe_filename("") == "文件" and archive.safe_filename(" .. ") == "文件"
    long = archive.safe_filename("长" * 300 + ".docx")
    assert len(long) == 120 and long.endswith(".docx")


def test_an_issued_briefing_is_rendered_into_the_research_folder(world, media, march_2026):
    from docx import Document

    from dudao.planning.models import Briefing, BriefingSection
    from tests.planning.archive_data import BJ

    make_year(world)
    issued = Briefing.objects.create(region=world.county_a, year=2025, issue_no=3, title="挂牌督导工作成效", status="issued",
                                     issued_at=datetime.datetime(2025, 5, 8, 10, tzinfo=BJ), created_by=world.office_a)
    BriefingSection.objects.create(briefing=issued, order=1, heading="工作进展", text="全区责任督学完成春季学期走访。")
    Briefing.objects.create(region=world.county_a, year=2025, title="未印发的草稿", created_by=world.office_a)
    export = archive.export_now(actor=world.office_a, region=world.county_a, year=2025)
    assert export.status == "done" and export.file_count == 6 and not export.missing
    zf = open_zip(export)
    research = [p for p in zf.namelist() if p.startswith("07 宣传研究/")]
    assert research == ["07 宣传研究/0001 督导简报2025年第3期_挂牌督导工作成效.docx"]
    text = "\n".join(p.text for p in Document(io.BytesIO(zf.read(research[0]))).paragraphs)
    assert "挂牌督导工作成效" in text and "全区责任督学完成春季学期走访。" in text
