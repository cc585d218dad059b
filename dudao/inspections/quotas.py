"""Levels by rank within quotas (年度综合目标考核): a pure engine, no Django.

Rules (docs/glossary.md "等级名额"):
- The targets with a score are ranked by score, highest first; scores equal to two decimals are tied. `n` is the
  number of scored targets; a target without a score gets no level ("未评分") and is not counted.
- A vetoed target (一票否决) or one scoring below `fail_below` gets `fail_level` and takes no quota place.
- Levels are listed best first. A level with `max_share` p may take at most floor(p × n) targets (优秀 ≤ 30%
  of 3 targets is floor(0.9) = 0 places). The last level takes everyone left (its max_share must be None).
- Ties never split: a tie group that would exceed the places left of a level drops entirely to the next level,
  and that level then closes (no lower-ranked target may take the places it left).
- `min_score`: a level is closed to scores below it (优秀 also needs ≥ 90, say).
- `min_share` q asks for at least ceil(q × n) targets at that level; when rank, ties and the maximum leave fewer,
  the shortfall is explained in a note (never forced: a level is not given to a lower score to fill a minimum).
- Settings that cannot work raise QuotaError with every reason in Chinese: shares outside 0–100%, a maximum of 0,
  a minimum above the maximum, maximums of the capped levels summing over 100%, minimums summing over 100%.
"""

import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Quota:
    level: str
    max_share: float | None = None  # at most this share of the scored targets; None: unlimited
    min_share: float = 0.0  # at least this share (explained when it cannot be met)
    min_score: float | None = None  # the level is closed to lower scores


@dataclass(frozen=True)
class Entry:
    key: object
    score: float | None
    vetoed: bool = False


@dataclass
class Placed:
    key: object
    score: float | None
    rank: int | None
    level: str


@dataclass
class Outcome:
    placed: list[Placed]
    counts: dict[str, int]
    places: dict[str, int | None]  # the maximum number of places per level (None: unlimited)
    notes: list[str] = field(default_factory=list)


class QuotaError(ValueError):
    def __init__(self, reasons: list[str]):
        super().__init__("；".join(reasons))
        self.reasons = reasons


def _pct(share: float) -> str:
    return f"{share * 100:g}%"


def check(quotas: list[Quota]) -> list[str]:
    """Every reason the quota settings cannot work (empty when they can)."""
    reasons = []
    if not quotas:
        return ["没有设置任何等级。"]
    for q in quotas:
        if q.max_share is not None and not 0 < q.max_share <= 1:
            reasons.append(f"“{q.level}”的比例上限应大于 0% 且不超过 100%（现为 {_pct(q.max_share)}）。")
        if not 0 <= q.min_share <= 1:
            reasons.append(f"“{q.level}”的比例下限应在 0%—100% 之间（现为 {_pct(q.min_share)}）。")
        if q.max_share is not None and q.min_share > q.max_share:
            reasons.append(f"“{q.level}”的比例下限 {_pct(q.min_share)} 高于上限 {_pct(q.max_share)}。")
    if quotas[-1].max_share is not None:
        reasons.append(f"最后一个等级“{quotas[-1].level}”不能设比例上限：其余对象都评为该等级。")
    capped = sum(q.max_share for q in quotas[:-1] if q.max_share is not None and q.max_share > 0)
    if capped > 1 + 1e-9:
        reasons.append(f"各等级比例上限合计 {_pct(round(capped, 4))}，超过 100%。")
    floors = sum(q.min_share for q in quotas if 0 <= q.min_share <= 1)
    if floors > 1 + 1e-9:
        reasons.append(f"各等级比例下限合计 {_pct(round(floors, 4))}，超过 100%。")
    return reasons


def _key(score: float) -> float:
    return round(score, 2)


def assign(entries: list[Entry], quotas: list[Quota], *, fail_level: str = "不合格",
           fail_below: float | None = None) -> Outcome:
    reasons = check(quotas)
    if reasons:
        raise QuotaError(reasons)
    scored = [e for e in entries if e.score is not None]
    n = len(scored)
    places = {q.level: (math.floor(q.max_share * n + 1e-9) if q.max_share is not None else None) for q in quotas}
    keyed = sorted(((-_key(e.score), str(e.key), i, e) for i, e in enumerate(scored)))
    order = [row[3] for row in keyed]
    ranks: dict[int, int] = {}
    previous_key, previous_rank = None, 0
    for position, row in enumerate(keyed, 1):
        if row[0] != previous_key:
            previous_key, previous_rank = row[0], position
        ranks[id(row[3])] = previous_rank
    counts = {q.level: 0 for q in quotas}
    counts.setdefault(fail_level, 0)
    placed: dict[int, str] = {}
    notes: list[str] = []
    # Fails first: they take no place.
    rest = []
    for e in order:
        if e.vetoed or (fail_below is not None and e.score < fail_below):
            placed[id(e)] = fail_level
            counts[fail_level] += 1
        else:
            rest.append(e)
    groups: list[list[Entry]] = []
    for e in rest:
        if groups and _key(groups[-1][0].score) == _key(e.score):
            groups[-1].append(e)
        else:
            groups.append([e])
    level_index = 0
    for group in groups:
        while True:
            quota = quotas[level_index]
            last = level_index == len(quotas) - 1
            left = None if places[quota.level] is None else places[quota.level] - counts[quota.level]
            closed_by_score = quota.min_score is not None and group[0].score < quota.min_score
            if last or (not closed_by_score and (left is None or len(group) <= left)):
                break
            if not closed_by_score and left is not None and 0 < left < len(group):
                notes.append(f"第 {ranks[id(group[0])]} 名有 {len(group)} 个对象并列，超出“{quota.level}”剩余名额 "
                             f"{left} 个，并列对象均评为下一等级。")
            level_index += 1
        for e in group:
            placed[id(e)] = quotas[level_index].level
            counts[quotas[level_index].level] += 1
    for q in quotas:
        need = math.ceil(q.min_share * n - 1e-9) if q.min_share else 0
        if need > counts[q.level]:
            why = []
            if places[q.level] is not None and places[q.level] < need:
                why.append(f"比例上限 {_pct(q.max_share)} 只允许 {places[q.level]} 个")
            notes.append(f"“{q.level}”至少应有 {need} 个（{n} 个对象的 {_pct(q.min_share)}，向上取整），"
                         f"按排名只能评 {counts[q.level]} 个" + (f"：{'；'.join(why)}。" if why else "。"))
    for q in quotas:
        if places[q.level] == 0 and n:
            notes.append(f"{n} 个对象时“{q.level}”名额为 0（{_pct(q.max_share)} × {n} 向下取整）。")
    result = [Placed(e.key, e.score, ranks.get(id(e)), placed.get(id(e), "")) for e in
              order + [e for e in entries if e.score is None]]
    unscored = n - len(entries)
    if unscored:
        notes.append(f"{-unscored} 个对象未评分，不参与排名和定级。")
    return Outcome(result, counts, places, notes)
