"""印证材料 package: built by the background task; its SHA256SUMS verified against the zip's contents file by file;
the folders per indicator in order; the latest accepted version only; a missing and a tampered blob listed (not
skipped); a second request refused while one runs; hostile file names stay inside their folder; the download is the
review's office's only (404 for a leader's download link, another county, a unit)."""

import hashlib
import io
import zipfile

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django_tasks_db.models import DBTaskResult
from docx import Document
from python_calamine import CalamineWorkbook

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog, Notification
from dudao.documents import files
from dudao.reviews.models import ReviewPackage
from dudao.reviews.services import package as services
from dudao.reviews.tasks import _package_lost
from tests.reviews.outputs_fixtures import (  # noqa: F401 -- outputs_media: the fixture
    assign,
    evidence,
    indicator,
    make_review,
    outputs_media,
    review_with_evidence,
    stored,
)

pytestmark = pytest.mark.django_db


def start(world, capture, review, actor=None) -> ReviewPackage:
    with capture(execute=True):
        return services.package_start(actor=actor or world.office_a, review=review)


def package_zip(package: ReviewPackage) -> zipfile.ZipFile:
    with files.open_blob(package.file.path) as handle:
        whole = handle.read()
    assert hashlib.sha256(whole).hexdigest() == package.file.sha256 and len(whole) == package.file.size
    return zipfile.ZipFile(io.BytesIO(whole))


def manifest(zf: zipfile.ZipFile) -> dict[str, str]:
    out = {}
    for line in zf.read("SHA256SUMS").decode("utf-8").splitlines():
        sha, path = line.split("  ", 1)  # sha256sum's format: digest, two spaces, path
        assert len(sha) == 64 and path not in out
        out[path] = sha
    return out


def index(zf: zipfile.ZipFile) -> list[list]:
    rows = CalamineWorkbook.from_filelike(io.BytesIO(zf.read("目录.xlsx"))).get_sheet_by_name("目录").to_python()
    assert rows[1] == services.INDEX_HEADERS
    return rows[2:]


def test_it_builds_a_zip_whose_manifest_verifies_every_file(world, run_tasks, django_capture_on_commit_callbacks):
    review = review_with_evidence(world)
    package = start(world, django_capture_on_commit_callbacks, review)
    assert package.status == "queued"
    assert DBTaskResult.objects.get().task_path == "dudao.reviews.tasks.build_review_package"
    with pytest.raises(ApplicationError, match="还在生成中"):
        services.package_start(actor=world.office_a, review=review)
    assert run_tasks() == 1
    package.refresh_from_db()
    assert package.status == "done" and package.problems == [] and package.error == ""
    assert package.done == package.total == 7  # 3 statements + 4 files (the returned v1 is not in)

    zf = package_zip(package)
    assert zf.testzip() is None
    sums = manifest(zf)
    assert set(zf.namelist()) == set(sums) | {"SHA256SUMS"}
    for path, sha in sums.items():
        assert hashlib.sha256(zf.read(path)).hexdigest() == sha, path
    names = sorted(n for n in zf.namelist() if "/" in n)
    assert names == [
        "01 1.1 落实教育优先发展战略地位，教育经费“两个/甲二镇人民政府/情况说明.txt",
        "01 1.1 落实教育优先发展战略地位，教育经费“两个/甲二镇人民政府/镇级经费.pdf",
        "01 1.1 落实教育优先发展战略地位，教育经费“两个/甲区财政局/决算表 (2).pdf",
        "01 1.1 落实教育优先发展战略地位，教育经费“两个/甲区财政局/决算表.pdf",
        "01 1.1 落实教育优先发展战略地位，教育经费“两个/甲区财政局/情况说明.txt",
        "02 1.2 教师培训经费/甲区财政局/培训经费.pdf",
        "02 1.2 教师培训经费/甲区财政局/情况说明.txt",
    ]
    assert zf.read("02 1.2 教师培训经费/甲区财政局/培训经费.pdf") == b"%PDF-1.4 training"
    assert zf.read("02 1.2 教师培训经费/甲区财政局/情况说明.txt").decode() == "教师培训经费占公用经费 5%。"
    rows = index(zf)
    assert [r[8] for r in rows].count("正常") == 7 and [r[8] for r in rows].count("无已采纳材料") == 1
    for row in rows:
        if row[8] == "正常":
            assert sums[row[4]] == row[7] and zf.getinfo(row[4]).file_size == row[6]
    docx = "\n".join(c.text for t in Document(io.BytesIO(zf.read("目录.docx"))).tables for r in t.rows for c in r.cells)
    assert "培训经费.pdf" in docx and "无已采纳材料" in docx
    assert AuditLog.objects.filter(action="reviews.package_start", actor=world.office_a).exists()
    note = Notification.objects.get(user=world.office_a)
    assert note.title.endswith("印证材料包已生成") and note.url == f"/reviews/{review.pk}/package/"


def test_it_numbers_folders_with_two_digits_from_ten_indicators(world, run_tasks,
                                                              django_capture_on_commit_callbacks):
    review = review_with_evidence(world)
    for n in range(10):
        item = indicator(review, f"3.{n}", f"指标{n}", position=10 + n)
        evidence(assign(item, unit=world.unit_a, by=world.office_a), f"说明{n}", by=world.town_a)
    start(world, django_capture_on_commit_callbacks, review)
    run_tasks()
    zf = package_zip(ReviewPackage.objects.get())
    folders = sorted({n.split("/")[0] for n in zf.namelist() if "/" in n})
    assert folders[0].startswith("01 1.1 ") and folders[-1] == "13 3.9 指标9"


def test_a_missing_and_a_tampered_file_are_listed_not_skipped(world, run_tasks,
                                                              django_capture_on_commit_callbacks):
    review = review_with_evidence(world)
    gone = review.indicators.get(code="1.2").assignments.get().evidence.get(version=2).files.get()
    town = review.indicators.get(code="1.1").assignments.get(unit=world.unit_a).evidence.get().files.get()
    default_storage.delete(gone.path)
    with default_storage.open(town.path, "wb") as handle:
        handle.write(b"tampered")
    start(world, django_capture_on_commit_callbacks, review)
    run_tasks()
    package = ReviewPackage.objects.get()
    assert package.status == "done"
    assert sorted(p["reason"] for p in package.problems) == ["校验不符", "缺失"]
    assert "1 个文件缺失" in package.error and "1 个文件校验不符" in package.error
    zf = package_zip(package)
    sums = manifest(zf)
    for path, sha in sums.items():  # the manifest verifies the zip as it is
        assert hashlib.sha256(zf.read(path)).hexdigest() == sha
    assert not any(n.endswith("培训经费.pdf") for n in zf.namelist())
    statuses = {r[5]: (r[8], r[9]) for r in index(zf)}
    assert statuses["培训经费.pdf"][0] == "缺失"
    assert statuses["镇级经费.pdf"][0] == "校验不符" and town.sha256 in statuses["镇级经费.pdf"][1]


def test_hostile_file_names_stay_inside_their_folder(world, run_tasks, django_capture_on_commit_callbacks):
    review = review_with_evidence(world)
    evidence = review.indicators.get(code="1.2").assignments.get().evidence.get(version=2)
    hostile = ["../../../etc/passwd", "/abs/path.pdf", "C:\\win.ini", "CON.pdf", "名" * 250 + ".pdf", ".."]
    if connection.vendor == "sqlite":  # PostgreSQL cannot even store a NUL in a name
        hostile.append("a\x00b.pdf")
    evidence.files.add(*[stored(f"%PDF {i}".encode(), name) for i, name in enumerate(hostile)])
    start(world, django_capture_on_commit_callbacks, review)
    run_tasks()
    zf = package_zip(ReviewPackage.objects.get())
    for name in zf.namelist():
        parts = name.split("/")
        assert not name.startswith("/") and ".." not in parts and "\\" not in name and "\x00" not in name
        assert ":" not in name and all(len(p) <= 80 for p in parts)
        assert parts[-1].split(".")[0].upper() not in {"CON", "NUL", "PRN", "AUX"}
    assert len([n for n in zf.namelist() if n.startswith("02 1.2 ")]) == 2 + len(hostile)


def test_it_is_refused_to_others_and_with_nothing_accepted(world, django_capture_on_commit_callbacks):
    review = review_with_evidence(world)
    for actor in (world.office_b, world.leader_a, world.town_a):
        with pytest.raises(PermissionDenied):
            services.package_start(actor=actor, review=review)
    empty = make_review(world, title="空的迎检")
    with pytest.raises(ApplicationError, match="还没有已采纳的材料"):
        services.package_start(actor=world.office_a, review=empty)


def test_only_the_office_downloads_it(world, run_tasks, django_capture_on_commit_callbacks, login, client):
    review = review_with_evidence(world)
    client = login(world.office_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/reviews/{review.pk}/package/start/")
    assert response.status_code == 302
    run_tasks()
    package = ReviewPackage.objects.get()
    url = f"/reviews/{review.pk}/package/{package.pk}/download/"
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).testzip() is None
    page = client.get(f"/reviews/{review.pk}/package/").content.decode()
    assert "下载材料包" in page and package.file.sha256 in page
    for user in (world.office_b, world.leader_a, world.town_a, world.principal_a):
        assert login(user).get(url).status_code == 404, user
    # another review's id with this package's id: 404 too
    other = make_review(world, title="另一次迎检")
    assert login(world.office_a).get(f"/reviews/{other.pk}/package/{package.pk}/download/").status_code == 404
    assert login(world.office_a).get(f"/reviews/{review.pk}/package/start/").status_code == 405


def test_a_lost_worker_queues_the_package_again(world, django_capture_on_commit_callbacks):
    review = review_with_evidence(world)
    package = start(world, django_capture_on_commit_callbacks, review)
    ReviewPackage.objects.filter(pk=package.pk).update(status="running", done=3)
    kwargs = _package_lost([package.pk], {"run": 1}, 2, "工作进程失联，")
    package.refresh_from_db()
    assert kwargs["run"] == 2 and package.status == "queued" and package.attempt == 2 and package.done == 0
    assert services.package_run(package.pk, run=1) is None  # the lost run's attempt is superseded
    assert services.package_run(package.pk, run=2) == "done"
