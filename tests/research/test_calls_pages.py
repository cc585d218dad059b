"""征集评选 pages, API and anthology: anonymisation of the expert's pages and downloaded documents, scope (another
district, a town, an unassigned expert get 404), GET /api/v1/calls, and the anthology build (opened with
python-docx: the TOC field and every winner present)."""

import io
import zipfile
from urllib.parse import quote

import pytest
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from dudao.research.models import AnthologyStatus, CallEntry
from dudao.research.services import calls as services
from tests.research import calls_support
from tests.research.calls_support import AFTER, at, close, docx_upload, score, submit

pytestmark = pytest.mark.django_db
cw = calls_support.cw  # the fixture

SECRET_FILE = "王小明的案例终稿.docx"


def _entries(world, cw):
    a = submit(world.principal_a, cw.call, title="家校共育的实践", upload=docx_upload(
        SECRET_FILE, author="王小明", paragraphs=("家访制度第一段。", "第二段：成效。")), co_authors="李四")
    b = submit(world.inspector_a, cw.call, title="课后服务案例", category="教学",
               upload=calls_support.pdf_upload("赵督学案例.pdf", author="Zhao DuXue"))
    return a, b


def test_expert_pages_and_document_are_anonymised(world, cw, login):
    a, b = _entries(world, cw)
    close(world, cw.call)
    client = login(cw.expert_users[0])
    secrets = ["王小明", "李四", "赵督学", world.schools_a[0].name, SECRET_FILE, "甲区教研室", "principal_a", "Zhao"]
    with at(AFTER):
        pages = [client.get(reverse("research:call_score_list", args=[cw.call.pk])),
                 client.get(reverse("research:call_score", args=[a.pk])),
                 client.get(reverse("research:call_score", args=[b.pk])),
                 client.get(f"/api/v1/calls/{cw.call.pk}/score-entries")]
    for page in pages:
        assert page.status_code == 200
        text = page.content.decode()
        for secret in secrets:
            assert secret not in text, (secret, page.request["PATH_INFO"])
    assert a.code in pages[0].content.decode() and b.code in pages[0].content.decode()
    assert a.code in pages[1].content.decode() and b.code in pages[2].content.decode()
    with at(AFTER):
        doc = client.get(reverse("research:call_score_document", args=[a.pk]))
        pdf = client.get(reverse("research:call_score_document", args=[b.pk]))
    assert doc.status_code == 200 and quote(a.code) in doc["Content-Disposition"] and "%E7%8E%8B" not in doc["Content-Disposition"]
    served = Document(io.BytesIO(doc.content))
    assert served.core_properties.author == "" and served.core_properties.last_modified_by == ""
    assert "家访制度第一段。" in [p.text for p in served.paragraphs]
    assert b"\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e" not in zipfile.ZipFile(io.BytesIO(doc.content)).read("docProps/core.xml")
    assert pdf.status_code == 200 and b"Zhao DuXue" not in pdf.content and pdf.content.startswith(b"%PDF-")
    served_pdf = PdfReader(io.BytesIO(pdf.content))  # rewritten without its metadata, and still a readable PDF
    assert served_pdf.metadata is None and len(served_pdf.pages) == 1


def test_recused_entry_is_404_for_the_expert(world, cw, login):
    a, _b = _entries(world, cw)  # a comes from school 0: expert 2 (its principal) is recused
    close(world, cw.call)
    client = login(cw.expert_users[1])
    with at(AFTER):
        assert client.get(reverse("research:call_score", args=[a.pk])).status_code == 404
        assert client.get(reverse("research:call_score_document", args=[a.pk])).status_code == 404
        response = client.post(reverse("research:call_score", args=[a.pk]), {"leaf-A1": "25"})
    assert response.status_code == 404 and not a.scores.exists()


def test_expert_scores_through_the_page(world, cw, login):
    a, _b = _entries(world, cw)
    close(world, cw.call)
    client = login(cw.expert_users[0])
    with at(AFTER):
        response = client.post(reverse("research:call_score", args=[a.pk]),
                               {"leaf-A1": "20", "leaf-A2": "25", "leaf-A3": "25", "leaf-A4": "12", "comment": "好"})
        assert response.status_code == 302
        bad = client.post(reverse("research:call_score", args=[a.pk]),
                          {"leaf-A1": "99", "leaf-A2": "25", "leaf-A3": "25", "leaf-A4": "12"}, follow=True)
    assert "超出 0—25" in bad.content.decode()
    assert a.scores.get().total == 82


def test_scope_of_the_call_and_its_entries(world, cw, login):
    a, _b = _entries(world, cw)
    detail = reverse("research:call_detail", args=[cw.call.pk])
    assert login(world.office_b).get(detail).status_code == 404
    assert login(world.office_b).get(reverse("research:call_entry_document", args=[a.pk])).status_code == 404
    # an expert not assigned to the call sees neither the scoring pages nor the entries
    with at(AFTER):
        assert login(world.town_a).get(reverse("research:call_score_list", args=[cw.call.pk])).status_code == 404
    # the principal sees the call and their school's entry; the office sees every entry with its authors
    page = login(world.principal_a).get(detail).content.decode()
    assert "家校共育的实践" in page and "课后服务案例" not in page
    office = login(world.office_a).get(detail).content.decode()
    assert "王小明" not in office and "李四" in office and "课后服务案例" in office
    assert login(world.office_a).get(reverse("research:call_entry_document", args=[a.pk])).status_code == 200
    # an unassigned expert is refused by the API too
    assert login(world.expert).get("/api/v1/calls/999999/score-entries").status_code == 404


def test_api_lists_visible_calls_with_counts(world, cw, login):
    _entries(world, cw)
    data = login(world.office_a).get("/api/v1/calls").json()
    assert data["count"] == 1
    row = data["items"][0]
    assert (row["title"], row["entry_count"], row["expert_count"], row["status"]) == (cw.call.title, 2, 3, "open")
    assert login(world.office_b).get("/api/v1/calls").json()["count"] == 0
    assert login(cw.expert_users[2]).get("/api/v1/calls").json()["count"] == 1
    assert login(world.office_a).get("/api/v1/calls?status=bogus").status_code == 422


def test_entry_form_and_hostile_upload_through_the_page(world, cw, login):
    client = login(world.principal_a)
    url = reverse("research:call_entry_submit", args=[cw.call.pk])
    with at(calls_support.DURING):
        bad = client.post(url, {"title": "x", "abstract": "y", "category": "德育",
                                "document": calls_support.SimpleUploadedFile("a.docx", b"<script>")}, follow=True)
        assert "不是支持的文档" in bad.content.decode() and not CallEntry.objects.exists()
        ok = client.post(url, {"title": "x", "abstract": "y", "category": "德育", "document": docx_upload()}, follow=True)
    assert "2026-案例-001" in ok.content.decode()


def test_anthology_build_has_toc_and_every_winner(world, cw, login, run_tasks, django_capture_on_commit_callbacks):
    a, b = _entries(world, cw)
    c = submit(world.office_a, cw.call, title="督导室的案例", option="office")
    close(world, cw.call)
    for entry, pts in ((a, (25, 30, 30, 15)), (b, (20, 25, 25, 10)), (c, (10, 10, 10, 10))):
        score(cw.expert_users[0], entry, pts)
    with at(AFTER):
        services.call_rate(actor=world.office_a, call=cw.call)
        with django_capture_on_commit_callbacks(execute=True):
            services.anthology_start(actor=world.office_a, call=cw.call)
    assert run_tasks() == 1
    cw.call.refresh_from_db()
    assert cw.call.anthology_status == AnthologyStatus.DONE, cw.call.anthology_error
    response = login(world.office_a).get(reverse("research:call_anthology_download", args=[cw.call.pk]))
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    xml = doc.element.xml
    assert "TOC \\o" in xml  # the Word table-of-contents field
    texts = [p.text for p in doc.paragraphs]
    for title in ("家校共育的实践", "课后服务案例", "督导室的案例"):
        assert title in texts  # each winner's heading
        assert any(title in t and "奖" in t for t in texts)  # and its line in the written list
    assert "家访制度第一段。" in texts and "（全文见附件）" in texts  # docx copied in, pdf as abstract
    # not downloadable in another district, nor before publication by a school
    assert login(world.office_b).get(reverse("research:call_anthology_download", args=[cw.call.pk])).status_code == 404
    assert login(world.principal_a).get(reverse("research:call_anthology_download", args=[cw.call.pk])).status_code == 404


def test_failed_anthology_says_why(world, cw, run_tasks, django_capture_on_commit_callbacks):
    a, _b = _entries(world, cw)
    close(world, cw.call)
    score(cw.expert_users[0], a)
    score(cw.expert_users[0], _b)
    with at(AFTER):
        services.call_rate(actor=world.office_a, call=cw.call)
    from dudao.documents import files
    broken = files.write_blob(files.sha256_of(b"PK\x03\x04broken"), b"PK\x03\x04broken")
    a.document.path = broken
    a.document.save()
    with at(AFTER), django_capture_on_commit_callbacks(execute=True):
        services.anthology_start(actor=world.office_a, call=cw.call)
    run_tasks()
    cw.call.refresh_from_db()
    assert cw.call.anthology_status == AnthologyStatus.FAILED
    assert a.code in cw.call.anthology_error and "无法读取" in cw.call.anthology_error
