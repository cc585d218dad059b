"""The office's year from audits: calendar items, key events, year figures, archive documents (core.registries), registered
by register_year(). One block per area: imports at the top, functions in your block, registration in register_year()."""

import datetime

from dudao.audits.models import AuditCase
from dudao.audits.selectors import cases as selectors
from dudao.core.registries import (
    CalendarItem,
    Figure,
    FigureReader,
    period_label,
    register_archive_source,
    register_calendar_source,
    register_year_figures,
    stored_archive_item,
    url_for_pk,
)
from dudao.core.scope import region_prefix

# ---- cases ----


def calendar_fieldwork(user, start: datetime.date, end: datetime.date) -> list[CalendarItem]:
    """现场审计 of each visible case over its fieldwork dates. Not counted as a supervision visit entering the
    school (an audit is not a 督导 visit under the per-term limit)."""
    rows = AuditCase.objects.visible_to(user).filter(fieldwork_from__isnull=False, fieldwork_from__lte=end,
                                                     fieldwork_to__gte=start).select_related("school")
    url = url_for_pk("audits:case_detail")
    return [CalendarItem(source="audits.fieldwork", key=str(c.pk), title=f"现场审计：{c.school.name} {c.auditee_name}",
                         start=c.fieldwork_from, end=c.fieldwork_to, url=url(c.pk), region_code=c.school.region_id,
                         school_ids=(c.school_id,), detail=f"{c.get_reason_display()}审计（{c.get_status_display()}）")
            for c in rows[:500]]


def year_figures(region_code: str, start: datetime.date, end: datetime.date) -> list[Figure]:
    reader, period = FigureReader(region_code), period_label(start, end)
    counts = selectors.year_counts(reader, start, end)
    return [
        Figure("audits.planned", "年度计划审计学校领导干部", counts["planned"], "名",
               f"audits.selectors.cases.year_counts：{start.year}–{end.year} 年度审计计划中的审计事项"),
        Figure("audits.audited", "完成审计（出具审计报告）", counts["audited"], "名",
               f"audits.selectors.cases.year_counts：{period} 出具审计报告的审计事项",
               columns=("审计类型", "人数"), rows=tuple(counts["by_reason"])),
        Figure("audits.published", "公开审计报告", counts["published"], "份",
               f"audits.selectors.cases.year_counts：{period} 在结果公开页面发布且仍在公开的审计报告摘要"),
    ]


def archive_reports(region_code: str, start: datetime.date, end: datetime.date):
    """督导档案: the issued 审计报告 (the stored .docx) of the region, dated by their issue date."""
    rows = AuditCase.objects.filter(region_code__startswith=region_prefix(region_code), report_file__isnull=False,
                                    report_issued_on__range=(start, end)).select_related("report_file", "school")
    for c in rows.order_by("report_issued_on", "id"):
        yield stored_archive_item("duxue", f"审计报告 {c.report_number}（{c.school.name} {c.auditee_name}）",
                                  c.report_issued_on, c.report_file, source=f"audits.case:{c.pk}")


def register_year() -> None:
    # cases
    register_calendar_source("audits.fieldwork", "现场审计", calendar_fieldwork)
    register_year_figures("audits", "学校领导干部经济责任审计", year_figures, order=90)
    register_archive_source("audits.reports", archive_reports)
