"""Writes of the 述职评议 (issue 21 item 2): a session of the county with its rating framework and combination rule,
its reporters (member departments and towns) and their 述职报告, its raters and their personal links, the phone
rating sheet (autosave, recusal, final 提交), the aggregation on close (rating_engine), publication to the public
results page, and findings from low check points.

Office staff of the session's county write everything but the sheet and the reports; a reporter's unit users
upload their own 述职报告; a rater writes only through their key, with no account (actor None in the audit log).
Status moves are declared once (models.RATING_WORKFLOW); a refused move says why."""

import datetime
import math
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from dudao.core.audit import audit_record, snapshot
from dudao.core.dates import cn_date
from dudao.core.errors import ApplicationError
from dudao.core.models import RoleAssignment
from dudao.core.policy import policy_value
from dudao.core.registries import refuse_if_archived
from dudao.core.roles import Role
from dudao.core.scope import holds_role_in, owns, region_prefix, require_office_for
from dudao.core.selectors import users_of_units
from dudao.core.services import Message, notify
from dudao.documents.models import FileKind
from dudao.documents.services import file_store
from dudao.frameworks.models import Framework
from dudao.frameworks.scoring import ScoreError, build_tree, leaf_fraction
from dudao.rectification.followup import publication_publish, publication_withdraw
from dudao.rectification.models import FindingSource, Publication, PublicationKind
from dudao.rectification.services import finding_raise
from dudao.regions.models import GovUnit, Region, UnitKind
from dudao.reviews import rating_engine
from dudao.reviews.models import (
    RATING_WORKFLOW,
    CombineRule,
    Committee,
    Rater,
    RaterKind,
    Rating,
    RatingFinding,
    RatingSession,
    Reporter,
    SessionStatus,
    SessionTransition,
    new_rater_key,
)
from dudao.reviews.selectors.rating import region_users

WHAT = "述职评议"
TITLE_MAX = 200
NAME_MAX = 64
VALUE_MAX = 32          # characters of one recorded value ("A", "达标", "8.5")
REASON_MAX = 200
SOURCE_TYPE = "reviews.reporter"
REPORT_TYPES = {"application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
SESSION_FIELDS = ["title", "year", "held_on", "framework_id", "combine", "status"]
TOWN_KINDS = (UnitKind.TOWN_GOV, UnitKind.SUBDISTRICT)


# ---- helpers ------------------------------------------------------------------------------------------------

def _text(value, what: str, limit: int, *, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ApplicationError(f"请填写{what}。")
    if len(text) > limit:
        raise ApplicationError(f"{what}过长（最多 {limit} 个字符）。")
    return text


def _ids(values: Iterable, what: str) -> list[int]:
    ids = []
    for value in values or ():
        pk = str(getattr(value, "pk", value)).strip()
        if not (pk.isdecimal() and len(pk) < 19):
            raise ApplicationError(f"{what}编号“{pk[:20]}”无效。")
        ids.append(int(pk))
    return list(dict.fromkeys(ids))


def _day(session: RatingSession) -> datetime.date:
    return session.held_on or datetime.date(session.year, 12, 31)


def _locked(session: RatingSession) -> RatingSession:
    session = RatingSession.objects.select_for_update(of=("self",)).select_related("region", "framework").get(pk=session.pk)
    refuse_if_archived(session.region_id, _day(session), WHAT)
    return session


def _require_status(session: RatingSession, statuses: tuple[str, ...], doing: str) -> None:
    if session.status not in statuses:
        allowed = "、".join(RATING_WORKFLOW.label(s) for s in statuses)
        raise ApplicationError(f"述职评议“{session.title}”当前为“{session.get_status_display()}”，只有{allowed}时可以{doing}。")


def _move(*, actor, session: RatingSession, to: str, note: str = "") -> None:
    RATING_WORKFLOW.check(session.status, to)
    before = session.status
    session.status = to
    SessionTransition.objects.create(session=session, from_status=before, to_status=to,
                                     actor=actor if getattr(actor, "is_authenticated", False) else None, note=note)


def region_units(region: Region):
    """The government units of a county (its own and those of its towns)."""
    return GovUnit.objects.filter(region__code__startswith=region.code[:6])


def _framework(region: Region, framework) -> Framework:
    if framework is None:
        raise ApplicationError("请选择评议指标体系。")
    pk = getattr(framework, "pk", framework)
    found = Framework.objects.filter(pk=pk).first() if str(pk).isdecimal() and len(str(pk)) < 19 else None
    # a framework of the county or of a region above it (a city's sample), never another county's
    if found is None or not region.code.startswith(region_prefix(found.region_id)):
        raise ApplicationError("所选指标体系不属于本区县，不能使用。")
    if not found.is_frozen:
        raise ApplicationError(f"指标体系“{found.name}”尚未定版，定版后才能用于述职评议（评分期间不能修改）。")
    tree = build_tree(found.definition)
    if not any((n.rule or {}).get("kind") != "text" for n in tree.leaves):
        raise ApplicationError(f"指标体系“{found.name}”没有可评分的考查要点。")
    return found


def _fields(*, region: Region, title, year, held_on, framework, combine) -> dict:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ApplicationError("请填写年度。") from None
    if not 2000 <= year <= 2100:
        raise ApplicationError("年度应在 2000 年到 2100 年之间。")
    if held_on not in (None, "") and (not isinstance(held_on, datetime.date) or isinstance(held_on, datetime.datetime)):
        raise ApplicationError("评议日期应为日期。")
    if held_on and not year <= held_on.year <= year + 1:
        raise ApplicationError(f"评议日期应在 {year} 年或次年（{held_on.year} 年不对应所评年度）。")
    if combine not in CombineRule.values:
        raise ApplicationError("请选择评分合成方式。")
    return {"title": _text(title, "评议名称", TITLE_MAX, required=True), "year": year, "held_on": held_on or None,
            "framework": _framework(region, framework), "combine": combine}


# ---- sessions -----------------------------------------------------------------------------------------------

def session_create(*, actor, region: Region, title: str, year: int, framework, combine: str = CombineRule.TRIMMED,
                   held_on: datetime.date | None = None) -> RatingSession:
    if not isinstance(region, Region) or region.level != "county":
        raise ApplicationError("请选择述职评议所属区县。")
    require_office_for(actor, region.code, "只有本区县督导室可以组织述职评议。")
    fields = _fields(region=region, title=title, year=year, held_on=held_on, framework=framework, combine=combine)
    refuse_if_archived(region.code, fields["held_on"] or datetime.date(fields["year"], 12, 31), WHAT)
    with transaction.atomic():
        session = RatingSession(region=region, created_by=actor, **fields)
        session.full_clean()
        session.save()
        SessionTransition.objects.create(session=session, to_status=session.status, actor=actor)
        audit_record(actor=actor, action="reviews.session_create", obj=session, region_code=region.code,
                     after=snapshot(session, SESSION_FIELDS))
    return session


def session_update(*, actor, session: RatingSession, title: str, year: int, framework, combine: str,
                   held_on: datetime.date | None = None) -> RatingSession:
    """Title and date while not published; the framework, the rule and the year only while 筹备中 (the raters score
    against them)."""
    require_office_for(actor, session.region_id, "只有本区县督导室可以修改述职评议。")
    with transaction.atomic():
        session = _locked(session)
        _require_status(session, (SessionStatus.DRAFT, SessionStatus.OPEN, SessionStatus.CLOSED), "修改")
        fields = _fields(region=session.region, title=title, year=year, held_on=held_on, framework=framework,
                         combine=combine)
        if session.status != SessionStatus.DRAFT and (fields["framework"].pk != session.framework_id
                                                      or fields["combine"] != session.combine
                                                      or fields["year"] != session.year):
            raise ApplicationError("评议已开始，不能再更改年度、评议指标或评分合成方式。")
        refuse_if_archived(session.region_id, fields["held_on"] or datetime.date(fields["year"], 12, 31), WHAT)
        before = snapshot(session, SESSION_FIELDS)
        for name, value in fields.items():
            setattr(session, name, value)
        session.full_clean()
        session.save()
        audit_record(actor=actor, action="reviews.session_update", obj=session, region_code=session.region_id,
                     before=before, after=snapshot(session, SESSION_FIELDS))
    return session


def session_open(*, actor, session: RatingSession) -> RatingSession:
    """筹备中 → 评议中: the personal links start working. Needs reporters and raters."""
    require_office_for(actor, session.region_id, "只有本区县督导室可以开始评议。")
    with transaction.atomic():
        session = _locked(session)
        RATING_WORKFLOW.check(session.status, SessionStatus.OPEN)
        if not session.reporters.exists():
            raise ApplicationError("还没有述职单位，请先添加述职单位。")
        if not session.raters.exists():
            raise ApplicationError("还没有评议人，请先添加评议人。")
        _move(actor=actor, session=session, to=SessionStatus.OPEN)
        session.save(update_fields=["status"])
        audit_record(actor=actor, action="reviews.session_open", obj=session, region_code=session.region_id,
                     after={"status": session.status})
    return session


def _sheets(session: RatingSession) -> dict[int, dict[int, dict]]:
    """reporter id → rater id → scores, for the raters who submitted (a sheet not submitted is a draft)."""
    sheets: dict[int, dict[int, dict]] = {r: {} for r in session.reporters.values_list("pk", flat=True)}
    for rater_id, reporter_id, scores in Rating.objects.filter(
            reporter__session=session, rater__finished_at__isnull=False).values_list("rater_id", "reporter_id", "scores"):
        sheets.setdefault(reporter_id, {})[rater_id] = scores or {}
    return sheets


def session_close(*, actor, session: RatingSession) -> RatingSession:
    """评议中 → 已汇总: combine the submitted sheets per reporter and check point by the session's rule, roll up,
    rank (ties share a rank) and level; a reporter scored by fewer raters than the policy minimum is flagged."""
    require_office_for(actor, session.region_id, "只有本区县督导室可以结束评议并汇总。")
    with transaction.atomic():
        session = _locked(session)
        RATING_WORKFLOW.check(session.status, SessionStatus.CLOSED)
        if not session.raters.filter(finished_at__isnull=False).exists():
            raise ApplicationError("还没有评议人提交评分，不能汇总。")
        tree = build_tree(session.framework.definition)
        minimum = int(policy_value("reviews.rating_min_raters", session.region_id))
        try:
            results = rating_engine.aggregate(tree, _sheets(session), session.combine)
        except ScoreError as exc:  # a framework edited under a sheet: never expected (frozen), said in Chinese
            raise ApplicationError(f"汇总失败：{exc}") from None
        now = timezone.now()
        reporters = {r.pk: r for r in session.reporters.all()}
        for result in results:
            reporter = reporters[result.key]
            reporter.score = None if result.score is None else round(result.score, 4)
            reporter.rank, reporter.level = result.rank, result.level
            reporter.rater_count, reporter.few_raters = result.raters, result.raters < minimum
            reporter.leaves = {k: (None if v is None else round(v, 6)) for k, v in result.leaves.items()}
            reporter.computed_at = now
        Reporter.objects.bulk_update(reporters.values(),
                                     ["score", "rank", "level", "rater_count", "few_raters", "leaves", "computed_at"])
        _move(actor=actor, session=session, to=SessionStatus.CLOSED)
        session.closed_at = now
        session.save(update_fields=["status", "closed_at"])
        audit_record(actor=actor, action="reviews.session_close", obj=session, region_code=session.region_id,
                     after={"status": session.status, "results": [
                         {"reporter": r.key, "score": reporters[r.key].score, "rank": r.rank, "level": r.level}
                         for r in results]})
    return session


def session_reopen(*, actor, session: RatingSession, reason: str) -> RatingSession:
    """已汇总 → 评议中 (a rater still to submit, a mistake found): the results are cleared until the next close."""
    require_office_for(actor, session.region_id, "只有本区县督导室可以重新开放评议。")
    reason = _text(reason, "重新开放的原因", REASON_MAX, required=True)
    with transaction.atomic():
        session = _locked(session)
        RATING_WORKFLOW.check(session.status, SessionStatus.OPEN)
        if RatingFinding.objects.filter(reporter__session=session).exists():
            raise ApplicationError("已根据评议结果列入问题整改，不能重新开放评议。")
        session.reporters.update(score=None, rank=None, level="", computed_at=None, few_raters=False, rater_count=0,
                                 leaves={})
        _move(actor=actor, session=session, to=SessionStatus.OPEN, note=reason)
        session.closed_at = None
        session.save(update_fields=["status", "closed_at"])
        audit_record(actor=actor, action="reviews.session_reopen", obj=session, region_code=session.region_id,
                     after={"status": session.status, "reason": reason})
    return session


def publication_text(session: RatingSession) -> tuple[str, str]:
    """The public title and body: ranks, scores and levels only (no rater, no per-rater score)."""
    lines = [f"{session.region.name}人民政府教育督导委员会于{cn_date(session.held_on) if session.held_on else f'{session.year}年'}"
             f"组织开展{session.title}，结果如下（按名次）："]
    for r in session.reporters.select_related("unit").order_by("rank", "position", "pk"):
        if r.rank is None:
            continue
        lines.append(f"第 {r.rank} 名　{r.unit.name}　{r.score:.2f} 分　{r.level}")
    return f"{session.title}结果", "\n".join(lines)


def session_publish(*, actor, session: RatingSession) -> RatingSession:
    """已汇总 → 已公布: the ranked results go to the public results page (结果公开, kind 督导结果); each reporter's unit
    users are told."""
    require_office_for(actor, session.region_id, "只有本区县督导室可以公布评议结果。")
    with transaction.atomic():
        session = _locked(session)
        RATING_WORKFLOW.check(session.status, SessionStatus.PUBLISHED)
        if not session.reporters.filter(rank__isnull=False).exists():
            raise ApplicationError("没有可公布的评议结果。")
        title, body = publication_text(session)
        item = publication_publish(actor=actor, kind=PublicationKind.RESULT, region_code=session.region_id,
                                   title=title, body=body)
        _move(actor=actor, session=session, to=SessionStatus.PUBLISHED)
        session.publication, session.published_at = item, timezone.now()
        session.save(update_fields=["status", "publication", "published_at"])
        audit_record(actor=actor, action="reviews.session_publish", obj=session, region_code=session.region_id,
                     after={"status": session.status, "publication": item.pk})
        units = users_of_units(session.reporters.values_list("unit_id", flat=True))
        users = set().union(*units.values()) if units else set()
        notify(messages=[(Message(f"reviews.session:{session.pk}:published:{item.pk}", "reviews",
                                  f"述职评议结果已公布：{session.title}", url="/reviews/ratings/mine/"), users)])
    return session


def session_unpublish(*, actor, session: RatingSession, reason: str) -> RatingSession:
    """已公布 → 已汇总: the public item is withdrawn with the reason (it stays in the log)."""
    require_office_for(actor, session.region_id, "只有本区县督导室可以撤回评议结果。")
    reason = _text(reason, "撤回原因", REASON_MAX, required=True)
    with transaction.atomic():
        session = _locked(session)
        RATING_WORKFLOW.check(session.status, SessionStatus.CLOSED)
        if session.publication_id:
            item = Publication.objects.get(pk=session.publication_id)
            if not item.withdrawn_at:
                publication_withdraw(actor=actor, item=item, reason=reason)
        _move(actor=actor, session=session, to=SessionStatus.CLOSED, note=reason)
        session.published_at = None
        session.save(update_fields=["status", "published_at"])
        audit_record(actor=actor, action="reviews.session_unpublish", obj=session, region_code=session.region_id,
                     after={"status": session.status, "reason": reason})
    return session


# ---- reporters ----------------------------------------------------------------------------------------------

def default_reporter_units(region: Region) -> list[GovUnit]:
    """The committee's active member units, then the towns' governments and subdistricts, of the county."""
    committee = Committee.objects.filter(region=region).first()
    members = list(GovUnit.objects.filter(pk__in=committee.members.filter(active=True).values("unit"))
                   .order_by("code")) if committee else []
    towns = list(region_units(region).filter(kind__in=TOWN_KINDS).order_by("region_id", "code"))
    return list(dict.fromkeys(members + towns))


def reporters_add(*, actor, session: RatingSession, units: Iterable) -> list[Reporter]:
    """Add units of the county as reporters (already added ones are skipped), after the last one."""
    require_office_for(actor, session.region_id, "只有本区县督导室可以添加述职单位。")
    ids = _ids(units, "单位")
    if not ids:
        raise ApplicationError("请选择述职单位。")
    with transaction.atomic():
        session = _locked(session)
        _require_status(session, (SessionStatus.DRAFT,), "添加述职单位")
        found = {u.pk: u for u in region_units(session.region).filter(pk__in=ids)}
        if len(found) != len(ids):
            raise ApplicationError(f"所选单位中有 {len(ids) - len(found)} 个不属于{session.region.name}，不能添加。")
        present = set(session.reporters.values_list("unit_id", flat=True))
        last = session.reporters.aggregate(m=Max("position"))["m"] or 0
        added = []
        for pk in ids:
            if pk in present:
                continue
            last += 1
            added.append(Reporter.objects.create(session=session, unit=found[pk], position=last))
        audit_record(actor=actor, action="reviews.reporters_add", obj=session, region_code=session.region_id,
                     after={"units": [r.unit_id for r in added]})
    return added


def reporters_add_default(*, actor, session: RatingSession) -> list[Reporter]:
    units = default_reporter_units(session.region)
    if not units:
        raise ApplicationError("本区县还没有督导委员会成员单位或乡镇（街道）单位，请在单位名录中先添加。")
    return reporters_add(actor=actor, session=session, units=units)


def reporter_remove(*, actor, reporter: Reporter) -> None:
    require_office_for(actor, reporter.session.region_id, "只有本区县督导室可以移除述职单位。")
    with transaction.atomic():
        session = _locked(reporter.session)
        _require_status(session, (SessionStatus.DRAFT,), "移除述职单位")
        reporter = Reporter.objects.select_for_update(of=("self",)).select_related("unit").get(pk=reporter.pk)
        audit_record(actor=actor, action="reviews.reporter_remove", obj=reporter, region_code=session.region_id,
                     before={"unit": reporter.unit_id, "position": reporter.position})
        reporter.delete()


def reporter_move(*, actor, reporter: Reporter, up: bool) -> Reporter:
    """Swap the 述职顺序 with the previous (up) or next reporter."""
    require_office_for(actor, reporter.session.region_id, "只有本区县督导室可以调整述职顺序。")
    with transaction.atomic():
        session = _locked(reporter.session)
        _require_status(session, (SessionStatus.DRAFT, SessionStatus.OPEN), "调整述职顺序")
        rows = list(session.reporters.select_for_update().order_by("position", "pk"))
        index = next((i for i, r in enumerate(rows) if r.pk == reporter.pk), None)
        other = (index - 1 if up else index + 1) if index is not None else None
        if other is None or not 0 <= other < len(rows):
            raise ApplicationError("已经在最前面。" if up else "已经在最后面。")
        for position, row in enumerate(rows, 1):
            row.position = position
        rows[index].position, rows[other].position = rows[other].position, rows[index].position
        Reporter.objects.bulk_update(rows, ["position"])
        audit_record(actor=actor, action="reviews.reporter_move", obj=rows[index], region_code=session.region_id,
                     after={"position": rows[index].position})
    return rows[index]


def report_upload(*, actor, reporter: Reporter, upload) -> Reporter:
    """The reporter's 述职报告 (PDF or Word .docx, checked by content and size), by the unit's own users or the
    office, while 筹备中 or 评议中. A new file replaces the link; the old StoredFile row stays."""
    session = reporter.session
    if not holds_role_in(actor, session.region_id, Role.OFFICE) and not owns(actor, unit_id=reporter.unit_id):
        raise ApplicationError("只能上传本单位的述职报告。")
    if upload is None:
        raise ApplicationError("请选择述职报告文件。")
    with transaction.atomic():
        session = _locked(session)
        _require_status(session, (SessionStatus.DRAFT, SessionStatus.OPEN), "上传述职报告")
        reporter = Reporter.objects.select_for_update().get(pk=reporter.pk)
        stored = file_store(actor=actor, upload=upload, kind=FileKind.DOCUMENT, region_code=session.region_id)
        if stored.content_type not in REPORT_TYPES:
            raise ApplicationError("述职报告只能是 PDF 或 Word（.docx）文件。")
        before = reporter.report_id
        reporter.report, reporter.report_at = stored, timezone.now()
        reporter.save(update_fields=["report", "report_at"])
        audit_record(actor=actor, action="reviews.report_upload", obj=reporter, region_code=session.region_id,
                     before={"report": before}, after={"report": stored.pk, "name": stored.original_name})
    return reporter


# ---- raters -------------------------------------------------------------------------------------------------

def rater_add(*, actor, session: RatingSession, name: str, kind: str, unit=None, user=None) -> Rater:
    require_office_for(actor, session.region_id, "只有本区县督导室可以添加评议人。")
    name = _text(name, "评议人姓名", NAME_MAX, required=True)
    if kind not in RaterKind.values:
        raise ApplicationError("请选择评议人身份。")
    with transaction.atomic():
        session = _locked(session)
        _require_status(session, (SessionStatus.DRAFT, SessionStatus.OPEN), "添加评议人")
        if unit not in (None, ""):
            pk = _ids([unit], "单位")[0]
            unit = region_units(session.region).filter(pk=pk).first()
            if unit is None:
                raise ApplicationError(f"评议人所在单位不属于{session.region.name}。")
        else:
            unit = None
        if user not in (None, ""):
            pk = _ids([user], "账号")[0]
            user = region_users(session.region_id).filter(pk=pk).first()
            if user is None:
                raise ApplicationError(f"所选账号不是{session.region.name}的用户。")
            if session.raters.filter(user=user).exists():
                raise ApplicationError("该账号已是本次评议的评议人。")
            # Recusal follows the account: a unit user is recused from their own unit, whatever was typed.
            own = sorted(RoleAssignment.objects.filter(user=user, role=Role.UNIT, unit__isnull=False)
                         .values_list("unit_id", flat=True).distinct())
            if unit is None and len(own) == 1:
                unit = GovUnit.objects.get(pk=own[0])
            elif own and (unit is None or unit.pk not in own):
                raise ApplicationError("所选账号是其他单位的用户：所在单位须为该账号所属单位（回避本单位），请重新选择。")
        else:
            user = None
        rater = Rater(session=session, name=name, kind=kind, unit=unit, user=user)
        rater.full_clean()
        rater.save()
        audit_record(actor=actor, action="reviews.rater_add", obj=rater, region_code=session.region_id,
                     after=snapshot(rater, ["name", "kind", "unit_id", "user_id"]))
    return rater


def rater_remove(*, actor, rater: Rater) -> None:
    require_office_for(actor, rater.session.region_id, "只有本区县督导室可以移除评议人。")
    with transaction.atomic():
        session = _locked(rater.session)
        _require_status(session, (SessionStatus.DRAFT, SessionStatus.OPEN), "移除评议人")
        rater = Rater.objects.select_for_update().get(pk=rater.pk)
        if rater.ratings.exists():
            raise ApplicationError(f"评议人“{rater.name}”已有评分，不能移除。")
        audit_record(actor=actor, action="reviews.rater_remove", obj=rater, region_code=session.region_id,
                     before=snapshot(rater, ["name", "kind", "unit_id", "user_id"]))
        rater.delete()


def rater_reissue(*, actor, rater: Rater) -> Rater:
    """A new personal link: the old one stops working at once (a link lost or passed on)."""
    require_office_for(actor, rater.session.region_id, "只有本区县督导室可以重新生成评议链接。")
    with transaction.atomic():
        session = _locked(rater.session)
        _require_status(session, (SessionStatus.DRAFT, SessionStatus.OPEN), "重新生成评议链接")
        rater = Rater.objects.select_for_update().get(pk=rater.pk)
        rater.key = new_rater_key()
        rater.save(update_fields=["key"])
        audit_record(actor=actor, action="reviews.rater_reissue", obj=rater, region_code=session.region_id,
                     after={"rater": rater.pk})  # never the key itself
    return rater


# ---- the rating sheet (no login: the rater's key) ------------------------------------------------------------

def scorable_leaves(session: RatingSession) -> list:
    tree = build_tree(session.framework.definition)
    return [n for n in tree.leaves if (n.rule or {}).get("kind") != "text"]


def _sheet_open(rater: Rater) -> RatingSession:
    session = rater.session
    if session.status != SessionStatus.OPEN:
        raise ApplicationError("本次述职评议不在评议期间，不能评分。")
    if rater.finished_at:
        raise ApplicationError("您已提交评分，不能再修改。")
    return session


def _clean_scores(leaves: list, raw) -> dict[str, str]:
    """Posted values → {leaf code: value}: only the framework's scorable leaves, each value checked by its rule
    (leaf_fraction); an empty value is left out (not yet scored). Any bad value refuses the whole post."""
    if not isinstance(raw, dict):
        raise ApplicationError("评分格式不正确。")
    nodes = {n.code: n for n in leaves}
    unknown = [str(code)[:20] for code in raw if code not in nodes]
    if unknown:
        raise ApplicationError(f"考查要点“{'、'.join(unknown[:3])}”不在本次评议指标中。")
    cleaned: dict[str, str] = {}
    for code, value in raw.items():
        if value is None or isinstance(value, (list, dict)):
            if value is None:
                continue
            raise ApplicationError(f"{code} {nodes[code].name}：评分格式不正确。")
        if isinstance(value, bool):
            value = "达标" if value else "不达标"
        if isinstance(value, float) and not math.isfinite(value):
            raise ApplicationError(f"{code} {nodes[code].name}：“{value}”不是有效的分数。")
        text = str(value).strip()
        if not text:
            continue
        if len(text) > VALUE_MAX:
            raise ApplicationError(f"{code} {nodes[code].name}：评分过长。")
        if text.upper() == "N/A":
            raise ApplicationError(f"{code} {nodes[code].name}：请评分。")
        if nodes[code].rule.get("kind") in ("points", "numeric"):
            try:
                number = float(text)
            except ValueError:
                raise ApplicationError(f"{code} {nodes[code].name}：“{text}”不是数字。") from None
            if not math.isfinite(number):
                raise ApplicationError(f"{code} {nodes[code].name}：“{text}”不是有效的分数。")
        try:
            leaf_fraction(nodes[code], text)
        except ScoreError as exc:
            raise ApplicationError(str(exc)) from None
        cleaned[code] = text
    return cleaned


def rating_save(*, rater: Rater, reporter, scores) -> Rating:
    """Autosave of one reporter's scores by one rater (what is posted replaces what was saved). Refused: another
    session's reporter, the rater's own unit (不能评议本单位), a value its rule cannot take — nothing is saved."""
    with transaction.atomic():
        rater = Rater.objects.select_for_update(of=("self",)).select_related("session", "session__framework").get(pk=rater.pk)
        session = _sheet_open(rater)
        pk = getattr(reporter, "pk", reporter)
        found = session.reporters.filter(pk=pk).first() if str(pk).isdecimal() and len(str(pk)) < 19 else None
        if found is None:
            raise ApplicationError("该述职单位不在本次评议中。")
        if rater.unit_id and found.unit_id == rater.unit_id:
            raise ApplicationError("不能评议本单位。")
        cleaned = _clean_scores(scorable_leaves(session), scores)
        rating, created = Rating.objects.select_for_update().get_or_create(
            rater=rater, reporter=found, defaults={"scores": cleaned})
        before = None if created else dict(rating.scores)
        rating.scores, rating.submitted_at = cleaned, timezone.now()
        rating.save(update_fields=["scores", "submitted_at"])
        audit_record(actor=None, action="reviews.rating_save", obj=rating, region_code=session.region_id,
                     before=None if before is None else {"count": len(before)},
                     after={"rater": rater.pk, "reporter": found.pk, "count": len(cleaned)})
    return rating


def sheet_gaps(rater: Rater) -> list[tuple[Reporter, int]]:
    """(reporter, check points not yet scored) for each reporter the rater must score."""
    session = rater.session
    codes = {n.code for n in scorable_leaves(session)}
    saved = {r.reporter_id: r.scores for r in rater.ratings.all()}
    gaps = []
    for reporter in session.reporters.select_related("unit").order_by("position", "pk"):
        if rater.unit_id and reporter.unit_id == rater.unit_id:
            continue
        missing = len(codes - set(saved.get(reporter.pk, {})))
        if missing:
            gaps.append((reporter, missing))
    return gaps


def rating_submit(*, rater: Rater) -> Rater:
    """提交: every reporter but the rater's own unit fully scored; then the scores are locked."""
    with transaction.atomic():
        rater = Rater.objects.select_for_update(of=("self",)).select_related("session", "session__framework").get(pk=rater.pk)
        session = _sheet_open(rater)
        gaps = sheet_gaps(rater)
        if gaps:
            shown = "；".join(f"{r.unit.name}（{n} 项）" for r, n in gaps[:5])
            raise ApplicationError(f"还有 {len(gaps)} 个单位未评完：{shown}。请评完后再提交。")
        rater.finished_at = timezone.now()
        rater.save(update_fields=["finished_at"])
        audit_record(actor=None, action="reviews.rating_submit", obj=rater, region_code=session.region_id,
                     after={"rater": rater.pk, "ratings": rater.ratings.count()})
    return rater


# ---- findings from low check points ---------------------------------------------------------------------------

def findings_raise(*, actor, session: RatingSession, items: Iterable[str], due_date: datetime.date) -> list:
    """Findings (source 督政) on the reporters' units for the chosen low check points ("<reporter id>:<code>"), each
    below the policy threshold; a reporter and check point raises once."""
    require_office_for(actor, session.region_id, "只有本区县督导室可以将评议结果列入问题整改。")
    if not isinstance(due_date, datetime.date) or isinstance(due_date, datetime.datetime):
        raise ApplicationError("请填写整改期限。")
    wanted = []
    for item in items or ():
        reporter_id, _sep, code = str(item).partition(":")
        if not (reporter_id.isdecimal() and len(reporter_id) < 19 and code and len(code) <= 64):
            raise ApplicationError("所选考查要点无效。")
        wanted.append((int(reporter_id), code))
    wanted = list(dict.fromkeys(wanted))
    if not wanted:
        raise ApplicationError("请选择要列入问题整改的考查要点。")
    with transaction.atomic():
        session = _locked(session)
        _require_status(session, (SessionStatus.CLOSED, SessionStatus.PUBLISHED), "列入问题整改")
        if due_date < timezone.localdate():
            raise ApplicationError("整改期限不能早于今天。")
        threshold = float(policy_value("reviews.rating_low_threshold", session.region_id))
        tree = build_tree(session.framework.definition)
        reporters = {r.pk: r for r in session.reporters.select_related("unit").filter(pk__in=[r for r, _c in wanted])}
        done = set(RatingFinding.objects.filter(reporter__session=session).values_list("reporter_id", "code"))
        findings = []
        for reporter_id, code in wanted:
            reporter = reporters.get(reporter_id)
            if reporter is None or code not in tree.nodes or not tree.nodes[code].is_leaf:
                raise ApplicationError("所选考查要点不在本次评议结果中。")
            fraction = (reporter.leaves or {}).get(code)
            node = tree.nodes[code]
            if fraction is None or fraction >= threshold - 1e-9:
                raise ApplicationError(f"{reporter.unit.name} 的“{node.name}”得分率不低于 {threshold:.0%}，不需列入问题整改。")
            if (reporter_id, code) in done:
                raise ApplicationError(f"{reporter.unit.name} 的“{node.name}”已列入问题整改，不能重复。")
            finding = finding_raise(
                actor=actor, source=FindingSource.DUZHENG, source_type=SOURCE_TYPE, source_id=str(reporter.pk),
                description=f"{session.title}：“{node.code} {node.name}”得分率 {fraction:.0%}，低于 {threshold:.0%}。",
                unit=reporter.unit, category_label="述职评议", due_date=due_date,
                requirement=f"针对{session.title}中“{node.name}”得分偏低的问题，制定措施并整改。")
            RatingFinding.objects.create(reporter=reporter, code=code, finding=finding)
            findings.append(finding)
        audit_record(actor=actor, action="reviews.findings_raise", obj=session, region_code=session.region_id,
                     after={"items": [f"{r}:{c}" for r, c in wanted], "findings": [f.pk for f in findings]})
    return findings
