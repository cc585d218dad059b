"""Uploaded national, provincial and city monitoring reports (国家义务教育质量监测 and the like), one school at a
time: the office of the school's county uploads a PDF; that school and the office read it (issue 19 item 6)."""

from django.db import transaction

from dudao.core.audit import audit_record, snapshot
from dudao.core.errors import ApplicationError
from dudao.core.scope import require_office_for
from dudao.documents import files
from dudao.documents.models import FileKind
from dudao.documents.services import file_record
from dudao.quality.models import ExternalLevel, ExternalReport

PDF = "application/pdf"
YEAR_RANGE = (2000, 2100)


def external_report_upload(*, actor, school, level: str, year, title: str, upload) -> ExternalReport:
    """Store one report (PDF only, judged by its bytes, within the upload size limit) for a school of the actor's
    county. A new upload is a new row: nothing is ever overwritten."""
    require_office_for(actor, school.region_id, "只有学校所在县（区）的督导室可以上传该校的质量监测报告。")
    if level not in ExternalLevel.values:
        raise ApplicationError("请选择报告级别（国家、省级或市级质量监测）。")
    try:
        year = int(str(year).strip())
    except (TypeError, ValueError):
        raise ApplicationError("年度应为四位数字，如 2026。") from None
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise ApplicationError(f"年度应在 {YEAR_RANGE[0]}—{YEAR_RANGE[1]} 之间。")
    title = " ".join((title or "").split())
    if not title:
        raise ApplicationError("请填写报告标题。")
    if len(title) > 128:
        raise ApplicationError("报告标题不能超过 128 个字。")
    if upload is None:
        raise ApplicationError("请选择要上传的 PDF 文件。")
    # Checked and written outside the transaction (files.check_and_write): the slow part holds no lock.
    checked = files.check_and_write(upload, kind=FileKind.DOCUMENT, region_code=school.region_id)
    if checked.content_type != PDF:
        raise ApplicationError(f"文件“{checked.name}”不是 PDF 文件：质量监测报告只接受 PDF。")
    with transaction.atomic():
        report = ExternalReport(school=school, level=level, year=year, title=title,
                                file=file_record(actor=actor, checked=checked), uploaded_by=actor)
        report.full_clean()
        report.save()
        audit_record(actor=actor, action="quality.external_upload", obj=report, region_code=school.region_id,
                     after=snapshot(report))
    return report
