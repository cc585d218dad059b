"""Choosing the targets of a 专项检查 round (rounds area, issue 23 item 3): a pure engine over plain rows.

Rules: by school type(s), by town(s), a seeded random sample (reproducible: the same pool, size and seed give the
same schools, whatever order the pool comes in), a typed list of 学校标识码 (all-or-nothing: every code must name a
school of the pool), or all training institutions. No Django import."""

import random
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

TRAINING_TYPE = "training"
LIST_MAX = 5000  # codes in one typed list
ERRORS_SHOWN = 10


@dataclass(frozen=True)
class Candidate:
    id: int
    code: str  # 学校标识码
    school_type: str
    region_code: str  # the school's town
    name: str = ""


@dataclass
class Selection:
    ids: list[int] = field(default_factory=list)  # sorted
    errors: list[str] = field(default_factory=list)  # Chinese; when not empty, ids is empty (all-or-nothing)


def parse_codes(text: str) -> list[str]:
    """学校标识码 typed or pasted: separated by spaces, commas (either width), semicolons or new lines."""
    return [c for c in re.split(r"[\s,，;；、]+", text or "") if c]


def _narrow(pool: list[Candidate], types: Iterable[str], towns: Iterable[str]) -> list[Candidate]:
    types, towns = set(types or ()), tuple(towns or ())
    if types:
        pool = [c for c in pool if c.school_type in types]
    if towns:
        pool = [c for c in pool if c.region_code.startswith(towns)]
    return pool


def sample(pool: Iterable[Candidate], size: int, seed: int) -> list[int]:
    """`size` ids drawn from the pool by a generator seeded with `seed` (all of them when the pool is smaller)."""
    ordered = sorted({c.id for c in pool})
    if size >= len(ordered):
        return ordered
    return sorted(random.Random(seed).sample(ordered, size))


def select(pool: Iterable[Candidate], *, rule: str, types: Iterable[str] = (), towns: Iterable[str] = (),
           size: int | None = None, seed: int | None = None, codes: Iterable[str] = ()) -> Selection:
    """The ids the rule picks from the pool (the schools of the round's region), or the errors that refuse it."""
    pool = list(pool)
    types, towns = list(types or ()), list(towns or ())
    if rule == "type":
        if not types:
            return Selection(errors=["请至少选择一种学校类型。"])
        return Selection(ids=sorted(c.id for c in _narrow(pool, types, towns)))
    if rule == "town":
        if not towns:
            return Selection(errors=["请至少选择一个乡镇（街道）。"])
        return Selection(ids=sorted(c.id for c in _narrow(pool, types, towns)))
    if rule == "training":
        return Selection(ids=sorted(c.id for c in _narrow(pool, [TRAINING_TYPE], towns)))
    if rule == "sample":
        errors = []
        if size is None or size < 1:
            errors.append("随机抽取的数量应为正整数。")
        if seed is None or seed < 0:
            errors.append("随机种子应为非负整数。")
        if errors:
            return Selection(errors=errors)
        return Selection(ids=sample(_narrow(pool, types, towns), size, seed))
    if rule == "list":
        wanted = list(dict.fromkeys(codes))
        if not wanted:
            return Selection(errors=["请填写至少一个学校标识码。"])
        if len(wanted) > LIST_MAX:
            return Selection(errors=[f"一次最多填写 {LIST_MAX} 个学校标识码。"])
        by_code = {c.code: c.id for c in pool}
        unknown = [c for c in wanted if c not in by_code]
        if unknown:
            shown = "、".join(unknown[:ERRORS_SHOWN]) + ("等" if len(unknown) > ERRORS_SHOWN else "")
            return Selection(errors=[f"以下 {len(unknown)} 个学校标识码不是本区划的学校：{shown}；全部未添加。"])
        return Selection(ids=sorted(by_code[c] for c in wanted))
    return Selection(errors=[f"未知的检查对象确定方式：{rule}"])
