"""督导档案: the yearly archive of a region (issue 20 item 7).

`export_start` queues "导出档案" (an ArchiveExport row and the task dudao.planning.tasks.build_archive_export);
`export_run` builds the zip: one folder per category ("01 计划总结" …), every document the registered archive
sources list (dudao.core.registries.register_archive_source), an index `案卷目录.xlsx` and `SHA256SUMS.txt`.

Memory stays bounded whatever the number or the size of the files: the zip is written to a temporary file, each
stored file is copied into it in chunks (never read whole), the index is written by xlsxwriter in constant_memory
mode (row by row to its own temporary file) and the manifest line by line to a temporary file. The catalogue itself
is not held either: its rows are spooled into a temporary SQLite file as the sources yield them and read back sorted
by category, date and title (only the render callables of rendered documents stay in memory, by row id). Rendered
documents are small and rendered one at a time, while the zip is written.

A stored file that is missing from storage is not in the zip and is listed in `missing` and in the index (缺失).
A stored file whose bytes do not match its recorded SHA-256 is kept in the zip as found (the office may need to see
what storage now holds), marked 校验不符 in the index with both digests, listed in `missing`, and the manifest gives
the digest of the bytes in the zip (so the manifest always verifies the zip itself). A document that fails to
render is listed the same way (生成失败). The export is then still 已完成, with a warning on the page.

`archive_lock` (归档) locks a past year once a successful export exists; `archive_reopen` (administrators only,
with a reason) opens it again. While locked, `year_locked_reason` (registered as the year lock) makes
`refuse_if_archived` refuse changes to the year's records in every app."""

import datetime
import hashlib
import os
import re
import shutil
import sqlite3
import tempfile
import zipfile
from dataclasses import dataclass

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from dudao.core.audit import audit_record
from dudao.core.dates import cn_date
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.registries import ArchiveItem, archive_sources
from dudao.core.scope import require_office_for, scope_for
from dudao.documents import files
from dudao.planning.models import (
    ARCHIVE_WORKFLOW,
    ArchiveCategory,
    ArchiveExport,
    ArchiveStatus,
    ArchiveTransition,
    ArchiveYear,
    JobStatus,
)
from dudao.planning.tasks import build_archive_export
from dudao.regions.models import Region

CHUNK = 1024 * 1024  # bytes copied at a time from storage into the zip
PROGRESS_EVERY = 100  # files between two progress updates of the export row
INDEX_NAME = "案卷目录.xlsx"
SUMS_NAME = "SHA256SUMS.txt"
CATEGORY_ORDER = [c.value for c in ArchiveCategory]
FOLDERS = {c.value: f"{i:02d} {c.label}" for i, c in enumerate(ArchiveCategory, 1)}

OK, MISSING, MISMATCH, FAILED = "正常", "缺失", "校验不符", "生成失败"


# ---- the lock ------------------------------------------------------------------------------------------------

def _ancestor_codes(region_code: str) -> list[str]:
    """The codes of the region and every region above it (GB/T 2260: province 2, city 4, county 6, town 9 digits;
    a county-level code pads with zeros)."""
    code = region_code.strip()
    codes = {code, code[:2] + "0000", code[:4] + "00"}
    if len(code) > 6:
        codes.update({code[:6], code[:9]})
    return sorted(c for c in codes if c)


def year_locked_reason(region_code: str, day: datetime.date) -> str:
    """The year lock (dudao.core.registries.register_year_lock): "示范区2025年度" when a locked ArchiveYear exists
    for the region or one above it and the year of `day`, else ''. One query, nothing cached."""
    if not region_code or day is None:
        return ""
    locked = (ArchiveYear.objects.filter(status=ArchiveStatus.LOCKED, year=day.year,
                                         region_id__in=_ancestor_codes(region_code))
              .select_related("region").order_by("region_id").first())
    return f"{locked.region.name}{locked.year}年度" if locked else ""


# ---- the catalogue -------------------------------------------------------------------------------------------

@dataclass
class Entry:
    """One row of the 案卷目录: the item, its number in its category and its path in the zip."""

    item: ArchiveItem
    no: int
    path: str


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def collect_items(region_code: str, year: int) -> list[ArchiveItem]:
    """Every document of the region's year from every registered source, ordered by category, date, title."""
    start, end = year_bounds(year)
    items: list[ArchiveItem] = []
    for _name, source in sorted(archive_sources().items()):
        for item in source(region_code, start, end) or ():
            if start <= item.day <= end:
                items.append(item)
    items.sort(key=lambda i: (_category_rank(i.category), i.day, i.title, i.source, i.filename))
    return items


def _category_rank(category: str) -> int:
    return CATEGORY_ORDER.index(category) if category in CATEGORY_ORDER else len(CATEGORY_ORDER)


_UNSAFE = re.compile(r'[\x00-\x1f\\/:*?"<>|]+')


def safe_filename(name: str) -> str:
    """A file name fit for a folder of the zip on Windows and Linux: no separators or reserved characters, not
    empty, at most 120 characters (keeping the extension)."""
    name = _UNSAFE.sub("_", (name or "").strip()).strip(" .") or "文件"
    stem, ext = os.path.splitext(name)
    if len(ext) > 10:
        stem, ext = name, ""
    return stem[: 120 - len(ext)] + ext


def entries(items: list[ArchiveItem]) -> list[Entry]:
    """Number the items within their category and give each its path: "03 督学/0001 文件名.jpg"."""
    numbered, counters = [], {}
    for item in items:
        category = item.category if item.category in FOLDERS else ArchiveCategory.PLAN.value
        counters[category] = counters.get(category, 0) + 1
        no = counters[category]
        numbered.append(Entry(item, no, f"{FOLDERS[category]}/{no:04d} {safe_filename(item.filename)}"))
    return numbered


# ---- export: start -------------------------------------------------------------------------------------------

def _region(region) -> Region:
    return region if isinstance(region, Region) else Region.objects.get(pk=region)


def _check_year(year: int) -> None:
    if not isinstance(year, int) or year < 2000 or year > timezone.localdate().year:
        raise ApplicationError(f"年度“{year}”无效：只能导出 2000 年至今年的档案。")


def _enqueue(export_id: int, run: int) -> None:
    transaction.on_commit(lambda: build_archive_export.enqueue(export_id, run=run))


@transaction.atomic
def export_start(*, actor, region, year: int) -> ArchiveExport:
    """Queue "导出档案" of the region's year (office staff of the region); the worker starts after the commit."""
    region = _region(region)
    require_office_for(actor, region.code, "只有本区域督导室可以导出督导档案。")
    _check_year(year)
    archive, _ = ArchiveYear.objects.get_or_create(region=region, year=year)
    archive = ArchiveYear.objects.select_for_update().get(pk=archive.pk)  # two clicks: one export
    if archive.exports.filter(status__in=[JobStatus.PENDING, JobStatus.RUNNING]).exists():
        raise ApplicationError("上一次档案导出还没有完成，请稍候。")
    export = ArchiveExport.objects.create(archive=archive, requested_by=actor)
    audit_record(actor=actor, action="planning.archive_export", obj=export,
                 object_repr=f"{region.name}{year}年度督导档案导出", region_code=region.code,
                 after={"year": year, "export": export.pk})
    _enqueue(export.pk, export.attempt)
    return export


def export_now(*, actor, region, year: int) -> ArchiveExport:
    """Export synchronously in this process (the demo loader, a shell), recorded like the background one."""
    region = _region(region)
    with transaction.atomic():
        _check_year(year)
        archive, _ = ArchiveYear.objects.get_or_create(region=region, year=year)
        export = ArchiveExport.objects.create(archive=archive, requested_by=actor)
        audit_record(actor=actor, action="planning.archive_export", obj=export,
                     object_repr=f"{region.name}{year}年度督导档案导出", region_code=region.code,
                     after={"year": year, "export": export.pk, "synchronous": True})
    export_run(export.pk, run=export.attempt)
    export.refresh_from_db()
    return export


# ---- export: the run -----------------------------------------------------------------------------------------

class Superseded(Exception):
    """This run's attempt is no longer the export's current one (or the export finished): stop quietly."""


def _set(export_id: int, *, run: int, expected, **fields) -> None:
    """Compare-and-set: update the export only while it is in one of the `expected` statuses at attempt `run`
    (with no fields: only check that it still is)."""
    expected = [expected] if isinstance(expected, str) else list(expected)
    rows = ArchiveExport.objects.filter(pk=export_id, attempt=run, status__in=expected)
    if not (rows.update(**fields) if fields else rows.exists()):
        raise Superseded(export_id, run)


def _copy_stored(zf: zipfile.ZipFile, path: str, name: str) -> tuple[int, str] | None:
    """Copy a stored file into the zip in chunks; (size, sha256 of the bytes) or None when it is not in storage."""
    try:
        handle = files.open_blob(name)
    except (FileNotFoundError, OSError):
        return None
    digest, size = hashlib.sha256(), 0
    with handle, zf.open(path, "w", force_zip64=True) as out:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


def _write_bytes(zf: zipfile.ZipFile, path: str, data: bytes) -> tuple[int, str]:
    with zf.open(path, "w", force_zip64=True) as out:
        out.write(data)
    return len(data), hashlib.sha256(data).hexdigest()


def _copy_file(zf: zipfile.ZipFile, path: str, local: str) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    with open(local, "rb") as handle, zf.open(path, "w", force_zip64=True) as out:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return size, digest.hexdigest()


def _file_sha256(local: str) -> str:
    digest = hashlib.sha256()
    with open(local, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


INDEX_HEADERS = ["类别", "序号", "题名", "日期", "文件", "大小（字节）", "SHA-256", "来源", "状态", "说明"]


def _index_workbook(path: str, tmpdir: str, title: str):
    import xlsxwriter  # noqa: PLC0415 -- only the export worker needs it

    book = xlsxwriter.Workbook(path, {"constant_memory": True, "tmpdir": tmpdir})
    sheet = book.add_worksheet("案卷目录")
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, [title], bold)
    sheet.write_row(1, 0, INDEX_HEADERS, bold)
    for col, width in enumerate([10, 6, 50, 12, 50, 12, 66, 28, 8, 40]):
        sheet.set_column(col, col, width)
    return book, sheet


def _write_entry(zf, entry: Entry) -> tuple[str, int | None, str, str]:
    """Put one document in the zip: (status, size, sha256 in the zip, note)."""
    item = entry.item
    if item.storage_name:
        copied = _copy_stored(zf, entry.path, item.storage_name)
        if copied is None:
            return MISSING, item.size, item.sha256, "存储中找不到该文件"
        size, sha = copied
        if item.sha256 and item.sha256.lower() != sha:
            return MISMATCH, size, sha, f"登记的 SHA-256 为 {item.sha256}，文件现有内容与之不符（已按现状收入档案）"
        return OK, size, sha, ""
    if item.render is None:
        return MISSING, None, "", "来源未提供文件"
    try:
        data = item.render()
    except Exception as exc:  # noqa: BLE001 -- one document that cannot render is reported, the others go on
        return FAILED, None, "", f"生成失败：{getattr(exc, 'message', None) or exc}"[:500]
    size, sha = _write_bytes(zf, entry.path, data)
    return OK, size, sha, ""


def spooled_entries(region_code: str, year: int, tmpdir: str):
    """The entries of collect_items + entries, in the same order and numbering, without holding the catalogue in
    memory: every item's row goes to a temporary SQLite table as the sources yield it, and SQLite sorts it (on
    disk past a 2 MB cache). Only the render callables of rendered documents are kept, by row id."""
    start, end = year_bounds(year)
    db = sqlite3.connect(os.path.join(tmpdir, "catalogue.sqlite3"))
    db.execute("PRAGMA cache_size = -2000")
    db.execute("PRAGMA temp_store = FILE")
    db.execute("CREATE TABLE item (id INTEGER PRIMARY KEY, rank INTEGER, category TEXT, day TEXT, title TEXT, "
               "source TEXT, filename TEXT, storage_name TEXT, sha256 TEXT, size INTEGER)")
    renders: dict[int, object] = {}
    batch: list[tuple] = []
    n = 0
    for _name, source in sorted(archive_sources().items()):
        for item in source(region_code, start, end) or ():
            if not start <= item.day <= end:
                continue
            n += 1
            if item.render is not None:
                renders[n] = item.render
            batch.append((n, _category_rank(item.category), item.category, item.day.isoformat(), item.title,
                          item.source, item.filename, item.storage_name, item.sha256, item.size))
            if len(batch) >= 1000:
                db.executemany("INSERT INTO item VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)
                batch.clear()
    db.executemany("INSERT INTO item VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)
    del batch
    counters: dict[str, int] = {}
    try:
        rows = db.execute("SELECT id, category, day, title, source, filename, storage_name, sha256, size FROM item "
                          "ORDER BY rank, day, title, source, filename")
        for row_id, category, day, title, source, filename, storage_name, sha256, size in rows:
            item = ArchiveItem(category=category, title=title, day=datetime.date.fromisoformat(day), filename=filename,
                               storage_name=storage_name, render=renders.pop(row_id, None), sha256=sha256,
                               source=source, size=size)
            folder = category if category in FOLDERS else ArchiveCategory.PLAN.value
            counters[folder] = counters.get(folder, 0) + 1
            no = counters[folder]
            yield Entry(item, no, f"{FOLDERS[folder]}/{no:04d} {safe_filename(filename)}")
    finally:
        db.close()


def build_zip(region: Region, year: int, zip_path: str, tmpdir: str, *, progress=None) -> dict:
    """Write the archive zip of the region's year to `zip_path`; returns file_count and missing. Pure of the
    ArchiveExport row, so the bench can measure it alone (progress(n) is called every PROGRESS_EVERY files)."""
    numbered = spooled_entries(region.code, year, tmpdir)
    documents = 0
    missing: list[dict] = []
    count = 0
    index_path = os.path.join(tmpdir, "index.xlsx")
    sums_path = os.path.join(tmpdir, "sums.txt")
    book, sheet = _index_workbook(index_path, tmpdir, f"{region.name}{year}年度督导档案 案卷目录")
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as zf, \
            open(sums_path, "w", encoding="utf-8", newline="\n") as sums:
        for row, entry in enumerate(numbered, 2):
            item = entry.item
            documents += 1
            status, size, sha, note = _write_entry(zf, entry)
            in_zip = status in (OK, MISMATCH)
            if in_zip:
                count += 1
                sums.write(f"{sha}  {entry.path}\n")
            if status != OK:
                missing.append({"category": item.category, "title": item.title, "file": entry.path,
                                "source": item.source, "reason": status, "note": note})
            sheet.write_row(row, 0, [
                str(ArchiveCategory(item.category).label) if item.category in FOLDERS else item.category,
                entry.no, item.title, item.day.isoformat(), entry.path if in_zip else "",
                size if size is not None else "", sha, item.source, status, note])
            if progress and count and count % PROGRESS_EVERY == 0:
                progress(count)
        book.close()
        _size, index_sha = _copy_file(zf, INDEX_NAME, index_path)
        sums.write(f"{index_sha}  {INDEX_NAME}\n")
        sums.close()
        _copy_file(zf, SUMS_NAME, sums_path)
    return {"file_count": count, "missing": missing, "documents": documents}


def zip_storage_name(export: ArchiveExport) -> str:
    return f"archives/{export.archive.region_id}/{export.archive.year}/export-{export.pk}-{export.attempt}.zip"


def download_name(export: ArchiveExport) -> str:
    return f"{export.archive.region.name}{export.archive.year}年度督导档案.zip"


def export_run(export_id: int, *, run: int = 1) -> str | None:
    """Build the zip as attempt `run`; returns the status this run set, or None when superseded. Safe to run again
    after a kill: it starts over from nothing and replaces nothing of a finished export."""
    export = ArchiveExport.objects.select_related("archive__region").get(pk=export_id)
    try:
        _set(export_id, run=run, expected=JobStatus.PENDING, status=JobStatus.RUNNING, file_count=0)
    except Superseded:
        return None
    archive = export.archive
    tmpdir = tempfile.mkdtemp(prefix="dudao-archive-")
    stored_name = ""
    try:
        zip_path = os.path.join(tmpdir, "archive.zip")

        def progress(n: int) -> None:
            _set(export_id, run=run, expected=JobStatus.RUNNING, file_count=n)

        result = build_zip(archive.region, archive.year, zip_path, tmpdir, progress=progress)
        size, sha = os.path.getsize(zip_path), _file_sha256(zip_path)
        _set(export_id, run=run, expected=JobStatus.RUNNING)  # still ours before storing
        with open(zip_path, "rb") as handle:
            stored_name = default_storage.save(zip_storage_name(export), File(handle))
        missing = result["missing"]
        warning = ""
        if missing:
            kinds = {}
            for m in missing:
                kinds[m["reason"]] = kinds.get(m["reason"], 0) + 1
            warning = ("导出已完成，但有 " + "、".join(f"{n} 个文件{k}" for k, n in kinds.items())
                       + "，已在案卷目录中逐一标明，请核对后补齐。")
        _set(export_id, run=run, expected=JobStatus.RUNNING, status=JobStatus.DONE, file_name=stored_name,
             size=size, sha256=sha, file_count=result["file_count"], missing=missing, error=warning,
             finished_at=timezone.now())
        return JobStatus.DONE
    except Superseded:
        if stored_name:
            default_storage.delete(stored_name)
        return None
    except Exception as exc:  # noqa: BLE001 -- recorded for the office to see
        if stored_name:
            default_storage.delete(stored_name)
        message = getattr(exc, "message", None) or str(exc)
        return _run_failed(export_id, run, f"导出失败：{message}")
    except BaseException:  # the worker was stopped in the middle
        _run_failed(export_id, run, "工作进程被停止，导出中断；可再次点“导出档案”。")
        raise
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)


def _run_failed(export_id: int, run: int, error: str) -> str | None:
    try:
        _set(export_id, run=run, expected=[JobStatus.RUNNING, JobStatus.PENDING], status=JobStatus.FAILED,
             error=error[:2000], finished_at=timezone.now())
    except Superseded:
        return None
    return JobStatus.FAILED


# ---- 归档 and 重新开放 ------------------------------------------------------------------------------------------

@transaction.atomic
def archive_lock(*, actor, region, year: int) -> ArchiveYear:
    """归档: lock the region's year (office staff of the region). Refused for this Beijing year or later, and until
    the latest export of the year has finished (已完成; one with files reported missing is accepted, its warning
    stays on the page)."""
    region = _region(region)
    require_office_for(actor, region.code, "只有本区域督导室可以归档。")
    if year >= timezone.localdate().year:
        raise ApplicationError(f"{year}年度尚未结束，不能归档：只能归档已结束的年度。")
    archive = ArchiveYear.objects.select_for_update().filter(region=region, year=year).first()
    latest = archive.exports.order_by("-requested_at", "-id").first() if archive else None
    if latest is None or latest.status != JobStatus.DONE:
        raise ApplicationError(f"{region.name}{year}年度还没有成功导出的档案：请先点“导出档案”，完成后再归档。")
    ARCHIVE_WORKFLOW.check(archive.status, ArchiveStatus.LOCKED)
    before = archive.status
    archive.status, archive.locked_at = ArchiveStatus.LOCKED, timezone.now()
    archive.save(update_fields=["status", "locked_at"])
    ArchiveTransition.record(archive, from_status=before, to_status=ArchiveStatus.LOCKED, actor=actor,
                             note=f"依据导出 {latest.pk}（{cn_date(latest.finished_at)}，{latest.file_count} 个文件）")
    audit_record(actor=actor, action="planning.archive_lock", obj=archive, object_repr=f"{region.name}{year}年度督导档案",
                 region_code=region.code, before={"status": before},
                 after={"status": archive.status, "export": latest.pk, "missing": len(latest.missing)})
    return archive


@transaction.atomic
def archive_reopen(*, actor, archive: ArchiveYear, reason: str) -> ArchiveYear:
    """重新开放: administrators only, with a reason (kept in the transition and the audit log)."""
    if not scope_for(actor).everything:
        raise PermissionDenied("只有系统管理员可以重新开放已归档的年度。")
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError("请填写重新开放的理由。")
    if len(reason) > 500:
        raise ApplicationError("重新开放的理由不能超过 500 字。")
    archive = ArchiveYear.objects.select_for_update().select_related("region").get(pk=archive.pk)
    ARCHIVE_WORKFLOW.check(archive.status, ArchiveStatus.OPEN)
    archive.status, archive.locked_at = ArchiveStatus.OPEN, None
    archive.save(update_fields=["status", "locked_at"])
    ArchiveTransition.record(archive, from_status=ArchiveStatus.LOCKED, to_status=ArchiveStatus.OPEN, actor=actor,
                             note=reason)
    audit_record(actor=actor, action="planning.archive_reopen", obj=archive,
                 object_repr=f"{archive.region.name}{archive.year}年度督导档案", region_code=archive.region_id,
                 before={"status": ArchiveStatus.LOCKED}, after={"status": archive.status, "reason": reason})
    return archive
