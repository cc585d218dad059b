"""The office's year from 兼职督学劳务补贴 (issue 24 item 4): the year figures, registered by workforce/year.py."""

from dudao.core.registries import Figure, FigureReader, period_label, register_year_figures
from dudao.workforce.selectors import allowances as allowance_selectors


def allowance_year_figures(region_code, start, end) -> list:
    """兼职督学劳务补贴 approved for the months of the period (a month counts when its first day lies in it)."""
    total, people = allowance_selectors.year_total(FigureReader(region_code), region_code, start, end)
    src = f"workforce.selectors.allowances.year_total：{period_label(start, end)} 各月已批准的劳务补贴"
    return [Figure("workforce.allowance_total", "兼职督学劳务补贴（已批准）", float(total), "元", src),
            Figure("workforce.allowance_people", "领取劳务补贴的兼职督学", people, "人", src)]


def register_allowance_year() -> None:
    register_year_figures("workforce.allowances", "兼职督学劳务补贴", allowance_year_figures, order=60)
