"""Security review of issue 20 (planning and the year providers): each test failed before its fix."""

import datetime
import io
import zipfile

import docx
import pytest

from dudao.core.errors import ApplicationError
from dudao.planning.services.outline import read_outline


def _broken_docx() -> bytes:
    """A .docx whose zip is sound but whose word/document.xml is cut off (not well-formed XML)."""
    document = docx.Document()
    document.add_paragraph("一、督政工作")
    good = io.BytesIO()
    document.save(good)
    source = zipfile.ZipFile(io.BytesIO(good.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                data = data[:200]
            target.writestr(info, data)
    return out.getvalue()


def test_a_docx_outline_with_broken_xml_is_refused_in_chinese_not_a_500():
    with pytest.raises(ApplicationError) as refused:
        read_outline(_broken_docx(), "大纲.docx", year=2026)
    assert "Word" in refused.value.message


def test_a_town_summary_does_not_read_the_whole_county_recognition(world, monkeypatch):
    """社会认可度 is a county figure (surveys.selectors.recognition is unscoped): a town's summary must not carry
    the county's rate, which the town's office and leaders do not otherwise read."""
    from dudao.surveys import year as surveys_year

    asked = []

    def recognition(county, year):
        asked.append(county.code)
        return {"rounds": 2, "responses": 500, "rate": 0.93}

    monkeypatch.setattr(surveys_year.selectors, "recognition", recognition)
    figures = {f.key: f for f in surveys_year.year_figures("990102001", datetime.date(2026, 1, 1),
                                                           datetime.date(2026, 12, 31))}
    assert asked == []
    assert figures["surveys.recognition"].value is None
    assert figures["surveys.recognition"].rows == ()
    # the county itself still reads it
    figures = {f.key: f for f in surveys_year.year_figures("990102", datetime.date(2026, 1, 1),
                                                           datetime.date(2026, 12, 31))}
    assert asked == ["990102"]
    assert figures["surveys.recognition"].value is not None


def test_a_failed_summary_does_not_show_the_exception_text_to_its_readers(world, monkeypatch, tmp_path, settings):
    """The failure reason is shown to the office and leaders: an internal error's text (a server path, SQL) stays in
    the server log; the page names the kind of failure only."""
    from dudao.planning.models import JobStatus
    from dudao.planning.services import summary as summary_services

    settings.MEDIA_ROOT = tmp_path

    def broken(report, figures, **kwargs):
        raise PermissionError(13, "Permission denied", "/srv/dudao/secret/media/planning/summaries/x.docx")

    monkeypatch.setattr(summary_services, "render_document", broken)
    report = summary_services.summary_request(actor=world.office_a, region=world.county_a, year=2025)
    assert summary_services.summary_build(report.pk) == JobStatus.FAILED
    report.refresh_from_db()
    assert "/srv/dudao" not in report.error and "Permission denied" not in report.error
    assert "生成失败" in report.error and "重试" in report.error


@pytest.mark.parametrize("kind", ["inspections.inspection", "surveys.round", "monitoring.campaign", "quality.round",
                                  "planning.meeting", "planning.briefing"])
def test_a_forged_huge_link_id_is_not_found_rather_than_a_500(world, kind):
    """A posted object id of 30 digits overflowed the database integer in `pk__in` (OverflowError on SQLite)."""
    from dudao.core.registries import plan_link_kinds
    from dudao.planning.services import plans as plan_services
    from tests.planning.plans_helpers import make_plan

    assert plan_link_kinds()[kind].resolve(["9" * 30]) == {}
    _plan, _section, (task, _) = make_plan(world)
    with pytest.raises(ApplicationError, match="未找到要关联的"):
        plan_services.task_link_add(actor=world.office_a, task=task, kind=kind, object_id="9" * 30)


@pytest.mark.parametrize("field", ["attendee_users", "attendee_units"])
def test_a_forged_huge_attendee_id_is_refused_in_chinese(world, field):
    from tests.planning.test_meetings_services import make_meeting

    with pytest.raises(ApplicationError, match="无效"):
        make_meeting(world, **{field: ["9" * 30]})


SUPERSCRIPT_TWO = "²"  # str.isdigit() is True, int() raises ValueError


@pytest.mark.parametrize("url", ["planning:plan_list", "planning:briefing_list", "planning:summary_list"])
def test_a_non_decimal_digit_in_a_query_is_not_a_500(world, login, url):
    from django.urls import reverse

    client = login(world.office_a)
    param = "report" if url == "planning:summary_list" else "year"
    assert client.get(reverse(url), {param: SUPERSCRIPT_TWO}).status_code == 200


def test_a_non_decimal_digit_in_the_link_search_and_owner_is_not_a_500(world, login):
    from django.urls import reverse

    from dudao.core.registries import briefing_materials, material_key_id, plan_link_kinds
    from tests.planning.plans_helpers import make_plan

    plan, _section, (task, _) = make_plan(world)
    for kind in plan_link_kinds().values():
        assert kind.choices(world.office_a, world.county_a.code, SUPERSCRIPT_TWO) == []
    assert material_key_id(f"zones.visit:{SUPERSCRIPT_TWO}", "zones.visit") is None
    for _label, _kind, materials in briefing_materials().values():
        materials(world.office_a, world.county_a.code, datetime.date(2026, 1, 1), datetime.date(2026, 12, 31),
                  SUPERSCRIPT_TWO)
    client = login(world.office_a)
    response = client.post(reverse("planning:task_edit", args=[task.pk]),
                           {"text": "任务", "owner": f"u:{SUPERSCRIPT_TWO}", "due_date": "2026-06-30"})
    assert response.status_code == 302


@pytest.mark.parametrize("year", ["0", "0000", "99999", SUPERSCRIPT_TWO])
def test_the_submission_log_year_filter_takes_any_text(world, login, year):
    from django.urls import reverse

    response = login(world.office_a).get(reverse("planning:submission_list"), {"year": year})
    assert response.status_code == 200


def test_a_docx_outline_whose_body_inflates_beyond_the_import_limit_is_refused_before_parsing(settings, monkeypatch):
    """check_zip allows 100 MB inflated; python-docx would build the whole tree in memory (several times that)."""
    import docx as docx_module

    from tests.planning.test_plans_outline import make_docx

    data = make_docx([(f"{n}. 开展第 {n} 项督导工作" * 5, "") for n in range(1, 200)])
    body = zipfile.ZipFile(io.BytesIO(data)).getinfo("word/document.xml").file_size
    settings.DUDAO_IMPORT_MAX_BYTES = body - 1
    parsed = []
    monkeypatch.setattr(docx_module, "Document", lambda *a, **k: parsed.append(1))
    with pytest.raises(ApplicationError, match="超过导入上限"):
        read_outline(data, "大纲.docx", year=2026)
    assert parsed == []
