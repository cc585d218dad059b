"""督导结果运用: figures for the 年度工作总结 and the 公报."""

import datetime

from dudao.core.registries import (
    Figure,
    FigureReader,
    period_label,
    register_year_figures,
)
from dudao.reviews.selectors import uses as use_selectors


def use_figures(region_code: str, start: datetime.date, end: datetime.date) -> list[Figure]:
    """Uses of supervision results dated in the period, by purpose and by using unit."""
    reader, period = FigureReader(region_code), period_label(start, end)
    found = use_selectors.counts(reader, region_code, start, end)
    source = f"reviews.selectors.uses.counts：{period} 登记的督导结果运用"
    return [
        Figure("reviews.uses", "督导结果运用", found["total"], "次", source, columns=("运用方式", "次数"),
               rows=tuple(found["by_purpose"])),
        Figure("reviews.uses_units", "运用督导结果的单位", len(found["by_unit"]), "个", source,
               columns=("运用单位", "次数"), rows=tuple(found["by_unit"])),
    ]


def register() -> None:
    register_year_figures("reviews.uses", "督导结果运用", use_figures, order=95)
