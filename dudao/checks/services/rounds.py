"""专项检查 rounds: creating a round, its checklist and its targets (issue 23). Keyword-only, atomic, audited.

`round_create` and `targets_add` are the contract other areas call (因需督导 creates a one-target round): keep
their signatures. Also: the office's checklist templates (copied from the shipped library, then edited), editing a
draft round, the round's workflow (open, close, reopen), choosing targets by a rule (dudao.checks.targeting),
reassigning and removing one target."""

import datetime
import random
from decimal import Decimal, InvalidOperation

from django.db import transaction

from dudao.checks import library, targeting
from dudao.checks.models import (
    ROUND_WORKFLOW,
    AnswerKind,
    CheckItem,
    CheckKind,
    ChecklistTemplate,
    CheckRound,
    CheckTarget,
    RoundStatus,
    RoundTransition,
    TargetRule,
    TargetStatus,
)
from dudao.core.audit import audit_record, snapshot
from dudao.core.errors import ApplicationError
from dudao.core.scope import region_prefix, require_office_for
from dudao.people.models import InspectorStatus
from dudao.schools.models import School
from dudao.zones.models import Assignment

ITEM_FIELDS = ("text", "guidance", "answer_kind", "number_min", "number_max", "unit", "photo_required", "veto",
               "finding_text", "finding_category", "severity")
ITEMS_MAX = 100
TITLE_MAX, DESCRIPTION_MAX, GUIDANCE_MAX = 128, 4000, 1000
SAMPLE_MAX = 20_000
TRUE_WORDS = {"1", "true", "on", "yes", "是"}


def _text(value, limit: int) -> str:
    return str(value or "").replace("\x00", "").strip()[:limit]


def _flag(value) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in TRUE_WORDS


def _decimal(value, n: int, label: str):
    if value is None or str(value).strip() == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ApplicationError(f"第 {n} 个检查项的{label}“{str(value)[:20]}”不是数字。") from None
    if not number.is_finite() or abs(number) >= Decimal("1e10"):
        raise ApplicationError(f"第 {n} 个检查项的{label}超出范围。")
    return number.quantize(Decimal("0.01"))


def _clean_items(items: list[dict]) -> list[dict]:
    """Validated item dicts with every CheckItem field, in order; refuses an empty list, an item without text, a
    non-text item without its finding text, bad numbers, a lower limit above the upper one."""
    items = [i for i in (items or []) if isinstance(i, dict)]
    if not items:
        raise ApplicationError("检查清单至少需要一个检查项。")
    if len(items) > ITEMS_MAX:
        raise ApplicationError(f"检查清单最多 {ITEMS_MAX} 项。")
    cleaned = []
    for n, item in enumerate(items, start=1):
        text = _text(item.get("text"), 255)
        if not text:
            raise ApplicationError(f"第 {n} 个检查项没有填写检查内容。")
        kind = item.get("answer_kind") or AnswerKind.YES_NO
        if kind not in AnswerKind.values:
            raise ApplicationError(f"第 {n} 个检查项的填写方式不正确。")
        finding = _text(item.get("finding_text"), 255)
        if kind != AnswerKind.TEXT and not finding:
            raise ApplicationError(f"第 {n} 个检查项“{text[:20]}”没有填写不合格时登记的问题。")
        low = _decimal(item.get("number_min"), n, "合格下限") if kind == AnswerKind.NUMBER else None
        high = _decimal(item.get("number_max"), n, "合格上限") if kind == AnswerKind.NUMBER else None
        if low is not None and high is not None and low > high:
            raise ApplicationError(f"第 {n} 个检查项的合格下限大于上限。")
        try:
            severity = int(item.get("severity") or 1)
        except (TypeError, ValueError):
            severity = 0
        if severity not in (1, 2, 3):
            raise ApplicationError(f"第 {n} 个检查项的严重程度应为 1、2 或 3。")
        cleaned.append({
            "text": text, "guidance": _text(item.get("guidance"), GUIDANCE_MAX), "answer_kind": kind,
            "number_min": low, "number_max": high,
            "unit": _text(item.get("unit"), 16) if kind == AnswerKind.NUMBER else "",
            "photo_required": _flag(item.get("photo_required")) and kind != AnswerKind.TEXT,
            "veto": _flag(item.get("veto")) and kind != AnswerKind.TEXT,
            "finding_text": finding if kind != AnswerKind.TEXT else "",
            "finding_category": _text(item.get("finding_category"), 48) if kind != AnswerKind.TEXT else "",
            "severity": severity})
    return cleaned


def _json_items(cleaned: list[dict]) -> list[dict]:
    """Item dicts as stored in a template's JSON (decimals as strings)."""
    return [{k: (str(v) if isinstance(v, Decimal) else v) for k, v in item.items()} for item in cleaned]


def _check_window(starts_on, ends_on) -> None:
    if not starts_on or not ends_on:
        raise ApplicationError("请填写检查开始和结束日期。")
    if ends_on < starts_on:
        raise ApplicationError("检查结束日期不能早于开始日期。")
    if (ends_on - starts_on).days > 366:
        raise ApplicationError("一轮专项检查的时间不能超过一年。")


def _check_head(title: str, kind: str) -> str:
    title = _text(title, TITLE_MAX)
    if not title:
        raise ApplicationError("请填写检查名称。")
    if kind not in CheckKind.values:
        raise ApplicationError(f"未知的检查类别：{kind}")
    return title


# ---- checklist templates (the office's own, copied from the shipped library) -----------------------------------

@transaction.atomic
def template_copy(*, actor, region, code: str) -> ChecklistTemplate:
    """The office's own editable copy of a shipped sample (library.SAMPLES)."""
    require_office_for(actor, region.code, "只有本区划的督导室可以复制检查清单样例。")
    sample = library.BY_CODE.get(code)
    if sample is None:
        raise ApplicationError("没有这个检查清单样例。")
    template = ChecklistTemplate.objects.create(
        region=region, code=sample.code, kind=sample.kind, title=sample.title.replace("（样例）", "")[:128],
        description=sample.description, items=_json_items(_clean_items(sample.items)), created_by=actor)
    audit_record(actor=actor, action="checks.template_copy", obj=template, region_code=region.code,
                 after={"sample": code, "items": len(template.items)})
    return template


@transaction.atomic
def template_save(*, actor, template: ChecklistTemplate, title: str, kind: str, description: str,
                  items: list[dict]) -> ChecklistTemplate:
    """Replace an office template's title, kind, description and items (the items editor posts the whole list:
    added, edited, moved and deleted rows at once)."""
    if template.region_id is None:
        raise ApplicationError("样例不能直接修改，请先复制为本区划的模板。")
    require_office_for(actor, template.region_id, "只有本区划的督导室可以修改检查清单模板。")
    template = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
    before = snapshot(template, ["title", "kind"]) | {"items": len(template.items)}
    template.title = _check_head(title, kind)
    template.kind = kind
    template.description = _text(description, DESCRIPTION_MAX)
    template.items = _json_items(_clean_items(items))
    template.save()
    audit_record(actor=actor, action="checks.template_save", obj=template, region_code=template.region_id,
                 before=before, after=snapshot(template, ["title", "kind"]) | {"items": len(template.items)})
    return template


# ---- rounds ------------------------------------------------------------------------------------------------------

@transaction.atomic
def round_create(*, actor, region, title: str, kind: str, starts_on: datetime.date, ends_on: datetime.date,
                 items: list[dict], description: str = "", template=None) -> CheckRound:
    """A round in 草稿 with its checklist (item dicts with the CheckItem fields). Refuses an empty checklist, an
    item without its finding text, a window that ends before it starts."""
    require_office_for(actor, region.code, "只有本区划的督导室可以组织专项检查。")
    title = _check_head(title, kind)
    _check_window(starts_on, ends_on)
    cleaned = _clean_items(items)
    if template is not None and template.region_id and not region.code.startswith(region_prefix(template.region_id)):
        raise ApplicationError("不能使用其他区划的检查清单模板。")
    check_round = CheckRound.objects.create(region=region, title=title, kind=kind,
                                            description=_text(description, DESCRIPTION_MAX), starts_on=starts_on,
                                            ends_on=ends_on, template=template, created_by=actor)
    CheckItem.objects.bulk_create([CheckItem(round=check_round, order=n, **item) for n, item in enumerate(cleaned, 1)])
    RoundTransition.record(check_round, to_status=RoundStatus.DRAFT, actor=actor)
    audit_record(actor=actor, action="checks.round_create", obj=check_round, region_code=region.code,
                 after={**snapshot(check_round, ["title", "kind", "starts_on", "ends_on"]), "items": len(cleaned)})
    return check_round


def _locked_round(check_round: CheckRound) -> CheckRound:
    return CheckRound.objects.select_for_update(of=("self",)).select_related("region").get(pk=check_round.pk)


@transaction.atomic
def round_update(*, actor, round: CheckRound, title: str, kind: str, starts_on: datetime.date,
                 ends_on: datetime.date, description: str = "", items: list[dict] | None = None) -> CheckRound:
    """Edit a round in 草稿: its head, window and (when `items` is given) its whole checklist. Refused once the
    round is open: inspectors may already be filling the checklist."""
    require_office_for(actor, round.region_id, "只有本区划的督导室可以修改专项检查。")
    check_round = _locked_round(round)
    if check_round.status != RoundStatus.DRAFT:
        raise ApplicationError("专项检查已开始，检查清单和基本信息不能再修改。")
    title = _check_head(title, kind)
    _check_window(starts_on, ends_on)
    cleaned = _clean_items(items) if items is not None else None
    before = snapshot(check_round, ["title", "kind", "starts_on", "ends_on"])
    check_round.title, check_round.kind, check_round.starts_on, check_round.ends_on = title, kind, starts_on, ends_on
    check_round.description = _text(description, DESCRIPTION_MAX)
    check_round.save(update_fields=["title", "kind", "starts_on", "ends_on", "description"])
    after = snapshot(check_round, ["title", "kind", "starts_on", "ends_on"])
    if cleaned is not None:
        CheckItem.objects.filter(round=check_round).delete()
        CheckItem.objects.bulk_create([CheckItem(round=check_round, order=n, **item)
                                       for n, item in enumerate(cleaned, 1)])
        after["items"] = len(cleaned)
    audit_record(actor=actor, action="checks.round_update", obj=check_round, region_code=check_round.region_id,
                 before=before, after=after)
    return check_round


def _move(actor, check_round: CheckRound, to: str, note: str = "") -> tuple[CheckRound, dict, dict]:
    """Move the round (locked) and log the transition; returns it with the audit's before and after (the caller
    writes the audit record, its action a literal)."""
    require_office_for(actor, check_round.region_id, "只有本区划的督导室可以变更专项检查的状态。")
    check_round = _locked_round(check_round)
    ROUND_WORKFLOW.check(check_round.status, to)
    if to == RoundStatus.OPEN:
        if not CheckItem.objects.filter(round=check_round).exists():
            raise ApplicationError("检查清单没有检查项，不能开始检查。")
        if not CheckTarget.objects.filter(round=check_round).exists():
            raise ApplicationError("还没有检查对象，不能开始检查。")
    before = check_round.status
    check_round.status = to
    check_round.save(update_fields=["status"])
    note = _text(note, 1000)
    RoundTransition.record(check_round, from_status=before, to_status=to, actor=actor, note=note)
    return check_round, {"status": before}, {"status": to, **({"note": note} if note else {})}


@transaction.atomic
def round_open(*, actor, round: CheckRound) -> CheckRound:
    """草稿 → 检查中: needs at least one item and one target."""
    check_round, before, after = _move(actor, round, RoundStatus.OPEN)
    audit_record(actor=actor, action="checks.round_open", obj=check_round, region_code=check_round.region_id,
                 before=before, after=after)
    return check_round


@transaction.atomic
def round_close(*, actor, round: CheckRound, note: str = "") -> CheckRound:
    """检查中 → 已结束 (targets not yet checked stay 未检查 and show as such)."""
    check_round, before, after = _move(actor, round, RoundStatus.CLOSED, note)
    audit_record(actor=actor, action="checks.round_close", obj=check_round, region_code=check_round.region_id,
                 before=before, after=after)
    return check_round


@transaction.atomic
def round_reopen(*, actor, round: CheckRound, note: str = "") -> CheckRound:
    """已结束 → 检查中, with the reason."""
    if not _text(note, 1000):
        raise ApplicationError("重新开始检查须填写原因。")
    check_round, before, after = _move(actor, round, RoundStatus.OPEN, note)
    audit_record(actor=actor, action="checks.round_reopen", obj=check_round, region_code=check_round.region_id,
                 before=before, after=after)
    return check_round


# ---- targets -----------------------------------------------------------------------------------------------------

def responsible_inspectors(school_ids) -> dict[int, object]:
    """school id → its current 责任督学 (the first current 挂牌 assignment), for the schools that have one."""
    found = {}
    for a in (Assignment.objects.current().filter(school_id__in=list(school_ids))
              .select_related("inspector").order_by("school_id", "campus_id", "id")):
        found.setdefault(a.school_id, a.inspector)
    return found


def _check_inspector(check_round: CheckRound, inspector) -> None:
    """A named inspector must be active and appointed in the round's region (or the region above it)."""
    if inspector is None:
        return
    prefix, theirs = region_prefix(check_round.region_id), region_prefix(inspector.region_id)
    if not (inspector.region_id.startswith(prefix) or prefix.startswith(theirs)):
        raise ApplicationError(f"督学{inspector.name}不是{check_round.region}聘任的督学。")
    if inspector.status != InspectorStatus.ACTIVE:
        raise ApplicationError(f"督学{inspector.name}当前不在岗，不能安排检查。")


@transaction.atomic
def targets_add(*, actor, round: CheckRound, schools, inspector=None) -> int:
    """Add schools to a round, each checked by `inspector` when named, else by its 责任督学 (none when it has no
    current 挂牌). Schools already in the round are left as they are. Returns the number added."""
    require_office_for(actor, round.region_id, "只有本区划的督导室可以安排检查对象。")
    round = _locked_round(round)  # the status as it is now, not as the caller read it
    if round.status == RoundStatus.CLOSED:
        raise ApplicationError("专项检查已结束，不能再添加检查对象。")
    _check_inspector(round, inspector)
    schools = list(schools)
    prefix = region_prefix(round.region_id)
    outside = [s.name for s in schools if not s.region_id.startswith(prefix)]
    if outside:
        raise ApplicationError(f"{outside[0]}不在{round.region}范围内，不能作为检查对象。")
    present = set(CheckTarget.objects.filter(round=round).values_list("school_id", flat=True))
    new = list({s.pk: s for s in schools if s.pk not in present}.values())
    by_school = responsible_inspectors(s.pk for s in new) if inspector is None else {}
    CheckTarget.objects.bulk_create([
        CheckTarget(round=round, school=s, region_code=s.region_id, inspector=inspector or by_school.get(s.pk))
        for s in new], batch_size=2000)
    if new:
        audit_record(actor=actor, action="checks.targets_add", obj=round, region_code=round.region_id,
                     after={"schools": [s.pk for s in new][:200], "count": len(new)})
    return len(new)


def _pool(check_round: CheckRound) -> list[targeting.Candidate]:
    rows = (School.objects.filter(region__code__startswith=region_prefix(check_round.region_id))
            .values_list("pk", "code", "school_type", "region_id", "name"))
    return [targeting.Candidate(*row) for row in rows]


@transaction.atomic
def targets_select(*, actor, round: CheckRound, rule: str, types=(), towns=(), size: int | None = None,
                   seed: int | None = None, codes: str = "", inspector=None) -> int:
    """Add the schools a rule picks (targeting.select) from the round's region; the rule and its parameters
    (the sample's seed included, drawn when not given) are kept on the round so the page can say how its targets
    were chosen. A typed list is all-or-nothing. Returns the number added."""
    require_office_for(actor, round.region_id, "只有本区划的督导室可以安排检查对象。")
    check_round = _locked_round(round)
    if rule not in TargetRule.values:
        raise ApplicationError(f"未知的检查对象确定方式：{rule}")
    towns = [t for t in towns if t]
    prefix = region_prefix(check_round.region_id)
    if any(not t.startswith(prefix) for t in towns):
        raise ApplicationError("所选乡镇（街道）不在本次检查的区划内。")
    if rule == TargetRule.SAMPLE:
        if size is not None and size > SAMPLE_MAX:
            raise ApplicationError(f"随机抽取的数量不能超过 {SAMPLE_MAX}。")
        if seed is None:
            seed = random.SystemRandom().randrange(1, 1_000_000)
    code_list = targeting.parse_codes(codes) if rule == TargetRule.LIST else []
    picked = targeting.select(_pool(check_round), rule=rule, types=types, towns=towns, size=size, seed=seed,
                              codes=code_list)
    if picked.errors:
        raise ApplicationError("；".join(picked.errors))
    if not picked.ids:
        raise ApplicationError("按所选条件没有找到学校，未添加检查对象。")
    params = {"types": list(types), "towns": towns}
    if rule == TargetRule.SAMPLE:
        params |= {"size": size, "seed": seed}
    if rule == TargetRule.LIST:
        params |= {"codes": len(code_list)}
    if inspector is not None:
        params["inspector"] = inspector.name
    added = targets_add(actor=actor, round=check_round, schools=School.objects.filter(pk__in=picked.ids),
                        inspector=inspector)
    check_round.target_rule, check_round.target_params = rule, params | {"picked": len(picked.ids), "added": added}
    check_round.save(update_fields=["target_rule", "target_params"])
    return added


def _locked_target(target: CheckTarget) -> CheckTarget:
    return (CheckTarget.objects.select_for_update(of=("self",)).select_related("round__region", "school", "inspector")
            .get(pk=target.pk))


@transaction.atomic
def target_reassign(*, actor, target: CheckTarget, inspector) -> CheckTarget:
    """Give one target to another inspector (or to nobody: `inspector` None). Refused once it is checked or the
    round is over."""
    require_office_for(actor, target.round.region_id, "只有本区划的督导室可以调整检查督学。")
    target = _locked_target(target)
    if target.round.status == RoundStatus.CLOSED:
        raise ApplicationError("专项检查已结束，不能再调整检查督学。")
    if target.status == TargetStatus.DONE:
        raise ApplicationError(f"{target.school.name}已检查，不能再调整检查督学。")
    _check_inspector(target.round, inspector)
    before = target.inspector.name if target.inspector else ""
    target.inspector = inspector
    target.save(update_fields=["inspector"])
    audit_record(actor=actor, action="checks.target_reassign", obj=target.round, region_code=target.round.region_id,
                 before={"school": target.school.name, "inspector": before},
                 after={"school": target.school.name, "inspector": inspector.name if inspector else ""})
    return target


@transaction.atomic
def target_remove(*, actor, target: CheckTarget) -> None:
    """Take a school out of a round; refused once it is checked (its record and findings stay)."""
    require_office_for(actor, target.round.region_id, "只有本区划的督导室可以移除检查对象。")
    target = _locked_target(target)
    if target.status == TargetStatus.DONE or hasattr(target, "submission"):
        raise ApplicationError(f"{target.school.name}已检查，不能移除。")
    if target.round.status == RoundStatus.CLOSED:
        raise ApplicationError("专项检查已结束，不能移除检查对象。")
    audit_record(actor=actor, action="checks.target_remove", obj=target.round, region_code=target.round.region_id,
                 before={"school": target.school.name, "school_id": target.school_id})
    target.delete()
