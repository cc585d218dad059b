"""The 印证材料 package of a review (issue 21 item 1): one zip built by a background task.

`package_start` queues it (a ReviewPackage row and the task dudao.reviews.tasks.build_review_package); a second
request while one is queued or running is refused. `package_run` builds it:

    01 1.1 指标简称/                       a folder per indicator with assignments, in the list's order
        区财政局/情况说明.txt              the latest accepted version's statement
        区财政局/教育经费决算表.pdf        …and its files, copied from storage
    目录.xlsx, 目录.docx                  indicator, assignee, file, size, SHA-256, status of every file
    SHA256SUMS                            `sha256sum -c` format, every other file of the zip

Memory stays bounded whatever the size of the files: the zip is written to a temporary file, every stored file is
copied into it in chunks (never read whole) while its SHA-256 is computed, and the index is written by xlsxwriter
in constant_memory mode. The rows of the 目录 (a few hundred bytes per file) are the only thing that grows, with
the number of files, not their size.

A file missing from storage is not in the zip and is listed (缺失) in the 目录 and on the package page. A file whose
bytes do not match its recorded SHA-256 is kept as found, marked 校验不符 with both digests; the manifest always
gives the digest of the bytes in the zip, so `sha256sum -c SHA256SUMS` verifies the zip itself. Names inside the
zip come from untrusted text and go through dudao.reviews.zipnames (no "../", no absolute paths, no NUL, no
Windows device names, bounded length, unique per folder)."""

import hashlib
import os
import shutil
import tempfile
import zipfile

from django.core.files import File
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from dudao.core.audit import audit_record
from dudao.core.dates import cn_date
from dudao.core.errors import ApplicationError
from dudao.core.scope import require_office_for
from dudao.core.services import Message, notify
from dudao.documents import files
from dudao.documents.models import FileKind, StoredFile
from dudao.documents.selectors import render_docx
from dudao.reviews.models import Assignment, PackageStatus, Review, ReviewPackage
from dudao.reviews.selectors.outputs import accepted_evidence, indicators_in_order
from dudao.reviews.tasks import build_review_package
from dudao.reviews.zipnames import UniqueNames, component, folder_name

CHUNK = 1024 * 1024  # bytes copied at a time from storage into the zip
PROGRESS_EVERY = 20  # files between two progress updates of the package row
INDEX_XLSX, INDEX_DOCX, SUMS_NAME = "目录.xlsx", "目录.docx", "SHA256SUMS"
STATEMENT_NAME = "情况说明.txt"
OK, MISSING, MISMATCH, NO_EVIDENCE = "正常", "缺失", "校验不符", "无已采纳材料"
INDEX_HEADERS = ["序号", "指标编号", "指标", "责任单位", "文件", "原文件名", "大小（字节）", "SHA-256", "状态", "说明"]
UNFINISHED = (PackageStatus.QUEUED, PackageStatus.RUNNING)


# ---- start ---------------------------------------------------------------------------------------------------

@transaction.atomic
def package_start(*, actor, review: Review) -> ReviewPackage:
    """Queue the package (office of the review's region); the worker starts after the commit."""
    require_office_for(actor, review.region_id, f"只有{review.region.name}督导室可以生成印证材料包。")
    review = Review.objects.select_for_update(of=("self",)).select_related("region").get(pk=review.pk)  # two clicks: one package
    running = review.packages.filter(status__in=UNFINISHED).first()
    if running is not None:
        raise ApplicationError(f"上一次印证材料包还在生成中（{running.requested_at:%H:%M} 由 "
                               f"{running.requested_by.get_full_name() or running.requested_by.username} 发起，"
                               f"已处理 {running.done}/{running.total} 个文件），请等它完成后再生成。")
    if not accepted_evidence(review):
        raise ApplicationError("还没有已采纳的材料：请先审核并采纳各单位报送的材料，再生成印证材料包。")
    package = ReviewPackage.objects.create(review=review, requested_by=actor)
    audit_record(actor=actor, action="reviews.package_start", obj=package, object_repr=f"{review.title} 印证材料包",
                 region_code=review.region_id, after={"package": package.pk})
    attempt = package.attempt
    transaction.on_commit(lambda: build_review_package.enqueue(package.pk, run=attempt))
    return package


# ---- the catalogue -------------------------------------------------------------------------------------------

def plan(review: Review) -> list[dict]:
    """Every item of the package in order: {"kind": "file"|"statement"|"none", "path", "indicator", "assignee",
    "stored"|"text"}. Paths are made of safe components only."""
    accepted = accepted_evidence(review)
    assignments: dict[int, list[Assignment]] = {}
    for assignment in (Assignment.objects.filter(indicator__review=review)
                       .select_related("unit", "user").order_by("indicator_id", "id")):
        assignments.setdefault(assignment.indicator_id, []).append(assignment)
    indicators = [i for i in indicators_in_order(review) if i.pk in assignments]
    width = max(2, len(str(len(indicators))))
    items: list[dict] = []
    for number, indicator in enumerate(indicators, 1):
        folder = folder_name(number, width, indicator.code, indicator.text)
        subfolders = UniqueNames()
        for assignment in assignments[indicator.pk]:
            base = {"indicator": indicator.code, "indicator_text": indicator.text, "assignee": assignment.assignee_name}
            evidence = accepted.get(assignment.pk)
            if evidence is None:
                items.append({**base, "kind": "none", "path": ""})
                continue
            sub = f"{folder}/{subfolders.take(component(assignment.assignee_name, fallback='责任单位'))}"
            names = UniqueNames()
            items.append({**base, "kind": "statement", "path": f"{sub}/{names.take(STATEMENT_NAME)}",
                          "text": evidence.statement, "version": evidence.version})
            for stored in sorted(evidence.files.all(), key=lambda f: f.pk):
                items.append({**base, "kind": "file", "path": f"{sub}/{names.take(component(stored.original_name))}",
                              "stored": stored, "version": evidence.version})
    return items


# ---- building ------------------------------------------------------------------------------------------------

def _copy_stored(zf: zipfile.ZipFile, path: str, name: str) -> tuple[int, str] | None:
    """Copy a stored file into the zip in chunks (stored, not deflated: uploads are PDF, Office and images, all
    compressed already); (size, sha256 of the bytes) or None when it is not in storage."""
    try:
        handle = files.open_blob(name)
    except (FileNotFoundError, OSError):
        return None
    info = zipfile.ZipInfo(path, date_time=timezone.localtime().timetuple()[:6])
    info.compress_type = zipfile.ZIP_STORED
    digest, size = hashlib.sha256(), 0
    with handle, zf.open(info, "w", force_zip64=True) as out:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


def _write_bytes(zf: zipfile.ZipFile, path: str, data: bytes) -> tuple[int, str]:
    with zf.open(path, "w", force_zip64=True) as out:
        out.write(data)
    return len(data), hashlib.sha256(data).hexdigest()


def _copy_local(zf: zipfile.ZipFile, path: str, local: str) -> str:
    digest = hashlib.sha256()
    with open(local, "rb") as handle, zf.open(path, "w", force_zip64=True) as out:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()


def _file_sha256(local: str) -> str:
    digest = hashlib.sha256()
    with open(local, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _workbook(path: str, tmpdir: str, title: str):
    import xlsxwriter  # noqa: PLC0415 -- only the package worker needs it

    book = xlsxwriter.Workbook(path, {"constant_memory": True, "tmpdir": tmpdir, "strings_to_formulas": False,
                                      "strings_to_urls": False})
    sheet = book.add_worksheet("目录")
    bold = book.add_format({"bold": True})
    sheet.write_string(0, 0, title, bold)
    for col, header in enumerate(INDEX_HEADERS):
        sheet.write_string(1, col, header, bold)
    for col, width in enumerate([6, 10, 40, 20, 60, 30, 14, 66, 10, 40]):
        sheet.set_column(col, col, width)
    return book, sheet


def _cell(value) -> str:
    """Text for a 目录 cell: written with write_string, so "=HYPERLINK(…)" stays text (no formula injection)."""
    return "" if value is None else str(value)


def build_zip(review: Review, zip_path: str, tmpdir: str, *, progress=None, items: list[dict] | None = None) -> dict:
    """Write the package of the review to `zip_path`; returns {"files", "total", "problems"}. Independent of the
    ReviewPackage row, so the bench measures it alone (progress(done, total) every PROGRESS_EVERY files)."""
    items = plan(review) if items is None else items
    total = sum(1 for i in items if i["kind"] != "none")
    problems: list[dict] = []
    rows: list[dict] = []
    done = 0
    index_path, sums_path = os.path.join(tmpdir, "index.xlsx"), os.path.join(tmpdir, "sums.txt")
    title = f"{review.title} 印证材料目录"
    book, sheet = _workbook(index_path, tmpdir, title)
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf, \
            open(sums_path, "w", encoding="utf-8", newline="\n") as sums:
        for number, item in enumerate(items, 1):
            original, note = "", ""
            if item["kind"] == "none":
                status, size, sha = NO_EVIDENCE, None, ""
                note = "该责任单位暂无已采纳的材料"
            elif item["kind"] == "statement":
                size, sha = _write_bytes(zf, item["path"], (item["text"] or "").encode("utf-8"))
                status, original = OK, f"第{item['version']}版情况说明"
            else:
                stored = item["stored"]
                original = stored.original_name
                copied = _copy_stored(zf, item["path"], stored.path)
                if copied is None:
                    status, size, sha, note = MISSING, stored.size, stored.sha256, "存储中找不到该文件，未收入材料包"
                else:
                    size, sha = copied
                    status = OK
                    if stored.sha256 and stored.sha256.lower() != sha:
                        status = MISMATCH
                        note = f"登记的 SHA-256 为 {stored.sha256}，文件现有内容与之不符（已按现状收入材料包）"
            in_zip = status in (OK, MISMATCH)
            if in_zip:
                sums.write(f"{sha}  {item['path']}\n")
            if status in (MISSING, MISMATCH):
                problems.append({"path": item["path"], "indicator": item["indicator"], "assignee": item["assignee"],
                                 "file": original, "reason": status, "note": note})
            values = [number, item["indicator"], item["indicator_text"][:200], item["assignee"],
                      item["path"] if in_zip else "", original, size if size is not None else "", sha, status, note]
            for col, value in enumerate(values):
                if isinstance(value, int):
                    sheet.write_number(number + 1, col, value)
                else:
                    sheet.write_string(number + 1, col, _cell(value))
            rows.append({"indicator": item["indicator"], "assignee": item["assignee"],
                         "file": item["path"] if in_zip else f"（{original}）", "size": f"{size:,}" if size else "",
                         "sha256": sha, "status": status})
            if item["kind"] != "none":
                done += 1
                if progress and done % PROGRESS_EVERY == 0:
                    progress(done, total)
        book.close()
        sums.write(f"{_copy_local(zf, INDEX_XLSX, index_path)}  {INDEX_XLSX}\n")
        docx = render_docx("review_package_index", review.region_id, {
            "title": title, "office": f"{review.region.name}人民政府教育督导室",
            "generated_on": cn_date(timezone.localdate()), "count": total, "problems": len(problems), "rows": rows})
        del rows
        sums.write(f"{_write_bytes(zf, INDEX_DOCX, docx)[1]}  {INDEX_DOCX}\n")
        sums.close()
        _copy_local(zf, SUMS_NAME, sums_path)
    return {"files": done, "total": total, "problems": problems}


# ---- the run ---------------------------------------------------------------------------------------------------

class Superseded(Exception):
    """This run is no longer the package's current attempt (or the package finished): stop quietly."""


def _set(package_id: int, *, run: int, expected, **fields) -> None:
    expected = [expected] if isinstance(expected, str) else list(expected)
    rows = ReviewPackage.objects.filter(pk=package_id, attempt=run, status__in=expected)
    if not (rows.update(**fields) if fields else rows.exists()):
        raise Superseded(package_id, run)


def download_name(package: ReviewPackage) -> str:
    return f"{component(package.review.title, fallback='迎检')}_印证材料.zip"


def _store_zip(zip_path: str, name: str, actor) -> StoredFile:
    """The finished zip into storage under its SHA-256 (content-addressed, like every stored file)."""
    sha = _file_sha256(zip_path)
    with open(zip_path, "rb") as handle:
        path = files.store(f"files/{sha[:2]}/{sha}", File(handle))
    return StoredFile.objects.create(sha256=sha, size=os.path.getsize(zip_path), content_type="application/zip",
                                     kind=FileKind.DOCUMENT, original_name=name[:255], path=path, uploaded_by=actor)


def package_run(package_id: int, *, run: int = 1) -> str | None:
    """Build the zip as attempt `run`; the status this run set, or None when superseded. Safe to run again after a
    kill: it starts over from nothing."""
    package = ReviewPackage.objects.select_related("review__region", "requested_by").get(pk=package_id)
    try:
        _set(package_id, run=run, expected=PackageStatus.QUEUED, status=PackageStatus.RUNNING, done=0)
    except Superseded:
        return None
    review = package.review
    tmpdir = tempfile.mkdtemp(prefix="dudao-review-package-")
    try:
        items = plan(review)
        total = sum(1 for i in items if i["kind"] != "none")
        _set(package_id, run=run, expected=PackageStatus.RUNNING, total=total)

        def progress(done: int, total: int) -> None:
            _set(package_id, run=run, expected=PackageStatus.RUNNING, done=done)

        zip_path = os.path.join(tmpdir, "package.zip")
        result = build_zip(review, zip_path, tmpdir, progress=progress, items=items)
        _set(package_id, run=run, expected=PackageStatus.RUNNING)  # still ours before storing
        stored = _store_zip(zip_path, download_name(package), package.requested_by)
        problems = result["problems"]
        warning = ""
        if problems:
            kinds: dict[str, int] = {}
            for p in problems:
                kinds[p["reason"]] = kinds.get(p["reason"], 0) + 1
            warning = ("材料包已生成，但有 " + "、".join(f"{n} 个文件{k}" for k, n in kinds.items())
                       + "，已在目录中逐一标明，请核对后请责任单位重新报送。")
        _set(package_id, run=run, expected=PackageStatus.RUNNING, status=PackageStatus.DONE, file=stored,
             done=result["files"], total=result["total"], problems=problems, error=warning,
             finished_at=timezone.now())
        _tell(package, "已生成" + ("（有异常文件）" if problems else ""), warning)
        return PackageStatus.DONE
    except Superseded:
        return None
    except Exception as exc:  # noqa: BLE001 -- recorded for the office to see
        message = getattr(exc, "message", None) or str(exc)
        return _run_failed(package_id, run, f"生成失败：{message}")
    except BaseException:  # the worker was stopped in the middle
        _run_failed(package_id, run, "工作进程被停止，生成中断；可再次点“生成印证材料包”。")
        raise
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def _tell(package: ReviewPackage, what: str, body: str = "") -> None:
    """The requester's inbox (and e-mail): the package they asked for is ready, or failed."""
    notify(messages=[(Message(f"review-package:{package.pk}:{package.attempt}:{what}", "review",
                              f"{package.review.title} 印证材料包{what}", body,
                              reverse("reviews:package", args=[package.review_id])), {package.requested_by_id})])


def _run_failed(package_id: int, run: int, error: str) -> str | None:
    try:
        _set(package_id, run=run, expected=list(UNFINISHED), status=PackageStatus.FAILED, error=error[:2000],
             finished_at=timezone.now())
    except Superseded:
        return None
    package = ReviewPackage.objects.select_related("review").get(pk=package_id)
    _tell(package, "生成失败", error[:500])
    return PackageStatus.FAILED
