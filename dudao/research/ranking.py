"""Ranking of a call's entries and awards by quota: pure functions, no Django (tested against hand-worked examples
in tests/research/test_calls_ranking.py).

The rules (also in the user guide):
- An entry's score is the mean of its experts' totals (0–100), rounded half up to 2 decimals. When at least
  `trim_min` experts scored it (policy research.call_trim_min_experts, default 5), the single highest and the single
  lowest totals are dropped first. An entry no expert scored is not ranked.
- Entries are ranked within their group: the whole call, or each category when the call awards per category.
- Ties (equal rounded means) are broken, in this order, by: the higher lowest total (the entry no expert marked
  down wins), then more experts' scores, then the earlier submission (smaller serial number). Every tie is
  shown: the note says with which entries it tied and which rule decided.
- Awards go down the ranking: the first `一等奖` quota entries get 一等奖, the next ones 二等奖, and so on. A quota is
  a count of entries, or a share (%) of the ranked entries of the group rounded half up (10% of 25 = 2.5 → 3).
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

LEVELS = ("first", "second", "third", "merit")


@dataclass(frozen=True)
class EntryInput:
    id: int
    seq: int
    code: str
    category: str
    totals: tuple[float, ...]


@dataclass
class Ranked:
    id: int
    code: str
    group: str
    mean: Decimal | None
    used: int  # how many totals entered the mean
    rank: int | None = None
    award: str = ""
    note: str = ""
    tied_with: list[str] = field(default_factory=list)


def round2(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def entry_mean(totals: tuple[float, ...] | list[float], trim_min: int) -> tuple[Decimal | None, int]:
    """(mean, number of totals used): without the highest and lowest when there are at least trim_min (≥ 3)."""
    values = sorted(Decimal(str(t)) for t in totals)
    if not values:
        return None, 0
    if trim_min >= 3 and len(values) >= trim_min:
        values = values[1:-1]
    return round2(sum(values) / len(values)), len(values)


def quota_counts(quotas: list[tuple[str, int]], basis: str, group_size: int) -> list[tuple[str, int]]:
    """The number of entries each level gets in a group of group_size ranked entries."""
    if basis == "share":
        return [(level, int((Decimal(group_size) * Decimal(n) / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)))
                for level, n in quotas]
    return [(level, int(n)) for level, n in quotas]


def rank_entries(entries: list[EntryInput], *, trim_min: int, quotas: list[tuple[str, int]], basis: str = "count",
                 per_category: bool = False) -> list[Ranked]:
    """Every entry ranked (or not, when unscored) with its award; returned in group then rank order."""
    by_group: dict[str, list[tuple[EntryInput, Ranked]]] = {}
    unranked: list[Ranked] = []
    for e in entries:
        group = e.category if per_category else ""
        mean, used = entry_mean(e.totals, trim_min)
        row = Ranked(e.id, e.code, group, mean, used)
        if mean is None:
            row.note = "无专家评分，不参加排名"
            unranked.append(row)
        else:
            by_group.setdefault(group, []).append((e, row))
    out: list[Ranked] = []
    for group in sorted(by_group):
        rows = by_group[group]
        rows.sort(key=lambda pair: (-pair[1].mean, -min(pair[0].totals), -len(pair[0].totals), pair[0].seq))
        by_mean: dict[Decimal, list[tuple[EntryInput, Ranked]]] = {}
        for pair in rows:
            by_mean.setdefault(pair[1].mean, []).append(pair)
        for position, (e, row) in enumerate(rows, 1):
            row.rank = position
            same = [(o, r) for o, r in by_mean[row.mean] if o.id != e.id]
            if same:
                row.tied_with = [r.code for _o, r in same]
                row.note = _tie_note(e, [o for o, _r in same])
        levels = quota_counts(quotas, basis, len(rows))
        cursor = 0
        for level, n in levels:
            for _e, row in rows[cursor:cursor + n]:
                row.award = level
            cursor += n
        out += [row for _e, row in rows]
    return out + unranked


def _tie_note(entry: EntryInput, others: list[EntryInput]) -> str:
    """Which rule separated the entry from those with the same mean."""
    codes = "、".join(o.code for o in others)
    mine = (min(entry.totals), len(entry.totals))
    if all(min(o.totals) != mine[0] for o in others):
        rule = "按最低分高者在前"
    elif all((min(o.totals), len(o.totals)) != mine for o in others):
        rule = "按最低分、再按评分专家多者在前"
    else:
        rule = "按最低分、评分专家数，再按提交先后"
    return f"与 {codes} 平均分相同，{rule}"
