"""Templates that pass the name/attribute check but would run without limit: loops over huge strings, values
built from themselves (set), big integers, docxtpl's quadratic clean-up of unclosed tags, and nesting deep
enough to crash Jinja's parser. All refused at upload (audited, nothing stored) and again before a render."""

import io
import time

import pytest
from docx import Document

from dudao.core.models import AuditLog
from dudao.documents.models import DocumentTemplate
from dudao.documents.render import (
    TEMPLATES,
    DocumentError,
    default_template_path,
    render_docx_bytes,
    sample_context,
)
from dudao.documents.sandbox import DocumentEnvironment
from dudao.rectification import notices
from tests.documents.test_templates import _stored_template, template_with, upload
from tests.rectification.conftest import ledger  # noqa: F401  (fixture)

DOS_PAYLOADS = [
    ('{% set s = "x" * 1000000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}', "{% set %}"),
    ('{% set s = "x"*1000000 %}' + "{% set s = s ~ s %}" * 11, "{% set %}"),
    ("{% set n = 1000000*1000000 %}" + "{% set n = n*n %}" * 20, "{% set %}"),
    ("{% with s = title * 1000 %}{{ s }}{% endwith %}", "{% with %}"),
    ("{% macro m(x) %}{{ m(x) }}{% endmacro %}{{ m(1) }}", "{% macro %}"),
    ("{% filter upper %}{{ title }}{% endfilter %}", "{% filter %}"),
    ("{% for a in problems recursive %}{{ loop(problems) }}{% endfor %}", "递归循环"),
    ('{% for a in "x" * 1000000 %}{% for b in "x" * 1000000 %}{% endfor %}{% endfor %}', "只能遍历"),
    ('{% for a in "xxxxxxxxxx" %}{{ a }}{% endfor %}', "只能遍历"),
    ("{% for a in problems[zone.name] %}{% endfor %}", "只能遍历"),
    ("{% for a in problems + problems %}{% endfor %}", "只能遍历"),
    ("{{ x }}" + "{{" * 40_000, "超过上限 2,000 个"),
    ("{{ x }}" + "{{" * 1_000, "标记没有结束"),
    ("{{ " + "(" * 3000 + "title" + ")" * 3000 + " }}", "模板嵌套过深"),
]


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.mark.parametrize("payload, expected", DOS_PAYLOADS, ids=range(len(DOS_PAYLOADS)))
def test_dos_payloads_are_refused_at_upload_quickly_and_audited(world, login, media, payload, expected):
    client = login(world.office_a)
    started = time.monotonic()
    response, messages = upload(client, template_with(payload))
    assert time.monotonic() - started < 5
    assert response.status_code == 200 and response.redirect_chain[0][1] == 302
    assert len(messages) == 1 and messages[0].startswith("模板未保存：") and expected in messages[0], messages
    assert not DocumentTemplate.objects.exists()
    refused = AuditLog.objects.get(action="document.template_refused", actor=world.office_a)
    assert expected in refused.after["reason"]


def test_a_stored_template_with_a_dos_payload_is_refused_before_it_renders(world, ledger, login, media):  # noqa: F811
    _stored_template(world, template_with(DOS_PAYLOADS[0][0], key="rectification_notice"))
    notice = notices.notice_issue(actor=world.office_a, findings=ledger.findings, days=10)
    started = time.monotonic()
    response = login(world.principal_a).get(f"/rectification/notices/{notice.pk}/document.docx")
    assert time.monotonic() - started < 5
    assert response.status_code == 400 and "{% set %}" in response.content.decode()


def test_render_rechecks_limits_and_deep_nesting(media):
    for payload, expected in [("{{ x }}" + "{{" * 40_000, "标记有"), ("{{ " + "(" * 3000 + "title" + ")" * 3000 + " }}",
                                                                    "嵌套过深")]:
        with pytest.raises(DocumentError, match=expected):
            render_docx_bytes(io.BytesIO(template_with(payload)), sample_context("zone_report"))


def test_loops_over_the_documents_data_still_work(world, login, media):
    text = ('{% for p in problems|sort(attribute="school") %}{{ p.school }}；{% endfor %}'
            "{% for k, v in zone.items() %}{{ k }}={{ v }}；{% endfor %}{% for i in inspectors|list %}{{ i.name }}{% endfor %}"
            "{% for c in title %}{% endfor %}{% for p in summary['schools'] and problems %}{% endfor %}")
    # the last loop iterates an expression: refused
    response, messages = upload(login(world.office_a), template_with(text))
    assert "只能遍历" in messages[0]
    good = text.rsplit("{% for p in summary", 1)[0]
    response, messages = upload(login(world.office_a), template_with(good))
    assert messages == ["模板已上传，之后生成的文书将使用新模板。"], messages


@pytest.mark.parametrize("key", list(TEMPLATES))
def test_every_shipped_template_passes_the_limits(key):
    from docxtpl import DocxTemplate

    from dudao.documents.render import template_fields
    from dudao.documents.sandbox import template_problems

    assert template_problems(DocxTemplate(str(default_template_path(key))), template_fields(key)) == []


def test_part_limits_are_settings(settings):
    from dudao.documents.sandbox import TemplateLimitError, check_part_limits

    check_part_limits("{{ a }}" * 100)
    settings.DUDAO_TEMPLATE_MAX_TAGS = 99
    with pytest.raises(TemplateLimitError, match="上限 99 个"):
        check_part_limits("{{ a }}" * 100)
    settings.DUDAO_TEMPLATE_MAX_XML_BYTES = 1000
    with pytest.raises(TemplateLimitError, match="内容过大"):
        check_part_limits("x" * 1001)
    check_part_limits("{{ a " * 10 + "}}")  # ten tags left open: a typo Jinja reports, cheap for docxtpl


def test_a_huge_part_is_refused_before_docxtpl_reads_it(world, login, media, settings):
    settings.DUDAO_TEMPLATE_MAX_XML_BYTES = 200_000
    document = Document(str(default_template_path("zone_report")))
    for _ in range(300):
        document.add_paragraph("正文" * 300)
    buffer = io.BytesIO()
    document.save(buffer)
    response, messages = upload(login(world.office_a), buffer.getvalue())
    assert "内容过大" in messages[0] and not DocumentTemplate.objects.exists()


def test_arithmetic_results_are_capped_in_the_sandbox():
    from jinja2.exceptions import SecurityError

    env = DocumentEnvironment()
    for source in ("{{ 999999*999999*999999*999999 }}", "{{ (999999**3) * 999999 * 999999 }}",
                   "{{ t * 5000 + t * 5000 + t }}", "{{ 10**19 - 1 }}"):
        with pytest.raises(SecurityError):
            env.from_string(source).render(t="x")
    assert env.from_string("{{ 1000000 * 1000000 }}").render() == "1000000000000"
    assert env.from_string("{{ a + b }}").render(a="x" * 5000, b="y" * 5000) == "x" * 5000 + "y" * 5000
