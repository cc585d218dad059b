"""Writes of 回头看 (re-checking a random sample of closed findings) and 结果公开 (publishing results).

The sample is drawn with random.Random(seed) from the population's ids in ascending order; the seed and a
SHA-256 digest of the id list are recorded, so the draw can be repeated and checked. A finding that fails
its re-check is reopened with a new deadline and shows on its timeline. Publishing is an explicit action
with an audit record; a withdrawn item leaves the public page but stays on record.
"""

import datetime
import hashlib
import random
import secrets

from django.db import transaction
from django.utils import timezone

from dudao.core.audit import audit_record
from dudao.core.dates import cn_date
from dudao.core.errors import ApplicationError
from dudao.core.policy import policy_value
from dudao.core.scope import require_office_for
from dudao.rectification.models import (
    DONE_STATUSES,
    Finding,
    FindingSource,
    FindingStatus,
    Publication,
    PublicationKind,
    RecheckItem,
    RecheckResult,
    RecheckRound,
)

MAX_SAMPLE = 500


def population_ids(*, region_code: str, closed_from: datetime.date, closed_to: datetime.date, source: str = "") -> list[int]:
    qs = Finding.objects.filter(region_code__startswith=region_code, status=FindingStatus.CLOSED,
                                closed_at__date__gte=closed_from, closed_at__date__lte=closed_to)
    if source:
        qs = qs.filter(source=source)
    return list(qs.order_by("id").values_list("id", flat=True))


def draw(ids: list[int], size: int, seed: int) -> list[int]:
    """The sample: pure and repeatable (same ids, size and seed → same sample)."""
    return sorted(random.Random(seed).sample(ids, min(size, len(ids))))


def digest(ids: list[int]) -> str:
    return hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()


def recheck_draw(*, actor, region_code: str, closed_from: datetime.date, closed_to: datetime.date, size: int,
                 source: str = "", seed: int | None = None) -> RecheckRound:
    require_office_for(actor, region_code, "只有督导室可以对本辖区组织回头看。")
    if closed_from > closed_to:
        raise ApplicationError("办结日期的起止顺序有误。")
    if closed_to > timezone.localdate():
        raise ApplicationError("办结日期不能晚于今天。")
    if not 1 <= size <= MAX_SAMPLE:
        raise ApplicationError(f"抽取数量应在 1 到 {MAX_SAMPLE} 之间。")
    if source and source not in FindingSource.values:
        raise ApplicationError("未知的问题来源。")
    ids = population_ids(region_code=region_code, closed_from=closed_from, closed_to=closed_to, source=source)
    if not ids:
        raise ApplicationError("所选范围内没有已整改办结的问题，无法抽取。")
    seed = secrets.randbelow(2**31) if seed is None else seed
    sample = draw(ids, size, seed)
    with transaction.atomic():
        round_ = RecheckRound.objects.create(
            region_code=region_code, closed_from=closed_from, closed_to=closed_to, source=source, population=len(ids),
            population_digest=digest(ids), sample_size=len(sample), seed=seed, drawn_by=actor, drawn_at=timezone.now())
        RecheckItem.objects.bulk_create([RecheckItem(round=round_, finding_id=f) for f in sample])
        audit_record(actor=actor, action="recheck.draw", obj=round_, region_code=region_code,
                     after={"seed": seed, "population": len(ids), "sample": sample})
    return round_


@transaction.atomic
def recheck_record(*, actor, item: RecheckItem, passed: bool, note: str = "") -> RecheckItem:
    """A re-check result; a failure reopens the finding with a new deadline (default rectification days)."""
    item = RecheckItem.objects.select_for_update(of=("self",)).select_related("round").get(pk=item.pk)
    require_office_for(actor, item.round.region_code, "只有督导室可以记录回头看结果。")
    if item.result != RecheckResult.PENDING:
        raise ApplicationError("该问题已记录复查结果。")
    note = (note or "").strip()
    if not passed and not note:
        raise ApplicationError("复查未通过须写明发现的情况。")
    now = timezone.now()
    item.result = RecheckResult.PASSED if passed else RecheckResult.FAILED
    item.note, item.checked_by, item.checked_at = note, actor, now
    item.save()
    if not passed:
        finding = Finding.objects.select_for_update(of=("self",)).get(pk=item.finding_id)
        if finding.status in DONE_STATUSES:
            days = int(policy_value("rectification.default_days", finding.region_code))
            finding.status, finding.closed_at, finding.closed_on_time = FindingStatus.OPEN, None, None
            finding.due_date = timezone.localdate() + datetime.timedelta(days=days)
            finding.save(update_fields=["status", "closed_at", "closed_on_time", "due_date"])
            audit_record(actor=actor, action="finding.reopen", obj=finding, region_code=finding.region_code,
                         after={"recheck": item.round_id, "note": note, "due_date": finding.due_date.isoformat()})
    audit_record(actor=actor, action="recheck.record", obj=item.round, region_code=item.round.region_code,
                 after={"finding": item.finding_id, "passed": passed, "note": note})
    return item


# ---- 结果公开 ----------------------------------------------------------------------------------------------------------

def publication_publish(*, actor, kind: str, region_code: str, title: str, body: str) -> Publication:
    if kind not in PublicationKind.values:
        raise ApplicationError("请选择公开类别。")
    title, body = (title or "").strip(), (body or "").strip()
    if not title or not body:
        raise ApplicationError("标题和正文都不能为空。")
    require_office_for(actor, region_code, "只有督导室可以发布本辖区的公开信息。")
    with transaction.atomic():
        item = Publication.objects.create(kind=kind, region_code=region_code, title=title, body=body,
                                          published_by=actor, published_at=timezone.now())
        audit_record(actor=actor, action="publication.publish", obj=item, region_code=region_code,
                     after={"kind": kind, "title": title})
    return item


@transaction.atomic
def publication_withdraw(*, actor, item: Publication, reason: str) -> Publication:
    item = Publication.objects.select_for_update().get(pk=item.pk)
    require_office_for(actor, item.region_code, "只有督导室可以撤回本辖区的公开信息。")
    if item.withdrawn_at:
        raise ApplicationError("该信息已撤回。")
    if not (reason or "").strip():
        raise ApplicationError("撤回须写明原因。")
    item.withdrawn_at, item.withdraw_reason = timezone.now(), reason.strip()[:200]
    item.save()
    audit_record(actor=actor, action="publication.withdraw", obj=item, region_code=item.region_code,
                 after={"reason": item.withdraw_reason})
    return item


def rectification_summary_text(rows: list[dict], region_name: str, today: datetime.date) -> tuple[str, str]:
    """A draft of the 整改情况 publication from the dashboard's rows (the office edits it before publishing)."""
    total = rows[-1]
    rate = f"{total['rate']}%" if total["rate"] is not None else "—"
    on_time = f"{total['on_time_rate']}%" if total["on_time_rate"] is not None else "—"
    lines = [f"截至{cn_date(today)}，{region_name}督导发现问题 {total['total']} 个，已整改 "
             f"{total['done']} 个，整改率 {rate}，按期整改率 {on_time}；逾期未整改 {total['overdue']} 个。"]
    for r in rows[:-1]:
        if r["total"]:
            lines.append(f"{r['label']}：问题 {r['total']} 个，已整改 {r['done']} 个，整改率 {r['rate']}%。")
    return f"{region_name}督导问题整改情况（{today.year}年{today.month}月）", "\n".join(lines)
