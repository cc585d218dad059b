"""Pure rules about inspectors' terms and training (no Django): DOMAIN.md §4.1 (兼职 3-year terms, at most
3 in a row) and §4.4 (≥40 学时 of training a year)."""

import datetime
from dataclasses import dataclass

from dudao.core.dates import cn_date


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class TermStatus:
    term_end: datetime.date
    level: str  # "" | "warning" | "danger"
    message: str


def term_status(*, part_time: bool, term_start: datetime.date, term_no: int, today: datetime.date,
                term_years: int, max_terms: int, warning_days: int) -> TermStatus | None:
    """Where a part-time inspector stands in their appointment; None for full-time inspectors."""
    if not part_time:
        return None
    end = add_years(term_start, term_years)
    days_left = (end - today).days
    if days_left < 0:
        return TermStatus(end, "danger", f"第 {term_no} 届聘期已于 {cn_date(end)} 届满，请办理续聘或解聘。")
    if term_no >= max_terms and days_left <= warning_days:
        return TermStatus(end, "danger", f"已连续聘任 {term_no} 届（上限 {max_terms} 届），本届聘期将于 {cn_date(end)} 届满，"
                                         f"届满后不得续聘，请提前物色接任人选。")
    if days_left <= warning_days:
        return TermStatus(end, "warning", f"第 {term_no} 届聘期将于 {cn_date(end)} 届满（还有 {days_left} 天）。")
    return TermStatus(end, "", f"第 {term_no} 届聘期至 {cn_date(end)}。")


def can_renew(*, term_no: int, max_terms: int) -> bool:
    return term_no < max_terms


def years_retired(retirement_date: datetime.date | None, today: datetime.date) -> float | None:
    """Whole-day years since retirement, or None if not (yet) retired."""
    if retirement_date is None or retirement_date > today:
        return None
    return (today - retirement_date).days / 365.25


def training_shortfall(hours: float, minimum: float) -> float:
    return max(0.0, round(minimum - hours, 1))
