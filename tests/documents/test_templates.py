"""Word templates are untrusted code: an uploaded template that reaches beyond its data is refused at upload,
nothing in it runs, and whatever slips through is stopped by the sandbox at render time with a clean error."""

import io

import pytest
from docx import Document

from dudao.core.models import AuditLog
from dudao.documents.models import DocumentTemplate, StoredFile
from dudao.documents.render import (
    TEMPLATES,
    DocumentError,
    check_template,
    default_template_path,
    render_docx_bytes,
    sample_context,
)
from dudao.documents.sandbox import plain_context
from dudao.rectification import notices
from tests.rectification.conftest import ledger  # noqa: F401  (fixture)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def template_with(*paragraphs: str, key: str = "zone_report", split_runs: bool = False) -> bytes:
    """The shipped template of `key` with extra paragraphs (as an office would type them into Word)."""
    document = Document(str(default_template_path(key)))
    for text in paragraphs:
        paragraph = document.add_paragraph()
        if split_runs:  # Word often splits one tag over several runs; docxtpl joins them again
            middle = len(text) // 2
            paragraph.add_run(text[:middle]).bold = True
            paragraph.add_run(text[middle:])
        else:
            paragraph.add_run(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(client, data: bytes, key: str = "zone_report", name: str = "模板.docx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(f"/documents/templates/{key}/upload/", {"file": SimpleUploadedFile(name, data, DOCX)},
                           follow=True)
    return response, [str(m) for m in response.context["messages"]]


@pytest.fixture
def marker(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path / "pwned"


def escape_payloads(marker) -> list[str]:
    command = f"touch {marker}"
    return [
        f"{{{{ cycler.__init__.__globals__.os.popen('{command}').read() }}}}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        f"{{{{ lipsum.__globals__['os'].popen('{command}').read() }}}}",
        f"{{{{ joiner.__init__.__globals__.os.system('{command}') }}}}",
        "{{ namespace.__init__.__globals__ }}",
        f"{{{{ range.__self__.__import__('os').system('{command}') }}}}",
        "{{ request.environ }}",
        "{{ config.SECRET_KEY }}",
        "{{ settings.SECRET_KEY }}",
        "{{ '{0.__class__.__init__.__globals__}'.format(title) }}",
        "{{ '%s'|format(title.__class__) }}",
        "{{ '{0}'.format_map(zone) }}",
        "{{ self._TemplateReference__context }}",
        "{{ self }}",
        "{{ zone|attr('__class__') }}",
        "{{ problems|map(attribute='__class__')|list }}",
        "{{ zone._meta }}",
        "{{ problems.delete() }}",
        "{{ zone.user.set_password('x') }}",
        "{{ zone.clear() }}",
        "{% include 'settings.py' %}",
        "{{ title|safe }}",
        "{{ 'x' * 100000000 }}",
    ]


def test_every_escape_payload_is_refused_at_upload_naming_the_text_and_nothing_runs(world, login, marker):
    client = login(world.office_a)
    payloads = escape_payloads(marker)
    for number, payload in enumerate(payloads):
        for split in (False, True) if number < 3 else (False,):
            response, messages = upload(client, template_with(payload, split_runs=split))
            assert response.status_code == 200 and response.redirect_chain[0][1] == 302, payload
            assert len(messages) == 1 and messages[0].startswith("模板未保存："), (payload, messages)
            shown = " ".join(payload.split())
            assert shown[:60] in messages[0] or shown[:117] in messages[0], (payload, messages[0])
            assert not marker.exists(), payload
    assert not DocumentTemplate.objects.exists() and not StoredFile.objects.exists()
    refused = AuditLog.objects.filter(action="document.template_refused", actor=world.office_a)
    assert refused.count() == len(payloads) + 3
    assert refused.first().after["key"] == "zone_report" and "模板未保存" in refused.first().after["reason"]
    # nothing was written to disk either: the check runs before the file is stored
    assert not any(p.is_file() for p in (marker.parent / "media").rglob("*"))


def test_the_sandbox_stops_every_payload_at_render_time_too(marker):
    """Layer two: a template that never went through the upload check (stored before it existed) still cannot
    run or reveal anything: the render fails with a clean Chinese error, or the refused part renders empty."""
    refused = 0
    for payload in escape_payloads(marker):
        try:
            data = render_docx_bytes(io.BytesIO(template_with(payload)), sample_context("zone_report"))
        except DocumentError as exc:
            assert exc.message.startswith("文书模板"), payload
            refused += 1
        else:
            text = Document(io.BytesIO(data)).paragraphs[-1].text
            assert not any(leak in text for leak in ("__", "class", "object at", "Context", "SECRET", "function")), \
                (payload, text)
        assert not marker.exists(), payload
    assert refused >= len(escape_payloads(marker)) - 4


def test_unknown_names_render_empty_in_the_sandbox_and_safe_is_not_a_filter(marker):
    data = template_with("密钥：{{ settings }}{{ config }}{{ request }}")
    text = "\n".join(p.text for p in Document(io.BytesIO(render_docx_bytes(io.BytesIO(data), sample_context(
        "zone_report")))).paragraphs)
    assert "密钥：" in text and "SECRET" not in text
    with pytest.raises(DocumentError, match="self"):  # the upload check runs again before every render
        render_docx_bytes(io.BytesIO(template_with("{{ self }}")), sample_context("zone_report"))
    with pytest.raises(DocumentError):
        render_docx_bytes(io.BytesIO(template_with("{{ title|safe }}")), sample_context("zone_report"))


def test_syntax_errors_and_unknown_tags_give_a_clean_chinese_error(world, login, marker):
    client = login(world.office_a)
    cases = [
        ("{% frobnicate %}", "不认识的标记“frobnicate”"),
        ("{% for row in problems %}{{ row.text }}", "缺少结束标记"),
        ("{{ title ", "写法有误"),
        ("{{ titel }}", "未知字段“titel”"),
        ("{{ title }} }}", None),  # a stray }} is text, not an error
    ]
    for text, expected in cases:
        response, messages = upload(client, template_with(text))
        if expected is None:
            assert messages == ["模板已上传，之后生成的文书将使用新模板。"], messages
            continue
        assert len(messages) == 1 and expected in messages[0], (text, messages)
        assert messages[0].startswith("模板未保存：")
    assert DocumentTemplate.objects.count() == 1


def test_a_broken_word_file_and_a_non_word_file_are_refused(world, login, marker):
    client = login(world.office_a)
    _response, messages = upload(client, b"PK\x03\x04 not really a zip")
    assert messages and "不是支持的文档" in messages[0] or "已损坏" in messages[0]
    _response, messages = upload(client, b"%PDF-1.4\n%%EOF\n", name="模板.pdf")
    assert messages == ["文书模板必须是 Word（.docx）文件。"]
    assert not DocumentTemplate.objects.exists() and not StoredFile.objects.exists()


def test_honest_edits_are_accepted_and_used(world, login, marker):
    client = login(world.office_a)
    edited = template_with(
        "（本专报共 {{ problems|length }} 个问题；{% for p in problems %}{{ loop.index }}. {{ p.school|upper }}"
        "{% if not loop.last %}、{% endif %}{% endfor %}）",
        "{% for k, v in summary.items() %}{{ k }}={{ v }} {% endfor %}{{ problems|map(attribute='text')|join('_') }}",
        "{{ title|default('无标题') }}{{ summary.hours|round(1) }}{{ (summary.visits * 2) }}",
        split_runs=True)
    response, messages = upload(client, edited)
    assert messages == ["模板已上传，之后生成的文书将使用新模板。"], messages
    assert DocumentTemplate.objects.filter(key="zone_report", region_code=world.county_a.code).count() == 1
    assert AuditLog.objects.filter(action="document.template_upload").count() == 1


@pytest.mark.parametrize("key", list(TEMPLATES))
def test_every_shipped_template_passes_the_check_and_renders_in_the_sandbox(key):
    check_template(default_template_path(key).read_bytes(), key)


def test_contexts_must_be_plain_data(world):
    assert plain_context({"a": [1, "x", None], "b": {2, 1}}) == {"a": [1, "x", None], "b": [1, 2]}
    with pytest.raises(TypeError, match="school"):
        plain_context({"school": world.schools_a[0]})
    with pytest.raises(TypeError):
        render_docx_bytes(default_template_path("zone_report").open("rb"), {"zone": world.office_a})


def _stored_template(world, data: bytes):
    """A template row as one uploaded before the checks existed would be: written straight to storage."""
    from dudao.documents import files

    digest = files.sha256_of(data)
    stored = StoredFile.objects.create(sha256=digest, size=len(data), content_type=DOCX, kind="document",
                                       original_name="旧模板.docx", path=files.write_blob(digest, data))
    DocumentTemplate.objects.create(key="rectification_notice", region_code=world.county_a.code, file=stored,
                                    uploaded_by=world.office_a)


def test_a_stored_template_that_fails_at_render_gives_a_400_page_not_a_500(world, ledger, login, marker):  # noqa: F811
    """A template stored before the upload check (or one that breaks on real data) makes the download fail
    cleanly: a Chinese message, status 400, nothing run."""
    payload = f"{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}"
    _stored_template(world, template_with(payload, key="rectification_notice"))
    notice = notices.notice_issue(actor=world.office_a, findings=ledger.findings, days=10)
    response = login(world.principal_a).get(f"/rectification/notices/{notice.pk}/document.docx")
    assert response.status_code == 400
    page = response.content.decode()
    assert "文书模板中有不允许的写法" in page and not marker.exists()
    # the PDF does not use the Word template and still works
    assert login(world.principal_a).get(f"/rectification/notices/{notice.pk}/document.pdf").status_code == 200


def test_payloads_in_headers_footers_and_document_properties_are_checked_too(world, login, marker):
    client = login(world.office_a)
    payload = f"{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}"
    for place in ("header", "footer", "title"):
        document = Document(str(default_template_path("zone_report")))
        if place == "title":
            document.core_properties.title = payload
        else:
            getattr(document.sections[0], place).paragraphs[0].text = payload
        buffer = io.BytesIO()
        document.save(buffer)
        _response, messages = upload(client, buffer.getvalue())
        assert len(messages) == 1 and "访问了内部属性“__init__”" in messages[0], (place, messages)
        with pytest.raises(DocumentError):
            render_docx_bytes(io.BytesIO(buffer.getvalue()), sample_context("zone_report"))
    assert not marker.exists() and not DocumentTemplate.objects.exists()


def test_the_template_page_lists_every_field_and_the_rules(world, login):
    page = login(world.office_a).get("/documents/templates/").content.decode()
    assert "<code>chart</code>" in page and "不能调用函数、引用其他模板" in page


def test_a_stored_template_that_is_a_zip_bomb_is_not_inflated_at_render(world, ledger, login, marker):  # noqa: F811
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", bytes(64 * 1024 * 1024))  # 64 MB of zeros: far over 100:1
    _stored_template(world, buffer.getvalue())
    notice = notices.notice_issue(actor=world.office_a, findings=ledger.findings, days=10)
    response = login(world.principal_a).get(f"/rectification/notices/{notice.pk}/document.docx")
    assert response.status_code == 400 and "本地区上传的文书模板无法使用" in response.content.decode()
    assert "压缩比超过 100:1" in response.content.decode()


def test_the_environment_refuses_methods_that_alter_data_even_if_an_object_slipped_through(world):
    """Contexts are plain data (plain_context); should a model ever reach the sandbox, its data-altering
    methods (Django marks them alters_data) and list/dict mutators are refused, and globals are gone."""
    from django.contrib.auth import get_user_model
    from jinja2.exceptions import SecurityError, UndefinedError

    from dudao.documents.sandbox import DocumentEnvironment

    env = DocumentEnvironment()
    for source, value in [("{{ v.delete() }}", world.office_a), ("{{ v.save() }}", world.office_a),
                          ("{{ v.append(1) }}", []), ("{{ v.update(a=1) }}", {}), ("{{ v.pop() }}", [1])]:
        with pytest.raises(SecurityError):
            env.from_string(source).render(v=value)
    assert get_user_model().objects.filter(pk=world.office_a.pk).exists()
    for name in ("range", "lipsum", "cycler", "joiner", "namespace", "dict"):
        with pytest.raises(UndefinedError):
            env.from_string(f"{{{{ {name}() }}}}").render()
    assert env.from_string("{{ v }}").render(v="<w:t>&") == "&lt;w:t&gt;&amp;"  # autoescape on
