"""Files in an S3-compatible bucket (STORAGE_URL=s3://...), against moto's S3 server started on 127.0.0.1 by the
test (no network): an upload and its thumbnail, downloads only through the scope-checked views, a generated
document, and backup/restore moving files from disk into the bucket and back out of it."""

import datetime
import io
import json
import logging
import re
import socket
import uuid
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from PIL import Image

from dudao.core.backup import stored_files
from dudao.documents import files
from dudao.documents.models import StoredFile
from dudao.settings import storage_from_url
from tests.core.test_backup import _files, _make_data, _manifest, _user_rows
from tests.inspections.conftest import expert_user, project, ready  # noqa: F401  (fixtures)
from tests.zones.conftest import jpeg, posted  # noqa: F401  (fixture)

boto3 = pytest.importorskip("boto3")
moto_server = pytest.importorskip("moto.server")


def visit_form(world, photo, days_ago: int = 0) -> dict:
    start = timezone.now() - datetime.timedelta(days=days_ago, hours=5)
    data = {"client_id": str(uuid.uuid4()), "school_code": world.schools_a[1].code, "started_at": start.isoformat(),
            "ended_at": (start + datetime.timedelta(hours=3)).isoformat(), "methods": {"lessons": 1},
            "items": ["r3"], "narrative": "听课一节。", "problems": []}
    return {"data": json.dumps(data), "photos": [photo]}


@pytest.fixture(scope="module")
def s3_endpoint():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # one access-log line per S3 request otherwise
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings, monkeypatch, tmp_path):
    """A fresh bucket used as the default storage (with a key prefix, as a shared bucket would have); MEDIA_ROOT
    points at an empty folder that must stay empty."""
    for name, value in (("AWS_ACCESS_KEY_ID", "testing"), ("AWS_SECRET_ACCESS_KEY", "testing"),
                        ("AWS_CONFIG_FILE", str(tmp_path / "none")),
                        ("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))):
        monkeypatch.setenv(name, value)
    name = f"dudao-{uuid.uuid4().hex[:12]}"
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=name)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES,
                         "default": storage_from_url(f"s3://{name}/dudao?endpoint_url={s3_endpoint}&region=us-east-1")}
    assert default_storage.__class__.__name__ == "S3Storage"

    def keys() -> dict[str, bytes]:
        listed = client.list_objects_v2(Bucket=name).get("Contents", [])
        return {o["Key"]: client.get_object(Bucket=name, Key=o["Key"])["Body"].read() for o in listed}

    yield keys
    assert not (tmp_path / "media").exists()  # nothing went to the local disk


def test_storage_url_settings():
    assert storage_from_url("") == {"BACKEND": "dudao.documents.storage.FileStorage"}
    s3 = storage_from_url("s3://evidence/dudao/prod?endpoint_url=http://minio:9000&region=cn-north-1"
                          "&addressing_style=path&verify=false")
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    expected = {"bucket_name": "evidence", "location": "dudao/prod", "endpoint_url": "http://minio:9000",
                "region_name": "cn-north-1", "addressing_style": "path", "verify": False, "default_acl": None,
                "file_overwrite": False}
    assert {key: s3["OPTIONS"].get(key) for key in expected} == expected
    for bad, message in (("ftp://x", "scheme"), ("s3://key:secret@bucket", "credentials"), ("s3:///x", "bucket"),
                         ("s3://b?acl=public-read", "unknown option")):
        with pytest.raises(ValueError, match=message):
            storage_from_url(bad)


def test_an_upload_and_its_thumbnail_live_in_the_bucket_and_stream_only_through_scoped_views(
        world, posted, login, bucket):  # noqa: F811
    client = login(world.inspector_a)
    response = client.post("/api/v1/visits", visit_form(world, jpeg("现场.jpg")))
    assert response.status_code == 201, response.content
    stored = StoredFile.objects.get()
    assert stored.path == f"files/{stored.sha256[:2]}/{stored.sha256}"
    assert set(bucket()) == {f"dudao/{stored.path}"}  # the thumbnail is made on first view

    page = client.get(f"/zones/visits/{response.json()['id']}/").content.decode()
    original, thumb = re.findall(r'href="(/documents/f/[^"]+/)"', page)[0], re.findall(r'src="(/documents/f/[^"]+)"', page)[0]
    download = client.get(original)
    assert download.status_code == 200 and b"".join(download.streaming_content) == bucket()[f"dudao/{stored.path}"]
    assert download["Content-Security-Policy"] == "default-src 'none'" and "Location" not in download
    small = client.get(thumb)
    assert small.status_code == 200 and small["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(b"".join(small.streaming_content))) as image:
        assert image.format == "JPEG"
    assert f"dudao/{stored.thumb_path}" in bucket()

    # Out of scope: another county's office does not even see the page that hands out the links.
    assert login(world.office_b).get(f"/zones/visits/{response.json()['id']}/").status_code == 404
    assert client.get(original.replace("/f/", "/f/x")).status_code == 404  # a forged link
    # Same bytes again: the object is kept, not written twice.
    again = login(world.inspector_a).post("/api/v1/visits", visit_form(world, jpeg("现场.jpg"), days_ago=2))
    assert again.status_code == 201 and len(bucket()) == 2 and StoredFile.objects.count() == 2


def test_a_generated_document_is_stored_in_the_bucket(world, project, expert_user, login, bucket, run_tasks,  # noqa: F811
                                                     django_capture_on_commit_callbacks):
    from dudao.inspections import opinions
    from dudao.inspections.models import Opinion

    for target in ready(world, project, expert_user):
        Opinion.objects.create(target=target, evaluation="办学规范。", updated_by=world.office_a)
    with django_capture_on_commit_callbacks(execute=True):
        batch = opinions.batch_start(actor=world.office_a, inspection=project)
    assert run_tasks() == 1
    batch.refresh_from_db()
    assert batch.status == "done" and batch.path == f"batches/opinions-{batch.pk}-1.zip"
    assert set(bucket()) == {f"dudao/{batch.path}"}  # the per-document objects are removed, the archive kept

    response = login(world.office_a).get(f"/inspections/batches/{batch.pk}/opinions.zip")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        assert len(archive.namelist()) == 2
    assert login(world.office_b).get(f"/inspections/batches/{batch.pk}/opinions.zip").status_code == 404


def test_backup_and_restore_move_files_from_disk_into_the_bucket_and_back(db, settings, tmp_path, bucket):
    """An installation on disk is backed up, restored into an empty database and an empty bucket, backed up again
    from the bucket: the same rows and files; a second restore into the now full bucket is refused."""
    bucket_storage = settings.STORAGES
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_url("")}
    settings.MEDIA_ROOT = tmp_path / "source-media"
    first_path = tmp_path / "from-disk.zip"
    savepoint = transaction.savepoint()
    _make_data()
    call_command("backup", str(first_path), stdout=io.StringIO())
    transaction.savepoint_rollback(savepoint)
    assert _user_rows() == 0
    on_disk = _files(tmp_path / "source-media")
    assert len(on_disk) == 2

    settings.STORAGES = bucket_storage
    settings.MEDIA_ROOT = tmp_path / "media"
    files.store("stray.txt", b"left by someone")  # a bucket that is not empty is refused, nothing is changed
    with pytest.raises(CommandError, match="对象存储 s3://.*/dudao中已有文件"):
        call_command("restore", str(first_path), stdout=io.StringIO())
    assert _user_rows() == 0 and set(bucket()) == {"dudao/stray.txt"}
    files.delete_blob("stray.txt")
    out = io.StringIO()
    call_command("restore", str(first_path), stdout=out)
    assert "恢复完成" in out.getvalue()
    assert sorted(stored_files()) == sorted(on_disk)
    assert {key.removeprefix("dudao/"): files.sha256_of(data) for key, data in bucket().items()} == on_disk
    photo = StoredFile.objects.first()
    assert files.read_blob(photo.path)[:8] == b"\x89PNG\r\n\x1a\n"

    second_path = tmp_path / "from-bucket.zip"
    call_command("backup", str(second_path), stdout=io.StringIO())
    first, second = _manifest(first_path), _manifest(second_path)
    assert second["files"] == first["files"] and second["tables"] == first["tables"]
