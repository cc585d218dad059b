"""监测报告: the district report and every school's report of a round, in Word (editable templates
`quality_district_report`, `quality_school_report`, rendered in the document sandbox) and PDF (WeasyPrint), one
at a time on demand or all of them as a background batch with progress (ReportBatch, Report rows).

Figures come from the results selectors (dudao.quality.selectors) read as the office would: a school's report
holds only its own figures and the county's, with groups under the minimum size left out (and said so).
The context builders (`district_context`, `school_context`) take the selectors' plain dicts, so they can be
tested with made-up figures.

The batch copies the 意见书 batch (dudao.inspections.opinions): queued when the start commits, a task per batch
(dudao.quality.tasks.render_report_batch), every status update a compare-and-set on (status, attempt), a
killed worker's batch queued again as a new attempt, documents stored by an earlier attempt not rendered again.
Each document is stored as it is rendered (a StoredFile by SHA-256 and a Report row, under the batch row's lock),
so progress is saved document by document and a resumed run skips what is already there."""

import base64
import io
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from dudao.core.audit import audit_record
from dudao.core.dates import cn_date
from dudao.core.errors import ApplicationError
from dudao.core.models import RoleAssignment
from dudao.core.policy import policy_value
from dudao.core.roles import Role
from dudao.core.scope import Scope, holds_role_in, require_office_for, scope_for
from dudao.documents import files, render
from dudao.documents.charts import stacked_bar_png
from dudao.documents.models import FileKind, StoredFile
from dudao.documents.selectors import template_bytes
from dudao.quality import selectors
from dudao.quality.models import (
    Report,
    ReportBatch,
    ReportFormat,
    ReportStatus,
    Round,
    RoundStatus,
    SubjectKind,
    Term,
)
from dudao.quality.tasks import render_report_batch
from dudao.schools.models import School

DISTRICT_KEY, SCHOOL_KEY = "quality_district_report", "quality_school_report"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CONTENT_TYPES = {ReportFormat.DOCX: DOCX, ReportFormat.PDF: "application/pdf"}
CHART_ROWS = 40
SHRINKAGE_NOTE = (
    "增值评价用两层随机截距模型：学生成绩 = 截距 + 前测成绩的影响（+ 性别等）+ 学校效应 + 学生个体差异。学校效应表示"
    "在入学基础相同的学生中，本校学生比全区平均多（正值）或少（负值）得多少分。每所学校的估计都带有不确定性：参加测试的"
    "学生越少，偶然因素的影响越大，所以模型把小规模学校的估计向 0 收缩（收缩系数越小，收缩越多，越接近全区平均），"
    "避免因几个学生的偶然表现把小学校评为“特别好”或“特别差”。“简单残差法”是不收缩的各校平均残差，列在旁边供比较。"
    "只有 95% 置信区间整体高于 0 的学校才判为“显著高于预期”，整体低于 0 的才判为“显著低于预期”，区间跨过 0 的为“符合预期”。")
ROUND_STATUSES_WITH_RESULTS = {RoundStatus.SCORED, RoundStatus.PUBLISHED}


# ---- formatting ---------------------------------------------------------------------------------------------------

def _num(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    try:
        value = float(value)
    except (TypeError, ValueError):
        return "—"
    if value != value or value in (float("inf"), float("-inf")):  # NaN, infinities
        return "—"
    value = round(value, digits) + 0.0  # no "-0.00"
    return f"{value:.{digits}f}"


def _pct(value) -> str:
    """Rates come from the engine as 0–100."""
    text = _num(value)
    return text if text == "—" else f"{text}%"


def _signed(value, digits: int = 1) -> str:
    text = _num(value, digits)
    return text if text == "—" or text.startswith("-") else f"+{text}"


def _year_label(round: Round) -> str:
    return f"{round.year}—{round.year + 1}学年"


def round_facts(round: Round, subjects: list, schools: list) -> dict:
    """The round as the reports describe it: year, term, grade, schools, subjects and the "2+1" draw."""
    fixed = [s.name for s in subjects if s.kind == SubjectKind.FIXED]
    drawn = [s.name for s in subjects if s.kind == SubjectKind.DRAWN]
    pool = "、".join(str(p.get("name", "")) for p in (round.draw_pool or []) if isinstance(p, dict))
    if drawn:
        draw = (f"按“2+1”方式确定监测学科：固定学科 {'、'.join(fixed) or '—'}，随机抽取学科 {'、'.join(drawn)}"
                f"（备选学科：{pool or '—'}；随机种子 {round.draw_seed if round.draw_seed is not None else '—'}"
                f"{'，抽取时间 ' + cn_date(round.drawn_at) if round.drawn_at else ''}；用同一种子可复现抽取结果）。")
    else:
        draw = f"监测学科：{'、'.join(fixed) or '—'}（本轮未随机抽取学科）。"
    sample = ""
    if round.sample_seed is not None:
        sample = (f"学校为从 {round.population_size} 所学校中随机抽取的样本（随机种子 {round.sample_seed}，"
                  f"总体摘要 {round.population_digest[:16]}）。")
    return {
        "title": round.title, "county": round.region.name, "year": _year_label(round),
        "term": str(Term(round.term).label), "grade": f"{round.grade}年级", "test_date": cn_date(round.test_date),
        "schools": len(schools), "subjects": "、".join(s.name for s in subjects), "draw": draw, "sample": sample,
        "status": round.get_status_display(),
    }


def report_title(round: Round) -> str:
    """"…学业质量监测" + "报告", any other title + "监测报告"."""
    return f"{round.title}报告" if round.title.endswith("监测") else f"{round.title}监测报告"


def _office(round: Round) -> str:
    return f"{round.region.name}人民政府教育督导室"


def _bands_chart(subject_rows: list[tuple[str, list[dict]]]) -> bytes:
    rows = [(name, [(str(b.get("band", "")), float(b.get("share") or 0)) for b in bands])
            for name, bands in subject_rows if bands]
    return stacked_bar_png("各学科成绩分数段分布（占参测学生的百分比）", rows[:CHART_ROWS] or [("无数据", [])])


def _band_range(band: dict) -> str:
    lower, upper = band.get("lower"), band.get("upper")
    if lower is None and upper is None:
        return "—"
    if lower is None:
        return f"低于 {_num(upper)}"
    if upper is None:
        return f"{_num(lower)} 及以上"
    return f"{_num(lower)}～{_num(upper)}"


def _png_data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


# ---- the district report -----------------------------------------------------------------------------------------

def district_context(round: Round, subjects: list[dict], *, schools: list, generated_on=None) -> dict:
    """subjects: [{"subject": RoundSubject, "results": subject_results(...), "va": value_added(...)}] in order.
    Returns plain data (the Word and PDF templates' fields) plus "chart_png" (bytes, taken out before rendering)."""
    facts = round_facts(round, [s["subject"] for s in subjects], schools)
    line = float(policy_value("quality.finding_pass_rate", round.region_id))  # the same line as the findings
    subject_rows, school_rows, band_rows, va_rows, va_notes, below, charts = [], [], [], [], [], [], []
    for item in subjects:
        subject, results, va = item["subject"], item.get("results") or {}, item.get("va") or {}
        county = results.get("county") or {}
        subject_rows.append({
            "name": subject.name, "kind": str(SubjectKind(subject.kind).label), "full_marks": _num(subject.full_marks, 0),
            "pass_line": _num(subject.pass_line), "excellent_line": _num(subject.excellent_line),
            "low_line": _num(subject.low_line), "n": county.get("n", 0), "mean": _num(county.get("mean")),
            "sd": _num(county.get("sd")), "median": _num(county.get("median")),
            "pass_rate": _pct(county.get("pass_rate")), "excellent_rate": _pct(county.get("excellent_rate")),
            "low_rate": _pct(county.get("low_rate"))})
        for s in results.get("schools") or []:
            school_rows.append({
                "subject": subject.name, "code": s.get("code", ""),
                "name": s.get("name", "") + ("（人数不足，不向学校单独公布）" if s.get("withheld") else ""),
                "n": s.get("n", 0), "mean": _num(s.get("mean")), "pass_rate": _pct(s.get("pass_rate")),
                "excellent_rate": _pct(s.get("excellent_rate")), "low_rate": _pct(s.get("low_rate")),
                "gap": _signed(s.get("gap_mean"))})
            rate = s.get("pass_rate")
            if rate is not None and float(rate) < line:
                below.append({"subject": subject.name, "code": s.get("code", ""), "name": s.get("name", ""),
                              "n": s.get("n", 0), "pass_rate": _pct(rate), "county": _pct(county.get("pass_rate")),
                              "line": _pct(line)})
        bands = results.get("bands") or []
        charts.append((subject.name, bands))
        for b in bands:
            band_rows.append({"subject": subject.name, "band": b.get("band", ""), "range": _band_range(b),
                              "count": b.get("count", 0), "share": _pct(b.get("share"))})
        if va.get("error"):
            va_notes.append(f"{subject.name}：未能计算增值评价（{va['error']}）")
        elif va:
            method = "限制性极大似然（REML）" if va.get("method", "reml") == "reml" else "极大似然（ML）"
            counts = {"above": 0, "expected": 0, "below": 0}
            for s in va.get("schools") or []:
                counts[s.get("flag", "expected")] = counts.get(s.get("flag", "expected"), 0) + 1
                va_rows.append({
                    "subject": subject.name, "code": s.get("code", ""), "name": s.get("name", ""), "n": s.get("n", 0),
                    "effect": _signed(s.get("effect"), 2),
                    "ci": f"{_num(s.get('ci_low'), 2)} ～ {_num(s.get('ci_high'), 2)}",
                    "flag": s.get("flag_label") or {"above": "显著高于预期", "below": "显著低于预期"}.get(
                        s.get("flag"), "符合预期"),
                    "residual": _signed(s.get("residual_mean"), 2), "shrinkage": _num(s.get("shrinkage"), 2),
                    "small": "是" if s.get("small") else ""})
            fixed = va.get("fixed") or {}
            note = (f"{subject.name}：{method}估计，学生 {va.get('n_students', 0)} 人、学校 {va.get('n_schools', 0)} 所；"
                    f"前测成绩每高 1 分，本次成绩平均高 {_num(fixed.get('prior'), 3)} 分；学校间方差 "
                    f"{_num(va.get('school_var'), 2)}，学生间方差 {_num(va.get('residual_var'), 2)}，组内相关系数 "
                    f"{_num(va.get('icc'), 3)}；显著高于预期 {counts['above']} 所，符合预期 {counts['expected']} 所，"
                    f"显著低于预期 {counts['below']} 所。")
            if not va.get("converged", True):
                note += "注意：模型估计未收敛，结果仅供参考。"
            va_notes.append(note + "".join(str(w) for w in va.get("warnings") or []))
    total = sum(r["n"] for r in subject_rows if isinstance(r["n"], int))
    summary = (f"{facts['county']}{facts['year']}{facts['term']}{facts['grade']}学业质量监测共有 {facts['schools']} 所学校参加，"
               f"监测学科 {facts['subjects'] or '—'}，各学科共计 {total} 人次参测。"
               + "".join(f"{r['name']}全区平均分 {r['mean']}（满分 {r['full_marks']}），合格率 {r['pass_rate']}，"
                         f"优秀率 {r['excellent_rate']}，低分率 {r['low_rate']}。" for r in subject_rows))
    when = generated_on or timezone.localdate()
    return {
        "title": report_title(round), "office": _office(round), "generated_on": cn_date(when), "round": facts,
        "summary": summary, "subjects": subject_rows, "schools": school_rows, "bands": band_rows,
        "va_note": SHRINKAGE_NOTE, "va_summaries": va_notes, "va": va_rows, "below": below,
        "pass_line": _pct(line),
        "chart_png": _bands_chart(charts),
    }


# ---- a school's report -------------------------------------------------------------------------------------------

def _blocks(results: dict) -> list[dict]:
    """school_results' per-subject blocks as a list, whether they come as a list or keyed by subject name."""
    subjects = results.get("subjects", results) if isinstance(results, dict) else results
    if isinstance(subjects, dict):
        return [{"subject": name, **(block or {})} for name, block in subjects.items()]
    return list(subjects or [])


def _subject_name(block: dict) -> str:
    subject = block.get("subject")
    return str(subject.get("name", "")) if isinstance(subject, dict) else str(subject or block.get("name", ""))


def _group_rows(subject: str, groups: list[dict], key: str, label: str, withheld: list[str]) -> list[dict]:
    rows = []
    for g in groups or []:
        name = str(g.get(key) or g.get("name") or g.get("group") or "") or f"未填{label}"
        if g.get("withheld"):
            withheld.append(f"{subject}{name}（{g.get('n', 0)} 人）")
            continue
        rows.append({"subject": subject, "name": name, "n": g.get("n", 0), "mean": _num(g.get("mean")),
                     "pass_rate": _pct(g.get("pass_rate")), "excellent_rate": _pct(g.get("excellent_rate")),
                     "low_rate": _pct(g.get("low_rate"))})
    return rows


def school_context(round: Round, school, *, results: dict, va_by_subject: dict[str, dict], trend: list[dict],
                   subjects: list, schools_count: int, generated_on=None) -> dict:
    """results: school_results(round, school); va_by_subject: subject name → value_added(...) (the whole county's,
    this school is picked out); trend: school_trend(school). Groups under the minimum size are left out."""
    min_n = selectors.min_group_size(round.region_id)
    facts = round_facts(round, subjects, [None] * schools_count)
    rows, classes, genders, withheld, va_rows = [], [], [], [], []
    for block in _blocks(results):
        name = _subject_name(block)
        own, county = block.get("school") or block.get("stats") or {}, block.get("county") or {}
        if own.get("withheld") or block.get("withheld"):
            withheld.append(f"{name}全校（{own.get('n', 0)} 人）")
            own = {}
        gap = None if own.get("mean") is None or county.get("mean") is None else own["mean"] - county["mean"]
        rows.append({"name": name, "n": own.get("n", 0), "mean": _num(own.get("mean")),
                     "county_mean": _num(county.get("mean")), "gap": _signed(gap),
                     "pass_rate": _pct(own.get("pass_rate")), "county_pass_rate": _pct(county.get("pass_rate")),
                     "excellent_rate": _pct(own.get("excellent_rate")),
                     "county_excellent_rate": _pct(county.get("excellent_rate")),
                     "low_rate": _pct(own.get("low_rate")), "county_low_rate": _pct(county.get("low_rate"))})
        classes += _group_rows(name, block.get("classes") or block.get("by_class") or [], "class_name", "班级", withheld)
        genders += _group_rows(name, block.get("genders") or block.get("by_gender") or [], "gender", "性别", withheld)
    for name, va in va_by_subject.items():
        if va.get("error"):
            va_rows.append({"subject": name, "n": "—", "effect": "—", "ci": "—", "flag": "未能计算",
                            "residual": "—", "shrinkage": "—", "note": str(va["error"])})
            continue
        mine = next((s for s in va.get("schools") or [] if s.get("code") == school.code), None)
        if mine is None:
            continue
        flag = mine.get("flag_label") or {"above": "显著高于预期", "below": "显著低于预期"}.get(mine.get("flag"), "符合预期")
        va_rows.append({
            "subject": name, "n": mine.get("n", 0), "effect": _signed(mine.get("effect"), 2),
            "ci": f"{_num(mine.get('ci_low'), 2)} ～ {_num(mine.get('ci_high'), 2)}", "flag": flag,
            "residual": _signed(mine.get("residual_mean"), 2), "shrinkage": _num(mine.get("shrinkage"), 2),
            "note": "参测人数少，估计已大幅向 0 收缩" if mine.get("small") else ""})
    trend_rows = [{"round": str(t.get("round_title") or t.get("round") or ""),
                   "subject": str(t.get("subject", "")), "n": t.get("n", "—"), "mean": _num(t.get("mean")),
                   "county_mean": _num(t.get("county_mean")), "pass_rate": _pct(t.get("pass_rate"))}
                  for t in trend or [] if not t.get("withheld")]
    note = ""
    if withheld:
        note = (f"以下分组参测人数少于 {min_n} 人，为保护学生隐私、避免偶然性，不单独列出其统计结果（已计入全区统计）："
                + "；".join(withheld) + "。")
    when = generated_on or timezone.localdate()
    return {
        "title": f"{report_title(round)}（{school.name}）", "office": _office(round), "generated_on": cn_date(when),
        "school": school.name, "code": school.code, "round": facts, "subjects": rows, "classes": classes,
        "genders": genders, "withheld_note": note, "va": va_rows, "va_note": SHRINKAGE_NOTE, "trend": trend_rows,
        "min_n": min_n,
    }


# ---- reading the figures -----------------------------------------------------------------------------------------

class _Reader:
    """Who the reports read the figures as when no person asked for them (the batch, the demo loader): the
    whole platform's scope, like an administrator, with no role assignments of its own."""

    is_authenticated = is_active = is_superuser = True
    is_staff = False
    pk = id = None
    username = "system"

    def __init__(self) -> None:
        self._dudao_scope = Scope(everything=True, roles=frozenset({Role.ADMIN}))
        self._dudao_owned = (set(), set())

    @property
    def role_assignments(self):
        return RoleAssignment.objects.none()


def _reader(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else _Reader()


@dataclass
class RoundData:
    """Everything the reports of a round read, fetched once per batch."""

    subjects: list
    schools: list
    per_subject: list[dict]


def round_data(round: Round, *, reader) -> RoundData:
    subjects = list(selectors.round_subjects(round, user=reader))
    schools = list(School.objects.filter(quality_rounds__round=round).order_by("code"))
    per_subject = []
    for subject in subjects:
        per_subject.append({"subject": subject, "results": selectors.subject_results(round, subject, user=reader),
                            "va": selectors.value_added(round, subject, user=reader)})
    return RoundData(subjects, schools, per_subject)


def district_documents(round: Round, data: RoundData) -> dict[str, bytes]:
    context = district_context(round, data.per_subject, schools=data.schools)
    chart = context.pop("chart_png")
    docx = render.render_docx_bytes(io.BytesIO(template_bytes(DISTRICT_KEY, round.region_id)), context,
                                    images={"chart": chart})
    pdf = render.render_pdf_bytes("quality/district_report_pdf.html", {**context, "chart": _png_data_uri(chart)})
    return {ReportFormat.DOCX: docx, ReportFormat.PDF: pdf}


def school_document_context(round: Round, school, data: RoundData, *, reader) -> dict:
    return school_context(
        round, school, results=selectors.school_results(round, school, user=reader),
        va_by_subject={p["subject"].name: p["va"] or {} for p in data.per_subject},
        trend=selectors.school_trend(school, user=reader, school_facing=True), subjects=data.subjects, schools_count=len(data.schools))


def school_documents(round: Round, school, data: RoundData, *, reader, template: bytes | None = None) -> dict:
    context = school_document_context(round, school, data, reader=reader)
    template = template if template is not None else template_bytes(SCHOOL_KEY, round.region_id)
    return {ReportFormat.DOCX: render.render_docx_bytes(io.BytesIO(template), context),
            ReportFormat.PDF: render.render_pdf_bytes("quality/school_report_pdf.html", context)}


def report_filename(round: Round, school, fmt: str) -> str:
    who = school.name if school is not None else "全区"
    return f"{round.title}_{who}_监测报告.{fmt}"[-200:]


def _store(data: bytes, *, name: str, fmt: str, actor) -> StoredFile:
    digest = files.sha256_of(data)
    path = files.write_blob(digest, data)
    return StoredFile.objects.create(sha256=digest, size=len(data), content_type=CONTENT_TYPES[fmt],
                                     kind=FileKind.DOCUMENT, original_name=name, path=path,
                                     uploaded_by=actor if getattr(actor, "pk", None) else None)


def _require_results(round: Round) -> None:
    if round.status not in ROUND_STATUSES_WITH_RESULTS:
        raise ApplicationError("该轮次还没有导入成绩，不能生成监测报告。")


# ---- on demand ---------------------------------------------------------------------------------------------------

def report_render(*, actor, round: Round, school=None, fmt: str) -> tuple[bytes, str, str]:
    """One report rendered now (not stored): (bytes, content type, file name). The caller checked the scope."""
    if fmt not in ReportFormat.values:
        raise ApplicationError("报告格式只能是 Word 或 PDF。")
    _require_results(round)
    reader = _reader(actor)
    if school is None:
        data = round_data(round, reader=reader)
        document = district_documents(round, data)[fmt]
    else:
        subjects = list(selectors.round_subjects(round, user=reader))
        data = RoundData(subjects, list(School.objects.filter(quality_rounds__round=round)),
                         [{"subject": s, "results": None, "va": selectors.value_added(round, s, user=reader)}
                          for s in subjects])
        context = school_document_context(round, school, data, reader=reader)
        if fmt == ReportFormat.DOCX:
            document = render.render_docx_bytes(io.BytesIO(template_bytes(SCHOOL_KEY, round.region_id)), context)
        else:
            document = render.render_pdf_bytes("quality/school_report_pdf.html", context)
    return document, CONTENT_TYPES[fmt], report_filename(round, school, fmt)


# ---- batches in the background -----------------------------------------------------------------------------------

def _unfinished(round: Round):
    return ReportBatch.objects.filter(round=round, status__in=[ReportStatus.PENDING, ReportStatus.RUNNING])


def _enqueue(batch_id: int, run: int) -> None:
    transaction.on_commit(lambda: render_report_batch.enqueue(batch_id, run=run))


def _total(round: Round) -> int:
    return 2 * (1 + round.round_schools.count())


@transaction.atomic
def report_batch_start(*, actor, round: Round) -> ReportBatch:
    """Queue the district report and every school's report (Word and PDF); the worker starts after the commit."""
    require_office_for(actor, round.region_id, "只有本县（区）督导室可以生成监测报告。")
    round = Round.objects.select_for_update().get(pk=round.pk)  # two clicks: one batch
    _require_results(round)
    if _unfinished(round).exists():
        raise ApplicationError("上一次监测报告生成还没有完成，请稍候。")
    batch = ReportBatch.objects.create(round=round, total=_total(round), created_by=actor)
    audit_record(actor=actor, action="quality.reports_start", obj=batch, object_repr=f"{round.title} 监测报告批量生成",
                 region_code=round.region_id, after={"round": round.pk, "total": batch.total})
    _enqueue(batch.pk, batch.attempt)
    return batch


@transaction.atomic
def report_batch_retry(*, actor, batch: ReportBatch) -> ReportBatch:
    """Queue a failed batch again as a new attempt; reports it had already stored are kept and skipped."""
    round = Round.objects.select_for_update().get(pk=batch.round_id)
    require_office_for(actor, round.region_id, "只有本县（区）督导室可以重新生成监测报告。")
    batch = ReportBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != ReportStatus.FAILED:
        raise ApplicationError("只有失败的批量生成可以重试。")
    if _unfinished(round).exists():
        raise ApplicationError("上一次监测报告生成还没有完成，请稍候。")
    before = {"status": batch.status, "error": batch.error, "done": batch.done, "attempt": batch.attempt}
    batch.status, batch.error, batch.finished_at, batch.attempt = ReportStatus.PENDING, "", None, batch.attempt + 1
    batch.save(update_fields=["status", "error", "finished_at", "attempt"])
    audit_record(actor=actor, action="quality.reports_retry", obj=batch, object_repr=f"{round.title} 监测报告批量生成",
                 region_code=round.region_id, before=before, after={"status": batch.status, "attempt": batch.attempt})
    _enqueue(batch.pk, batch.attempt)
    return batch


class Superseded(Exception):
    """This run's attempt is no longer the batch's current one (or the batch is finished): stop quietly."""


def batch_set(batch_id: int, *, run: int, expected, **fields) -> None:
    """Compare-and-set: update the batch only while it is in one of the `expected` statuses at attempt `run`."""
    expected = [expected] if isinstance(expected, str) else list(expected)
    if not ReportBatch.objects.filter(pk=batch_id, attempt=run, status__in=expected).update(**fields):
        raise Superseded(batch_id, run)


def _save_one(batch: ReportBatch, *, run: int, school, fmt: str, data: bytes, name: str) -> None:
    """Store one rendered report and count it, under the batch row's lock: a superseded run adds nothing."""
    with transaction.atomic():
        if not ReportBatch.objects.select_for_update().filter(pk=batch.pk, attempt=run,
                                                              status=ReportStatus.RUNNING).exists():
            raise Superseded(batch.pk, run)
        if not Report.objects.filter(batch=batch, school=school, format=fmt).exists():
            stored = _store(data, name=name, fmt=fmt, actor=batch.created_by)
            Report.objects.create(round_id=batch.round_id, batch=batch, school=school, format=fmt, file=stored)
        done = Report.objects.filter(batch=batch).count()
        ReportBatch.objects.filter(pk=batch.pk).update(done=done)


def batch_run(batch_id: int, *, run: int = 1) -> str | None:
    """Render the batch as attempt `run`; returns the status this run set, or None when its attempt was
    superseded or the batch finished. Reports stored by an earlier, interrupted attempt are not rendered again."""
    batch = ReportBatch.objects.select_related("round__region", "created_by").get(pk=batch_id)
    try:
        batch_set(batch_id, run=run, expected=ReportStatus.PENDING, status=ReportStatus.RUNNING,
                  started_at=timezone.now())
    except Superseded:
        return None
    round = batch.round
    try:
        reader = _reader(batch.created_by)
        schools = list(School.objects.filter(quality_rounds__round=round).order_by("code"))
        total = 2 * (1 + len(schools))
        batch_set(batch_id, run=run, expected=ReportStatus.RUNNING, total=total)
        stored = {(r["school_id"], r["format"]) for r in Report.objects.filter(batch=batch).values("school_id", "format")}
        data = round_data(round, reader=reader)
        if not {(None, ReportFormat.DOCX), (None, ReportFormat.PDF)} <= stored:
            for fmt, document in district_documents(round, data).items():
                _save_one(batch, run=run, school=None, fmt=fmt, data=document, name=report_filename(round, None, fmt))
        template = template_bytes(SCHOOL_KEY, round.region_id)  # read once for the whole batch
        for school in schools:
            if {(school.pk, ReportFormat.DOCX), (school.pk, ReportFormat.PDF)} <= stored:
                continue
            for fmt, document in school_documents(round, school, data, reader=reader, template=template).items():
                _save_one(batch, run=run, school=school, fmt=fmt, data=document,
                          name=report_filename(round, school, fmt))
        batch_set(batch_id, run=run, expected=ReportStatus.RUNNING, status=ReportStatus.DONE, error="",
                  done=total, total=total, finished_at=timezone.now())
        return ReportStatus.DONE
    except Superseded:
        return None
    except Exception as exc:  # noqa: BLE001 - recorded for the office to see; the page shows it
        message = getattr(exc, "message", None) or str(exc)
        return _run_failed(batch_id, run, f"生成失败：{message}")
    except BaseException:  # the worker was stopped in the middle (a second Ctrl-C, SystemExit)
        _run_failed(batch_id, run, "工作进程被停止，生成中断；可点“重试”继续生成（已生成的报告不再重复生成）。")
        raise


def _run_failed(batch_id: int, run: int, error: str) -> str | None:
    try:
        batch_set(batch_id, run=run, expected=ReportStatus.RUNNING, status=ReportStatus.FAILED, error=error[:2000],
                  finished_at=timezone.now())
    except Superseded:
        return None
    return ReportStatus.FAILED


def reports_generate_now(round: Round, actor=None) -> ReportBatch:
    """Generate every report of the round synchronously, in this process (the demo loader, a shell): a batch
    recorded like the background one, so the pages list its reports. Raises ApplicationError if it fails."""
    with transaction.atomic():
        _require_results(round)
        batch = ReportBatch.objects.create(round=round, total=_total(round),
                                           created_by=actor if getattr(actor, "pk", None) else None)
        audit_record(actor=actor if getattr(actor, "pk", None) else None, action="quality.reports_start", obj=batch,
                     object_repr=f"{round.title} 监测报告批量生成", region_code=round.region_id,
                     after={"round": round.pk, "total": batch.total, "synchronous": True})
    status = batch_run(batch.pk, run=batch.attempt)
    batch.refresh_from_db()
    if status != ReportStatus.DONE:
        raise ApplicationError(batch.error or "监测报告生成失败。")
    return batch


# ---- reading the reports -----------------------------------------------------------------------------------------

def latest_reports(round: Round, user) -> list[Report]:
    """The newest report per (school, format) of the round that the user may download (see `may_read`)."""
    rows = Report.objects.visible_to(user).filter(round=round).select_related("round", "school", "file").order_by(
        "school__code", "format", "-created_at", "-id")
    seen, out = set(), []
    for report in rows:
        key = (report.school_id, report.format)
        if key in seen or not may_read(user, report):
            continue
        seen.add(key)
        out.append(report)
    return out


def reads_county(user, round: Round) -> bool:
    """Every report of the round: the county's office at once, its leaders once the round is published (as the
    selectors show them the results)."""
    return holds_role_in(user, round.region_id, Role.OFFICE) or (
        round.status == RoundStatus.PUBLISHED and holds_role_in(user, round.region_id, Role.LEADER))


def may_read(user, report: Report) -> bool:
    """The county's readers (`reads_county`): every report of the round. A school (and an inspector of the
    school): only that school's report, and only once the round is published."""
    if reads_county(user, report.round):
        return True
    return report.school_id is not None and report.round.status == RoundStatus.PUBLISHED and \
        report.school_id in scope_for(user).school_ids  # the school's own users and its assigned inspectors
