"""The upload area for national/provincial/city monitoring reports: office uploads (PDF only, by content), the
school reads its own, nobody else sees them (district B, the school's responsible inspector: 404)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dudao.core.errors import ApplicationError
from dudao.core.models import AuditLog
from dudao.quality.models import ExternalReport
from dudao.quality.services.external import external_report_upload

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _pdf(name="国家监测报告.pdf", data=PDF):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def _upload(world, school=None, **extra):
    fields = dict(level="national", year=2025, title="2025年国家义务教育质量监测报告（八年级）", upload=_pdf())
    fields.update(extra)
    return external_report_upload(actor=world.office_a, school=school or world.schools_a[0], **fields)


def test_office_uploads_and_the_school_reads_it(world, login):
    report = _upload(world)
    assert report.file.content_type == "application/pdf" and report.file.sha256
    assert AuditLog.objects.filter(action="quality.external_upload").count() == 1
    client = login(world.principal_a)
    page = client.get(reverse("quality:external_school", args=[world.schools_a[0].pk]))
    assert page.status_code == 200 and "国家义务教育质量监测报告" in page.content.decode()
    assert "上传报告" not in page.content.decode()  # the school reads; only the office uploads
    download = client.get(reverse("quality:external_download", args=[report.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert client.get(reverse("quality:external_index")).url == reverse(
        "quality:external_school", args=[world.schools_a[0].pk])


def test_upload_through_the_page(world, login):
    client = login(world.office_a)
    school = world.schools_a[2]
    response = client.post(reverse("quality:external_upload", args=[school.pk]), {
        "level": "city", "year": "2026", "title": "市级质量监测反馈", "file": _pdf()})
    assert response.status_code == 302
    assert ExternalReport.objects.get().school == school
    index = client.get(reverse("quality:external_index"))
    assert index.status_code == 200 and school.name in index.content.decode()


def test_a_renamed_non_pdf_is_refused_and_nothing_is_stored(world, login):
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    for data in (b"just text, not a pdf", png):
        with pytest.raises(ApplicationError):
            _upload(world, upload=_pdf("报告.pdf", data))
    # A Word file is a document the platform accepts elsewhere, but not here.
    client = login(world.office_a)
    client.post(reverse("quality:external_upload", args=[world.schools_a[0].pk]), {
        "level": "national", "year": "2026", "title": "x", "file": _pdf("x.pdf", b"<html><script>")})
    assert not ExternalReport.objects.exists()


@pytest.mark.parametrize("fields, message", [
    ({"level": "county"}, "级别"), ({"year": "二〇二五"}, "年度"), ({"year": 1850}, "年度"),
    ({"title": "   "}, "标题"), ({"title": "长" * 129}, "128"), ({"upload": None}, "PDF"),
    ({"upload": SimpleUploadedFile("empty.pdf", b"")}, "空文件"),
])
def test_bad_fields_are_refused_in_chinese(world, fields, message):
    with pytest.raises(ApplicationError) as exc:
        _upload(world, **fields)
    assert message in exc.value.message
    assert not ExternalReport.objects.exists()


def test_a_file_over_the_limit_is_refused(world, settings):
    from dudao.core.policy import policy_value

    limit = int(policy_value("files.max_upload_mb", world.county_a.code)) * 1024 * 1024
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * limit, content_type="application/pdf")
    with pytest.raises(ApplicationError, match="超过"):
        _upload(world, upload=big)


def test_only_the_office_of_the_county_uploads(world, login):
    from dudao.core.errors import PermissionDenied

    for actor in (world.office_b, world.principal_a, world.inspector_a):
        with pytest.raises(PermissionDenied):
            external_report_upload(actor=actor, school=world.schools_a[0], level="national", year=2025,
                                   title="x", upload=_pdf())
    for user in (world.office_b, world.principal_a, world.inspector_a):
        response = login(user).post(reverse("quality:external_upload", args=[world.schools_a[0].pk]), {
            "level": "national", "year": "2026", "title": "x", "file": _pdf()})
        assert response.status_code == 404
    assert not ExternalReport.objects.exists()


def test_scope_district_b_the_inspector_and_another_school_get_404(world, login):
    own = _upload(world)
    other = _upload(world, school=world.schools_a[1])
    school_page = reverse("quality:external_school", args=[world.schools_a[0].pk])
    for user in (world.office_b, world.inspector_a, world.town_a, world.expert):
        client = login(user)
        assert client.get(school_page).status_code == 404
        assert client.get(reverse("quality:external_download", args=[own.pk])).status_code == 404
    client = login(world.principal_a)  # its own school only
    assert client.get(reverse("quality:external_download", args=[other.pk])).status_code == 404
    assert client.get(reverse("quality:external_school", args=[world.schools_a[1].pk])).status_code == 404
    assert list(ExternalReport.objects.visible_to(world.principal_a)) == [own]
    assert login(world.office_b).get(reverse("quality:external_index")).status_code == 200
    assert world.schools_a[0].name not in login(world.office_b).get(reverse("quality:external_index")).content.decode()
    assert login(world.inspector_a).get(reverse("quality:external_index")).status_code == 404
    assert login(world.office_a).get(reverse("quality:external_download", args=[99999])).status_code == 404
