"""Writes of 迎检 (upward reviews, issue 21 item 1): the review and its status, the higher level's indicator list
imported from a spreadsheet (two steps when weights do not add up), assignments to member departments, towns or
office staff, evidence versions handed in by the assignees, the office's decision on the latest version, the
office's self-scores, and the daily "review_due" reminders.

Only office staff of the review's county write the review, its indicators, assignments, decisions and scores;
an assignee (a unit's users, or the assigned staff member) hands in evidence. Every write is audited in its
transaction; notifications go out on commit (core.services.notify)."""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from dudao.core.audit import audit_record, snapshot
from dudao.core.dates import cn_date
from dudao.core.errors import ApplicationError, PermissionDenied, RowError
from dudao.core.models import RoleAssignment
from dudao.core.policy import policy_value
from dudao.core.roles import Role
from dudao.core.scope import holds_role_in, owns, require_office_for
from dudao.core.services import Message, notify
from dudao.core.tabular import Column, SheetSpec, parse_sheet, read_upload, write_template_workbook
from dudao.documents import files
from dudao.documents.services import file_record
from dudao.planning.selectors.plans import office_staff_ids
from dudao.regions.models import GovUnit, Region
from dudao.reviews.models import (
    REVIEW_FLOW,
    Assignment,
    AssignmentStatus,
    Evidence,
    EvidenceDecision,
    Review,
    ReviewIndicator,
    ReviewKind,
    ReviewLevel,
    ReviewStatus,
    ReviewTransition,
)
from dudao.reviews.upward_engine import IndicatorRow, build_indicator_tree, ordered, score_problem

TITLE_MAX = 200
BODY_MAX = 128
REQUEST_MAX = 2000
REASON_MAX = 1000
NOTE_MAX = 2000
MIN_YEAR, MAX_YEAR = 2000, 2100
REVIEW_FIELDS = ["title", "level", "kind", "body", "year", "materials_due", "visit_starts", "visit_ends",
                 "word_limit", "region_id"]
OPEN_STATUSES = (ReviewStatus.PREPARING, ReviewStatus.SUBMITTED)
EVIDENCE_TYPES = {
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "image/jpeg": "JPEG", "image/png": "PNG",
}


def _text(value, what: str, limit: int, *, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ApplicationError(f"请填写{what}。")
    if len(text) > limit:
        raise ApplicationError(f"{what}过长（最多 {limit} 个字符）。")
    return text


def _date(value, what: str, *, required: bool = False) -> datetime.date | None:
    if value in (None, ""):
        if required:
            raise ApplicationError(f"请填写{what}。")
        return None
    if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
        raise ApplicationError(f"{what}不是有效的日期。")
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise ApplicationError(f"{what}应在 {MIN_YEAR} 年到 {MAX_YEAR} 年之间。")
    return value


def _ids(values: Iterable, what: str) -> list[int]:
    ids = []
    for value in values or ():
        pk = str(getattr(value, "pk", value)).strip()
        if not (pk.isdecimal() and len(pk) < 19):
            raise ApplicationError(f"{what}编号“{pk[:20]}”无效。")
        ids.append(int(pk))
    return list(dict.fromkeys(ids))


def _require_office(actor, review: Review, message: str) -> None:
    require_office_for(actor, review.region_id, message)


def _refuse_closed(review: Review) -> None:
    if review.status not in OPEN_STATUSES:
        raise ApplicationError(f"迎检“{review.title}”{REVIEW_FLOW.label(review.status)}，材料和分工不能再修改。")


def unit_user_ids(unit_ids: Iterable[int]) -> dict[int, set[int]]:
    """The active users holding the unit role of each unit."""
    found: dict[int, set[int]] = {}
    for unit_id, user_id in RoleAssignment.objects.filter(role=Role.UNIT, unit_id__in=list(unit_ids),
                                                          user__is_active=True).values_list("unit_id", "user_id"):
        found.setdefault(unit_id, set()).add(user_id)
    return found


def assignee_user_ids(assignment: Assignment) -> set[int]:
    if assignment.user_id:
        return {assignment.user_id}
    return unit_user_ids([assignment.unit_id]).get(assignment.unit_id, set())


def _office_user_ids(review: Review) -> set[int]:
    return office_staff_ids(review.region_id)


# ---- the review -------------------------------------------------------------------------------------------------

def _review_fields(*, title, level, kind, body, year, materials_due, visit_starts, visit_ends, word_limit) -> dict:
    if level not in ReviewLevel.values:
        raise ApplicationError("请选择检查层级。")
    if kind not in ReviewKind.values:
        raise ApplicationError("请选择迎检类型。")
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ApplicationError("请填写年度。") from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ApplicationError(f"年度应在 {MIN_YEAR} 年到 {MAX_YEAR} 年之间。")
    fields = {"title": _text(title, "名称", TITLE_MAX, required=True), "level": level, "kind": kind,
              "body": _text(body, "检查机关", BODY_MAX, required=True), "year": year,
              "materials_due": _date(materials_due, "材料报送截止日期"),
              "visit_starts": _date(visit_starts, "实地督查开始日期"), "visit_ends": _date(visit_ends, "实地督查结束日期")}
    if fields["visit_starts"] and fields["visit_ends"] and fields["visit_ends"] < fields["visit_starts"]:
        raise ApplicationError("实地督查结束日期不能早于开始日期。")
    if fields["visit_ends"] and not fields["visit_starts"]:
        raise ApplicationError("请先填写实地督查开始日期。")
    if word_limit in (None, ""):
        fields["word_limit"] = None
    else:
        try:
            limit = int(word_limit)
        except (TypeError, ValueError):
            raise ApplicationError("自评报告字数上限应为整数。") from None
        if not 100 <= limit <= 100_000:
            raise ApplicationError("自评报告字数上限应在 100 到 100000 字之间。")
        fields["word_limit"] = limit
    return fields


def review_create(*, actor, region: Region, title: str, level: str, kind: str, body: str, year,
                  materials_due=None, visit_starts=None, visit_ends=None, word_limit=None,
                  previous: Review | None = None) -> Review:
    """A new review of a county, in preparation (the first status, recorded as a transition)."""
    if not isinstance(region, Region) or region.level != "county":
        raise ApplicationError("请选择受检区县。")
    require_office_for(actor, region.code, "只有本区县督导室可以登记迎检。")
    fields = _review_fields(title=title, level=level, kind=kind, body=body, year=year, materials_due=materials_due,
                            visit_starts=visit_starts, visit_ends=visit_ends, word_limit=word_limit)
    if previous is not None and previous.region_id != region.code:
        raise ApplicationError("被复查的迎检应是同一区县的迎检。")
    with transaction.atomic():
        review = Review.objects.create(region=region, created_by=actor, previous=previous, **fields)
        ReviewTransition.record(review, to_status=review.status, actor=actor, note="登记迎检")
        audit_record(actor=actor, action="reviews.review_create", obj=review, region_code=region.code,
                     after=snapshot(review, REVIEW_FIELDS))
    return review


def review_update(*, actor, review: Review, title: str, level: str, kind: str, body: str, year,
                  materials_due=None, visit_starts=None, visit_ends=None, word_limit=None) -> Review:
    _require_office(actor, review, "只有本区县督导室可以修改迎检。")
    fields = _review_fields(title=title, level=level, kind=kind, body=body, year=year, materials_due=materials_due,
                            visit_starts=visit_starts, visit_ends=visit_ends, word_limit=word_limit)
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        if review.status == ReviewStatus.CLOSED:
            raise ApplicationError(f"迎检“{review.title}”已结束，不能修改。")
        before = snapshot(review, REVIEW_FIELDS)
        for name, value in fields.items():
            setattr(review, name, value)
        review.save()
        audit_record(actor=actor, action="reviews.review_update", obj=review, region_code=review.region_id,
                     before=before, after=snapshot(review, REVIEW_FIELDS))
    return review


def review_move(*, actor, review: Review, to: str, note: str = "") -> Review:
    """Move the review's status along REVIEW_FLOW (preparing → submitted → visited → closed; submitted may go
    back to preparing with a note). Refused moves say why."""
    _require_office(actor, review, "只有本区县督导室可以变更迎检状态。")
    note = _text(note, "说明", NOTE_MAX)
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        REVIEW_FLOW.check(review.status, to)
        if REVIEW_FLOW.is_backward(review.status, to) and not note:
            raise ApplicationError("退回迎检准备时请填写原因。")
        if to == ReviewStatus.SUBMITTED:
            if not review.indicators.exists():
                raise ApplicationError("还没有导入指标，不能报送材料。")
            pending = Assignment.objects.filter(indicator__review=review).exclude(
                status=AssignmentStatus.ACCEPTED).count()
            if pending:
                raise ApplicationError(f"还有 {pending} 项分工的材料未采纳，不能标记为材料已报送。")
        before = review.status
        review.status = to
        review.save(update_fields=["status"])
        ReviewTransition.record(review, from_status=before, to_status=to, actor=actor, note=note)
        audit_record(actor=actor, action="reviews.review_move", obj=review, region_code=review.region_id,
                     before={"status": before}, after={"status": to, "note": note})
    return review


# ---- indicator list import -----------------------------------------------------------------------------------------

INDICATOR_SPEC = SheetSpec("指标", [
    Column("编号", "code", required=True, max_length=32, pattern=r"[0-9A-Za-z一-龥.\-_（）()]+",
           pattern_message="编号只能由数字、字母、汉字和“.”组成，如 1.2.3"),
    Column("上级编号", "parent", max_length=32, help="可不填：不填时按编号推出（1.2.3 的上级为 1.2）"),
    Column("指标内容", "text", required=True, max_length=4000),
    Column("分值", "weight", kind="number", help="一级指标合计应为 100；下级指标合计应等于上级分值"),
    Column("佐证材料要求", "materials", max_length=4000),
])
MAX_INDICATORS = 2000


@dataclass
class IndicatorImport:
    """The parsed list: rows to create and the warnings the office must confirm."""

    rows: list[dict]
    warnings: list[str] = field(default_factory=list)
    imported: int = 0  # how many were written (0: a preview waiting for confirmation)

    @property
    def digest(self) -> str:
        return files.sha256_of(repr(self.rows).encode())


def indicator_template() -> bytes:
    return write_template_workbook([INDICATOR_SPEC], {"指标": [
        ["1", "", "落实教育优先发展战略", 20, ""],
        ["1.1", "", "保证财政教育经费“两个只增不减”", 10, "近三年财政决算表"],
        ["1.2", "", "教师平均工资收入水平不低于当地公务员平均工资收入水平", 10, "工资核算文件、发放凭证"],
    ]}, closing_note="编号可按 1、1.1、1.1.1 分级；一级指标分值合计应为 100。")


def _tree_rows(raw_rows: list[dict]):
    return [IndicatorRow(row=r["row"], code=r["code"], text=r["text"], parent=r.get("parent") or "",
                         weight=r.get("weight"), materials=r.get("materials") or "") for r in raw_rows]


def indicators_read(data: bytes, filename: str) -> IndicatorImport:
    """Parse an uploaded list (bytes already read): every error (sheet, row, column) at once, or the rows in
    creation order with the weight warnings."""
    sheets = [s for s in read_upload(data, filename) if s.header or s.rows]
    sheets = [s for s in sheets if s.name not in {"填写说明", "说明"}]
    if not sheets:
        raise ApplicationError("文件中没有可导入的指标。")
    raw = sheets[0]
    parsed = parse_sheet(raw, INDICATOR_SPEC)
    errors = list(parsed.errors)
    if not errors and not parsed.rows:
        raise ApplicationError("文件中没有可导入的指标。")
    if len(parsed.rows) > MAX_INDICATORS:
        raise ApplicationError(f"指标过多：最多 {MAX_INDICATORS} 条。")
    rows = [{"row": r.row, **r.values} for r in parsed.rows]
    for r in rows:
        if r.get("weight") is not None and r["weight"] > 1000:
            parsed.error(r["row"], "weight", f"分值 {r['weight']:g} 过大（最多 1000）。")
    errors = list(parsed.errors)
    if not errors:
        tree = build_indicator_tree(_tree_rows(rows))
        for problem in tree.errors:
            header = {"code": "编号", "parent": "上级编号", "weight": "分值"}.get(problem.column, "")
            letter = parsed.letters.get(problem.column, "")
            column = f"{letter}（{header}）" if header and letter else header
            errors.append(RowError(raw.name, problem.row, column, problem.message))
    if errors:
        raise ApplicationError(f"指标表有 {len(errors)} 处错误，未导入任何指标，请修改后重新上传。", errors)
    by_code = {r["code"]: r for r in rows}
    created = [{**by_code[r.code], "parent": tree.parents[r.code] or ""} for r in ordered(tree)]
    warnings = [(f"第 {w.row} 行：" if w.row else "") + w.message for w in tree.warnings]
    return IndicatorImport(rows=created, warnings=warnings)


def indicators_import(*, actor, review: Review, data: bytes, filename: str, confirmed_digest: str = "") -> IndicatorImport:
    """Replace the review's indicators by the list's, all or nothing. With weight warnings nothing is written
    (the result carries the warnings and the digest to confirm) unless `confirmed_digest` is the digest of this
    very list. Refused once any indicator is assigned."""
    _require_office(actor, review, "只有本区县督导室可以导入迎检指标。")
    result = indicators_read(data, filename)
    if result.warnings and confirmed_digest != result.digest:
        _refuse_replacing(review)  # say it now rather than after the confirmation
        return result
    return _indicators_replace(actor=actor, review=review, result=result, filename=filename)


def indicators_confirm(*, actor, review: Review, rows: list[dict], filename: str, digest: str) -> IndicatorImport:
    """The second step: the rows kept from the preview (server side), confirmed by their digest."""
    _require_office(actor, review, "只有本区县督导室可以导入迎检指标。")
    result = IndicatorImport(rows=list(rows or []))
    if not result.rows or digest != result.digest:
        raise ApplicationError("待确认的指标表已失效或已变化，请重新上传。")
    tree = build_indicator_tree(_tree_rows(result.rows))
    if tree.errors:
        raise ApplicationError("待确认的指标表有错误，请重新上传。")
    result.warnings = [(f"第 {w.row} 行：" if w.row else "") + w.message for w in tree.warnings]
    return _indicators_replace(actor=actor, review=review, result=result, filename=filename)


def _refuse_replacing(review: Review) -> None:
    if review.status != ReviewStatus.PREPARING:
        raise ApplicationError("只有迎检准备阶段可以导入指标。")
    assigned = Assignment.objects.filter(indicator__review=review).count()
    if assigned:
        raise ApplicationError(f"已有 {assigned} 项指标分工，不能重新导入指标；如需重新导入，请先删除全部分工。")


def _indicators_replace(*, actor, review: Review, result: IndicatorImport, filename: str) -> IndicatorImport:
    with transaction.atomic():
        review = Review.objects.select_for_update().get(pk=review.pk)
        _refuse_replacing(review)
        old = review.indicators.count()
        review.indicators.all().delete()
        ids: dict[str, int] = {}
        for position, row in enumerate(result.rows, start=1):
            indicator = ReviewIndicator.objects.create(
                review=review, parent_id=ids.get(row["parent"]) if row["parent"] else None, code=row["code"],
                text=row["text"], weight=row["weight"], materials=row["materials"] or "", position=position)
            ids[row["code"]] = indicator.pk
        audit_record(actor=actor, action="reviews.indicators_import", obj=review, region_code=review.region_id,
                     before={"indicators": old}, after={"indicators": len(result.rows), "file": filename[-200:],
                                                        "warnings": result.warnings})
    result.imported = len(result.rows)
    return result


# ---- assignments ---------------------------------------------------------------------------------------------------

def _due(review: Review, due_on) -> datetime.date:
    due = _date(due_on, "提交期限", required=True)
    today = timezone.localdate()
    if due < today:
        raise ApplicationError(f"提交期限 {cn_date(due)} 已过，请选择今天或以后的日期。")
    limit = int(policy_value("reviews.assignment_max_days", review.region_id))
    if (due - today).days > limit:
        raise ApplicationError(f"提交期限不能晚于 {limit} 天之后。")
    if review.visit_starts and due > review.visit_starts:
        raise ApplicationError(f"提交期限不能晚于实地督查开始日期 {cn_date(review.visit_starts)}。")
    return due


def assignable_units(review: Review):
    return GovUnit.objects.filter(region__code__startswith=review.region_id).order_by("region_id", "code")


def assignable_staff_ids(review: Review) -> set[int]:
    return _office_user_ids(review)


def _notify_assigned(review: Review, assignments: list[Assignment], at) -> None:
    units = unit_user_ids({a.unit_id for a in assignments if a.unit_id})
    by_user: dict[int, list[Assignment]] = {}
    for a in assignments:
        for uid in ({a.user_id} if a.user_id else units.get(a.unit_id, set())):
            by_user.setdefault(uid, []).append(a)
    stamp = at.strftime("%Y%m%d%H%M%S%f")
    messages = []
    for uid, items in by_user.items():
        codes = "、".join(a.indicator.code for a in items[:10]) + ("等" if len(items) > 10 else "")
        first_due = min(a.due_on for a in items)
        messages.append((Message(
            key=f"review-assigned:{review.pk}:{uid}:{stamp}", kind="review_assigned",
            title=f"迎检任务：{review.title[:60]}",
            body=f"督导室分配了 {len(items)} 项迎检指标（{codes}），请于{cn_date(first_due)}前提交佐证材料和情况说明。",
            url=reverse("reviews:my_tasks")), {uid}))
    notify(messages=messages, at=at)


def assignments_create(*, actor, review: Review, indicators: Iterable, units: Iterable = (), users: Iterable = (),
                       request: str = "", due_on=None) -> list[Assignment]:
    """Give each chosen indicator to each chosen unit (of the review's county) and staff member (of its office);
    a pair that already exists is left as it is. Returns the new assignments."""
    _require_office(actor, review, "只有本区县督导室可以分配迎检指标。")
    _refuse_closed(review)
    request = _text(request, "材料要求", REQUEST_MAX)
    due = _due(review, due_on)
    indicator_ids, unit_ids, user_ids = _ids(indicators, "指标"), _ids(units, "责任单位"), _ids(users, "责任人")
    if not indicator_ids:
        raise ApplicationError("请选择要分配的指标。")
    if not unit_ids and not user_ids:
        raise ApplicationError("请选择责任单位或督导室人员。")
    found = list(review.indicators.filter(pk__in=indicator_ids))
    if len(found) != len(indicator_ids):
        raise ApplicationError("所选指标不属于本次迎检。")
    unit_objs = list(assignable_units(review).filter(pk__in=unit_ids))
    if len(unit_objs) != len(unit_ids):
        raise ApplicationError("所选责任单位不属于受检区县，不能分配。")
    staff = assignable_staff_ids(review)
    if set(user_ids) - staff:
        raise ApplicationError("所选人员不是本区县督导室的工作人员，不能分配。")
    now = timezone.now()
    with transaction.atomic():
        existing = set(Assignment.objects.filter(indicator__in=found).values_list("indicator_id", "unit_id", "user_id"))
        new = []
        for indicator in found:
            for unit in unit_objs:
                if (indicator.pk, unit.pk, None) not in existing:
                    new.append(Assignment(indicator=indicator, unit=unit, request=request, due_on=due,
                                          assigned_by=actor, assigned_at=now))
            for uid in user_ids:
                if (indicator.pk, None, uid) not in existing:
                    new.append(Assignment(indicator=indicator, user_id=uid, request=request, due_on=due,
                                          assigned_by=actor, assigned_at=now))
        if not new:
            raise ApplicationError("所选指标已分配给所选单位或人员，没有新的分工。")
        Assignment.objects.bulk_create(new)
        audit_record(actor=actor, action="reviews.assignments_create", obj=review, region_code=review.region_id,
                     after={"indicators": [i.code for i in found], "units": sorted(u.pk for u in unit_objs),
                            "users": sorted(user_ids), "due_on": due.isoformat(), "count": len(new)})
        _notify_assigned(review, new, now)
    return new


def _refuse_with_evidence(assignment: Assignment, what: str) -> None:
    count = assignment.evidence.count()
    if count:
        raise ApplicationError(f"“{assignment.assignee_name}”已就指标 {assignment.indicator.code} 提交了 {count} 版材料，"
                               f"不能{what}分工（材料须保留）；如需调整，可退回材料并说明要求。")


def assignment_update(*, actor, assignment: Assignment, request: str = "", due_on=None) -> Assignment:
    review = assignment.indicator.review
    _require_office(actor, review, "只有本区县督导室可以修改分工。")
    _refuse_closed(review)
    request = _text(request, "材料要求", REQUEST_MAX)
    due = _due(review, due_on)
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update(of=("self",)).select_related("indicator", "unit", "user").get(
            pk=assignment.pk)
        _refuse_with_evidence(assignment, "修改")
        before = snapshot(assignment, ["request", "due_on"])
        assignment.request, assignment.due_on = request, due
        assignment.save(update_fields=["request", "due_on"])
        audit_record(actor=actor, action="reviews.assignment_update", obj=assignment, region_code=review.region_id,
                     before=before, after=snapshot(assignment, ["request", "due_on"]))
    return assignment


def assignment_delete(*, actor, assignment: Assignment) -> None:
    review = assignment.indicator.review
    _require_office(actor, review, "只有本区县督导室可以删除分工。")
    _refuse_closed(review)
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update(of=("self",)).select_related("indicator", "unit", "user").get(
            pk=assignment.pk)
        _refuse_with_evidence(assignment, "删除")
        audit_record(actor=actor, action="reviews.assignment_delete", obj=assignment, region_code=review.region_id,
                     before=snapshot(assignment, ["indicator_id", "unit_id", "user_id", "request", "due_on"]))
        assignment.delete()


# ---- evidence ------------------------------------------------------------------------------------------------------

def may_hand_in(user, assignment: Assignment) -> bool:
    """The assignee: the assigned staff member, or a user of the assigned unit."""
    if assignment.user_id:
        return assignment.user_id == user.pk
    return owns(user, unit_id=assignment.unit_id)


def _checked_evidence_file(upload, region_code: str) -> files.CheckedFile:
    """A PDF, Word, Excel, JPEG or PNG file within the per-file limit, judged by content."""
    limit_mb = int(policy_value("reviews.evidence_file_mb", region_code))
    limit = limit_mb * 1024 * 1024
    name = (getattr(upload, "name", "") or "未命名")[-200:]
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ApplicationError(f"文件“{name}”大小为 {size / 1048576:.1f} MB，超过每个文件 {limit_mb} MB 的上限。")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ApplicationError(f"文件“{name}”超过每个文件 {limit_mb} MB 的上限。")
    if not data:
        raise ApplicationError(f"文件“{name}”是空文件。")
    width = height = None
    if data.startswith((b"%PDF-", b"PK\x03\x04")):
        content_type, kind = files.sniff_document(data, name), "document"
    else:
        try:
            content_type, width, height = files.sniff_image(data, name)
        except ApplicationError:
            raise ApplicationError(f"文件“{name}”的类型不受支持：只能上传 PDF、Word（.docx）、Excel（.xlsx）、"
                                   "JPG 或 PNG 文件。") from None
        kind = "image"
    if content_type not in EVIDENCE_TYPES:
        raise ApplicationError(f"文件“{name}”的类型不受支持：只能上传 PDF、Word（.docx）、Excel（.xlsx）、JPG 或 PNG 文件。")
    digest = files.sha256_of(data)
    path = files.write_blob(digest, data)
    thumb = files.thumbnail_path(digest) if kind == "image" else ""
    return files.CheckedFile(digest, len(data), content_type, kind, name, path, thumb, width, height)


def evidence_submit(*, actor, assignment: Assignment, statement: str, uploads: Iterable = ()) -> Evidence:
    """A new evidence version of the assignee: a statement (required) and files (count and size are policy
    numbers). Versions are never edited; the office decides on the latest."""
    review = assignment.indicator.review
    if not may_hand_in(actor, assignment):
        raise PermissionDenied("只有该项分工的责任单位或责任人可以提交材料。")
    _refuse_closed(review)
    limit = int(policy_value("reviews.statement_max_chars", review.region_id))
    statement = _text(statement, "情况说明", limit, required=True)
    uploads = [u for u in uploads or () if u]
    max_files = int(policy_value("reviews.evidence_max_files", review.region_id))
    if len(uploads) > max_files:
        raise ApplicationError(f"每版材料最多上传 {max_files} 个文件，本次选择了 {len(uploads)} 个。")
    checked = [_checked_evidence_file(u, review.region_id) for u in uploads]  # before the transaction
    now = timezone.now()
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update(of=("self",)).select_related("indicator__review", "unit", "user").get(
            pk=assignment.pk)
        if assignment.status == AssignmentStatus.ACCEPTED:
            raise ApplicationError("该项材料已被采纳，无需再提交。")
        if assignment.status == AssignmentStatus.SUBMITTED:
            raise ApplicationError("上一版材料尚待督导室审核，审核前不能提交新版本。")
        last = assignment.evidence.order_by("-version").values_list("version", flat=True).first() or 0
        evidence = Evidence.objects.create(assignment=assignment, version=last + 1, statement=statement,
                                           submitted_by=actor, submitted_at=now)
        stored = [file_record(actor=actor, checked=c) for c in checked]
        evidence.files.set(stored)
        assignment.status = AssignmentStatus.SUBMITTED
        assignment.save(update_fields=["status"])
        audit_record(actor=actor, action="reviews.evidence_submit", obj=evidence, region_code=review.region_id,
                     after={"version": evidence.version, "files": [s.pk for s in stored],
                            "sha256": [s.sha256 for s in stored], "statement": statement[:200]})
        recipients = {assignment.assigned_by_id} | _office_user_ids(review)
        recipients.discard(actor.pk)
        notify(messages=[(Message(
            key=f"review-evidence:{evidence.pk}", kind="review_evidence",
            title=f"迎检材料待审核：{assignment.indicator.code} {assignment.assignee_name}",
            body=f"“{assignment.assignee_name}”提交了指标 {assignment.indicator.code} 的第 {evidence.version} 版材料。",
            url=reverse("reviews:assignment_detail", args=[assignment.pk])), recipients)], at=now)
    return evidence


def evidence_decide(*, actor, evidence: Evidence, accept: bool, reason: str = "") -> Evidence:
    """The office accepts the latest version or returns it with a reason. Refused: an old version, a version
    already decided, anyone outside the county's office, and the assignee itself (its own evidence)."""
    assignment = evidence.assignment
    review = assignment.indicator.review
    if not holds_role_in(actor, review.region_id, Role.OFFICE):
        raise PermissionDenied("只有本区县督导室可以审核迎检材料。")
    if assignment.user_id == actor.pk or (assignment.unit_id and owns(actor, unit_id=assignment.unit_id)):
        raise PermissionDenied("不能审核本人或本单位提交的材料：责任单位不能采纳自己的材料，请由督导室其他人员审核。")
    reason = _text(reason, "退回理由", REASON_MAX, required=not accept)
    _refuse_closed(review)
    now = timezone.now()
    with transaction.atomic():
        assignment = Assignment.objects.select_for_update(of=("self",)).select_related("indicator", "unit", "user").get(
            pk=assignment.pk)
        evidence = Evidence.objects.get(pk=evidence.pk)
        latest = assignment.evidence.order_by("-version").values_list("version", flat=True).first()
        if evidence.version != latest:
            raise ApplicationError(f"第 {evidence.version} 版不是最新版本（最新为第 {latest} 版），只能审核最新版本。")
        if evidence.decision != EvidenceDecision.PENDING:
            raise ApplicationError(f"第 {evidence.version} 版材料已{evidence.get_decision_display()}，不能重复审核。")
        evidence.decision = EvidenceDecision.ACCEPTED if accept else EvidenceDecision.RETURNED
        evidence.reason = "" if accept else reason
        evidence.decided_by, evidence.decided_at = actor, now
        evidence.save(update_fields=["decision", "reason", "decided_by", "decided_at"])
        assignment.status = AssignmentStatus.ACCEPTED if accept else AssignmentStatus.RETURNED
        assignment.save(update_fields=["status"])
        audit_record(actor=actor, action="reviews.evidence_accept" if accept else "reviews.evidence_return",
                     obj=evidence, region_code=review.region_id,
                     after={"version": evidence.version, "decision": evidence.decision, "reason": reason})
        verdict = "已采纳" if accept else f"被退回：{reason[:120]}"
        notify(messages=[(Message(
            key=f"review-decision:{evidence.pk}", kind="review_decision",
            title=f"迎检材料{'已采纳' if accept else '被退回'}：{assignment.indicator.code}",
            body=f"指标 {assignment.indicator.code} 的第 {evidence.version} 版材料{verdict}",
            url=reverse("reviews:assignment_detail", args=[assignment.pk])), assignee_user_ids(assignment))], at=now)
    return evidence


# ---- self-scoring ---------------------------------------------------------------------------------------------------

def self_scores_set(*, actor, review: Review, scores: dict, notes: dict | None = None) -> int:
    """Set the office's self-score of leaf indicators (indicator id → points within 0..weight, None clears).
    Parents are rolled up when read. Returns how many changed."""
    _require_office(actor, review, "只有本区县督导室可以填写自评得分。")
    if review.status == ReviewStatus.CLOSED:
        raise ApplicationError("迎检已结束，不能修改自评得分。")
    notes = notes or {}
    indicators = {i.pk: i for i in review.indicators.all()}
    parents = {i.parent_id for i in indicators.values() if i.parent_id}
    changed = []
    problems = []
    for pk, value in scores.items():
        indicator = indicators.get(int(pk)) if str(pk).isdecimal() else None
        if indicator is None:
            raise ApplicationError("所选指标不属于本次迎检。")
        if indicator.pk in parents:
            raise ApplicationError(f"指标“{indicator.code}”有下级指标，得分由下级汇总，不能直接填写。")
        if value is not None:
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise ApplicationError(f"指标“{indicator.code}”的自评得分应为数字。") from None
        problem = score_problem(value, indicator.weight, indicator.code)
        if problem:
            problems.append(problem)
            continue
        note = _text(notes.get(pk, indicator.self_note), "自评说明", NOTE_MAX)
        if value != indicator.self_score or note != indicator.self_note:
            changed.append((indicator, value, note))
    if problems:
        raise ApplicationError("；".join(problems[:10]))
    with transaction.atomic():
        for indicator, value, note in changed:
            indicator.self_score, indicator.self_note = value, note
        ReviewIndicator.objects.bulk_update([c[0] for c in changed], ["self_score", "self_note"])
        if changed:
            audit_record(actor=actor, action="reviews.self_score", obj=review, region_code=review.region_id,
                         after={c[0].code: c[1] for c in changed})
    return len(changed)


# ---- daily job -------------------------------------------------------------------------------------------------------

def review_due_daily(*, now: datetime.datetime | None = None) -> int:
    """The daily job "review_due": an open assignment of an open review reaches its assignees N days (policy)
    before its due date, and once when it is overdue. The notification keys make a second run add nothing."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    open_ = Assignment.objects.filter(indicator__review__status=ReviewStatus.PREPARING,
                                      status__in=[AssignmentStatus.PENDING, AssignmentStatus.RETURNED])
    days = int(policy_value("reviews.due_remind_days"))
    soon = list(open_.filter(due_on__gte=today, due_on__lte=today + datetime.timedelta(days=days))
                .select_related("indicator__review", "unit", "user"))
    late = list(open_.filter(due_on__lt=today).select_related("indicator__review", "unit", "user"))
    units = unit_user_ids({a.unit_id for a in soon + late if a.unit_id})
    messages = []
    for kind, rows in (("soon", soon), ("late", late)):
        for a in rows:
            users = {a.user_id} if a.user_id else units.get(a.unit_id, set())
            if not users:
                continue
            review = a.indicator.review
            if kind == "soon":
                title = f"迎检材料将于{cn_date(a.due_on)}截止：{a.indicator.code}"
                body = f"《{review.title}》指标 {a.indicator.code} 的材料请于{cn_date(a.due_on)}前提交。"
            else:
                title = f"迎检材料已逾期：{a.indicator.code}"
                body = f"《{review.title}》指标 {a.indicator.code} 的材料提交期限为{cn_date(a.due_on)}，尚未提交或退回后未重交。"
            messages.append((Message(key=f"review-due-{kind}:{a.pk}:{a.due_on.isoformat()}", kind="review_due",
                                     title=title, body=body, url=reverse("reviews:assignment_detail", args=[a.pk])),
                             users))
    with transaction.atomic():
        return notify(messages=messages, at=now)

