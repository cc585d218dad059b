"""Pure rules of 挂牌督导 (no Django): staffing ratios, semesters and visit frequency.

DOMAIN.md §4.3–4.5 and issue 3: schools per inspector ≤ 5 (each campus and each stage of a through-train
school counts as one school), large schools 1:1, full-time share ≥ 30 %, retired part-timers ≤ 40 % of
part-timers and retired ≤ 5 years, zones ≤ 20 schools. Every limit comes in through `Limits`.
"""

import datetime
import math
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Limits:
    per_inspector: int = 5
    large_enrolment: int = 2000
    fulltime_min: float = 0.30
    retired_parttime_max: float = 0.40
    retired_years_max: float = 5
    zone_max: int = 20


@dataclass
class InspectorFact:
    id: int
    name: str
    full_time: bool
    retired_years: float | None  # None: not retired
    units: int = 0  # supervision units currently assigned
    school_ids: set[int] = field(default_factory=set)


@dataclass
class SchoolFact:
    id: int
    name: str
    units: int
    enrolment: int
    inspector_ids: set[int] = field(default_factory=set)


@dataclass
class ZoneFact:
    id: int
    name: str
    units: int


@dataclass
class RuleResult:
    code: str
    label: str
    passed: bool
    value: str
    limit: str
    fix: str = ""
    details: list[str] = field(default_factory=list)


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%"


def fulltime_needed(full: int, total: int, share: float) -> int:
    """Smallest k with (full + k) / (total + k) ≥ share (adding k full-time inspectors)."""
    if total == 0 or full / total >= share:
        return 0
    if share >= 1:
        return 0 if full == total else 10**9
    k = math.ceil((share * total - full) / (1 - share) - 1e-9)
    while (full + k) / (total + k) < share:
        k += 1
    return max(0, k)


def nonretired_parttime_needed(retired: int, parttime: int, share: float) -> int:
    """Smallest k with retired / (parttime + k) ≤ share (adding k part-timers who are not retired)."""
    if parttime == 0 or retired / parttime <= share:
        return 0
    if share <= 0:
        return 10**9
    k = math.ceil(retired / share - parttime - 1e-9)
    while retired / (parttime + k) > share:
        k += 1
    return k


def ratio_rules(inspectors: list[InspectorFact], schools: list[SchoolFact], zones: list[ZoneFact],
                limits: Limits) -> list[RuleResult]:
    """Each staffing rule with its numbers, pass/fail and what would fix it. Inspectors are the active ones."""
    results = []
    n = len(inspectors)
    total_units = sum(s.units for s in schools)
    uncovered = [s for s in schools if not s.inspector_ids]
    results.append(RuleResult(
        "coverage", "挂牌督导全覆盖", not uncovered,
        f"{len(schools) - len(uncovered)}/{len(schools)} 所学校已挂牌", "每所学校 1 名责任督学",
        f"为 {len(uncovered)} 所学校指定责任督学" if uncovered else "",
        [s.name for s in uncovered[:20]] + ([f"……等共 {len(uncovered)} 所"] if len(uncovered) > 20 else []),
    ))

    needed = math.ceil(total_units / limits.per_inspector) if total_units else 0
    overloaded = sorted((i for i in inspectors if i.units > limits.per_inspector), key=lambda i: -i.units)
    ratio = f"1:{total_units / n:.1f}" if n else "无在岗督学"
    fixes = []
    if n < needed:
        fixes.append(f"至少还需增加 {needed - n} 名督学（{total_units} 所 ÷ {limits.per_inspector} = {needed} 名）")
    if overloaded:
        excess = sum(i.units - limits.per_inspector for i in overloaded)
        fixes.append(f"将 {len(overloaded)} 名督学超出的 {excess} 所学校调整给其他督学")
    results.append(RuleResult(
        "ratio", "督学与学校配比", n >= needed and not overloaded,
        f"{n} 名在岗督学负责 {total_units} 所学校（按校区、学段计），平均 {ratio}",
        f"每名督学不超过 {limits.per_inspector} 所", "；".join(fixes),
        [f"{i.name}：{i.units} 所" for i in overloaded],
    ))

    by_id = {i.id: i for i in inspectors}
    large = [s for s in schools if s.enrolment >= limits.large_enrolment]
    shared = []
    for school in large:
        for inspector_id in school.inspector_ids:
            inspector = by_id.get(inspector_id)
            if inspector is not None and len(inspector.school_ids) > 1:
                shared.append(f"{school.name}（{school.enrolment} 人）的责任督学{inspector.name}还负责其他 "
                              f"{len(inspector.school_ids) - 1} 所学校")
    results.append(RuleResult(
        "large", "大规模学校 1:1 配备", not shared,
        f"大规模学校 {len(large)} 所，{len(large) - len(shared)} 所为专人负责",
        f"在校生 ≥ {limits.large_enrolment} 人的学校配备专门的责任督学",
        f"为 {len(shared)} 所大规模学校各配备 1 名只负责该校的督学" if shared else "", shared,
    ))

    full = sum(1 for i in inspectors if i.full_time)
    share = full / n if n else 0.0
    k = fulltime_needed(full, n, limits.fulltime_min)
    results.append(RuleResult(
        "fulltime", "专职督学占比", n > 0 and share >= limits.fulltime_min,
        f"专职 {full} 名 / 在岗 {n} 名 = {_pct(share)}", f"≥ {_pct(limits.fulltime_min)}",
        f"增加 {k} 名专职督学（或将兼职督学转为专职）" if k else ("尚无在岗督学" if n == 0 else ""),
    ))

    parttime = [i for i in inspectors if not i.full_time]
    retired_pt = [i for i in parttime if i.retired_years is not None]
    pt_share = len(retired_pt) / len(parttime) if parttime else 0.0
    k = nonretired_parttime_needed(len(retired_pt), len(parttime), limits.retired_parttime_max)
    results.append(RuleResult(
        "retired_share", "退休人员占兼职督学比例", pt_share <= limits.retired_parttime_max,
        f"退休 {len(retired_pt)} 名 / 兼职 {len(parttime)} 名 = {_pct(pt_share)}",
        f"≤ {_pct(limits.retired_parttime_max)}",
        f"聘任 {k} 名在职兼职督学，或减少退休兼职督学" if k else "",
    ))

    too_long = sorted((i for i in inspectors if i.retired_years is not None and i.retired_years > limits.retired_years_max),
                      key=lambda i: -(i.retired_years or 0))
    results.append(RuleResult(
        "retired_years", "退休督学退休年限", not too_long,
        f"退休超过 {limits.retired_years_max:g} 年的督学 {len(too_long)} 名", f"退休不超过 {limits.retired_years_max:g} 年",
        f"{len(too_long)} 名督学本届聘期届满后不再续聘，并物色接任人选" if too_long else "",
        [f"{i.name}：已退休 {i.retired_years:.1f} 年" for i in too_long],
    ))

    big = sorted((z for z in zones if z.units > limits.zone_max), key=lambda z: -z.units)
    results.append(RuleResult(
        "zone_size", "责任区规模", not big,
        f"{len(zones)} 个责任区，最大 {max((z.units for z in zones), default=0)} 所", f"每个责任区不超过 {limits.zone_max} 所",
        f"拆分 {len(big)} 个超规模责任区（至少需新增 {sum(math.ceil(z.units / limits.zone_max) - 1 for z in big)} 个责任区）"
        if big else "",
        [f"{z.name}：{z.units} 所" for z in big],
    ))
    return results


@dataclass(frozen=True)
class Semester:
    key: str  # "2026-2027-1"
    label: str
    start: datetime.date
    end: datetime.date  # inclusive


def semester_of(day: datetime.date) -> Semester:
    """第一学期 runs September–January, 第二学期 February–August (summer included)."""
    if day.month >= 9:
        first = day.year
        return Semester(f"{first}-{first + 1}-1", f"{first}—{first + 1}学年第一学期",
                        datetime.date(first, 9, 1), datetime.date(first + 1, 1, 31))
    if day.month == 1:
        first = day.year - 1
        return Semester(f"{first}-{first + 1}-1", f"{first}—{first + 1}学年第一学期",
                        datetime.date(first, 9, 1), datetime.date(day.year, 1, 31))
    first = day.year - 1
    end = datetime.date(day.year, 8, 31)
    return Semester(f"{first}-{day.year}-2", f"{first}—{day.year}学年第二学期", datetime.date(day.year, 2, 1), end)


def semester_from_key(key: str) -> Semester:
    try:
        first, _second, half = (int(p) for p in key.split("-"))
    except ValueError:
        raise ValueError(f"学期编码“{key}”无效") from None
    return semester_of(datetime.date(first, 9, 1) if half == 1 else datetime.date(first + 1, 3, 1))


def month_bounds(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = day.replace(day=1)
    end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
    return start, end


@dataclass(frozen=True)
class Frequency:
    month_visits: int
    semester_visits: int
    month_required: int
    semester_required: int

    @property
    def month_ok(self) -> bool:
        return self.month_visits >= self.month_required

    @property
    def semester_ok(self) -> bool:
        return self.semester_visits >= self.semester_required

    @property
    def overdue(self) -> bool:
        return not self.month_ok


def frequency(month_visits: int, semester_visits: int, *, month: int, per_month: int, per_semester: int,
              vacation_months) -> Frequency:
    """A school's visit counts against the monthly rule (not in vacation months) and the semester rule."""
    return Frequency(month_visits, semester_visits, 0 if month in set(vacation_months) else per_month, per_semester)
