"""年检 writes (issue 23): the office's yearly round and its documents checklist, the institution's self-report
and documents, the review (reviewer, scores, return, result), the credit entries and findings a result makes,
and the public list of results. Keyword-only, atomic, audited; every refusal is a Chinese ApplicationError."""

import datetime
import re

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dudao.checks.models import (
    ANNUAL_REPORT_WORKFLOW,
    AnnualDocument,
    AnnualReport,
    AnnualReportStatus,
    AnnualReportTransition,
    AnnualRequirement,
    AnnualResult,
    AnnualRound,
    AnnualRoundStatus,
    AnnualScore,
    CreditEntry,
    CreditKind,
    InstitutionKind,
)
from dudao.checks.selectors.annual import missing_requirements, reviewer_candidates
from dudao.core.audit import audit_record
from dudao.core.dates import local_date
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.roles import Role
from dudao.core.scope import holds_role_in, owns, require_office_for
from dudao.documents import files
from dudao.documents.services import file_record
from dudao.frameworks.models import Framework, FrameworkKind, FrameworkStatus, FrameworkTarget
from dudao.frameworks.scoring import ScoreError, build_tree, evaluate, leaf_fraction
from dudao.rectification.followup import publication_publish, publication_withdraw
from dudao.rectification.models import Finding, FindingSource, FollowUp, Publication, PublicationKind
from dudao.rectification.services import finding_raise
from dudao.regions.models import Region
from dudao.schools.models import Ownership, School, SchoolType

# The default documents checklist per kind of institution (editable per round before it opens: samples, not
# official texts).
_PRIVATE_COMMON = ["年度自查报告", "办学许可证副本", "法人登记证书", "年度财务审计报告", "资金监管账户证明",
                   "校舍安全鉴定", "教职工资格与社保名册", "收费公示材料"]
DEFAULT_REQUIREMENTS: dict[str, list[str]] = {
    InstitutionKind.PRIVATE_SCHOOL: _PRIVATE_COMMON,
    InstitutionKind.PRIVATE_KINDERGARTEN: [*_PRIVATE_COMMON, "卫生保健合格证", "食品经营许可证"],
    InstitutionKind.TRAINING: ["年度自查报告", "办学许可证", "营业执照或登记证书", "培训项目与收费公示", "资金监管协议",
                               "从业人员资格与无犯罪记录", "消防安全检查合格材料"],
}
TEXT_MAX = 20000
_LIST_MARK = re.compile(r"^\s*(?:[-·•*]|[(（]?[0-9一二三四五六七八九十]{1,3}[.．、)）])\s*")


def _clean(text, limit: int = TEXT_MAX) -> str:
    return (text or "").replace("\x00", "").strip()[:limit]


def institution_kind(school: School) -> str | None:
    """The 年检 kind of a school, or None when it takes no 年检 (a public school)."""
    if school.school_type == SchoolType.TRAINING:
        return InstitutionKind.TRAINING
    if school.ownership == Ownership.PRIVATE:
        if school.school_type == SchoolType.KINDERGARTEN:
            return InstitutionKind.PRIVATE_KINDERGARTEN
        return InstitutionKind.PRIVATE_SCHOOL
    return None


def institutions_of(region_code: str):
    """The schools of a region that take the 年检: training institutions and private schools (not closed)."""
    return (School.objects.filter(region__code__startswith=region_code)
            .filter(Q(school_type=SchoolType.TRAINING) | Q(ownership=Ownership.PRIVATE)).order_by("region_id", "code"))


def frameworks_for(actor):
    """Frameworks an office may use for a 年检: frozen versions it can see, 专项督导 or any school framework."""
    return (Framework.objects.visible_to(actor).filter(status=FrameworkStatus.FROZEN)
            .filter(Q(kind=FrameworkKind.SPECIAL) | Q(target=FrameworkTarget.SCHOOL)).order_by("name", "-version"))


# ---- the round ---------------------------------------------------------------------------------------------

@transaction.atomic
def annual_round_create(*, actor, region, year: int, title: str, submit_by: datetime.date,
                        framework: Framework | None = None) -> AnnualRound:
    """A round in 草稿 with the default documents checklist of each kind. One round per region and year."""
    require_office_for(actor, region.code, "只有本区划的督导室可以组织年检。")
    if region.level != "county":
        raise ApplicationError("年检由区县督导室组织，请选择区县。")
    title = _clean(title, 128)
    if not title:
        raise ApplicationError("请填写年检名称。")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ApplicationError("年度应为 2000—2100 之间的年份。")
    if submit_by is None:
        raise ApplicationError("请填写自查报告提交截止日期。")
    if not year - 1 <= submit_by.year <= year + 1:
        raise ApplicationError(f"提交截止日期 {submit_by} 与年度 {year} 相差太远，请检查。")
    if framework is not None and not frameworks_for(actor).filter(pk=framework.pk).exists():
        raise ApplicationError("所选指标体系不可用：须为已定版的专项督导或学校评价指标体系。")
    Region.objects.select_for_update().get(pk=region.pk)  # two offices creating the same year queue up here
    if AnnualRound.objects.filter(region=region, year=year).exists():
        raise ApplicationError(f"{region.name}{year}年度的年检已经创建，不能重复创建。")
    annual = AnnualRound.objects.create(region=region, year=year, title=title, submit_by=submit_by,
                                        framework=framework, created_by=actor)
    AnnualRequirement.objects.bulk_create([
        AnnualRequirement(round=annual, kind=kind, title=t, order=n)
        for kind, titles in DEFAULT_REQUIREMENTS.items() for n, t in enumerate(titles, 1)])
    audit_record(actor=actor, action="checks.annual_create", obj=annual, region_code=region.code,
                 after={"title": title, "year": year, "submit_by": str(submit_by),
                        "framework": framework.pk if framework else None})
    return annual


def _office_draft(actor, annual: AnnualRound) -> AnnualRound:
    annual = AnnualRound.objects.select_for_update().get(pk=annual.pk)
    require_office_for(actor, annual.region_id, "只有本区划的督导室可以修改年检。")
    if annual.status != AnnualRoundStatus.DRAFT:
        raise ApplicationError("年检已开始填报，材料清单不能再修改。")
    return annual


@transaction.atomic
def annual_requirement_add(*, actor, annual: AnnualRound, kind: str, title: str, required: bool = True
                           ) -> AnnualRequirement:
    annual = _office_draft(actor, annual)
    if kind not in InstitutionKind.values:
        raise ApplicationError("请选择机构类别。")
    title = _clean(title, 128)
    if not title:
        raise ApplicationError("请填写材料名称。")
    if AnnualRequirement.objects.filter(round=annual, kind=kind, title=title).exists():
        raise ApplicationError(f"“{title}”已在{InstitutionKind(kind).label}的材料清单中。")
    last = AnnualRequirement.objects.filter(round=annual, kind=kind).order_by("-order").first()
    req = AnnualRequirement.objects.create(round=annual, kind=kind, title=title, required=bool(required),
                                           order=(last.order + 1) if last else 1)
    audit_record(actor=actor, action="checks.annual_requirement_add", obj=annual, region_code=annual.region_id,
                 after={"kind": kind, "title": title, "required": req.required})
    return req


@transaction.atomic
def annual_requirement_remove(*, actor, requirement: AnnualRequirement) -> None:
    annual = _office_draft(actor, requirement.round)
    audit_record(actor=actor, action="checks.annual_requirement_remove", obj=annual, region_code=annual.region_id,
                 before={"kind": requirement.kind, "title": requirement.title})
    requirement.delete()


@transaction.atomic
def annual_requirement_toggle(*, actor, requirement: AnnualRequirement) -> AnnualRequirement:
    """必须提交 ↔ 选择提交."""
    annual = _office_draft(actor, requirement.round)
    requirement.required = not requirement.required
    requirement.save(update_fields=["required"])
    audit_record(actor=actor, action="checks.annual_requirement_toggle", obj=annual, region_code=annual.region_id,
                 after={"title": requirement.title, "required": requirement.required})
    return requirement


@transaction.atomic
def annual_round_open(*, actor, annual: AnnualRound) -> int:
    """Open the round: one report per institution of the region (kind from its type and ownership). Returns the
    number of reports made."""
    annual = AnnualRound.objects.select_for_update().get(pk=annual.pk)
    require_office_for(actor, annual.region_id, "只有本区划的督导室可以开始年检。")
    if annual.status != AnnualRoundStatus.DRAFT:
        raise ApplicationError("年检已经开始，不能重复开始。")
    schools = list(institutions_of(annual.region_id))
    if not schools:
        raise ApplicationError("本区划没有民办学校、民办幼儿园或校外培训机构，无需年检。")
    kinds = {kind for (kind,) in AnnualRequirement.objects.filter(round=annual).values_list("kind")}
    rows = [AnnualReport(round=annual, school=s, region_code=s.region_id, kind=institution_kind(s)) for s in schools]
    without = sorted({InstitutionKind(r.kind).label for r in rows} - {InstitutionKind(k).label for k in kinds})
    if without:
        raise ApplicationError(f"{'、'.join(without)}的材料清单为空，请至少列出一项材料（如年度自查报告）。")
    AnnualReport.objects.bulk_create(rows, ignore_conflicts=True)
    annual.status = AnnualRoundStatus.OPEN
    annual.save(update_fields=["status"])
    made = list(AnnualReport.objects.filter(round=annual))
    AnnualReportTransition.objects.bulk_create([
        AnnualReportTransition(report=r, to_status=AnnualReportStatus.PENDING, actor=actor) for r in made])
    audit_record(actor=actor, action="checks.annual_open", obj=annual, region_code=annual.region_id,
                 after={"reports": len(made)})
    return len(made)


@transaction.atomic
def annual_round_close(*, actor, annual: AnnualRound) -> AnnualRound:
    """结束年检: no more submissions or documents (reviews of what was submitted may still be recorded)."""
    annual = AnnualRound.objects.select_for_update().get(pk=annual.pk)
    require_office_for(actor, annual.region_id, "只有本区划的督导室可以结束年检。")
    if annual.status != AnnualRoundStatus.OPEN:
        raise ApplicationError("只有填报与评审中的年检可以结束。")
    annual.status = AnnualRoundStatus.CLOSED
    annual.save(update_fields=["status"])
    audit_record(actor=actor, action="checks.annual_close", obj=annual, region_code=annual.region_id)
    return annual


# ---- the institution's side ---------------------------------------------------------------------------------

def _own_report(actor, report: AnnualReport) -> AnnualReport:
    report = AnnualReport.objects.select_for_update(of=("self",)).select_related("round", "school").get(pk=report.pk)
    if not owns(actor, school_id=report.school_id):
        raise PermissionDenied("只有该机构的用户可以填报本机构的年检。")
    if report.round.status == AnnualRoundStatus.CLOSED:
        raise ApplicationError("年检已结束，不能再提交或补充材料。")
    if report.round.status != AnnualRoundStatus.OPEN:
        raise ApplicationError("年检尚未开始填报。")
    if report.status not in (AnnualReportStatus.PENDING, AnnualReportStatus.RETURNED):
        raise ApplicationError(f"年检报告当前为“{report.get_status_display()}”，不能再修改。")
    return report


def annual_document_upload(*, actor, report: AnnualReport, requirement: AnnualRequirement, upload) -> AnnualDocument:
    """A document for one requirement of the report's checklist: checked by content (PDF, Word/Excel/PowerPoint or
    an image) and size before any database work, stored by SHA-256; a new upload is a new row."""
    if requirement.round_id != report.round_id or requirement.kind != report.kind:
        raise ApplicationError("该材料不在本机构的年检材料清单中。")
    if upload is None:
        raise ApplicationError(f"请选择“{requirement.title}”的文件。")
    if not owns(actor, school_id=report.school_id):  # before the file is written to storage, not only after
        raise PermissionDenied("只有该机构的用户可以填报本机构的年检。")
    upload.name = (getattr(upload, "name", "") or "").replace("\x00", "") or "材料"  # PostgreSQL text holds no NUL
    checked = files.check_and_write_evidence(upload, region_code=report.region_code)
    return _document_record(actor=actor, report=report, requirement=requirement, checked=checked)


@transaction.atomic
def _document_record(*, actor, report, requirement, checked) -> AnnualDocument:
    report = _own_report(actor, report)
    stored = file_record(actor=actor, checked=checked)
    doc = AnnualDocument.objects.create(report=report, requirement=requirement, file=stored, sha256=checked.sha256,
                                        uploaded_by=actor)
    audit_record(actor=actor, action="checks.annual_upload", obj=report, region_code=report.region_code,
                 after={"requirement": requirement.title, "sha256": checked.sha256, "name": checked.name})
    return doc


@transaction.atomic
def annual_self_report_save(*, actor, report: AnnualReport, self_report: str) -> AnnualReport:
    """Keep the self-report text as a draft (nothing is lost when the documents are not all in yet)."""
    report = _own_report(actor, report)
    report.self_report = _clean(self_report)
    report.save(update_fields=["self_report"])
    audit_record(actor=actor, action="checks.annual_save", obj=report, region_code=report.region_code)
    return report


@transaction.atomic
def annual_submit(*, actor, report: AnnualReport, self_report: str) -> AnnualReport:
    """Hand in the self-report with every required document. After the deadline it is accepted and shown as
    逾期提交; after the round is closed it is refused. The text is kept even when refused for missing documents."""
    report = _own_report(actor, report)
    text = _clean(self_report)
    if not text:
        raise ApplicationError("请填写自查报告。")
    missing = missing_requirements(report)
    if missing:
        raise ApplicationError("以下必须提交的材料尚未上传：" + "、".join(r.title for r in missing) + "。")
    report.self_report = text
    ANNUAL_REPORT_WORKFLOW.check(report.status, AnnualReportStatus.SUBMITTED)
    before = report.status
    report.status, report.submitted_at, report.submitted_by = AnnualReportStatus.SUBMITTED, timezone.now(), actor
    report.save(update_fields=["status", "submitted_at", "submitted_by", "self_report"])
    late = local_date(report.submitted_at) > report.round.submit_by
    AnnualReportTransition.record(report, from_status=before, to_status=report.status, actor=actor,
                                  note="逾期提交" if late else "")
    audit_record(actor=actor, action="checks.annual_submit", obj=report, region_code=report.region_code,
                 after={"late": late, "chars": len(text)})
    return report


# ---- the review ---------------------------------------------------------------------------------------------

def _reviewable(actor, report: AnnualReport, *, office_only: bool = False) -> AnnualReport:
    report = AnnualReport.objects.select_for_update(of=("self",)).select_related("round", "school").get(pk=report.pk)
    office = holds_role_in(actor, report.region_code, Role.OFFICE)
    if office_only and not office:
        raise PermissionDenied("只有本区划的督导室可以安排评审人。")
    if not office and not (report.reviewer_id and report.reviewer_id == getattr(actor, "pk", None)):
        raise PermissionDenied("只有该报告的评审人或督导室可以评审。")
    return report


@transaction.atomic
def annual_reviewer_assign(*, actor, report: AnnualReport, reviewer) -> AnnualReport:
    report = _reviewable(actor, report, office_only=True)
    if report.status == AnnualReportStatus.REVIEWED:
        raise ApplicationError("该机构的年检已评定，不能再更换评审人。")
    if reviewer is None or not reviewer_candidates(report.round.region_id).filter(pk=reviewer.pk).exists():
        raise ApplicationError("评审人须为本区划的督学或评估专家。")
    before = report.reviewer_id
    report.reviewer = reviewer
    report.save(update_fields=["reviewer"])
    audit_record(actor=actor, action="checks.annual_assign", obj=report, region_code=report.region_code,
                 before={"reviewer": before}, after={"reviewer": reviewer.pk})
    return report


@transaction.atomic
def annual_return(*, actor, report: AnnualReport, reason: str) -> AnnualReport:
    """退回补正: before the result, with the reason the institution reads."""
    report = _reviewable(actor, report)
    reason = _clean(reason, 1000)
    if not reason:
        raise ApplicationError("退回补正须写明原因。")
    ANNUAL_REPORT_WORKFLOW.check(report.status, AnnualReportStatus.RETURNED)
    before = report.status
    report.status = AnnualReportStatus.RETURNED
    report.save(update_fields=["status"])
    AnnualReportTransition.record(report, from_status=before, to_status=report.status, actor=actor, note=reason)
    audit_record(actor=actor, action="checks.annual_return", obj=report, region_code=report.region_code,
                 after={"reason": reason})
    return report


def _tree(report: AnnualReport):
    return build_tree(report.round.framework.definition) if report.round.framework_id else None


@transaction.atomic
def annual_score(*, actor, report: AnnualReport, values: dict[str, str], notes: dict[str, str] | None = None
                 ) -> AnnualReport:
    """Record the reviewer's scores (check point code → value; blank leaves a point unscored) and the total the
    framework gives (frameworks.scoring.evaluate)."""
    report = _reviewable(actor, report)
    if report.status != AnnualReportStatus.SUBMITTED:
        raise ApplicationError("只有已提交、未评定的年检报告可以评分。")
    tree = _tree(report)
    if tree is None:
        raise ApplicationError("本次年检未使用评审指标体系，无需评分。")
    notes = notes or {}
    unknown = [c for c in values if c not in tree.nodes or not tree.nodes[c].is_leaf]
    if unknown:
        raise ApplicationError(f"指标代码 {unknown[0][:32]} 不在本次年检的指标体系中。")
    problems, keep = [], {}
    for code, raw in values.items():
        value = _clean(raw, 32)
        if not value:
            continue
        try:
            leaf_fraction(tree.nodes[code], value)
        except ScoreError as exc:
            problems.append(str(exc))
        keep[code] = value
    if problems:
        raise ApplicationError("；".join(problems))
    for code, value in keep.items():
        AnnualScore.objects.update_or_create(report=report, point=code,
                                             defaults={"value": value, "note": _clean(notes.get(code), 255)})
    report.score = _total(report, tree)
    report.save(update_fields=["score"])
    audit_record(actor=actor, action="checks.annual_score", obj=report, region_code=report.region_code,
                 after={"points": len(keep), "score": str(report.score) if report.score is not None else None})
    return report


def _total(report: AnnualReport, tree) -> float | None:
    scores = {p: [v] for p, v in AnnualScore.objects.filter(report=report).values_list("point", "value")
              if p in tree.nodes}
    evaluation = evaluate(tree, scores)
    return None if evaluation.score is None else round(evaluation.score, 2)


def unscored_points(report: AnnualReport) -> list[str]:
    """The scored check points (not text, not N/A) without a value yet."""
    tree = _tree(report)
    if tree is None:
        return []
    done = set(AnnualScore.objects.filter(report=report).values_list("point", flat=True))
    return [f"{n.code} {n.name}" for n in tree.leaves if (n.rule or {}).get("kind") != "text" and n.code not in done]


def problem_lines(reasons: str) -> list[str]:
    """The listed problems of a 限期整改: one per non-empty line, list marks (1. 、一、 - ·) removed."""
    lines = []
    for line in reasons.splitlines():
        text = _LIST_MARK.sub("", line).strip()
        if text:
            lines.append(text[:500])
    return lines


@transaction.atomic
def annual_result(*, actor, report: AnnualReport, result: str, reasons: str = "",
                  rectify_due: datetime.date | None = None, today: datetime.date | None = None) -> AnnualReport:
    """年检结论. Reasons are required unless 合格; 限期整改 needs a future deadline and raises one finding per listed
    problem (once per report and line). 合格 writes a positive 诚信记录, 不合格 and 限期整改 a negative one."""
    report = _reviewable(actor, report)
    if result not in AnnualResult.values:
        raise ApplicationError("请选择年检结论：合格、基本合格、不合格或限期整改。")
    if report.status != AnnualReportStatus.SUBMITTED:
        raise ApplicationError(f"年检报告当前为“{report.get_status_display()}”，只有已提交的报告可以评定。")
    reasons = _clean(reasons, 5000)
    label = AnnualResult(result).label
    if result != AnnualResult.PASS and not reasons:
        raise ApplicationError(f"结论为“{label}”时须写明理由（存在的问题）。")
    today = today or timezone.localdate()
    if result == AnnualResult.RECTIFY:
        if rectify_due is None:
            raise ApplicationError("限期整改须填写整改期限。")
        if rectify_due <= today:
            raise ApplicationError("整改期限应晚于今天。")
        if rectify_due > today + datetime.timedelta(days=730):
            raise ApplicationError("整改期限不应超过两年，请检查日期。")
        if not problem_lines(reasons):
            raise ApplicationError("限期整改须逐行列出存在的问题。")
    else:
        rectify_due = None
    missing = unscored_points(report)
    if missing:
        raise ApplicationError(f"尚有 {len(missing)} 个指标未评分（{'、'.join(missing[:3])}{'等' if len(missing) > 3 else ''}），"
                               "请先评分或标为 N/A。")
    ANNUAL_REPORT_WORKFLOW.check(report.status, AnnualReportStatus.REVIEWED)
    before = report.status
    report.status, report.result, report.reasons, report.rectify_due = (AnnualReportStatus.REVIEWED, result, reasons,
                                                                        rectify_due)
    report.reviewed_by, report.reviewed_at = actor, timezone.now()
    report.save(update_fields=["status", "result", "reasons", "rectify_due", "reviewed_by", "reviewed_at"])
    AnnualReportTransition.record(report, from_status=before, to_status=report.status, actor=actor, note=label)
    raised = _raise_findings(actor, report) if result == AnnualResult.RECTIFY else 0
    _credit(actor, report, today)
    audit_record(actor=actor, action="checks.annual_result", obj=report, region_code=report.region_code,
                 after={"result": result, "rectify_due": str(rectify_due) if rectify_due else None,
                        "findings": raised})
    return report


def _raise_findings(actor, report: AnnualReport) -> int:
    """One finding per problem line, named ("checks.annualreport", "<report>:<n>") so it is never raised twice."""
    done = _existing_ids(report)
    raised = 0
    for n, line in enumerate(problem_lines(report.reasons), 1):
        source_id = f"{report.pk}:{n}"
        if source_id in done:
            continue
        finding_raise(actor=actor, source=FindingSource.ANNUAL, description=line, school=report.school,
                      source_type="checks.annualreport", source_id=source_id, follow_up=FollowUp.SUGGESTION,
                      category_label="年检", requirement=f"{report.round.title}限期整改",
                      due_date=report.rectify_due)
        raised += 1
    return raised


def _existing_ids(report: AnnualReport) -> set[str]:
    return set(Finding.objects.filter(source=FindingSource.ANNUAL, source_type="checks.annualreport",
                                      source_id__startswith=f"{report.pk}:").values_list("source_id", flat=True))


def _credit(actor, report: AnnualReport, today: datetime.date) -> None:
    if report.result == AnnualResult.BASIC or report.credit.exists():
        return
    negative = report.result in (AnnualResult.FAIL, AnnualResult.RECTIFY)
    text = f"{report.round.title}结论：{report.get_result_display()}"
    if report.result == AnnualResult.RECTIFY:
        text += f"，整改期限 {report.rectify_due}"
    CreditEntry.objects.create(school=report.school, region_code=report.region_code, kind=CreditKind.ANNUAL, on=today,
                               text=text, negative=negative, annual_report=report,
                               created_by=actor if getattr(actor, "is_authenticated", False) else None)


# ---- publication --------------------------------------------------------------------------------------------

def publication_text(annual: AnnualRound) -> tuple[str, str, int]:
    """(title, body, still pending): the institutions and their results only — no scores, no reasons."""
    rows = list(AnnualReport.objects.filter(round=annual).select_related("school")
                .order_by("kind", "school__name", "school_id"))
    done = [r for r in rows if r.status == AnnualReportStatus.REVIEWED]
    pending = len(rows) - len(done)
    lines = [f"{annual.region.name}{annual.year}年度民办学校、民办幼儿园和校外培训机构年检结果如下（共 {len(done)} 家）："]
    for kind in InstitutionKind:
        part = [r for r in done if r.kind == kind]
        if part:
            lines.append(f"【{kind.label}】")
            lines.extend(f"{r.school.name}：{r.get_result_display()}" for r in part)
    if pending:
        lines.append(f"另有 {pending} 家机构年检尚未完成，结果评定后另行公布。")
    return f"{annual.title}结果公告", "\n".join(lines), pending


@transaction.atomic
def annual_publish(*, actor, annual: AnnualRound) -> Publication:
    """Publish the reviewed results on the public results page. Institutions still pending are counted, not
    listed; publishing again (after more results) withdraws the earlier notice and publishes the full list."""
    annual = AnnualRound.objects.select_for_update().select_related("region").get(pk=annual.pk)
    require_office_for(actor, annual.region_id, "只有本区划的督导室可以公布年检结果。")
    if annual.status == AnnualRoundStatus.DRAFT:
        raise ApplicationError("年检尚未开始，没有可公布的结果。")
    if not AnnualReport.objects.filter(round=annual, status=AnnualReportStatus.REVIEWED).exists():
        raise ApplicationError("还没有评定结论的机构，暂不能公布。")
    title, body, pending = publication_text(annual)
    old = annual.publication
    if old is not None and not old.withdrawn_at:
        if old.body == body:
            raise ApplicationError("结果没有变化，无需重新公布。")
        publication_withdraw(actor=actor, item=old, reason="年检结果已更新，以新公告为准。")
    item = publication_publish(actor=actor, kind=PublicationKind.RESULT, region_code=annual.region_id, title=title,
                               body=body)
    annual.publication, annual.published_at = item, item.published_at
    annual.save(update_fields=["publication", "published_at"])
    audit_record(actor=actor, action="checks.annual_publish", obj=annual, region_code=annual.region_id,
                 after={"publication": item.pk, "pending": pending})
    return item
