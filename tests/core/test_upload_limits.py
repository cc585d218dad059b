"""Zip and pixel bombs: refused with a Chinese message before any reader inflates or decodes them, through the
real pages and API, nothing stored; honest files of a province's size still pass."""

import datetime
import io
import json
import struct
import time
import uuid
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dudao.core.errors import ApplicationError
from dudao.core.tabular import write_template_workbook
from dudao.core.uploads import check_zip
from dudao.documents.models import DocumentTemplate, StoredFile
from dudao.schools.models import School
from tests.schools.workbooks import registry, school
from tests.zones.conftest import jpeg, posted  # noqa: F401  (fixture)

MB = 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _deflated_zeros(megabytes: int) -> bytes:
    """A raw deflate stream of `megabytes` MB of zeros, made from one compressed megabyte repeated (a full
    flush makes each block stand alone), so a 2 GB bomb is built in well under a second."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(MB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    return block * megabytes + compressor.flush(zlib.Z_FINISH)


def _zeros_crc(size: int) -> int:
    crc, zeros = 0, bytes(16 * MB)
    for _ in range(size // len(zeros)):
        crc = zlib.crc32(zeros, crc)
    return zlib.crc32(bytes(size % len(zeros)), crc)


def raw_zip(entries: list[tuple[str, bytes, int, int]]) -> bytes:
    """A zip written by hand: (name, deflated bytes, declared size, declared CRC) per entry, so a test can
    store bytes compressed once and declare whatever sizes it likes."""
    out, central = io.BytesIO(), []
    for name, deflated, size, crc in entries:
        encoded = name.encode()
        offset = out.tell()
        out.write(struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(deflated), size,
                              len(encoded), 0) + encoded + deflated)
        central.append(struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc, len(deflated),
                                   size, len(encoded), 0, 0, 0, 0, 0, offset) + encoded)
    start = out.tell()
    out.write(b"".join(central))
    out.write(struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(central), len(central), out.tell() - start, start, 0))
    return out.getvalue()


def _part(name: str, text: bytes) -> tuple[str, bytes, int, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return name, compressor.compress(text) + compressor.flush(), len(text), zlib.crc32(text)


FRAME = [_part("[Content_Types].xml", b'<?xml version="1.0"?><Types/>'),
         _part("xl/workbook.xml", b'<?xml version="1.0"?><workbook/>')]


@pytest.fixture(scope="module")
def inflating_bomb() -> bytes:
    """~2 MB on disk, 2 GB inflated (honest sizes and CRC): the sheet is 2,048 MB of zeros."""
    return raw_zip([*FRAME, ("xl/worksheets/sheet1.xml", _deflated_zeros(2048), 2048 * MB, _zeros_crc(2048 * MB))])


def lying_bomb(megabytes: int = 300, declared: int = 1000) -> bytes:
    """A bomb whose sheet declares 1,000 bytes (with the CRC of its first 1,000) but inflates to 300 MB: the
    declared sizes are not to be trusted."""
    return raw_zip([*FRAME, ("xl/worksheets/sheet1.xml", _deflated_zeros(megabytes), declared,
                             zlib.crc32(bytes(declared)))])


def many_entries(count: int = 100_000) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        for index in range(count):
            archive.writestr(f"{index:x}", b"")
    return buffer.getvalue()


def png_header_bomb(width: int, height: int) -> bytes:
    """A real PNG of width×height black 1-bit pixels: ~50 KB on disk, written chunk by chunk."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = bytes(1 + (width + 7) // 8)  # filter byte + packed bits
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


# ---- spreadsheets ---------------------------------------------------------------------------------------------

def test_an_xlsx_inflating_to_2_gb_is_refused_at_the_import_page_before_calamine(world, login, inflating_bomb,
                                                                                  monkeypatch):
    import python_calamine

    assert len(inflating_bomb) < 3 * MB
    opened = []
    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike",
                        classmethod(lambda cls, f: opened.append(f)))
    before = School.objects.count()
    response = login(world.office_a).post(reverse("schools:import"),
                                          {"file": SimpleUploadedFile("学校.xlsx", inflating_bomb, XLSX)})
    assert response.status_code == 400
    page = response.content.decode()
    assert "解压后约 2048 MB，超过上限 100 MB，拒绝读取" in page
    assert opened == [] and School.objects.count() == before


def test_a_bomb_that_lies_about_its_sizes_is_measured_not_trusted(world, login):
    started = time.perf_counter()
    data = lying_bomb()
    assert zipfile.ZipFile(io.BytesIO(data)).getinfo("xl/worksheets/sheet1.xml").file_size == 1000
    response = login(world.office_a).post(reverse("schools:import"),
                                          {"file": SimpleUploadedFile("学校.xlsx", data, XLSX)})
    assert response.status_code == 400 and "压缩比超过 100:1（疑似压缩炸弹），拒绝读取" in response.content.decode()
    assert time.perf_counter() - started < 30


def test_an_xlsx_with_100000_entries_is_refused(world, login):
    before = School.objects.count()
    data = many_entries()
    assert len(data) < 10 * MB  # under the upload limit: it is the entry count that refuses it
    response = login(world.office_a).post(reverse("schools:import"),
                                          {"file": SimpleUploadedFile("学校.xlsx", data, XLSX)})
    assert response.status_code == 400
    assert "包含 100,002 个内部文件，超过上限 10,000 个，拒绝读取" in response.content.decode()
    assert School.objects.count() == before


def test_the_statistics_api_refuses_a_bomb_with_400(world, client, inflating_bomb):
    client.force_login(world.office_a)
    response = client.post("/api/v1/monitoring/stats", {"file": SimpleUploadedFile("统计.xlsx", inflating_bomb, XLSX)})
    assert response.status_code == 400 and "拒绝读取" in response.json()["detail"]


def test_an_honest_workbook_is_still_imported_after_a_bomb(world, login, inflating_bomb):
    client = login(world.office_a)
    client.post(reverse("schools:import"), {"file": SimpleUploadedFile("学校.xlsx", inflating_bomb, XLSX)})
    upload = SimpleUploadedFile("学校.xlsx", registry(regions=[], units=[], schools=[school("1990102010", "甲区新校", p7="")]))
    page = client.post(reverse("schools:import"), {"file": upload}).content.decode()
    assert "导入成功" in page and School.objects.filter(code="1990102010").exists()


def test_a_province_sized_workbook_passes_the_limits_quickly():
    """20,000 rows of the statistics sheet (the largest honest import), all alike so it compresses as hard as an
    honest workbook does (~15:1; varied rows are ~7-10:1): ~2.6 MB, ~39 MB inflated, checked in seconds."""
    from dudao.monitoring.imports import SPEC

    row = ["9901020001", 2025] + [1234] * (len(SPEC.columns) - 2)
    data = write_template_workbook([SPEC], {SPEC.name: [row] * 20000})
    started = time.perf_counter()
    check_zip(data, "统计.xlsx")
    assert time.perf_counter() - started < 5


def test_limits_follow_the_settings(settings):
    data = write_template_workbook([], {}, with_notes=True)
    settings.DUDAO_ZIP_MAX_ENTRIES = 3
    with pytest.raises(ApplicationError, match="超过上限 3 个"):
        check_zip(data, "x.xlsx")
    settings.DUDAO_ZIP_MAX_ENTRIES = 10_000
    settings.DUDAO_ZIP_MAX_UNCOMPRESSED_BYTES = 1000
    with pytest.raises(ApplicationError, match="超过上限"):
        check_zip(data, "x.xlsx")
    with pytest.raises(ApplicationError, match="已损坏"):
        check_zip(b"PK\x03\x04broken", "x.xlsx")


# ---- Word and other Office evidence ---------------------------------------------------------------------------

def test_a_docx_bomb_is_refused_at_the_template_upload_and_nothing_is_stored(world, login, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    bomb = raw_zip([FRAME[0], ("word/document.xml", _deflated_zeros(300), 300 * MB, _zeros_crc(300 * MB))])
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    response = login(world.office_a).post("/documents/templates/zone_report/upload/",
                                          {"file": SimpleUploadedFile("模板.docx", bomb, docx)}, follow=True)
    assert any("解压后约 300 MB，超过上限 100 MB" in str(m) for m in response.context["messages"])
    assert not DocumentTemplate.objects.exists() and not StoredFile.objects.exists()
    assert not any(tmp_path.rglob("*.*")) and not any(p.is_file() for p in tmp_path.rglob("*"))


# ---- images ---------------------------------------------------------------------------------------------------

def _visit(world, photo) -> dict:
    start = timezone.now() - datetime.timedelta(hours=5)
    data = {"client_id": str(uuid.uuid4()), "school_code": world.schools_a[1].code, "started_at": start.isoformat(),
            "ended_at": (start + datetime.timedelta(hours=3)).isoformat(), "methods": {"lessons": 1},
            "items": ["r3"], "narrative": "听课一节。", "problems": []}
    return {"data": json.dumps(data), "photos": [photo]}


@pytest.mark.parametrize("size", [(20000, 20000), (8000, 8000)])
def test_a_pixel_bomb_photo_gets_a_clean_400_from_the_visit_api(world, posted, client, settings, tmp_path, size):  # noqa: F811
    """20000×20000 is past Pillow's hard limit (DecompressionBombError); 8000×8000 (64 megapixels) is between
    the limit and twice it, where Pillow only warns: both are refused before any pixel is decoded."""
    from dudao.zones.models import Visit

    settings.MEDIA_ROOT = tmp_path
    data = png_header_bomb(*size)
    assert len(data) < 200 * 1024
    client.force_login(world.inspector_a)
    response = client.post("/api/v1/visits", _visit(world, SimpleUploadedFile("现场.png", data, "image/png")))
    assert response.status_code == 400
    assert "图片“现场.png”尺寸过大" in response.json()["detail"] and "50 百万像素" in response.json()["detail"]
    assert not Visit.objects.exists() and not StoredFile.objects.exists()
    assert not any(p.is_file() for p in tmp_path.rglob("*"))
    honest = client.post("/api/v1/visits", _visit(world, jpeg()))
    assert honest.status_code == 201 and honest.json()["photo_count"] == 1


def test_the_inspector_edit_page_refuses_a_pixel_bomb_photo(world, posted, login, settings, tmp_path):  # noqa: F811
    from django.forms.models import model_to_dict

    from dudao.people.forms import InspectorForm

    settings.MEDIA_ROOT = tmp_path
    inspector = posted.inspector
    data = {k: v for k, v in model_to_dict(inspector, fields=InspectorForm.Meta.fields).items() if v is not None}
    data["photo_upload"] = SimpleUploadedFile("照片.png", png_header_bomb(20000, 20000), "image/png")
    response = login(world.office_a).post(f"/people/inspectors/{inspector.pk}/edit/", data)
    assert response.status_code == 200 and "图片“照片.png”尺寸过大" in response.content.decode()
    inspector.refresh_from_db()
    assert inspector.photo_id is None and not StoredFile.objects.exists()
    data["photo_upload"] = jpeg("照片.jpg")
    assert login(world.office_a).post(f"/people/inspectors/{inspector.pk}/edit/", data).status_code == 302
    inspector.refresh_from_db()
    assert inspector.photo_id is not None


def test_a_stored_image_over_a_lowered_limit_gives_a_clean_thumbnail_refusal(world, settings, tmp_path, client):
    from dudao.documents import files
    from dudao.documents.services import file_store

    settings.MEDIA_ROOT = tmp_path
    stored = file_store(actor=world.office_a, upload=SimpleUploadedFile("大图.png", png_header_bomb(3000, 3000)),
                        kind="image")
    settings.DUDAO_IMAGE_MAX_PIXELS = 1_000_000
    response = client.get(f"/documents/f/{files.file_token(stored.pk)}/thumb/")
    assert response.status_code == 400 and "尺寸过大" in response.content.decode()


def test_an_import_file_over_the_size_limit_is_refused_by_its_size_before_it_is_read(world, login, client, settings):
    settings.DUDAO_IMPORT_MAX_BYTES = 4096
    data = registry(regions=[], units=[], schools=[school("1990102010", "甲区新校", p7="")]) + bytes(8192)
    page = login(world.office_a).post(reverse("schools:import"), {"file": SimpleUploadedFile("学校.xlsx", data, XLSX)})
    assert page.status_code == 400 and "文件过大：15 KB，导入文件不能超过 4 KB" in page.content.decode()
    assert not School.objects.filter(code="1990102010").exists()
    api = client.post("/api/v1/monitoring/stats", {"file": SimpleUploadedFile("统计.xlsx", data, XLSX)})
    assert api.status_code == 400 and "文件过大" in api.json()["detail"]


def test_a_csv_of_blank_lines_or_empty_cells_is_refused_by_the_cell_cap_quickly(settings):
    from dudao.core.tabular import read_upload

    settings.DUDAO_SHEET_MAX_CELLS = 100_000
    for body in (b"\n" * 200_000, b"," * 200_000 + b"\n", b"a,b\n" + b"\r\n" * 150_000):
        started = time.perf_counter()
        with pytest.raises(ApplicationError, match="单元格的上限"):
            read_upload(body, "成绩.csv", convert=False)
        assert time.perf_counter() - started < 5


def test_blank_lines_in_a_csv_keep_the_file_row_numbers(settings):
    from dudao.core.tabular import read_upload

    sheet = read_upload("学生编号,成绩\n\n\nS1,90\n,\nS2,80\n".encode(), "成绩.csv", convert=False)[0]
    assert sheet.header == ["学生编号", "成绩"]
    assert [(number, list(row)) for number, row in sheet.rows] == [(4, ["S1", "90"]), (6, ["S2", "80"])]
    converted = read_upload("学生编号,成绩\n\nS1,90\n".encode(), "成绩.csv")[0]
    assert [number for number, _cells in converted.rows] == [3]
