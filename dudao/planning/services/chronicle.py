"""Writes of the 大事记 (issue 20 item 4).

The platform proposes entries from the key events every app registers (core.registries.register_key_events):
`chronicle_propose` scans them for a region subtree and a span of days and inserts one `proposed` entry per event
key not yet present, whatever became of the earlier one (accepted, edited or dropped), so an event is proposed
once. The office accepts a proposal (optionally editing title, text, day and importance), drops it (it stays as
`dropped`, so it is not proposed again; 恢复 puts it back to 待确认), and writes manual entries, which it may edit
and delete. Proposals are never deleted.
"""

import datetime

from django.db import transaction
from django.utils import timezone

from dudao.core.audit import audit_record
from dudao.core.errors import ApplicationError
from dudao.core.models import Role, RoleAssignment
from dudao.core.registries import KeyEvent, key_event_sources, refuse_if_archived
from dudao.core.scope import require_office_for
from dudao.planning.models import ChronicleEntry, ChronicleStatus, Importance
from dudao.regions.models import Region, RegionLevel

TITLE_MAX = 200
TEXT_MAX = 5000
FIRST_YEAR, LAST_YEAR = 2000, 2100
WHAT = "大事记"
KEY_CHUNK = 500


def _events(region_code: str, start: datetime.date, end: datetime.date) -> list[tuple[str, KeyEvent]]:
    """(source, event) of every registered source, inside [start, end], one per key (first source wins)."""
    seen: dict[str, tuple[str, KeyEvent]] = {}
    for name, (_label, events) in sorted(key_event_sources().items()):
        for event in events(region_code, start, end):
            if start <= event.day <= end and event.key not in seen:
                seen[event.key] = (name, event)
    # by day; on one day in the sources' own order (a campaign's last task before the campaign's completion)
    return sorted(seen.values(), key=lambda pair: pair[1].day)


def _archived(region_code: str, day: datetime.date, cache: dict[int, bool]) -> bool:
    if day.year not in cache:
        try:
            refuse_if_archived(region_code, day, WHAT)
            cache[day.year] = False
        except ApplicationError:
            cache[day.year] = True
    return cache[day.year]


def chronicle_propose(*, region: Region, start: datetime.date, end: datetime.date, now: datetime.datetime | None = None,
                      actor=None) -> int:
    """Propose the region's key events dated in [start, end] (not after today) that were never proposed; returns
    how many new proposals. Events of an archived year are left out. With an actor (the 刷新建议 button), only the
    region's office may ask."""
    if actor is not None:
        require_office_for(actor, region.code, "只有本区域督导室可以刷新大事记建议。")
    if start > end:
        raise ApplicationError("开始日期不能晚于结束日期。")
    now = now or timezone.now()
    end = min(end, timezone.localdate(now))
    if start > end:
        return 0
    events = _events(region.code, start, end)
    if not events:
        return 0
    # every key ever proposed for the region, whatever its day now (the office may have moved an entry to another
    # year): asked in chunks, so a county with thousands of events stays under SQLite's variable limit
    keys = [e.key for _s, e in events]
    present: set[str] = set()
    for i in range(0, len(keys), KEY_CHUNK):
        present.update(ChronicleEntry.objects.filter(region=region, event_key__in=keys[i:i + KEY_CHUNK])
                       .values_list("event_key", flat=True))
    archived: dict[int, bool] = {}
    new = [ChronicleEntry(region=region, day=event.day, title=event.title[:TITLE_MAX], text=event.text[:TEXT_MAX],
                          importance=event.importance if event.importance in Importance.values else Importance.NORMAL,
                          status=ChronicleStatus.PROPOSED, source=source[:48], event_key=event.key[:96],
                          url=event.url[:255], created_by=None, created_at=now)
           for source, event in events
           if event.key not in present and not _archived(region.code, event.day, archived)]
    if not new:
        return 0
    with transaction.atomic():
        before = ChronicleEntry.objects.filter(region=region).count()
        ChronicleEntry.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
        added = ChronicleEntry.objects.filter(region=region).count() - before
        if added:
            audit_record(actor=actor, action="planning.chronicle_propose", object_type="planning.chronicleentry",
                         object_repr=f"{region.name}大事记建议", region_code=region.code,
                         after={"start": start.isoformat(), "end": end.isoformat(), "added": added})
    return max(added, 0)


def chronicle_daily(*, now: datetime.datetime) -> int:
    """The daily job: propose for every county that has an office, over this Beijing year and yesterday's (so
    the events of 31 December are proposed on 1 January)."""
    today = timezone.localdate(now)
    start = datetime.date((today - datetime.timedelta(days=1)).year, 1, 1)
    codes = set(RoleAssignment.objects.filter(role=Role.OFFICE, region__isnull=False,
                                              region__level=RegionLevel.COUNTY).values_list("region_id", flat=True))
    total = 0
    for county in Region.objects.filter(code__in=codes).order_by("code"):
        total += chronicle_propose(region=county, start=start, end=today, now=now)
    return total


# ---- validation --------------------------------------------------------------------------------------------------

def _title(value) -> str:
    title = " ".join(str(value or "").split())
    if not title:
        raise ApplicationError("大事记标题不能为空。")
    if len(title) > TITLE_MAX:
        raise ApplicationError(f"大事记标题过长（最多 {TITLE_MAX} 个字）。")
    return title


def _text(value) -> str:
    text = str(value or "").strip()
    if len(text) > TEXT_MAX:
        raise ApplicationError(f"大事记内容过长（最多 {TEXT_MAX} 个字）。")
    return text


def _day(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            raise ApplicationError(f"日期“{value[:20]}”格式有误，应为 2026-03-06 的形式。") from None
    if not isinstance(value, datetime.date):
        raise ApplicationError("请填写大事记日期。")
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ApplicationError(f"大事记日期应在 {FIRST_YEAR} 年至 {LAST_YEAR} 年之间。")
    return value


def _importance(value) -> str:
    if value not in Importance.values:
        raise ApplicationError("请选择重要程度（一般、重要或重大）。")
    return value


def _locked(entry: ChronicleEntry) -> ChronicleEntry:
    return ChronicleEntry.objects.select_for_update().select_related("region").get(pk=entry.pk)


def _state(entry: ChronicleEntry) -> dict:
    return {"status": entry.status, "day": entry.day.isoformat(), "title": entry.title, "text": entry.text,
            "importance": entry.importance}


def _office(actor, entry: ChronicleEntry) -> None:
    require_office_for(actor, entry.region_id, "只有本区域督导室可以编辑大事记。")


# ---- the office's decisions on proposals --------------------------------------------------------------------------

@transaction.atomic
def entry_accept(*, actor, entry: ChronicleEntry, title: str | None = None, text: str | None = None,
                 day: datetime.date | None = None, importance: str | None = None) -> ChronicleEntry:
    """待确认 → 已采用, with the edits given (None keeps the proposal's own)."""
    row = _locked(entry)
    _office(actor, row)
    if row.status == ChronicleStatus.ACCEPTED:
        raise ApplicationError("该条大事记已采用，无需重复采用。")
    if row.status == ChronicleStatus.DROPPED:
        raise ApplicationError("该条建议已舍弃；如需采用，请先点击“恢复”将其恢复为待确认。")
    before = _state(row)
    new_day = _day(day) if day is not None else row.day
    refuse_if_archived(row.region_id, row.day, WHAT)
    refuse_if_archived(row.region_id, new_day, WHAT)
    row.title = _title(title) if title is not None else row.title
    row.text = _text(text) if text is not None else row.text
    row.importance = _importance(importance) if importance is not None else row.importance
    row.day, row.status = new_day, ChronicleStatus.ACCEPTED
    row.decided_by, row.decided_at = actor, timezone.now()
    row.full_clean()
    row.save()
    audit_record(actor=actor, action="planning.chronicle_accept", obj=row, region_code=row.region_id,
                 before=before, after=_state(row))
    return row


@transaction.atomic
def entry_drop(*, actor, entry: ChronicleEntry, reason: str = "") -> ChronicleEntry:
    """A proposal (待确认, or one accepted earlier) → 已舍弃. It stays, so the event is not proposed again."""
    row = _locked(entry)
    _office(actor, row)
    if not row.event_key:
        raise ApplicationError("手工录入的大事记不能舍弃，如不需要请删除。")
    if row.status == ChronicleStatus.DROPPED:
        raise ApplicationError("该条建议已舍弃。")
    refuse_if_archived(row.region_id, row.day, WHAT)
    reason = str(reason or "").strip()
    if len(reason) > 200:
        raise ApplicationError("舍弃理由过长（最多 200 个字）。")
    before = _state(row)
    row.status, row.decided_by, row.decided_at = ChronicleStatus.DROPPED, actor, timezone.now()
    row.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(actor=actor, action="planning.chronicle_drop", obj=row, region_code=row.region_id,
                 before=before, after={**_state(row), "reason": reason})
    return row


@transaction.atomic
def entry_restore(*, actor, entry: ChronicleEntry) -> ChronicleEntry:
    """已舍弃 → 待确认 (恢复): the office changed its mind; it then accepts it as any proposal."""
    row = _locked(entry)
    _office(actor, row)
    if row.status != ChronicleStatus.DROPPED:
        raise ApplicationError("只有已舍弃的建议可以恢复。")
    refuse_if_archived(row.region_id, row.day, WHAT)
    row.status, row.decided_by, row.decided_at = ChronicleStatus.PROPOSED, None, None
    row.save(update_fields=["status", "decided_by", "decided_at"])
    audit_record(actor=actor, action="planning.chronicle_restore", obj=row, region_code=row.region_id,
                 before={"status": ChronicleStatus.DROPPED}, after={"status": ChronicleStatus.PROPOSED})
    return row


# ---- manual entries and edits -------------------------------------------------------------------------------------

@transaction.atomic
def entry_create(*, actor, region: Region, day: datetime.date, title: str, text: str = "",
                 importance: str = Importance.NORMAL) -> ChronicleEntry:
    """A manual entry, accepted at once."""
    require_office_for(actor, region.code, "只有本区域督导室可以编写大事记。")
    day = _day(day)
    refuse_if_archived(region.code, day, WHAT)
    row = ChronicleEntry(region=region, day=day, title=_title(title), text=_text(text),
                         importance=_importance(importance), status=ChronicleStatus.ACCEPTED, source="", event_key="",
                         created_by=actor, decided_by=actor, decided_at=timezone.now())
    row.full_clean()
    row.save()
    audit_record(actor=actor, action="planning.chronicle_create", obj=row, region_code=region.code, after=_state(row))
    return row


@transaction.atomic
def entry_update(*, actor, entry: ChronicleEntry, title: str, text: str, day: datetime.date,
                 importance: str) -> ChronicleEntry:
    """Edit an entry of the 大事记 (a manual one, or an accepted proposal). 待确认 ones are edited while accepting."""
    row = _locked(entry)
    _office(actor, row)
    if row.status != ChronicleStatus.ACCEPTED:
        raise ApplicationError("只能修改已采用的大事记；待确认的建议请在采用时修改。")
    new_day = _day(day)
    refuse_if_archived(row.region_id, row.day, WHAT)
    refuse_if_archived(row.region_id, new_day, WHAT)
    before = _state(row)
    row.title, row.text, row.day, row.importance = _title(title), _text(text), new_day, _importance(importance)
    row.full_clean()
    row.save()
    audit_record(actor=actor, action="planning.chronicle_update", obj=row, region_code=row.region_id,
                 before=before, after=_state(row))
    return row


@transaction.atomic
def entry_delete(*, actor, entry: ChronicleEntry) -> None:
    """Delete a manual entry. Proposals are dropped, never deleted (else the event would be proposed again)."""
    row = _locked(entry)
    _office(actor, row)
    if row.event_key:
        raise ApplicationError("平台建议的大事记不能删除，如不需要请舍弃。")
    refuse_if_archived(row.region_id, row.day, WHAT)
    audit_record(actor=actor, action="planning.chronicle_delete", obj=row, region_code=row.region_id,
                 before=_state(row))
    row.delete()

