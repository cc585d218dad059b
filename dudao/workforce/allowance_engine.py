"""兼职督学劳务补贴: the pure computation of one month (no Django). Records in, one line per inspector out.

The rules (issue 24 item 4; the seed 004 names 通信、交通、食宿、劳务 costs of part-time inspectors, no amounts):
- a 督导纪实 (visit) earns the per-visit rate, plus the half-day rate for each half day on site: half days =
  ceil(minutes on site / minutes of a half day), at least 1;
- a 专项检查 submission earns the per-check rate; the visit it was made in is the check's, not a second visit
  (the loader passes it only as a check, and the engine also counts each record reference once);
- an on-site day of a 督导评估 project where the inspector is a team member earns the inspection-day rate; the same
  calendar day counts once even if the inspector was on two projects that day;
- every visit, check and inspection day is one trip and earns the transport rate;
- a monthly cap (0 = none) cuts the computed amount; manual adjustments are added outside the engine.
A rate of 0 means "not set". A month whose records need a rate that is not set is refused (missing_rates).
"""

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

VISIT, CHECK, DAY = "visit", "check", "day"
CENT = Decimal("0.01")

RATE_LABELS = {
    "visit": "每次督导纪实补贴",
    "half_day": "每半天在校补贴",
    "check": "每次专项检查补贴",
    "inspection_day": "督导评估每天补贴",
    "transport": "每次交通补贴",
}


@dataclass(frozen=True)
class Rates:
    visit: Decimal = Decimal(0)
    half_day: Decimal = Decimal(0)
    check: Decimal = Decimal(0)
    inspection_day: Decimal = Decimal(0)
    transport: Decimal = Decimal(0)
    monthly_cap: Decimal = Decimal(0)
    half_day_minutes: int = 240

    def as_dict(self) -> dict[str, str | int]:
        return {"visit": str(self.visit), "half_day": str(self.half_day), "check": str(self.check),
                "inspection_day": str(self.inspection_day), "transport": str(self.transport),
                "monthly_cap": str(self.monthly_cap), "half_day_minutes": self.half_day_minutes}


class Record(NamedTuple):
    """One record of the month: kind VISIT, CHECK or DAY, a reference (unique per kind), its local day (a named
    tuple: a province's month builds tens of thousands)."""

    inspector_id: int
    kind: str
    ref: str
    day: datetime.date
    minutes: int = 0
    text: str = ""


@dataclass
class Line:
    inspector_id: int
    visits: int = 0
    half_days: int = 0
    checks: int = 0
    inspection_days: int = 0
    trips: int = 0
    visit_amount: Decimal = Decimal(0)
    half_day_amount: Decimal = Decimal(0)
    check_amount: Decimal = Decimal(0)
    inspection_amount: Decimal = Decimal(0)
    transport_amount: Decimal = Decimal(0)
    cap_cut: Decimal = Decimal(0)
    total: Decimal = Decimal(0)
    detail: list[dict] = field(default_factory=list)


def month_span(year: int, month: int) -> tuple[datetime.date, datetime.date]:
    """The first and the last local day of a month."""
    first = datetime.date(year, month, 1)
    nxt = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return first, nxt - datetime.timedelta(days=1)


def half_days(minutes: int, half_day_minutes: int) -> int:
    """Half days on site of one visit: ceil(minutes / half_day_minutes), at least one."""
    if half_day_minutes <= 0:
        raise ValueError("half_day_minutes must be positive")
    return max(1, math.ceil(max(0, minutes) / half_day_minutes))


def onsite_days(moves: Iterable[tuple[datetime.date, str, str]], *, onsite: str, until: datetime.date) -> set[datetime.date]:
    """The local days a project spent on site: from each move into `onsite` to the next move out of it (both days
    included); a project still on site counts up to `until`. `moves` are (local day, from, to) in time order."""
    days: set[datetime.date] = set()
    entered: datetime.date | None = None
    for day, from_status, to_status in moves:
        if to_status == onsite and entered is None:
            entered = day
        elif from_status == onsite and entered is not None:
            days |= _span(entered, day)
            entered = None
    if entered is not None and entered <= until:
        days |= _span(entered, until)
    return days


def _span(first: datetime.date, last: datetime.date) -> set[datetime.date]:
    return {first + datetime.timedelta(days=i) for i in range((last - first).days + 1)}


def needed_rates(records: Iterable[Record]) -> list[str]:
    """Which rate groups the month's records need: a visit needs the visit or half-day rate, a check the check
    rate, an inspection day the day rate."""
    kinds = {r.kind for r in records}
    return [k for k in (VISIT, CHECK, DAY) if k in kinds]


def missing_rates(rates: Rates, records: list[Record]) -> list[str]:
    """The Chinese names of the rates that must be set before the month can be computed (empty: fine)."""
    missing: list[str] = []
    if not any((rates.visit, rates.half_day, rates.check, rates.inspection_day, rates.transport)):
        return list(RATE_LABELS.values())
    for kind in needed_rates(records):
        if kind == VISIT and not (rates.visit or rates.half_day):
            missing.append(f"{RATE_LABELS['visit']}或{RATE_LABELS['half_day']}")
        elif kind == CHECK and not rates.check:
            missing.append(RATE_LABELS["check"])
        elif kind == DAY and not rates.inspection_day:
            missing.append(RATE_LABELS["inspection_day"])
    return missing


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def compute(records: Iterable[Record], rates: Rates, *, first: datetime.date, last: datetime.date) -> list[Line]:
    """One line per inspector with at least one record in first..last, ordered by inspector id. Records outside
    the month, a reference seen twice and a second inspection record on the same day are ignored."""
    lines: dict[int, Line] = {}
    seen_refs: set[tuple[str, str]] = set()
    seen_days: set[tuple[int, datetime.date]] = set()
    for record in sorted(records, key=lambda r: (r.inspector_id, r.day, r.kind, r.ref)):
        if not first <= record.day <= last or (record.kind, record.ref) in seen_refs:
            continue
        if record.kind == DAY:
            if (record.inspector_id, record.day) in seen_days:
                continue
            seen_days.add((record.inspector_id, record.day))
        seen_refs.add((record.kind, record.ref))
        line = lines.setdefault(record.inspector_id, Line(record.inspector_id))
        entry = {"k": record.kind, "ref": record.ref, "on": record.day.isoformat(), "text": record.text}
        if record.kind == VISIT:
            n = half_days(record.minutes, rates.half_day_minutes)
            line.visits += 1
            line.half_days += n
            entry["half_days"] = n
        elif record.kind == CHECK:
            line.checks += 1
        elif record.kind == DAY:
            line.inspection_days += 1
        else:
            raise ValueError(f"unknown record kind {record.kind!r}")
        line.trips += 1
        line.detail.append(entry)
    for line in lines.values():
        line.visit_amount = _money(rates.visit * line.visits)
        line.half_day_amount = _money(rates.half_day * line.half_days)
        line.check_amount = _money(rates.check * line.checks)
        line.inspection_amount = _money(rates.inspection_day * line.inspection_days)
        line.transport_amount = _money(rates.transport * line.trips)
        subtotal = (line.visit_amount + line.half_day_amount + line.check_amount + line.inspection_amount
                    + line.transport_amount)
        if rates.monthly_cap > 0 and subtotal > rates.monthly_cap:
            line.cap_cut = subtotal - _money(rates.monthly_cap)
        line.total = subtotal - line.cap_cut
    return [lines[k] for k in sorted(lines)]
