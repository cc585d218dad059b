"""监测报告: the context builders (figures from made-up selector output), the Word and PDF documents, the batch as
a background task (progress, a killed worker, a failure and its retry), who may download what, and a hostile
school name that must come out literally."""

import datetime
import io
import re
import zipfile
import zlib

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from docx import Document

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog
from dudao.documents import files
from dudao.documents.models import StoredFile
from dudao.documents.render import check_template, default_template_path
from dudao.quality.models import (
    Report,
    ReportBatch,
    Round,
    RoundSchool,
    RoundStatus,
)
from dudao.quality.services import reports
from dudao.regions.models import Region
from dudao.schools.models import School
from dudao.worker.models import WorkerHeartbeat
from dudao.worker.recovery import recover_lost_tasks
from tests.quality import factories

HOSTILE = "{{7*7}}{% for x in y %}<script>alert(1)</script>学校"


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def pdf_pages(data: bytes) -> int:
    """Pages of a WeasyPrint PDF: its objects sit in compressed object streams, so inflate them and count."""
    count = 0
    for raw in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", data, re.DOTALL):
        try:
            count += len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", zlib.decompress(raw)))
        except zlib.error:
            continue
    return count


def report_round(world, *, status=RoundStatus.SCORED, per_school=(20, 20, 20, 6), year=2026, term="autumn",
               title="甲区2026—2027学年秋季八年级学业质量监测", shift=0) -> Round:
    """甲区, grade 8, 语文 and 数学 fixed and 科学 drawn; schools_a[0], [1], [2], [4] with the given pupils each.
    Pupil j of school i scores 50 + 6·i + 2·j (capped at 100), prior = score − 3 + j % 4; classes of 12 and the
    rest, genders alternating."""
    schools = [world.schools_a[i] for i in (0, 1, 2, 4)]
    round = factories.make_round(
        world, status=status, year=year, term=term, grade=8, title=title, schools=schools, drawn=factories.DRAWN,
        test_date=datetime.date(year + (term == "spring"), 5 if term == "spring" else 11, 20))
    now = timezone.now()
    Round.objects.filter(pk=round.pk).update(
        draw_pool=[{"name": "科学", "full_marks": 100}, {"name": "英语", "full_marks": 100}], draw_seed=20261120,
        drawn_at=now, published_at=now if status == RoundStatus.PUBLISHED else None)
    round.refresh_from_db()
    rows = []
    for i, (school, count) in enumerate(zip(schools, per_school, strict=True)):
        for k, subject in enumerate(("语文", "数学", "科学")):
            for j in range(count):
                score = min(100.0, 50 + 6 * i + 2 * j + k + shift)
                rows.append((school, subject, f"S{school.code}{j:03d}", score, score - 3 + j % 4,
                             "男" if j % 2 else "女", "八（1）班" if j < 12 else "八（2）班"))
    factories.add_scores(round, rows, created_by=world.office_a)
    return round


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# ---- context builders with made-up figures -------------------------------------------------------------------------

def fake_results():
    return {"county": {"n": 412, "mean": 71.25, "sd": 12.5, "median": 72, "pass_rate": 83.4, "excellent_rate": 21.7,
                       "low_rate": 4.2},
            "schools": [{"code": "1990102001", "name": "甲区第一小学", "n": 200, "mean": 75.5, "pass_rate": 90.0,
                         "excellent_rate": 30.0, "low_rate": 1.0, "gap_mean": 4.25, "withheld": False},
                        {"code": "1990102002", "name": "甲区第二小学", "n": 8, "mean": 50.0, "pass_rate": 37.5,
                         "excellent_rate": 0.0, "low_rate": 25.0, "gap_mean": -21.25, "withheld": True}],
            "bands": [{"band": "优秀", "lower": 85, "upper": None, "count": 89, "share": 21.6},
                      {"band": "合格", "lower": 60, "upper": 85, "count": 255, "share": 61.9},
                      {"band": "不合格", "lower": None, "upper": 60, "count": 68, "share": 16.5}]}


def fake_va():
    return {"method": "reml", "n_students": 412, "n_schools": 2, "fixed": {"intercept": 3.1, "prior": 0.912},
            "fixed_se": {"intercept": 1, "prior": 0.01}, "school_var": 6.25, "residual_var": 81.0, "icc": 0.0716,
            "converged": True, "warnings": [],
            "schools": [{"code": "1990102001", "name": "甲区第一小学", "n": 200, "effect": 2.345, "se": 0.5,
                         "ci_low": 1.365, "ci_high": 3.325, "flag": "above", "flag_label": "显著高于预期",
                         "residual_mean": 2.5, "shrinkage": 0.96, "small": False},
                        {"code": "1990102002", "name": "甲区第二小学", "n": 8, "effect": -0.75, "se": 2.0,
                         "ci_low": -4.67, "ci_high": 3.17, "flag": "expected", "flag_label": "符合预期",
                         "residual_mean": -6.0, "shrinkage": 0.39, "small": True}]}


def test_district_context_holds_the_figures_the_draw_and_the_shrinkage_explanation(world):
    round = report_round(world, per_school=(0, 0, 0, 0))
    subjects = list(round.subjects.all())
    data = [{"subject": subjects[0], "results": fake_results(), "va": fake_va()},
            {"subject": subjects[2], "results": fake_results(), "va": {"error": "只有一所学校，无法估计学校间差异。"}}]
    context = reports.district_context(round, data, schools=[1, 2, 3, 4], generated_on=datetime.date(2026, 12, 3))
    assert context["generated_on"] == "2026年12月3日" and context["office"] == "甲区人民政府教育督导室"
    facts = context["round"]
    assert facts["schools"] == 4 and facts["test_date"] == "2026年11月20日" and facts["year"] == "2026—2027学年"
    assert "固定学科 语文" in facts["draw"] and "随机抽取学科 科学" in facts["draw"] and "20261120" in facts["draw"]
    assert "英语" in facts["draw"]  # the pool
    county = context["subjects"][0]
    assert (county["n"], county["mean"], county["pass_rate"], county["excellent_rate"]) == (412, "71.2", "83.4%", "21.7%")
    assert "全区平均分 71.2" in context["summary"]
    first, second = context["schools"][:2]
    assert first["gap"] == "+4.2" and second["gap"] == "-21.2" and "人数不足" in second["name"]
    assert [b["share"] for b in context["bands"][:3]] == ["21.6%", "61.9%", "16.5%"]
    assert context["bands"][0]["range"] == "85.0 及以上" and context["bands"][2]["range"] == "低于 60.0"
    assert "小规模学校的估计向 0 收缩" in context["va_note"]
    va = context["va"]
    assert va[0]["effect"] == "+2.35" and va[0]["ci"] == "1.36 ～ 3.33" and va[0]["flag"] == "显著高于预期"
    assert va[1]["small"] == "是" and va[1]["shrinkage"] == "0.39" and va[1]["residual"] == "-6.00"
    assert "0.912" in context["va_summaries"][0] and "显著高于预期 1 所" in context["va_summaries"][0]
    assert "科学：未能计算增值评价（只有一所学校" in context["va_summaries"][1]
    assert [b["name"] for b in context["below"]] == ["甲区第二小学", "甲区第二小学"]  # 37.5% < 60% in both subjects
    assert context["chart_png"].startswith(b"\x89PNG")


def test_school_context_compares_with_the_county_and_leaves_out_small_groups(world):
    round = report_round(world, per_school=(0, 0, 0, 0))
    school = world.schools_a[0]
    results = {"subjects": [{
        "subject": "语文", "school": {"n": 200, "mean": 75.5, "pass_rate": 90.0, "excellent_rate": 30.0, "low_rate": 1.0},
        "county": {"n": 412, "mean": 71.25, "pass_rate": 83.4, "excellent_rate": 21.7, "low_rate": 4.2},
        "classes": [{"class_name": "八（1）班", "n": 192, "mean": 76.0, "pass_rate": 91.0, "withheld": False},
                    {"class_name": "八（9）班", "n": 8, "mean": 60.0, "pass_rate": 50.0, "withheld": True}],
        "genders": [{"gender": "女", "n": 101, "mean": 77.25, "pass_rate": 92.0, "withheld": False},
                    {"gender": "男", "n": 99, "mean": 73.7, "pass_rate": 88.0, "withheld": False}]}]}
    trend = [{"round_title": "2025—2026学年春季", "subject": "语文", "n": 190, "mean": 74.0, "county_mean": 70.0, "pass_rate": 88.0}]
    context = reports.school_context(round, school, results=results, va_by_subject={"语文": fake_va()}, trend=trend,
                                     subjects=list(round.subjects.all()), schools_count=4)
    row = context["subjects"][0]
    assert (row["mean"], row["county_mean"], row["gap"], row["pass_rate"], row["county_pass_rate"]) == (
        "75.5", "71.2", "+4.2", "90.0%", "83.4%")
    assert [c["name"] for c in context["classes"]] == ["八（1）班"]  # 八（9）班 has 8 pupils: left out, with a note
    assert "八（9）班（8 人）" in context["withheld_note"] and "少于 10 人" in context["withheld_note"]
    assert [g["mean"] for g in context["genders"]] == ["77.2", "73.7"]
    assert context["va"] == [{"subject": "语文", "n": 200, "effect": "+2.35", "ci": "1.36 ～ 3.33", "flag": "显著高于预期",
                              "residual": "+2.50", "shrinkage": "0.96", "note": ""}]
    assert context["trend"][0]["round"] == "2025—2026学年春季" and context["trend"][0]["mean"] == "74.0"


def test_the_shipped_templates_pass_the_upload_check():
    for key in (reports.DISTRICT_KEY, reports.SCHOOL_KEY):
        check_template(default_template_path(key).read_bytes(), key)


# ---- documents -----------------------------------------------------------------------------------------------------

def test_district_report_in_word_and_pdf(world, media):
    round = report_round(world)
    data = reports.round_data(round, reader=world.office_a)
    documents = reports.district_documents(round, data)
    text = docx_text(documents["docx"])
    assert round.title in text and "甲区第一小学" in text and "小规模学校的估计向 0 收缩" in text
    assert "20261120" in text and "科学" in text and "2026年11月20日" in text
    assert "{{" not in text and "{%" not in text
    # 语文: school i pupil j scores 50 + 6i + 2j: 甲区第一小学 (i = 0, 20 pupils) mean 69.0
    assert "69.0" in text
    assert Document(io.BytesIO(documents["docx"])).inline_shapes  # the band chart
    pdf = documents["pdf"]
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000 and pdf_pages(pdf) >= 2


def test_school_report_in_word_and_pdf_omits_small_groups(world, media):
    round = report_round(world)
    school = world.schools_a[0]
    document, content_type, name = reports.report_render(actor=world.office_a, round=round, school=school, fmt="docx")
    assert content_type.endswith("wordprocessingml.document") and name.endswith(".docx") and school.name in name
    text = docx_text(document)
    assert school.name in text and "八（1）班" in text and "69.0" in text
    assert "八（2）班（8 人）" in text  # 8 pupils in 八（2）班: withheld, named in the note
    pdf, content_type, _name = reports.report_render(actor=world.office_a, round=round, school=school, fmt="pdf")
    assert pdf.startswith(b"%PDF") and content_type == "application/pdf"


def test_a_hostile_school_name_comes_out_literally(world, media):
    school = world.schools_a[0]
    school.name = HOSTILE
    school.save(update_fields=["name"])
    round = report_round(world)
    data = reports.round_data(round, reader=world.office_a)
    for document in (reports.district_documents(round, data)["docx"],
                     reports.school_documents(round, school, data, reader=world.office_a)["docx"]):
        text = docx_text(document)
        assert HOSTILE in text and "49" not in text.replace("2026", "")
    context = reports.school_document_context(round, school, data, reader=world.office_a)
    html = render_to_string("quality/school_report_pdf.html", context)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html and "{{7*7}}" in html
    assert reports.school_documents(round, school, data, reader=world.office_a)["pdf"].startswith(b"%PDF")


def test_reports_need_imported_scores(world, media):
    round = report_round(world, status=RoundStatus.PLANNED, per_school=(0, 0, 0, 0))
    with pytest.raises(ApplicationError, match="还没有导入成绩"):
        reports.report_batch_start(actor=world.office_a, round=round)
    with pytest.raises(ApplicationError, match="还没有导入成绩"):
        reports.reports_generate_now(round)


# ---- the batch -----------------------------------------------------------------------------------------------------

def start(world, round, capture):
    with capture(execute=True):
        return reports.report_batch_start(actor=world.office_a, round=round)


def kill_worker_of(batch: ReportBatch, worker: str = "dead-worker") -> DBTaskResult:
    """What a worker killed with -9 leaves behind: the task claimed, the batch running, a silent heartbeat."""
    result = DBTaskResult.objects.get(status="READY")
    result.claim(worker)
    past = timezone.now() - datetime.timedelta(minutes=5)
    WorkerHeartbeat.objects.create(worker_id=worker, started_at=past, seen_at=past)
    ReportBatch.objects.filter(pk=batch.pk).update(status="running")
    return result


def test_the_batch_runs_end_to_end_through_the_task(world, media, django_capture_on_commit_callbacks, run_tasks, login):
    round = report_round(world)
    batch = start(world, round, django_capture_on_commit_callbacks)
    assert batch.status == "pending" and batch.total == 10  # district + 4 schools, Word and PDF
    record = AuditLog.objects.get(action="quality.reports_start")
    assert record.actor == world.office_a and record.region_code == "990102" and record.action_label == "生成质量监测报告"
    with pytest.raises(ApplicationError, match="还没有完成"):
        reports.report_batch_start(actor=world.office_a, round=round)
    for outsider in (world.office_b, world.principal_a, world.inspector_a, world.leader_a):
        with pytest.raises(PermissionDenied):
            reports.report_batch_start(actor=outsider, round=round)
    task = DBTaskResult.objects.get()
    assert task.task_path == "dudao.quality.tasks.render_report_batch" and task.args_kwargs["args"] == [batch.pk]

    office = login(world.office_a)
    panel = office.get(f"/quality/report-batches/{batch.pk}/").content.decode()
    assert "排队中" in panel and "hx-trigger" in panel and "0/10" in panel

    assert run_tasks() == 1
    batch.refresh_from_db()
    assert batch.status == "done" and batch.done == batch.total == 10 and batch.finished_at
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    made = Report.objects.filter(batch=batch)
    assert made.count() == 10 and made.filter(school=None).count() == 2
    for report in made.select_related("file"):
        data = files.read_blob(report.file.path)
        assert files.sha256_of(data) == report.file.sha256 and report.file.size == len(data)
        assert data.startswith(b"%PDF" if report.format == "pdf" else b"PK")
    panel = office.get(f"/quality/report-batches/{batch.pk}/").content.decode()
    assert "已完成" in panel and "10/10" in panel and "hx-trigger" not in panel
    page = office.get(f"/quality/rounds/{round.pk}/reports/").content.decode()
    assert page.count("/download/") == 10 and "甲区第一中学" in page
    assert run_tasks() == 0


def test_generate_now_for_the_demo_loader(world, media):
    round = report_round(world)
    batch = reports.reports_generate_now(round)  # no person: read as the platform
    assert batch.status == "done" and batch.done == 10 and batch.created_by is None
    assert Report.objects.filter(round=round).count() == 10
    assert AuditLog.objects.filter(action="quality.reports_start", actor=None).exists()


def test_a_failing_batch_says_why_and_a_retry_skips_what_was_stored(world, media, django_capture_on_commit_callbacks,
                                                                   run_tasks, monkeypatch, login):
    round = report_round(world)
    batch = start(world, round, django_capture_on_commit_callbacks)
    real = reports.school_documents
    calls = []

    def broken(round, school, data, **kwargs):
        calls.append(school.pk)
        if school == world.schools_a[2]:
            raise ApplicationError("模拟的渲染错误")
        return real(round, school, data, **kwargs)

    monkeypatch.setattr(reports, "school_documents", broken)
    run_tasks()
    batch.refresh_from_db()
    assert batch.status == "failed" and "模拟的渲染错误" in batch.error and batch.done == 6  # district + 2 schools
    office = login(world.office_a)
    panel = office.get(f"/quality/report-batches/{batch.pk}/").content.decode()
    assert "失败原因" in panel and "模拟的渲染错误" in panel and f"/quality/rounds/{round.pk}/reports/retry/" in panel

    # another county's office cannot retry; nothing changes
    assert login(world.office_b).post(f"/quality/rounds/{round.pk}/reports/retry/").status_code == 404
    with pytest.raises(PermissionDenied):
        reports.report_batch_retry(actor=world.office_b, batch=batch)

    monkeypatch.setattr(reports, "school_documents", lambda *a, **k: calls.append(a[1].pk) or real(*a, **k))
    calls.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.office_a).post(f"/quality/rounds/{round.pk}/reports/retry/")
    assert response.status_code == 302
    run_tasks()
    batch.refresh_from_db()
    assert batch.status == "done" and batch.attempt == 2 and batch.done == 10 and batch.error == ""
    assert calls == [world.schools_a[2].pk, world.schools_a[4].pk]  # the first two schools were not rendered again
    assert Report.objects.filter(batch=batch).count() == 10


def test_a_killed_worker_requeues_the_batch_and_too_many_kills_fail_it(world, media, settings,
                                                                       django_capture_on_commit_callbacks, run_tasks):
    round = report_round(world)
    batch = start(world, round, django_capture_on_commit_callbacks)
    kill_worker_of(batch)
    assert recover_lost_tasks() == 1
    batch.refresh_from_db()
    assert batch.status == "pending" and batch.attempt == 2 and "工作进程中断" in batch.error
    assert DBTaskResult.objects.get(status="READY").args_kwargs == {"args": [batch.pk], "kwargs": {"attempt": 2, "run": 2}}
    assert run_tasks() == 1
    batch.refresh_from_db()
    assert batch.status == "done" and batch.done == 10

    settings.TASKS_LOST_RETRIES = 0
    second = start(world, round, django_capture_on_commit_callbacks)
    kill_worker_of(second, "another-dead-worker")
    assert recover_lost_tasks() == 1
    second.refresh_from_db()
    assert second.status == "failed" and "工作进程中断" in second.error and second.finished_at


def test_a_superseded_run_stores_nothing(world, media, django_capture_on_commit_callbacks):
    round = report_round(world)
    batch = start(world, round, django_capture_on_commit_callbacks)
    ReportBatch.objects.filter(pk=batch.pk).update(attempt=2)  # a newer attempt took over
    assert reports.batch_run(batch.pk, run=1) is None
    assert not Report.objects.exists() and not StoredFile.objects.exists()


# ---- who may download what -----------------------------------------------------------------------------------------

def test_downloads_are_scoped(world, media, login):
    round = report_round(world)
    reports.reports_generate_now(round, actor=world.office_a)
    own = Report.objects.get(round=round, school=world.schools_a[0], format="pdf")
    other = Report.objects.get(round=round, school=world.schools_a[1], format="docx")
    district = Report.objects.get(round=round, school=None, format="pdf")
    url = "/quality/reports/{}/download/".format

    office = login(world.office_a)
    for report in (own, other, district):
        response = office.get(url(report.pk))
        assert response.status_code == 200 and b"".join(response.streaming_content)[:4] in (b"%PDF", b"PK\x03\x04")
    assert office.get(f"/quality/rounds/{round.pk}/reports/district.pdf").status_code == 200
    leader = login(world.leader_a)  # the county's leaders: once published, as the results
    assert leader.get(url(district.pk)).status_code == 404

    b = login(world.office_b)
    for path in (url(own.pk), url(district.pk), f"/quality/rounds/{round.pk}/reports/",
                 f"/quality/rounds/{round.pk}/reports/district.docx",
                 f"/quality/rounds/{round.pk}/reports/schools/{world.schools_a[0].pk}/report.pdf"):
        assert b.get(path).status_code == 404, path
    assert b.post(f"/quality/rounds/{round.pk}/reports/start/").status_code == 404

    # Not yet published: the school and its inspector see nothing.
    for user in (world.principal_a, world.inspector_a):
        client = login(user)
        assert client.get(url(own.pk)).status_code == 404
        assert client.get(f"/quality/rounds/{round.pk}/reports/").status_code == 404
        assert client.get(f"/quality/rounds/{round.pk}/reports/schools/{world.schools_a[0].pk}/report.docx").status_code == 404

    Round.objects.filter(pk=round.pk).update(status=RoundStatus.PUBLISHED)
    leader = login(world.leader_a)  # one test client: logging in again switches it back to the leader
    assert leader.get(url(district.pk)).status_code == 200 and leader.get(url(other.pk)).status_code == 200
    principal = login(world.principal_a)
    assert principal.get(url(own.pk)).status_code == 200
    assert principal.get(url(other.pk)).status_code == 404  # another school's
    assert principal.get(url(district.pk)).status_code == 404  # the district report is for the county's staff
    assert principal.get(f"/quality/rounds/{round.pk}/reports/district.pdf").status_code == 404
    assert principal.get(f"/quality/rounds/{round.pk}/reports/schools/{world.schools_a[1].pk}/report.pdf").status_code == 404
    page = principal.get(f"/quality/rounds/{round.pk}/reports/").content.decode()
    assert world.schools_a[0].name in page and world.schools_a[1].name not in page and "全区监测报告" not in page
    # A school reads its archived report; rendering anew (a refit of every subject) is for the county's staff.
    now = f"/quality/rounds/{round.pk}/reports/schools/{world.schools_a[0].pk}/report.docx"
    assert principal.get(now).status_code == 404
    fresh = login(world.leader_a).get(now)
    assert fresh.status_code == 200 and world.schools_a[0].name in docx_text(fresh.content)
    assert principal.post(f"/quality/rounds/{round.pk}/reports/start/").status_code == 404

    inspector = login(world.inspector_a)  # assigned to schools_a[0..2]
    assert inspector.get(url(own.pk)).status_code == 200 and inspector.get(url(other.pk)).status_code == 200
    assert inspector.get(url(district.pk)).status_code == 404
    fourth = Report.objects.get(round=round, school=world.schools_a[4], format="pdf")
    assert inspector.get(url(fourth.pk)).status_code == 404


def test_a_batch_zip_is_not_needed_each_report_is_its_own_file(world, media):
    round = report_round(world)
    batch = reports.reports_generate_now(round, actor=world.office_a)
    docx = Report.objects.get(batch=batch, school=world.schools_a[0], format="docx")
    with zipfile.ZipFile(io.BytesIO(files.read_blob(docx.file.path))) as archive:
        assert "word/document.xml" in archive.namelist()
    assert default_storage.exists(docx.file.path)


def test_the_school_report_shows_the_trend_across_rounds(world, media):
    earlier = report_round(world, status=RoundStatus.PUBLISHED, year=2025, term="spring", shift=-4,
                         title="甲区2025—2026学年春季七年级学业质量监测")
    round = report_round(world)
    assert earlier.test_date < round.test_date
    school = world.schools_a[0]
    document, _type, _name = reports.report_render(actor=world.office_a, round=round, school=school, fmt="docx")
    text = docx_text(document)
    assert "甲区2025—2026学年春季七年级学业质量监测" in text
    assert "65.0" in text and "69.0" in text  # 语文 of 甲区第一小学: 65.0 then 69.0


def test_the_reports_page_runs_the_same_queries_for_few_and_many_schools(world, media, login):
    round = report_round(world, status=RoundStatus.PUBLISHED, per_school=(0, 0, 0, 0))
    stored = StoredFile.objects.create(sha256="1" * 64, size=1, content_type="application/pdf", kind="document",
                                       original_name="报告.pdf", path="files/11/x")

    def add_reports():
        for school in [None, *School.objects.filter(quality_rounds__round=round)]:
            for fmt in ("docx", "pdf"):
                if not Report.objects.filter(round=round, school=school, format=fmt).exists():
                    Report.objects.create(round=round, school=school, format=fmt, file=stored)

    def count(client) -> int:
        client.get(f"/quality/rounds/{round.pk}/reports/")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/quality/rounds/{round.pk}/reports/").status_code == 200
        return len(queries)

    add_reports()
    office = login(world.office_a)
    few = count(office)
    town = Region.objects.get(code="990102001")
    for i in range(20):
        school = School.objects.create(code=f"19901028{i:02d}", name=f"甲区新校{i}", school_type="junior", region=town,
                                       ownership="public", urban_rural="urban", students_junior=300)
        RoundSchool.objects.create(round=round, school=school)
    add_reports()
    assert count(office) == few
    page = office.get(f"/quality/rounds/{round.pk}/reports/").content.decode()
    assert page.count("/download/") == 2 * 25
