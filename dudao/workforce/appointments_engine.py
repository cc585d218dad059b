"""资格审核 of a 选聘批次 as pure functions (no Django): which rules each candidate breaks, with the reason in
Chinese. The numbers are policy data handed in as `Rules`:

- age: no older than `age_max` on the review day (a retired candidate is older than a serving one, so the age
  limit and the retirement limit are separate rules);
- retirement: a retired candidate retired no more than `retired_years_max` years ago (people.engine.years_retired);
- shares, as they would be AFTER appointing the whole batch: 专职 ≥ `fulltime_min` of all serving inspectors, and
  retired ≤ `retired_parttime_max` of part-time ones (zones' compliance page computes the same shares for today);
- recusal: a renewed inspector must not be the 责任督学 of their own school;
- renewal: only part-time inspectors have terms, and never beyond `max_terms` in a row (people.engine.can_renew).

A flag is `hard` when no one may pass it (the law's third-term rule, renewing someone who is not a serving
part-time inspector): the office head may let a candidate through the other flags with a recorded reason."""

import datetime
from dataclasses import dataclass, field

from dudao.people.engine import can_renew, years_retired


@dataclass(frozen=True)
class Rules:
    age_max: int
    retired_years_max: float
    fulltime_min: float
    retired_parttime_max: float
    max_terms: int


@dataclass(frozen=True)
class Flag:
    code: str
    message: str
    hard: bool = False

    def as_dict(self) -> dict:
        return {"code": self.code, "message": self.message, "hard": self.hard}


@dataclass(frozen=True)
class CandidateFact:
    key: int
    name: str
    full_time: bool
    birth_date: datetime.date
    retirement_date: datetime.date | None = None
    home_school_id: int | None = None
    # renewal: the inspector's record today
    renewing_id: int | None = None
    renewing_full_time: bool = False
    renewing_active: bool = True
    renewing_term_no: int = 0
    renewing_school_ids: frozenset[int] = field(default_factory=frozenset)


@dataclass(frozen=True)
class RosterFact:
    """A serving (在岗) inspector of the county today."""

    id: int
    full_time: bool
    retirement_date: datetime.date | None = None


@dataclass(frozen=True)
class Shares:
    full: int
    total: int
    retired_parttime: int
    parttime: int

    @property
    def fulltime_share(self) -> float:
        return self.full / self.total if self.total else 0.0

    @property
    def retired_share(self) -> float:
        return self.retired_parttime / self.parttime if self.parttime else 0.0


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def age_on(birth: datetime.date, day: datetime.date) -> int:
    """Whole years of age on `day`."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def is_retired(retirement_date: datetime.date | None, today: datetime.date) -> bool:
    return years_retired(retirement_date, today) is not None


def shares_after(roster: list[RosterFact], candidates: list[CandidateFact], today: datetime.date) -> Shares:
    """The county's serving inspectors once the batch is appointed: the roster plus new candidates; a renewed
    inspector is counted once, as they will be (part-time, their retirement as the candidate states it)."""
    renewed = {c.renewing_id for c in candidates if c.renewing_id}
    people: list[tuple[bool, bool]] = [(r.full_time, is_retired(r.retirement_date, today))
                                       for r in roster if r.id not in renewed]
    people += [(c.full_time, is_retired(c.retirement_date, today)) for c in candidates]
    full = sum(1 for f, _r in people if f)
    parttime = [r for f, r in people if not f]
    return Shares(full=full, total=len(people), retired_parttime=sum(parttime), parttime=len(parttime))


def candidate_flags(c: CandidateFact, *, rules: Rules, today: datetime.date) -> list[Flag]:
    """The rules one candidate breaks on their own (not the shares)."""
    flags = []
    age = age_on(c.birth_date, today)
    if c.birth_date > today:
        flags.append(Flag("age", "出生日期晚于今天，请核对。", hard=True))
    elif age > rules.age_max:
        flags.append(Flag("age", f"年龄 {age} 周岁，超过 {rules.age_max} 周岁的上限。"))
    retired = years_retired(c.retirement_date, today)
    if retired is not None and retired > rules.retired_years_max:
        flags.append(Flag("retired_years", f"已退休 {retired:.1f} 年，超过 {rules.retired_years_max:g} 年的上限。"))
    if retired is not None and c.full_time:
        flags.append(Flag("retired_fulltime", "退休人员不能聘为专职督学，只能聘为兼职督学。"))
    if c.renewing_id:
        if not c.renewing_active:
            flags.append(Flag("renew_inactive", "该督学已不在岗（暂停或退出），不能续聘。", hard=True))
        if c.renewing_full_time or c.full_time:
            flags.append(Flag("renew_fulltime", "只有兼职督学实行聘期制，专职督学无需续聘。", hard=True))
        elif not can_renew(term_no=c.renewing_term_no, max_terms=rules.max_terms):
            flags.append(Flag("third_term", f"已连续聘任 {c.renewing_term_no} 届，达到上限 {rules.max_terms} 届，"
                                            f"不得续聘（教育督导条例第六条）。", hard=True))
        if c.home_school_id and c.home_school_id in c.renewing_school_ids:
            flags.append(Flag("recusal", "本人所在学校在其当前挂牌的学校中，应当回避：续聘前须调整挂牌学校。"))
    return flags


def review(roster: list[RosterFact], candidates: list[CandidateFact], *, rules: Rules,
           today: datetime.date) -> tuple[dict[int, list[Flag]], Shares]:
    """Every candidate's flags (key → flags, empty when they qualify) and the shares after the batch."""
    result = {c.key: candidate_flags(c, rules=rules, today=today) for c in candidates}
    shares = shares_after(roster, candidates, today)
    if shares.total and shares.fulltime_share < rules.fulltime_min:
        message = (f"任命本批后专职督学占比为 {_pct(shares.fulltime_share)}（专职 {shares.full} 名 / 在岗 "
                   f"{shares.total} 名），低于 {_pct(rules.fulltime_min)} 的下限。")
        for c in candidates:
            if not c.full_time and not c.renewing_id:  # each new part-time inspector lowers the share
                result[c.key].append(Flag("fulltime_share", message))
    if shares.parttime and shares.retired_share > rules.retired_parttime_max:
        message = (f"任命本批后退休人员占兼职督学比例为 {_pct(shares.retired_share)}（退休 {shares.retired_parttime} 名 / "
                   f"兼职 {shares.parttime} 名），超过 {_pct(rules.retired_parttime_max)} 的上限。")
        for c in candidates:
            if not c.full_time and is_retired(c.retirement_date, today):
                result[c.key].append(Flag("retired_share", message))
    return result, shares
