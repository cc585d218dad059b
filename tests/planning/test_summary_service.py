"""工作总结: requesting (office only, validated, one at a time), building in the background (failure path with a
Chinese reason), the page's scope, and what counts in a year at 00:30 on 1 January and 23:30 on 31 December."""

import datetime
import io
import zoneinfo

import pytest
import time_machine
from django.core.files.storage import default_storage
from django.test import override_settings
from docx import Document

from dudao.core import registries
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog
from dudao.planning.models import JobStatus, SummaryKind, SummaryReport
from dudao.planning.services.summary import period_of, summary_build, summary_request, summary_retry
from dudao.rectification.models import Finding

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def _media(tmp_path):
    with override_settings(MEDIA_ROOT=tmp_path):
        yield


def _finding(world, moment, **extra):
    school = world.schools_a[0]
    return Finding.objects.create(source="manual", school=school, region_code=school.region_id, description="问题",
                                  raised_at=moment, **extra)


def test_periods():
    assert period_of(2026) == (datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))
    assert period_of(2026, 1) == (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    assert period_of(2026, 4) == (datetime.date(2026, 10, 1), datetime.date(2026, 12, 31))


@time_machine.travel(datetime.datetime(2026, 12, 20, 10, 0, tzinfo=BEIJING), tick=False)
def test_office_requests_and_the_task_builds_the_draft(world, run_tasks, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        report = summary_request(actor=world.office_a, region=world.county_a, year=2026)
    assert report.status == JobStatus.PENDING and report.quarter is None
    assert AuditLog.objects.filter(action="summary.request", object_id=str(report.pk)).exists()
    assert run_tasks() == 1
    report.refresh_from_db()
    assert report.status == JobStatus.DONE, report.error
    with default_storage.open(report.file_name, "rb") as handle:
        text = "\n".join(p.text for p in Document(io.BytesIO(handle.read())).paragraphs)
    assert "甲区2026年教育督导工作总结" in text


@time_machine.travel(datetime.datetime(2026, 4, 2, 9, 0, tzinfo=BEIJING), tick=False)
def test_quarterly_report_for_the_party_committee_and_government(world):
    report = summary_request(actor=world.office_a, region=world.county_a, year=2026, kind=SummaryKind.QUARTERLY, quarter="1")
    assert summary_build(report.pk) == JobStatus.DONE
    report.refresh_from_db()
    with default_storage.open(report.file_name, "rb") as handle:
        text = "\n".join(p.text for p in Document(io.BytesIO(handle.read())).paragraphs)
    assert "甲区2026年第一季度教育督导结果报告" in text
    assert "中共甲区委员会、甲区人民政府" in text


@time_machine.travel(datetime.datetime(2026, 4, 2, 9, 0, tzinfo=BEIJING), tick=False)
@pytest.mark.parametrize(("kwargs", "message"), [
    ({"year": "abc"}, "年度必须是整数"),
    ({"year": 2027}, "年度须在"),
    ({"year": 1999}, "年度须在"),
    ({"year": 2026, "kind": "weekly"}, "总结类型只能是"),
    ({"year": 2026, "kind": SummaryKind.QUARTERLY}, "须选择季度"),
    ({"year": 2026, "kind": SummaryKind.QUARTERLY, "quarter": 5}, "季度只能是 1～4"),
    ({"year": 2026, "kind": SummaryKind.QUARTERLY, "quarter": 3}, "尚未开始"),
    ({"year": 2026, "quarter": 1}, "年度工作总结不选季度"),
])
def test_bad_input_is_refused_and_nothing_is_queued(world, kwargs, message):
    with pytest.raises(ApplicationError, match=message):
        summary_request(actor=world.office_a, region=world.county_a, **kwargs)
    assert not SummaryReport.objects.exists()


def test_only_the_office_of_the_region_requests(world):
    for actor in (world.leader_a, world.office_b, world.principal_a, world.inspector_a):
        with pytest.raises(PermissionDenied):
            summary_request(actor=actor, region=world.county_a, year=2025)
    assert not SummaryReport.objects.exists()


def test_one_draft_at_a_time(world):
    summary_request(actor=world.office_a, region=world.county_a, year=2025)
    with pytest.raises(ApplicationError, match="正在生成"):
        summary_request(actor=world.office_a, region=world.county_a, year=2025)


def test_a_provider_raising_fails_the_draft_with_a_reason(world, monkeypatch):
    def broken(region_code, start, end):
        raise ZeroDivisionError("boom")

    monkeypatch.setitem(registries._FIGURE_SECTIONS, "broken", registries.FigureSection("broken", "测试模块", 1, broken))
    report = summary_request(actor=world.office_a, region=world.county_a, year=2025)
    assert summary_build(report.pk) == JobStatus.FAILED
    report.refresh_from_db()
    assert report.status == JobStatus.FAILED and report.file_name == ""
    assert "“测试模块”部分的数据读取失败" in report.error and "重试" in report.error
    monkeypatch.delitem(registries._FIGURE_SECTIONS, "broken")
    summary_retry(actor=world.office_a, report=report)
    report.refresh_from_db()
    assert (report.status, report.attempt) == (JobStatus.PENDING, 2)
    assert summary_build(report.pk) == JobStatus.DONE
    assert summary_build(report.pk, run=1) is None  # a superseded run changes nothing


def test_year_boundaries_in_beijing_time(world):
    _finding(world, datetime.datetime(2026, 1, 1, 0, 30, tzinfo=BEIJING))  # 2025-12-31 16:30 UTC: counts in 2026
    _finding(world, datetime.datetime(2025, 12, 31, 23, 30, tzinfo=BEIJING))  # counts in 2025
    _finding(world, datetime.datetime(2026, 12, 31, 23, 30, tzinfo=BEIJING))  # counts in 2026 (and in Q4)
    _finding(world, datetime.datetime(2027, 1, 1, 0, 30, tzinfo=BEIJING))  # not in 2026
    section = next(s for s in registries.year_figure_sections() if s.name == "rectification")

    def raised(start, end):
        return next(f.value for f in section.figures(world.county_a.code, start, end) if f.key == "rectification.raised")

    assert raised(*period_of(2026)) == 2
    assert raised(*period_of(2025)) == 1
    assert raised(*period_of(2026, 1)) == 1
    assert raised(*period_of(2026, 4)) == 1
    assert raised(*period_of(2026)) == 2 and raised(*period_of(2027)) == 1


def test_another_county_sees_nothing(world):
    _finding(world, datetime.datetime(2026, 3, 1, 9, 0, tzinfo=BEIJING))
    section = next(s for s in registries.year_figure_sections() if s.name == "rectification")
    figures = {f.key: f.value for f in section.figures(world.county_b.code, *period_of(2026))}
    assert figures["rectification.raised"] == 0


@time_machine.travel(datetime.datetime(2026, 12, 20, 10, 0, tzinfo=BEIJING), tick=False)
def test_page_scope_and_roles(world, login):
    report = summary_request(actor=world.office_a, region=world.county_a, year=2026)
    summary_build(report.pk)
    page = login(world.office_a).get("/planning/summaries/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "生成草稿" in body and "下载 Word" in body and "附录" in body
    assert login(world.office_a).get(f"/planning/summaries/{report.pk}/download/").status_code == 200
    leader = login(world.leader_a)
    body = leader.get("/planning/summaries/").content.decode()
    assert "下载 Word" in body and "生成草稿" not in body  # leaders read and download, only the office generates
    assert leader.get(f"/planning/summaries/{report.pk}/download/").status_code == 200
    response = leader.post("/planning/summaries/new/", {"region": world.county_a.code, "year": "2025", "kind": "annual"})
    assert response.status_code == 302 and SummaryReport.objects.count() == 1
    other = login(world.office_b)
    assert other.get(f"/planning/summaries/?region={world.county_a.code}").status_code == 404
    assert other.get(f"/planning/summaries/{report.pk}/download/").status_code == 404
    assert other.post(f"/planning/summaries/{report.pk}/retry/").status_code == 404
    school = login(world.principal_a)
    assert school.get("/planning/summaries/").status_code == 404
    assert school.get(f"/planning/summaries/{report.pk}/download/").status_code == 404


@time_machine.travel(datetime.datetime(2026, 12, 20, 10, 0, tzinfo=BEIJING), tick=False)
def test_page_posts_a_request_and_shows_the_error_in_chinese(world, login):
    client = login(world.office_a)
    response = client.post("/planning/summaries/new/", {"region": world.county_a.code, "year": "2026", "kind": "annual"},
                           follow=True)
    assert "已开始生成草稿" in response.content.decode()
    assert "hx-trigger" in response.content.decode()  # polls while pending
    response = client.post("/planning/summaries/new/", {"region": world.county_a.code, "year": "2031", "kind": "annual"},
                           follow=True)
    assert "年度须在" in response.content.decode()


def test_the_office_re_letterheads_the_template_and_drafts_use_it(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dudao.documents.render import check_template, default_template_path
    from dudao.documents.services import template_upload

    for key in ("annual_summary", "quarterly_report"):
        check_template(default_template_path(key).read_bytes(), key)  # the shipped ones render in the sandbox
    document = Document(str(default_template_path("annual_summary")))
    document.paragraphs[0].insert_paragraph_before("甲区人民政府教育督导室（红头）")
    data = io.BytesIO()
    document.save(data)
    template_upload(actor=world.office_a, key="annual_summary", region_code=world.county_a.code,
                    upload=SimpleUploadedFile("我的模板.docx", data.getvalue(),
                                              content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"))
    report = SummaryReport.objects.create(region=world.county_a, year=2025, requested_by=world.office_a)
    assert summary_build(report.pk) == JobStatus.DONE
    report.refresh_from_db()
    with default_storage.open(report.file_name, "rb") as handle:
        text = "\n".join(p.text for p in Document(io.BytesIO(handle.read())).paragraphs)
    assert text.startswith("甲区人民政府教育督导室（红头）") and "甲区2025年教育督导工作总结" in text
