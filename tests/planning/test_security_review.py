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
