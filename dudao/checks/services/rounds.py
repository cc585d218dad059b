"""专项检查 rounds: creating a round, its checklist and its targets (issue 23). Keyword-only, atomic, audited.

`round_create` and `targets_add` are the contract other areas call (因需督导 creates a one-target round): keep
their signatures."""

import datetime

from django.db import transaction

from dudao.checks.models import CheckItem, CheckKind, CheckRound, CheckTarget, RoundStatus, RoundTransition
from dudao.core.audit import audit_record, snapshot
from dudao.core.errors import ApplicationError
from dudao.core.scope import require_office_for
from dudao.zones.models import Assignment

ITEM_FIELDS = ("text", "guidance", "answer_kind", "number_min", "number_max", "unit", "photo_required", "veto",
               "finding_text", "finding_category", "severity")


def _clean_items(items: list[dict]) -> list[dict]:
    if not items:
        raise ApplicationError("检查清单至少需要一个检查项。")
    cleaned = []
    for n, item in enumerate(items, start=1):
        text = (item.get("text") or "").strip()
        if not text:
            raise ApplicationError(f"第 {n} 个检查项没有填写检查内容。")
        if item.get("answer_kind", "yes_no") != "text" and not (item.get("finding_text") or "").strip():
            raise ApplicationError(f"第 {n} 个检查项“{text[:20]}”没有填写不合格时登记的问题。")
        cleaned.append({k: item[k] for k in ITEM_FIELDS if k in item} | {"text": text[:255]})
    return cleaned


@transaction.atomic
def round_create(*, actor, region, title: str, kind: str, starts_on: datetime.date, ends_on: datetime.date,
                 items: list[dict], description: str = "", template=None) -> CheckRound:
    """A round in 草稿 with its checklist (item dicts with the CheckItem fields). Refuses an empty checklist, an
    item without its finding text, a window that ends before it starts."""
    require_office_for(actor, region.code, "只有本区划的督导室可以组织专项检查。")
    title = (title or "").strip()
    if not title:
        raise ApplicationError("请填写检查名称。")
    if kind not in CheckKind.values:
        raise ApplicationError(f"未知的检查类别：{kind}")
    if ends_on < starts_on:
        raise ApplicationError("检查结束日期不能早于开始日期。")
    cleaned = _clean_items(items)
    check_round = CheckRound.objects.create(region=region, title=title[:128], kind=kind, description=description,
                                            starts_on=starts_on, ends_on=ends_on, template=template, created_by=actor)
    CheckItem.objects.bulk_create([CheckItem(round=check_round, order=n, **item) for n, item in enumerate(cleaned, 1)])
    RoundTransition.record(check_round, to_status=RoundStatus.DRAFT, actor=actor)
    audit_record(actor=actor, action="checks.round_create", obj=check_round, region_code=region.code,
                 after={**snapshot(check_round, ["title", "kind", "starts_on", "ends_on"]), "items": len(cleaned)})
    return check_round


def responsible_inspectors(school_ids) -> dict[int, object]:
    """school id → its current 责任督学 (the first current 挂牌 assignment), for the schools that have one."""
    found = {}
    for a in (Assignment.objects.current().filter(school_id__in=list(school_ids))
              .select_related("inspector").order_by("school_id", "campus_id", "id")):
        found.setdefault(a.school_id, a.inspector)
    return found


@transaction.atomic
def targets_add(*, actor, round: CheckRound, schools, inspector=None) -> int:
    """Add schools to a round, each checked by `inspector` when named, else by its 责任督学 (none when it has no
    current 挂牌). Schools already in the round are left as they are. Returns the number added."""
    require_office_for(actor, round.region_id, "只有本区划的督导室可以安排检查对象。")
    if round.status == RoundStatus.CLOSED:
        raise ApplicationError("专项检查已结束，不能再添加检查对象。")
    schools = list(schools)
    outside = [s.name for s in schools if not s.region_id.startswith(round.region_id)]
    if outside:
        raise ApplicationError(f"{outside[0]}不在{round.region}范围内，不能作为检查对象。")
    present = set(CheckTarget.objects.filter(round=round).values_list("school_id", flat=True))
    new = [s for s in schools if s.pk not in present]
    by_school = responsible_inspectors(s.pk for s in new) if inspector is None else {}
    CheckTarget.objects.bulk_create([
        CheckTarget(round=round, school=s, region_code=s.region_id, inspector=inspector or by_school.get(s.pk))
        for s in new])
    if new:
        audit_record(actor=actor, action="checks.targets_add", obj=round, region_code=round.region_id,
                     after={"schools": [s.pk for s in new][:200], "count": len(new)})
    return len(new)
