"""The 问题清单 a higher level returns after its visit, imported from Excel (issue 21 item 1): each row becomes a
finding with source 上级督导 on the responsible department/town (a GovUnit of the county, by name or code) or
school (by name or 标识码), with its due date, and a ReviewProblem that keeps the row. The findings then run the
normal notice → 督办 → 复查 flow of rectification.

All or nothing: every row is checked first and any error (sheet, row, column, in Chinese) refuses the whole file.
Decided rules: a row names exactly one of 责任单位 and 学校; a name matching two units or schools is an error (use
the code); an 指标编号 that is not in the review's indicator list is an error when the review has a list (a typo
would otherwise attach the problem to nothing), accepted as typed when it has none; the 整改期限 may not be before
today (Beijing) nor more than 5 years ahead; a row identical (text and target) to a problem already imported for
the review is an error, so importing the same file twice creates nothing twice."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dudao.core.audit import audit_record
from dudao.core.errors import ApplicationError, RowError
from dudao.core.scope import require_office_for
from dudao.core.tabular import (
    Column,
    SheetSpec,
    match_sheets,
    parse_sheet,
    read_upload,
    write_template_workbook,
)
from dudao.rectification.models import FindingSource
from dudao.rectification.services import finding_raise
from dudao.regions.models import GovUnit
from dudao.reviews.models import Review, ReviewProblem
from dudao.schools.models import School

MAX_ROWS = 2000  # a 问题清单 has tens of rows; a bigger file is a wrong file, refused before any lookup
SHEET = SheetSpec("问题清单", [
    Column("序号", "no", kind="int"),
    Column("指标编号", "code", max_length=32),
    Column("问题", "text", required=True, max_length=2000),
    Column("整改要求", "requirement", max_length=2000),
    Column("责任单位", "unit", max_length=128, help="本区县的部门或乡镇（街道），填名称或单位编码；与“学校”二选一"),
    Column("学校", "school", max_length=128, help="本区县的学校，填名称或 10 位学校标识码；与“责任单位”二选一"),
    Column("整改期限", "due", required=True, kind="date"),
])


def template_bytes() -> bytes:
    return write_template_workbook([SHEET], {"问题清单": [
        [1, "1.2", "（示例）教师培训经费未达到公用经费的 5%。", "足额安排教师培训经费。", "区财政局", "", "2027-06-30"],
        [2, "", "（示例）学校体育场地不足。", "制定场地改扩建计划。", "", "示范区第一小学", "2027-06-30"],
    ]}, closing_note="导入时整表检查：任何一行有错误，整个文件都不导入，并列出每个错误所在的行和列。")


def _lookup(model, county: str, text: str, code_field: str) -> tuple[object | None, str]:
    """(the record, '') or (None, why) for a name or code inside the county."""
    rows = list(model.objects.filter(region__code__startswith=county)
                .filter(Q(name=text) | Q(**{code_field: text}))[:3])
    if len(rows) == 1:
        return rows[0], ""
    if not rows:
        return None, "not found"
    exact = [r for r in rows if getattr(r, code_field) == text]
    if len(exact) == 1:
        return exact[0], ""
    return None, "ambiguous"


def _check(review: Review, data: bytes, filename: str) -> list[dict]:
    sheets = read_upload(data, filename)
    matched, errors = match_sheets(sheets, [SHEET])
    if errors:
        raise ApplicationError("问题清单未导入：文件中的工作表无法识别。", errors)
    raw = matched["问题清单"]
    if len(raw.rows) > MAX_ROWS:
        raise ApplicationError(f"问题清单未导入：共 {len(raw.rows):,} 行，超过 {MAX_ROWS:,} 行的上限，请检查是否选错了文件。")
    parsed = parse_sheet(raw, SHEET)
    if not parsed.rows and not parsed.errors:
        raise ApplicationError("问题清单未导入：文件中没有问题。")
    county = review.region_id
    codes = set(review.indicators.values_list("code", flat=True))
    today = timezone.localdate()
    latest = today + datetime.timedelta(days=5 * 366)
    existing = {(text, school, unit) for text, school, unit in
                review.problems.values_list("text", "finding__school_id", "finding__unit_id")}
    seen: dict[tuple, int] = {}
    rows: list[dict] = []
    for row in parsed.rows:
        v = row.values
        unit = school = None
        if bool(v["unit"]) == bool(v["school"]):
            parsed.error(row.row, "unit", "“责任单位”和“学校”必须填且只填一个")
        elif v["unit"]:
            unit, why = _lookup(GovUnit, county, v["unit"], "code")
            if unit is None:
                parsed.error(row.row, "unit", f"{review.region.name}没有名称或编码为“{v['unit']}”的单位"
                             if why == "not found" else f"“{v['unit']}”对应多个单位，请填写单位编码")
        else:
            school, why = _lookup(School, county, v["school"], "code")
            if school is None:
                parsed.error(row.row, "school", f"{review.region.name}没有名称或标识码为“{v['school']}”的学校"
                             if why == "not found" else f"“{v['school']}”对应多所学校，请填写学校标识码")
        if v["code"] and codes and v["code"] not in codes:
            parsed.error(row.row, "code", f"指标编号“{v['code']}”不在该迎检的指标体系中")
        due = v["due"]
        if due is not None and due < today:
            parsed.error(row.row, "due", f"整改期限 {due.isoformat()} 早于今天（{today.isoformat()}）")
        elif due is not None and due > latest:
            parsed.error(row.row, "due", f"整改期限 {due.isoformat()} 超过 5 年，请核对")
        target = (v["text"], school.pk if school else None, unit.pk if unit else None)
        if (unit or school) and target in existing:
            parsed.error(row.row, "text", "该问题已导入过（问题和责任对象都相同）")
        elif (unit or school) and target in seen:
            parsed.error(row.row, "text", f"与第 {seen[target]} 行重复")
        seen.setdefault(target, row.row)
        rows.append({"row": row.row, "code": v["code"] or "", "text": v["text"], "requirement": v["requirement"] or "",
                     "unit": unit, "school": school, "due": due})
    if parsed.errors:
        raise ApplicationError(f"问题清单未导入：发现 {len(parsed.errors)} 处错误，请修改后重新导入。",
                               parsed.errors[:200])
    return rows


def create_problems(*, actor, review: Review, rows: list[dict], raised_at=None) -> list[ReviewProblem]:
    """Checked rows → findings (source 上级督导) and ReviewProblems, inside the caller's transaction."""
    problems = []
    for row in rows:
        finding = finding_raise(
            actor=actor, source=FindingSource.HIGHER, description=row["text"], school=row["school"],
            unit=row["unit"], source_type="reviews.review", source_id=str(review.pk),
            category_label=f"{review.body}反馈问题"[:128], requirement=row["requirement"], due_date=row["due"],
            raised_at=raised_at)
        problems.append(ReviewProblem.objects.create(
            review=review, row=row["row"], indicator_code=row["code"], text=row["text"],
            requirement=row["requirement"], finding=finding, imported_by=actor))
    return problems


def problem_import(*, actor, review: Review, data: bytes, filename: str) -> list[ReviewProblem]:
    """Import the 问题清单 (office of the review's region); all rows or none."""
    require_office_for(actor, review.region_id, f"只有{review.region.name}督导室可以导入问题清单。")
    with transaction.atomic():
        review = Review.objects.select_for_update(of=("self",)).select_related("region").get(pk=review.pk)
        rows = _check(review, data, filename)
        problems = create_problems(actor=actor, review=review, rows=rows)
        audit_record(actor=actor, action="reviews.problem_import", obj=review, region_code=review.region_id,
                     after={"rows": len(problems), "file": filename[-200:]})
    return problems


__all__ = ["SHEET", "MAX_ROWS", "template_bytes", "problem_import", "create_problems", "RowError"]
