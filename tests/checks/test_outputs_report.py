"""检查报告 of a 专项检查 (.docx through the document sandbox, .pdf through WeasyPrint): the figures, the photo
appendix and its cap, an honest report for a round with no answers, scope (404), hostile titles rendered literally."""

import io

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.urls import reverse
from docx import Document

from dudao.checks.models import CheckRound
from dudao.checks.selectors import outputs as selectors
from dudao.core.models import Policy
from tests.checks.outputs_data import finished_round, make_round


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return "\n".join(parts)


def download(client, check_round, fmt):
    return client.get(reverse("checks:report", args=[check_round.pk, fmt]))


@pytest.fixture
def done(world):
    return finished_round(world)


def test_docx_opens_and_holds_the_figures(world, login, done):
    response = download(login(world.office_a), done, "docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    text = docx_text(response.content)
    assert "2026年岁末年初节前安全稳定专项检查报告" in text
    assert "甲区人民政府教育督导室" in text and "2026年12月1日至2026年12月15日" in text
    assert "检查对象 5 所，已检查 3 所，未检查 2 所，完成率 60.0%" in text
    assert "发现不合格项 3 个，现场整改到位 1 个，转入整改通知流程 2 个；一票否决项不合格 1 所" in text
    assert "甲一街道" in text and "甲二镇" in text and "督学甲" in text
    # per item: the veto item failed once and settled, the canteen item passed to the notice flow
    document = Document(io.BytesIO(response.content))
    items = next(t for t in document.tables if t.rows[0].cells[1].text == "检查项")
    rows = {r.cells[1].text: [c.text for c in r.cells] for r in items.rows[1:]}
    assert rows["消防通道畅通，无杂物堆放"][2:] == ["是", "3", "1", "1", "0", "甲区第一小学"]
    assert rows["食堂留样记录完整"][2:] == ["", "3", "1", "0", "1", "甲区第二小学"]
    assert rows["班额不超过 45 人"][4:7] == ["1", "0", "1"]
    vetoes = next(t for t in document.tables if [c.text for c in t.rows[0].cells] == ["学校", "检查项", "检查记录"])
    assert [c.text for c in vetoes.rows[1].cells] == ["甲区第一小学", "消防通道畅通，无杂物堆放", "楼梯间堆放桌椅。"]
    # the photo appendix: the two failed items with a photo, as inline pictures (thumbnails)
    assert len(document.inline_shapes) == 2
    assert "楼梯间堆放桌椅。" in text and "留样不足 48 小时。" in text
    assert "另有" not in text


def test_pdf_is_a_pdf(world, login, done):
    response = download(login(world.leader_a), done, "pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_photo_cap_says_how_many_were_left_out(world, done):
    Policy.objects.create(key="checks.report_photo_cap", region_code=world.county_a.code, value=1)
    shown, left = selectors.photo_appendix(done)
    assert len(shown) == 1 and left == 1
    context = selectors.report_context(done, photos=shown, photos_left=left)
    assert context["photos_note"] == "另有 1 张未列出。"
    document = Document(io.BytesIO(selectors.report_docx(done)))
    assert len(document.inline_shapes) == 1 and "另有 1 张未列出。" in docx_text(selectors.report_docx(done))


def test_a_round_with_no_answers_still_reports_honestly(world, login):
    empty = make_round(world)
    text = docx_text(download(login(world.office_a), empty, "docx").content)
    assert "检查对象 5 所，已检查 0 所" in text and "尚无检查记录" in text
    assert "本次检查没有不合格项的照片。" in text
    assert download(login(world.office_a), empty, "pdf").content.startswith(b"%PDF")
    no_targets = make_round(world, title="无对象的检查", targets=False)
    assert "尚未安排检查对象，尚无检查记录" in docx_text(download(login(world.office_a), no_targets, "docx").content)


@pytest.mark.parametrize("fmt", ["doc", "xlsx", "html", "DOCX"])
def test_other_formats_are_404(world, login, done, fmt):
    assert download(login(world.office_a), done, fmt).status_code == 404


@pytest.mark.parametrize("who", ["office_b", "principal_a", "inspector_a", "town_a", "expert"])
def test_out_of_scope_is_404(world, login, done, who):
    assert download(login(getattr(world, who)), done, "docx").status_code == 404
    assert download(login(getattr(world, who)), done, "pdf").status_code == 404


def test_missing_round_is_404(world, login):
    assert login(world.office_a).get(reverse("checks:report", args=[999999, "docx"])).status_code == 404


def test_anonymous_goes_to_login(client, world, done):
    response = download(client, done, "docx")
    assert response.status_code == 302 and "login" in response["Location"]


HOSTILE = '<b>粗体</b>{{ 7*7 }}{% if true %}是{% endif %}{{ "".__class__ }}'


def test_hostile_title_renders_literally(world, login, done):
    title = HOSTILE + ("\x00\x07" if connection.vendor == "sqlite" else "")  # PostgreSQL text cannot hold NUL
    CheckRound.objects.filter(pk=done.pk).update(title=title)
    done.refresh_from_db()
    client = login(world.office_a)
    text = docx_text(download(client, done, "docx").content)
    assert HOSTILE + "报告" in text and "49" not in text
    assert download(client, done, "pdf").content.startswith(b"%PDF")
    html = render_to_string("checks/outputs_report_pdf.html", selectors.report_context(done))
    assert "&lt;b&gt;粗体&lt;/b&gt;{{ 7*7 }}" in html and "<b>粗体" not in html and "\x00" not in html
    assert "\x00" not in selectors.report_filename(done, "docx")


def test_report_reads_a_bounded_number_of_queries(world, done, django_assert_max_num_queries):
    selectors.report_context(done)
    with django_assert_max_num_queries(13):  # constant: the rounds selectors' summaries are a fixed set of queries
        shown, left = selectors.photo_appendix(done)
        selectors.report_context(done, photos=shown, photos_left=left)


@pytest.mark.parametrize(("utc", "day"), [("2026-12-15T16:30:00+00:00", "2026年12月16日"),  # 00:30 Beijing
                                          ("2026-12-15T15:30:00+00:00", "2026年12月15日")])  # 23:30 Beijing
def test_generated_on_is_the_beijing_day(world, done, utc, day):
    import datetime

    import time_machine

    with time_machine.travel(datetime.datetime.fromisoformat(utc), tick=False):
        assert selectors.report_context(done)["generated_on"] == day
        assert selectors.bulletin_draft(done)[1].endswith(day)


def test_a_broken_office_template_says_so(world, login, done, monkeypatch):
    from dudao.documents.render import DocumentError

    def broken(*args, **kwargs):
        raise DocumentError("文书模板中的标记有误，未能生成文书。")

    monkeypatch.setattr("dudao.checks.selectors.outputs.render_docx", broken)
    client = login(world.office_a)
    response = client.get(reverse("checks:report", args=[done.pk, "docx"]), follow=True)
    assert response.status_code == 200 and "文书模板中的标记有误" in response.content.decode()
