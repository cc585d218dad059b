"""Stored files: content-addressed blobs, thumbnails made on first view, concurrent writers of one blob."""

import io
import threading
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dudao.documents import files
from dudao.documents.selectors import thumbnail_data_uri
from dudao.documents.services import file_store


def photo(size=(1600, 1200)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 90)).save(buffer, "JPEG")
    return SimpleUploadedFile("现场.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_a_thumbnail_is_made_on_first_view_not_on_upload(world, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    stored = file_store(actor=world.office_a, upload=photo(), kind="image", region_code=world.county_a.code)
    assert (stored.width, stored.height) == (1600, 1200)
    thumb = Path(tmp_path) / stored.thumb_path
    assert not thumb.exists()  # the upload answered without decoding the whole picture again

    response = client.get(f"/documents/f/{files.file_token(stored.pk)}/thumb/")
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    with Image.open(thumb) as image:
        assert max(image.size) <= max(files.THUMB_SIZE)
    assert thumbnail_data_uri(stored).startswith("data:image/jpeg;base64,")


def test_two_requests_writing_the_same_blob_do_not_collide(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = b"%PDF-1.4 same bytes from two tablets" * 1000
    digest = files.sha256_of(data)
    errors = []

    def write():
        try:
            files.write_blob(digest, data)
        except OSError as exc:  # pragma: no cover - the failure this test guards against
            errors.append(exc)

    threads = [threading.Thread(target=write) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert (Path(tmp_path) / f"files/{digest[:2]}/{digest}").read_bytes() == data
    assert not list(Path(tmp_path).rglob("*.part"))


def test_the_disk_storage_never_replaces_a_file_and_leaves_no_temporary_files(settings, tmp_path):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    settings.MEDIA_ROOT = tmp_path
    assert default_storage.save("files/ab/x", ContentFile(b"first")) == "files/ab/x"
    second = default_storage.save("files/ab/x", ContentFile(b"second"))
    assert second != "files/ab/x" and default_storage.open(second).read() == b"second"
    assert (tmp_path / "files/ab/x").read_bytes() == b"first"
    assert files.store("files/ab/x", b"first") == "files/ab/x"  # content-addressed: kept, not written again
    assert sorted(p.name for p in (tmp_path / "files/ab").iterdir()) == sorted(["x", Path(second).name])


def test_an_absolute_path_from_before_the_storage_api_still_opens(settings, tmp_path):
    """Opinion batches finished before files went through the storage recorded an absolute path."""
    settings.MEDIA_ROOT = tmp_path
    files.store("batches/opinions-1-1.zip", b"PK old archive")
    assert files.storage_name(str(tmp_path / "batches/opinions-1-1.zip")) == "batches/opinions-1-1.zip"
    assert files.read_blob(str(tmp_path / "batches/opinions-1-1.zip")) == b"PK old archive"
    assert files.storage_name("/elsewhere/opinions-1-1.zip") == "/elsewhere/opinions-1-1.zip"
