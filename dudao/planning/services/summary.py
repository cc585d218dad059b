"""年度工作总结 and the quarterly 督导结果报告, drafted by the platform (issue 20 item 6).

`summary_request` (office of the region) queues a SummaryReport; the background task (planning.tasks.build_summary)
runs `summary_build`: every registered year-figure section (core.registries.register_year_figures, in registry
order) gives its figures, each with the function it came from and the period; they are kept on the report, and
the .docx is rendered from the region's "annual_summary" / "quarterly_report" Word template (editable by the
office like every document template) in the document sandbox and saved through Django's storage.
"""

import datetime
import io
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from dudao.core.audit import audit_record
from dudao.core.dates import cn_date
from dudao.core.errors import ApplicationError
from dudao.core.registries import refuse_if_archived, year_figure_sections
from dudao.core.scope import require_office_for
from dudao.documents.render import render_docx_bytes
from dudao.documents.selectors import template_bytes
from dudao.planning.models import JobStatus, SummaryKind, SummaryReport
from dudao.planning.selectors.summary import value_text
from dudao.regions.models import Region

logger = logging.getLogger(__name__)

FIRST_YEAR = 2000
TEMPLATE_KEYS = {SummaryKind.ANNUAL: "annual_summary", SummaryKind.QUARTERLY: "quarterly_report"}
NOT_OFFICE = "只有本区域督导室可以生成工作总结。"
NUMERALS = "一二三四五六七八九十"
QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}
# Figures with their own block in the document, not the section's breakdown table.
OWN_BLOCKS = {"planning.tasks", "planning.chronicle"}


# ---- the period --------------------------------------------------------------------------------------------------

def period_of(year: int, quarter: int | None = None) -> tuple[datetime.date, datetime.date]:
    """The calendar year, or one of its quarters: (first day, last day), Beijing dates, inclusive."""
    if quarter is None:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    first = datetime.date(year, 3 * quarter - 2, 1)
    last_month = 3 * quarter
    after = datetime.date(year + (last_month == 12), last_month % 12 + 1, 1)
    return first, after - datetime.timedelta(days=1)


def period_name(year: int, quarter: int | None = None) -> str:
    return f"{year}年" if quarter is None else f"{year}年{QUARTER_NAMES[quarter]}"


def report_title(report: SummaryReport) -> str:
    region = report.region.name
    if report.kind == SummaryKind.QUARTERLY:
        return f"{region}{period_name(report.year, report.quarter)}教育督导结果报告"
    return f"{region}{report.year}年教育督导工作总结"


def _int(value, what: str) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise ApplicationError(f"{what}必须是整数。") from None


def _validated(kind: str, year, quarter) -> tuple[str, int, int | None]:
    if kind not in SummaryKind.values:
        raise ApplicationError("总结类型只能是年度工作总结或季度督导结果报告。")
    year = _int(year, "年度")
    today = timezone.localdate()
    if not FIRST_YEAR <= year <= today.year:
        raise ApplicationError(f"年度须在 {FIRST_YEAR} 年至 {today.year} 年之间（不能为尚未开始的年度起草总结）。")
    if kind == SummaryKind.ANNUAL:
        if quarter not in (None, ""):
            raise ApplicationError("年度工作总结不选季度。")
        return kind, year, None
    if quarter in (None, ""):
        raise ApplicationError("季度督导结果报告须选择季度（1～4）。")
    quarter = _int(quarter, "季度")
    if quarter not in QUARTER_NAMES:
        raise ApplicationError("季度只能是 1～4。")
    if period_of(year, quarter)[0] > today:
        raise ApplicationError(f"{period_name(year, quarter)}尚未开始，不能起草该季度的报告。")
    return kind, year, quarter


# ---- queueing ----------------------------------------------------------------------------------------------------

def _enqueue(report_id: int, run: int) -> None:
    from dudao.planning.tasks import build_summary  # noqa: PLC0415 -- the task runs this module: a cycle

    transaction.on_commit(lambda: build_summary.enqueue(report_id, run=run))


@transaction.atomic
def summary_request(*, actor, region: Region, year, kind: str = SummaryKind.ANNUAL, quarter=None) -> SummaryReport:
    """Queue a draft of the region's 年度工作总结 (or a quarter's 督导结果报告); the worker builds it after the commit."""
    require_office_for(actor, region.code, NOT_OFFICE)
    kind, year, quarter = _validated(kind, year, quarter)
    start, end = period_of(year, quarter)
    refuse_if_archived(region.code, start, f"{period_name(year, quarter)}的工作总结")
    Region.objects.select_for_update().filter(pk=region.pk).first()  # two clicks: one draft at a time
    if SummaryReport.objects.filter(region=region, kind=kind, year=year, quarter=quarter,
                                    status__in=[JobStatus.PENDING, JobStatus.RUNNING]).exists():
        raise ApplicationError("同一期间的草稿正在生成，请稍候刷新查看。")
    report = SummaryReport.objects.create(region=region, kind=kind, year=year, quarter=quarter, requested_by=actor)
    audit_record(actor=actor, action="summary.request", obj=report, object_repr=period_name(year, quarter) + report.get_kind_display(),
                 region_code=region.code, after={"kind": kind, "year": year, "quarter": quarter})
    _enqueue(report.pk, report.attempt)
    return report


@transaction.atomic
def summary_retry(*, actor, report: SummaryReport) -> SummaryReport:
    """Queue a failed draft again as a new attempt."""
    require_office_for(actor, report.region_id, NOT_OFFICE)
    report = SummaryReport.objects.select_for_update().get(pk=report.pk)
    if report.status != JobStatus.FAILED:
        raise ApplicationError("只有生成失败的草稿可以重试。")
    refuse_if_archived(report.region_id, period_of(report.year, report.quarter)[0],
                       f"{period_name(report.year, report.quarter)}的工作总结")
    before = {"status": report.status, "error": report.error, "attempt": report.attempt}
    report.status, report.error, report.finished_at, report.attempt = JobStatus.PENDING, "", None, report.attempt + 1
    report.save(update_fields=["status", "error", "finished_at", "attempt"])
    audit_record(actor=actor, action="summary.retry", obj=report, region_code=report.region_id, before=before,
                 after={"status": report.status, "attempt": report.attempt})
    _enqueue(report.pk, report.attempt)
    return report


# ---- building ----------------------------------------------------------------------------------------------------

class SectionFailed(Exception):
    def __init__(self, title: str, exc: Exception) -> None:
        super().__init__(title)
        self.message = f"“{title}”部分的数据读取失败（{getattr(exc, 'message', None) or exc.__class__.__name__}）"


def collect_figures(region_code: str, start: datetime.date, end: datetime.date) -> list[dict]:
    """Every registered section's figures, in registry order, as plain data (what the report keeps)."""
    out = []
    for section in year_figure_sections():
        try:
            figures = list(section.figures(region_code, start, end))
        except Exception as exc:  # noqa: BLE001 -- named in the report's failure reason
            raise SectionFailed(section.title, exc) from exc
        for f in figures:
            out.append({"section": section.name, "section_title": section.title, "key": f.key, "label": f.label,
                        "value": f.value, "unit": f.unit, "source": f.source, "columns": list(f.columns),
                        "rows": [[_cell(c) for c in row] for row in f.rows]})
    return out


def _cell(value) -> str | int | float:
    if value is None:
        return "—"
    if isinstance(value, int | float | str):
        return value
    return str(value)


def _sections(figures: list[dict]) -> list[dict]:
    sections: dict[str, dict] = {}
    for f in figures:
        sections.setdefault(f["section"], {"name": f["section"], "title": f["section_title"], "figures": []})
        sections[f["section"]]["figures"].append(f)
    return list(sections.values())


def _details(figure: dict) -> list[dict]:
    """A breakdown table printed as two columns (分项 | 情况) whatever its width: the template stays fixed."""
    columns = figure["columns"]
    out = []
    for row in figure["rows"]:
        rest = "；".join(f"{c}：{v}" for c, v in zip(columns[1:], row[1:], strict=False))
        out.append({"name": f"{figure['label']} · {row[0]}" if row else figure["label"], "text": rest})
    return out


def _by_key(figures: list[dict]) -> dict[str, dict]:
    return {f["key"]: f for f in figures}


def _overview(region: Region, period: str, figures: list[dict], *, whole_year: bool = True) -> str:
    keys = _by_key(figures)
    parts = []
    for key, text in (("zones.visits", "责任督学开展经常性督导 {}"), ("inspections.projects", "组织督导评估项目 {}"),
                      ("rectification.raised", "督导发现问题 {}"), ("rectification.rate", "整改率 {}"),
                      ("surveys.recognition", "社会认可度 {}"), ("planning.completion", "工作要点完成率 {}")):
        if key in keys and keys[key]["value"] is not None:
            parts.append(text.format(value_text(keys[key])))
    lead = f"{period}，{region.name}教育督导工作在上级督导部门指导下，围绕年度工作要点，统筹推进督政、督学、评估监测各项工作。"
    return lead + (("全年" if whole_year else "本季度") + "，".join(parts) + "。" if parts else "本期各模块暂无可统计的数据。") + \
        "以下各项数据均由平台从各业务模块的记录自动汇总，来源见附录。"


def document_context(report: SummaryReport, figures: list[dict], *, generated_on: datetime.date) -> dict:
    start, end = period_of(report.year, report.quarter)
    period = period_name(report.year, report.quarter)
    keys = _by_key(figures)
    sections, n = [], 1
    for section in _sections(figures):
        shown = [f for f in section["figures"] if f["key"] not in OWN_BLOCKS]
        if not shown:
            continue
        n += 1
        details = [d for f in shown if f["rows"] for d in _details(f)]
        sections.append({
            "heading": f"{NUMERALS[n - 1] if n <= 10 else n}、{section['title']}",
            "text": "；".join(f"{f['label']} {value_text(f)}" for f in shown) + "。",
            "figures": [{"label": f["label"], "value": value_text(f)} for f in shown],
            "details": details, "has_details": bool(details)})
    plan = keys.get("planning.tasks")
    plan_rows = [dict(zip(("section", "total", "done", "in_progress", "not_started", "late", "dropped", "percent"), row,
                          strict=False)) for row in (plan["rows"] if plan else [])]
    chronicle = keys.get("planning.chronicle")
    numeral = lambda i: NUMERALS[i - 1] if i <= 10 else str(i)  # noqa: E731
    return {
        "title": report_title(report), "region": report.region.name,
        "office": f"{report.region.name}人民政府教育督导室", "period": f"{cn_date(start)}至{cn_date(end)}",
        "period_name": period, "generated_on": cn_date(generated_on),
        "recipients": f"中共{report.region.name}委员会、{report.region.name}人民政府",
        "overview": _overview(report.region, period, figures, whole_year=report.quarter is None),
        "sections": sections,
        "plan_heading": f"{numeral(n + 1)}、工作要点落实情况",
        "plan_text": (f"工作要点任务 {value_text(plan)}，其中已完成 {value_text(keys['planning.done'])}、逾期未完成 "
                      f"{value_text(keys['planning.late'])}、已取消 {value_text(keys['planning.dropped'])}，完成率 "
                      f"{value_text(keys['planning.completion'])}。") if plan and "planning.done" in keys else "本期没有已发布的工作要点任务。",
        "plan_rows": plan_rows,
        "chronicle_heading": f"{numeral(n + 2)}、督导大事记",
        "chronicle": [{"date": row[0], "title": row[1]} for row in (chronicle["rows"] if chronicle else [])],
        "appendix": [{"label": f["label"], "value": value_text(f), "source": f["source"]} for f in figures],
    }


def render_document(report: SummaryReport, figures: list[dict], *, generated_on: datetime.date | None = None) -> bytes:
    context = document_context(report, figures, generated_on=generated_on or timezone.localdate())
    template = template_bytes(TEMPLATE_KEYS[report.kind], report.region_id)
    return render_docx_bytes(io.BytesIO(template), context)


def file_name(report: SummaryReport) -> str:
    return f"{report_title(report)}（草稿）.docx"


def _set(report_id: int, run: int, expected, **fields) -> bool:
    expected = [expected] if isinstance(expected, str) else list(expected)
    return bool(SummaryReport.objects.filter(pk=report_id, attempt=run, status__in=expected).update(**fields))


def summary_build(report_id: int, *, run: int | None = None) -> str | None:
    """Build the draft as attempt `run` (the report's current attempt by default): figures, then the .docx in
    storage; done, or failed with a Chinese reason. Returns the status set, or None when superseded."""
    report = SummaryReport.objects.select_related("region").get(pk=report_id)
    run = run or report.attempt
    if not _set(report_id, run, JobStatus.PENDING, status=JobStatus.RUNNING, error=""):
        return None
    try:
        start, end = period_of(report.year, report.quarter)
        figures = collect_figures(report.region_id, start, end)
        data = render_document(report, figures)
        name = default_storage.save(f"planning/summaries/{report.region_id}/{report.pk}-{run}.docx", ContentFile(data))
        if not _set(report_id, run, JobStatus.RUNNING, status=JobStatus.DONE, figures=figures, file_name=name,
                    error="", finished_at=timezone.now()):
            default_storage.delete(name)
            return None
        return JobStatus.DONE
    except Exception as exc:  # noqa: BLE001 -- recorded for the office to see; the page shows it
        # a Chinese reason (ApplicationError, SectionFailed) is shown as it is; any other error's text may hold a
        # server path or SQL: it goes to the server log, and the page names only the kind of error
        message = getattr(exc, "message", None)
        if not message:
            logger.exception("summary %s run %s failed", report_id, run)
            message = f"系统内部错误（{exc.__class__.__name__}），请联系系统管理员"
        _set(report_id, run, JobStatus.RUNNING, status=JobStatus.FAILED, error=f"生成失败：{message}。可点“重试”再次生成。"[:2000],
             finished_at=timezone.now())
        return JobStatus.FAILED
    except BaseException:
        _set(report_id, run, JobStatus.RUNNING, status=JobStatus.FAILED, finished_at=timezone.now(),
             error="工作进程被停止，生成中断；可点“重试”再次生成。")
        raise
