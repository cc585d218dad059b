"""Writes of area calls: 征集评选：作品、专家评分、排名、获奖与文集. Keyword-only, atomic, audited.

A call moves 草稿 → 征集中 → 评审中 → 已评定 → 已公布 (CALL_WORKFLOW; 已评定 may go back to 评审中 with a reason).
Entries are accepted while the call is 征集中, from its opening date to the end of its deadline day (Beijing
time). Experts score while it is 评审中; rating runs the ranking engine (research/ranking.py); publishing writes
the 评选结果 publication, the commendations (表彰) and the 信息报送 record of the winners' list."""

import datetime
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from dudao.core.audit import audit_record
from dudao.core.dates import local_date
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.listing import xlsx_response
from dudao.core.policy import policy_value
from dudao.core.roles import Role
from dudao.core.scope import require_office_for, scope_for
from dudao.documents import files
from dudao.documents.services import file_record
from dudao.frameworks.models import Framework, FrameworkKind, FrameworkStatus, FrameworkTarget
from dudao.frameworks.scoring import ScoreError, build_tree, evaluate
from dudao.frameworks.services import framework_create, framework_freeze
from dudao.people.models import Expert
from dudao.planning.models import SubmissionKind
from dudao.planning.services.briefings import submission_create
from dudao.rectification.accountability import commendation_record
from dudao.rectification.followup import publication_publish
from dudao.rectification.models import PublicationKind
from dudao.research import pdfmeta, ranking
from dudao.research.models import (
    CALL_WORKFLOW,
    KIND_CODE_WORD,
    AnthologyStatus,
    AwardLevel,
    CallEntry,
    CallEntryStatus,
    CallExpert,
    CallKind,
    CallStatus,
    CallTransition,
    EntryScore,
    QuotaBasis,
    ResearchCall,
)
from dudao.research.selectors import calls as selectors
from dudao.research.tasks import build_anthology

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"
CO_AUTHORS_MAX = 10
CATEGORIES_MAX = 20
OFFICE_ONLY = "只有本区域督导室可以管理征集评选。"

# A small framework the office may build for a call when it has none (研究成果评审, 100 points).
DEFAULT_FRAMEWORK = {
    "nodes": [
        {"code": "A1", "name": "选题与价值", "weight": 25, "rule": {"kind": "points", "max": 25}},
        {"code": "A2", "name": "内容与方法", "weight": 30, "rule": {"kind": "points", "max": 30}},
        {"code": "A3", "name": "实践成效与推广价值", "weight": 30, "rule": {"kind": "points", "max": 30}},
        {"code": "A4", "name": "规范与表达", "weight": 15, "rule": {"kind": "points", "max": 15}},
    ],
    "settings": {"levels": [[90, "优秀"], [75, "良好"], [60, "合格"]], "lowest_level": "不合格"},
}


def result_title(call) -> str:
    """The title of a call's results: "…征集评选" + "结果", never "…评选评选结果"."""
    return f"{call.title}结果" if call.title.endswith("评选") else f"{call.title}评选结果"


def _require_office(actor, call_or_region_code) -> None:
    code = call_or_region_code if isinstance(call_or_region_code, str) else call_or_region_code.region_id
    require_office_for(actor, code, OFFICE_ONLY)


def _text(value, label: str, limit: int, *, required: bool = True) -> str:
    text = (value or "").replace("\x00", "").strip()
    if required and not text:
        raise ApplicationError(f"请填写{label}。")
    if len(text) > limit:
        raise ApplicationError(f"{label}不能超过 {limit} 个字。")
    return text


def _names(raw, label: str, limit: int, max_len: int = 64) -> list[str]:
    """A typed list (split on 、 , ， ; ；and new lines) without blanks and repeats."""
    if isinstance(raw, list | tuple):
        parts = [str(p) for p in raw]
    else:
        parts = re.split(r"[、,，;；\n]+", (raw or "").replace("\x00", ""))
    out: list[str] = []
    for p in (p.strip() for p in parts):
        if p and p not in out:
            if len(p) > max_len:
                raise ApplicationError(f"{label}“{p[:20]}…”太长（不超过 {max_len} 个字）。")
            out.append(p)
    if len(out) > limit:
        raise ApplicationError(f"{label}最多 {limit} 个。")
    return out


def _now_date() -> datetime.date:
    return local_date(timezone.now())


# ---- the call ------------------------------------------------------------------------------------------------

CALL_FIELDS = ["title", "kind", "description", "categories", "allow_inspectors", "allow_schools", "allow_offices",
               "opens_on", "deadline", "framework", "quota_basis", "quota_per_category", "quota_first",
               "quota_second", "quota_third", "quota_merit"]


def _clean_call(call: ResearchCall, fields: dict, actor) -> None:
    call.title = _text(fields.get("title", call.title), "征集名称", 128)
    kind = fields.get("kind", call.kind)
    if kind not in CallKind.values:
        raise ApplicationError("请选择征集类别（论文、典型案例、研究成果或双减成果）。")
    call.kind = kind
    call.description = _text(fields.get("description", call.description), "征集说明", 5000, required=False)
    call.categories = _names(fields.get("categories", call.categories), "作品类别", CATEGORIES_MAX, 32)
    for flag in ("allow_inspectors", "allow_schools", "allow_offices", "quota_per_category"):
        if flag in fields:
            setattr(call, flag, bool(fields[flag]))
    if not (call.allow_inspectors or call.allow_schools or call.allow_offices):
        raise ApplicationError("请至少选择一类可投稿人员（督学、学校或督导室）。")
    opens_on, deadline = fields.get("opens_on", call.opens_on), fields.get("deadline", call.deadline)
    if not isinstance(opens_on, datetime.date) or not isinstance(deadline, datetime.date):
        raise ApplicationError("请填写开始日期和截止日期（格式：2026-05-31）。")
    if deadline < opens_on:
        raise ApplicationError("截止日期不能早于开始日期。")
    if deadline.year < 2000 or deadline.year > 2999:
        raise ApplicationError("截止日期不正确。")
    call.opens_on, call.deadline, call.year = opens_on, deadline, deadline.year
    framework = fields.get("framework", getattr(call, "framework", None) if call.framework_id else None)
    if not isinstance(framework, Framework):
        raise ApplicationError("请选择评分指标体系（已定版），或先生成默认的评审指标。")
    if framework.status != FrameworkStatus.FROZEN:
        raise ApplicationError("评分指标体系须已定版。")
    if not selectors.framework_choices(actor, call.region_id).filter(pk=framework.pk).exists():
        raise ApplicationError("所选指标体系不属于本区域或上级区域。")
    call.framework = framework
    basis = fields.get("quota_basis", call.quota_basis)
    if basis not in QuotaBasis.values:
        raise ApplicationError("请选择名额方式：按名额或按比例。")
    call.quota_basis = basis
    quotas = []
    for name in ("quota_first", "quota_second", "quota_third", "quota_merit"):
        raw = fields.get(name, getattr(call, name))
        try:
            value = int(str(raw).strip() or 0)
        except ValueError:
            raise ApplicationError(f"{ResearchCall._meta.get_field(name).verbose_name}名额应为整数。") from None
        if value < 0 or value > 1000:
            raise ApplicationError(f"{ResearchCall._meta.get_field(name).verbose_name}名额应在 0—1000 之间。")
        setattr(call, name, value)
        quotas.append(value)
    if basis == QuotaBasis.SHARE and sum(quotas) > 100:
        raise ApplicationError(f"各奖项比例合计 {sum(quotas)}%，不能超过 100%。")
    if call.quota_per_category and not call.categories:
        raise ApplicationError("按类别分别评奖时，请先填写作品类别。")


@transaction.atomic
def call_create(*, actor, region, **fields) -> ResearchCall:
    _require_office(actor, region.code)
    unknown = set(fields) - set(CALL_FIELDS)
    if unknown:
        raise ApplicationError(f"不能设置字段：{'、'.join(sorted(unknown))}")
    call = ResearchCall(region=region, created_by=actor, framework=None)
    call.framework_id = None
    _clean_call(call, fields, actor)
    call.save()
    CallTransition.record(call, to_status=CallStatus.DRAFT, actor=actor)
    audit_record(actor=actor, action="call.create", obj=call, region_code=region.code,
                 after={"kind": call.kind, "deadline": call.deadline.isoformat(), "framework": call.framework_id})
    return call


@transaction.atomic
def call_update(*, actor, call: ResearchCall, **fields) -> ResearchCall:
    call = ResearchCall.objects.select_for_update().get(pk=call.pk)
    _require_office(actor, call)
    if call.status not in (CallStatus.DRAFT, CallStatus.OPEN):
        raise ApplicationError(f"征集评选已{call.get_status_display()}，不能再修改设置。")
    unknown = set(fields) - set(CALL_FIELDS)
    if unknown:
        raise ApplicationError(f"不能设置字段：{'、'.join(sorted(unknown))}")
    if call.status == CallStatus.OPEN:
        changed = [f for f in ("kind", "framework", "categories") if f in fields and fields[f] != getattr(call, f)]
        if changed and call.entries.exists():
            raise ApplicationError("已有作品提交，不能再修改征集类别、作品类别或评分指标。")
    _clean_call(call, fields, actor)
    call.save()
    audit_record(actor=actor, action="call.update", obj=call, region_code=call.region_id,
                 after={"deadline": call.deadline.isoformat(), "quotas": [n for _l, n in call.quotas]})
    return call


def call_default_framework(*, actor, region) -> Framework:
    """Build and freeze the small default framework (4 leaves, 100 points) in the office's region."""
    with transaction.atomic():
        framework = framework_create(actor=actor, region=region, name="征集作品评审指标", kind=FrameworkKind.SPECIAL,
                                     target=FrameworkTarget.SCHOOL, definition=DEFAULT_FRAMEWORK,
                                     official="征集评选作品评审通用指标（选题、内容、成效、规范），可按需修改。")
        return framework_freeze(actor=actor, framework=framework)


def _move(call: ResearchCall, to: str, actor, note: str = "") -> dict:
    """Move the call and log the transition; the caller writes the audit record (its action named literally) with
    the returned details."""
    CALL_WORKFLOW.check(call.status, to)
    before = call.status
    call.status = to
    call.save()
    CallTransition.record(call, from_status=before, to_status=to, actor=actor, note=note)
    return {"from": before, "note": note}


@transaction.atomic
def call_open(*, actor, call: ResearchCall) -> ResearchCall:
    call = ResearchCall.objects.select_for_update().get(pk=call.pk)
    _require_office(actor, call)
    if call.deadline < _now_date():
        raise ApplicationError("截止日期已过，请先修改截止日期再发布征集。")
    audit_record(actor=actor, action="call.open", obj=call, region_code=call.region_id,
                 after=_move(call, CallStatus.OPEN, actor))
    return call


@transaction.atomic
def call_close(*, actor, call: ResearchCall) -> ResearchCall:
    """征集中 → 评审中: after the deadline day, with entries and experts."""
    call = ResearchCall.objects.select_for_update().get(pk=call.pk)
    _require_office(actor, call)
    CALL_WORKFLOW.check(call.status, CallStatus.REVIEWING)
    if _now_date() <= call.deadline:
        raise ApplicationError(f"征集截止日期（{call.deadline:%Y-%m-%d}）当天结束前仍可投稿，截止后才能进入评审。")
    if not call.entries.filter(status=CallEntryStatus.SUBMITTED).exists():
        raise ApplicationError("没有收到作品，不能进入评审。")
    if not call.experts.exists():
        raise ApplicationError("请先指派评审专家。")
    audit_record(actor=actor, action="call.reviewing", obj=call, region_code=call.region_id,
                 after=_move(call, CallStatus.REVIEWING, actor))
    return call


@transaction.atomic
def call_rate(*, actor, call: ResearchCall) -> ResearchCall:
    """评审中 → 已评定: rank the entries and award by quota (the scores are then closed)."""
    call = ResearchCall.objects.select_for_update().get(pk=call.pk)
    _require_office(actor, call)
    CALL_WORKFLOW.check(call.status, CallStatus.RATED)
    entries = list(call.entries.filter(status=CallEntryStatus.SUBMITTED).order_by("seq"))
    totals: dict[int, list[float]] = {}
    for entry_id, total in EntryScore.objects.filter(entry__in=entries).values_list("entry_id", "total"):
        totals.setdefault(entry_id, []).append(float(total))
    unscored = [e.code for e in entries if e.pk not in totals]
    if unscored:
        raise ApplicationError(f"还有 {len(unscored)} 件作品没有专家评分：{'、'.join(unscored[:20])}。")
    trim_min = int(policy_value("research.call_trim_min_experts", call.region_id))
    results = {r.id: r for r in ranking.rank_entries(
        [ranking.EntryInput(e.pk, e.seq, e.code, e.category, tuple(totals[e.pk])) for e in entries],
        trim_min=trim_min, quotas=call.quotas, basis=call.quota_basis, per_category=call.quota_per_category)}
    for e in entries:
        r = results[e.pk]
        e.mean_score, e.score_count, e.rank, e.rank_note = r.mean, len(totals[e.pk]), r.rank, r.note[:200]
        e.award = e.award_computed = r.award
        e.award_reason = ""
    CallEntry.objects.bulk_update(entries, ["mean_score", "score_count", "rank", "rank_note", "award",
                                            "award_computed", "award_reason"])
    call.rated_at = timezone.now()
    details = _move(call, CallStatus.RATED, actor,
                    note=f"排名 {len(entries)} 件，获奖 {sum(1 for e in entries if e.award)} 件（{trim_min} 位及以上专家评分时去掉最高分和最低分）")
    audit_record(actor=actor, action="call.rated", obj=call, region_code=call.region_id, after=details)
    return call


@transaction.atomic
def call_reopen_scoring(*, actor, call: ResearchCall, reason: str) -> ResearchCall:
    call = ResearchCall.objects.select_for_update().get(pk=call.pk)
    _require_office(actor, call)
    reason = _text(reason, "重新评审的理由", 500)
    audit_record(actor=actor, action="call.reopen", obj=call, region_code=call.region_id,
                 after=_move(call, CallStatus.REVIEWING, actor, note=reason))
    return call


@transaction.atomic
def award_adjust(*, actor, entry: CallEntry, award: str, reason: str) -> CallEntry:
    """The office changes one entry's award after rating, with a recorded reason (before publication)."""
    entry = CallEntry.objects.select_for_update().select_related("call").get(pk=entry.pk)
    _require_office(actor, entry.call)
    if entry.call.status != CallStatus.RATED:
        raise ApplicationError("只有已评定、尚未公布的评选可以调整奖项。")
    if award not in ["", *AwardLevel.values]:
        raise ApplicationError("请选择奖项。")
    if entry.status != CallEntryStatus.SUBMITTED or entry.rank is None:
        raise ApplicationError("该作品未参加排名。")
    reason = _text(reason, "调整理由", 255)
    before = entry.award
    if award == before:
        raise ApplicationError("奖项没有变化。")
    entry.award, entry.award_reason = award, reason
    entry.save(update_fields=["award", "award_reason"])
    audit_record(actor=actor, action="call.award_adjust", obj=entry, region_code=entry.call.region_id,
                 before={"award": before}, after={"award": award, "reason": reason})
    return entry


def winners(call: ResearchCall) -> list[CallEntry]:
    order = {level: n for n, level in enumerate(AwardLevel.values)}
    rows = [e for e in call.entries.filter(status=CallEntryStatus.SUBMITTED).exclude(award="")
            .select_related("school", "document")]
    return sorted(rows, key=lambda e: (order[e.award], e.category if call.quota_per_category else "", e.rank or 0, e.seq))


WINNER_COLUMNS = [
    ("作品编号", lambda e: e.code), ("作品标题", lambda e: e.title), ("类别", lambda e: e.category),
    ("作者", lambda e: e.authors_display), ("作者单位", lambda e: e.origin_name), ("奖项", lambda e: e.get_award_display()),
    ("名次", lambda e: e.rank), ("平均分", lambda e: float(e.mean_score) if e.mean_score is not None else None),
]


def winners_xlsx(call: ResearchCall) -> bytes:
    return xlsx_response(f"{call.title}获奖名单", "获奖名单", WINNER_COLUMNS, winners(call)).content


def publication_body(call: ResearchCall, rows: list[CallEntry]) -> str:
    lines = [f"{call.title}经专家匿名评审，评定结果如下（共 {len(rows)} 件作品获奖）："]
    for level in AwardLevel:
        mine = [e for e in rows if e.award == level.value]
        if mine:
            lines.append(f"{level.label}（{len(mine)} 件）：")
            lines += [f"  {e.title}（{e.authors_display}，{e.origin_name}）" for e in mine]
    return "\n".join(lines)


@transaction.atomic
def call_publish(*, actor, call: ResearchCall, recipient: str, sent_on: datetime.date | None = None,
                 awarded_by: str = "") -> ResearchCall:
    """已评定 → 已公布: the 评选结果 publication, a commendation (表彰) per winning entry with a school, and the
    winners' list (Excel) sent upward as a 信息报送 record."""
    call = ResearchCall.objects.select_for_update().select_related("region").get(pk=call.pk)
    _require_office(actor, call)
    CALL_WORKFLOW.check(call.status, CallStatus.PUBLISHED)
    recipient = _text(recipient, "报送对象（如“市教育督导室”）", 200)
    awarded_by = _text(awarded_by, "表彰单位", 128, required=False) or f"{call.region.name}教育督导室"
    sent_on = sent_on or _now_date()
    rows = winners(call)
    if not rows:
        raise ApplicationError("没有获奖作品，不能公布。")
    call.publication = publication_publish(actor=actor, kind=PublicationKind.AWARD, region_code=call.region_id,
                                           title=result_title(call), body=publication_body(call, rows))
    for e in rows:
        if e.school_id is None:
            continue  # 表彰 needs a school or unit: entries of inspectors without a school and of the office are listed only
        e.commendation = commendation_record(
            actor=actor, title=f"{call.title}{e.get_award_display()}", reason=f"作品《{e.title}》获{e.get_award_display()}",
            basis=f"{call.title}（{call.year}年）评选结果", awarded_by=awarded_by, awarded_on=sent_on,
            school=e.school, person_name=e.authors_display[:64])
        e.save(update_fields=["commendation"])
    upload = SimpleUploadedFile(f"{call.title}获奖名单.xlsx", winners_xlsx(call))
    call.submission = submission_create(actor=actor, region=call.region, kind=SubmissionKind.DOCUMENT,
                                        title=f"{call.title}获奖名单", sent_on=sent_on, recipient=recipient,
                                        upload=upload, note=f"征集评选：{len(rows)} 件获奖作品")
    audit_record(actor=actor, action="call.published", obj=call, region_code=call.region_id,
                 after=_move(call, CallStatus.PUBLISHED, actor, note=f"公布获奖作品 {len(rows)} 件，报送{recipient}"))
    return call


# ---- experts ---------------------------------------------------------------------------------------------------

@transaction.atomic
def expert_assign(*, actor, call: ResearchCall, expert: Expert, categories=()) -> CallExpert:
    call = ResearchCall.objects.select_for_update().get(pk=call.pk)
    _require_office(actor, call)
    if call.status not in (CallStatus.DRAFT, CallStatus.OPEN, CallStatus.REVIEWING):
        raise ApplicationError(f"征集评选已{call.get_status_display()}，不能再指派专家。")
    if not Expert.objects.visible_to(actor).filter(pk=expert.pk, is_active=True).exists():
        raise ApplicationError("只能指派本区域在库的评估专家。")
    if not expert.user_id:
        raise ApplicationError(f"专家 {expert.name} 没有登录账号，无法在平板上评分，请先为其开通账号。")
    categories = _names(list(categories), "负责类别", CATEGORIES_MAX, 32)
    unknown = [c for c in categories if c not in call.categories]
    if unknown:
        raise ApplicationError(f"类别“{'、'.join(unknown)}”不是本次征集的作品类别。")
    if CallExpert.objects.filter(call=call, expert=expert).exists():
        raise ApplicationError(f"专家 {expert.name} 已在评审名单中。")
    item = CallExpert.objects.create(call=call, expert=expert, categories=categories, assigned_by=actor)
    audit_record(actor=actor, action="call.expert_assign", obj=call, region_code=call.region_id,
                 after={"expert": expert.pk, "categories": categories})
    return item


@transaction.atomic
def expert_remove(*, actor, assignment: CallExpert) -> None:
    call = ResearchCall.objects.select_for_update().get(pk=assignment.call_id)
    _require_office(actor, call)
    if EntryScore.objects.filter(entry__call=call, expert_id=assignment.expert_id).exists():
        raise ApplicationError("该专家已有评分，不能移出评审名单。")
    assignment.delete()
    audit_record(actor=actor, action="call.expert_remove", obj=call, region_code=call.region_id,
                 after={"expert": assignment.expert_id})


# ---- entries ---------------------------------------------------------------------------------------------------

def entry_submit(*, actor, call: ResearchCall, option: str, title: str, category: str, abstract: str, upload,
                 co_authors="") -> CallEntry:
    """An eligible user's entry (document .docx or .pdf, checked by content and size) while the call is open."""
    options = {o.key: o for o in selectors.submit_options(actor, call)}
    if not options:
        raise PermissionDenied("您不在本次征集的投稿范围内。")
    chosen = options.get(option) if option else (next(iter(options.values())) if len(options) == 1 else None)
    if chosen is None:
        raise ApplicationError("请选择投稿身份。")
    title = _text(title, "作品标题", 200)
    abstract = _text(abstract, "摘要", 3000)
    if call.categories:
        if category not in call.categories:
            raise ApplicationError("请选择作品类别。")
    else:
        category = ""
    submitter_name = (actor.get_full_name() or actor.username).strip()[:64]
    co = [n for n in _names(co_authors, "合作者", CO_AUTHORS_MAX, 32) if n != submitter_name]
    _check_window(call)
    if upload is None:
        raise ApplicationError("请上传作品文档（.docx 或 .pdf）。")
    checked = files.check_and_write(upload, kind="document", region_code=call.region_id)
    if checked.content_type not in (DOCX, PDF):
        raise ApplicationError("作品文档只能是 Word（.docx）或 PDF 文件。")
    if checked.content_type == PDF:
        pdfmeta.check_readable(files.read_blob(checked.path))  # experts get it rewritten without its metadata
    with transaction.atomic():
        locked = ResearchCall.objects.select_for_update().get(pk=call.pk)
        _check_window(locked)
        ResearchCall.objects.filter(pk=call.pk).update(entry_seq=F("entry_seq") + 1)
        seq = ResearchCall.objects.values_list("entry_seq", flat=True).get(pk=call.pk)
        stored = file_record(actor=actor, checked=checked)
        entry = CallEntry.objects.create(
            call=locked, seq=seq, code=f"{locked.year}-{KIND_CODE_WORD[locked.kind]}-{seq:03d}", title=title,
            category=category, abstract=abstract, document=stored, submitter=actor, submitter_name=submitter_name,
            co_authors=co, school=chosen.school, origin_name=chosen.origin_name, submitted_as=chosen.submitted_as,
            submitted_at=timezone.now())
        audit_record(actor=actor, action="call.entry_submit", obj=entry, region_code=locked.region_id,
                     after={"call": locked.pk, "code": entry.code, "sha256": stored.sha256, "as": chosen.submitted_as})
    return entry


def _check_window(call: ResearchCall) -> None:
    today = _now_date()
    if call.status != CallStatus.OPEN:
        raise ApplicationError(f"征集评选{call.get_status_display()}，不接受投稿。")
    if today < call.opens_on:
        raise ApplicationError(f"征集从 {call.opens_on:%Y-%m-%d} 开始，尚未开始接受投稿。")
    if today > call.deadline:
        raise ApplicationError(f"征集已于 {call.deadline:%Y-%m-%d} 截止，不再接受投稿。")


@transaction.atomic
def entry_withdraw(*, actor, entry: CallEntry) -> CallEntry:
    entry = CallEntry.objects.select_for_update().select_related("call").get(pk=entry.pk)
    if entry.submitter_id != actor.pk:
        raise PermissionDenied("只有提交人本人可以撤回作品。")
    if entry.status == CallEntryStatus.WITHDRAWN:
        raise ApplicationError("该作品已撤回。")
    if entry.call.status != CallStatus.OPEN or _now_date() > entry.call.deadline:
        raise ApplicationError("征集已截止，不能撤回作品。")
    entry.status, entry.withdrawn_at = CallEntryStatus.WITHDRAWN, timezone.now()
    entry.save(update_fields=["status", "withdrawn_at"])
    audit_record(actor=actor, action="call.entry_withdraw", obj=entry, region_code=entry.call.region_id)
    return entry


# ---- scoring ---------------------------------------------------------------------------------------------------

def score_submit(*, actor, entry: CallEntry, values: dict, comment: str = "") -> EntryScore:
    """An assigned expert scores an entry on the call's framework: every scored leaf filled; editable while the
    call is 评审中. Refused for an entry outside the expert's categories or one they must recuse from."""
    expert = selectors.expert_of(actor)
    if expert is None:
        raise PermissionDenied("只有评审专家可以评分。")
    with transaction.atomic():
        entry = CallEntry.objects.select_for_update(of=("self",)).select_related("call", "call__framework", "school").get(pk=entry.pk)
        call = entry.call
        assignment = selectors.assignment_for(call, expert)
        if assignment is None:
            raise PermissionDenied("您不是本次征集评选的评审专家。")
        if call.status != CallStatus.REVIEWING:
            raise ApplicationError(f"征集评选{call.get_status_display()}，评分已关闭。")
        if entry.status != CallEntryStatus.SUBMITTED:
            raise ApplicationError("该作品已撤回，无需评分。")
        if assignment.categories and entry.category not in assignment.categories:
            raise PermissionDenied("该作品不在您负责的类别中。")
        reason = selectors.conflict_reason(entry, expert, selectors.conflict_context([expert]))
        if not reason:
            return _score_write(actor=actor, entry=entry, expert=expert, values=values, comment=comment)
    # a forced score of an entry the expert must recuse from leaves a trace (outside the refused transaction)
    audit_record(actor=actor, action="call.score_refused", obj=entry, region_code=entry.call.region_id,
                 after={"expert": expert.pk, "reason": reason})
    raise ApplicationError(f"按回避规定，您不能评审该作品（{reason}）。")


def _score_write(*, actor, entry: CallEntry, expert: Expert, values: dict, comment: str) -> EntryScore:
    call = entry.call
    tree = build_tree(call.framework.definition)
    clean: dict[str, object] = {}
    for leaf in tree.leaves:
        raw = values.get(leaf.code, "")
        clean[leaf.code] = raw.strip() if isinstance(raw, str) else raw
    try:
        result = evaluate(tree, {code: [v] for code, v in clean.items() if (tree.nodes[code].rule or {}).get("kind") != "text"})
    except ScoreError as exc:
        raise ApplicationError(str(exc)) from None
    if result.score is None:
        raise ApplicationError("请至少为一项指标评分。")
    comment = _text(comment, "评语", 2000, required=False)
    now = timezone.now()
    score = EntryScore.objects.filter(entry=entry, expert=expert).first()
    created = score is None
    if created:
        score = EntryScore(entry=entry, expert=expert, submitted_at=now)
    score.values, score.comment, score.total, score.updated_at = clean, comment, ranking.round2(result.score), now
    score.save()
    audit_record(actor=actor, action="call.score" if created else "call.score_edit", obj=entry,
                 region_code=call.region_id, after={"expert": expert.pk, "total": str(score.total)})
    return score


# ---- the anthology (文集) -------------------------------------------------------------------------------------

def anthology_start(*, actor, call: ResearchCall, inline: bool = False) -> ResearchCall:
    """Queue the anthology build (a background task); `inline` builds it at once in this process (the demo)."""
    call = _anthology_queue(actor=actor, call=call)
    if inline:
        anthology_run(call.pk, run=call.anthology_attempt)
    else:
        run = call.anthology_attempt
        transaction.on_commit(lambda: build_anthology.enqueue(call.pk, run=run))
    call.refresh_from_db()
    return call


@transaction.atomic
def _anthology_queue(*, actor, call: ResearchCall) -> ResearchCall:
    call = ResearchCall.objects.select_for_update().get(pk=call.pk)
    _require_office(actor, call)
    if call.status not in (CallStatus.RATED, CallStatus.PUBLISHED):
        raise ApplicationError("评定结果后才能生成文集。")
    if call.anthology_status in (AnthologyStatus.QUEUED, AnthologyStatus.RUNNING):
        raise ApplicationError("文集正在生成，请稍候刷新页面。")
    if not winners(call):
        raise ApplicationError("没有获奖作品，无法生成文集。")
    call.anthology_status, call.anthology_error = AnthologyStatus.QUEUED, ""
    call.anthology_attempt += 1
    call.save(update_fields=["anthology_status", "anthology_error", "anthology_attempt"])
    audit_record(actor=actor, action="call.anthology", obj=call, region_code=call.region_id,
                 after={"attempt": call.anthology_attempt})
    return call


def anthology_run(call_id: int, *, run: int) -> str:
    """Build the anthology of one attempt; a later attempt supersedes it. Returns the final status."""
    from dudao.research import anthology  # noqa: PLC0415 -- python-docx (about 1 s to import) only in the worker

    if not ResearchCall.objects.filter(pk=call_id, anthology_attempt=run,
                                       anthology_status=AnthologyStatus.QUEUED).update(
            anthology_status=AnthologyStatus.RUNNING):
        return "superseded"
    call = ResearchCall.objects.select_related("region").get(pk=call_id)
    try:
        data = anthology.build(call, winners(call))
        checked = files.check_and_write(SimpleUploadedFile(f"{call.title}文集.docx", data), kind="document",
                                        region_code=call.region_id)
    except (ApplicationError, anthology.AnthologyError) as exc:
        message = getattr(exc, "message", None) or str(exc)
        ResearchCall.objects.filter(pk=call_id, anthology_attempt=run).update(
            anthology_status=AnthologyStatus.FAILED, anthology_error=message[:2000], anthology_at=timezone.now())
        return AnthologyStatus.FAILED
    with transaction.atomic():
        stored = file_record(actor=None, checked=checked)
        done = ResearchCall.objects.filter(pk=call_id, anthology_attempt=run).update(
            anthology_status=AnthologyStatus.DONE, anthology_file=stored, anthology_error="",
            anthology_at=timezone.now())
        if done:
            audit_record(actor=None, action="call.anthology_done", obj=call, region_code=call.region_id,
                         after={"sha256": stored.sha256, "entries": len(winners(call))})
    return AnthologyStatus.DONE if done else "superseded"


def may_download_anthology(user, call: ResearchCall) -> bool:
    """In scope: whoever may see the call once it is published; before that the office and leaders."""
    return call.status == CallStatus.PUBLISHED or scope_for(user).holds(call.region_id, Role.OFFICE, Role.LEADER)
