"""The office's year (docs/architecture.md): 行事历 items, key events, year figures, 简报 materials and archive
documents of checks. See dudao/zones/year.py for the shape. One block per area; append inside your block."""

import datetime

from dudao.checks.selectors import outputs as outputs_selectors
from dudao.core.registries import Figure, FigureReader, period_label, register_year_figures

# --- outputs: the year's 专项检查 figures (年度工作总结) ------------------------------------------------------------


def outputs_year_figures(region_code: str, start: datetime.date, end: datetime.date) -> list[Figure]:
    """专项检查 of the period (rounds, not drafts, starting in it), read as a leader of the region."""
    reader, period = FigureReader(region_code), period_label(start, end)
    rows = outputs_selectors.year_rows(reader, start, end)
    total = {f: sum(r[f] for r in rows) for f in ("targets", "done", "failed", "findings", "settled")}
    by_kind = outputs_selectors.year_by_kind(reader, start, end)
    src = f"checks.selectors.outputs.year_rows：{period} 开始的专项检查（不含草稿）"
    rate = round(100.0 * total["done"] / total["targets"], 1) if total["targets"] else None
    return [
        Figure("checks.rounds", "开展专项检查", outputs_selectors.year_round_count(reader, start, end), "次",
               f"checks.selectors.outputs.year_round_count：{period} 开始、检查本区域学校的专项检查（不含草稿）",
               columns=("检查类别", "检查次数", "检查对象（所）", "已检查（所）"), rows=tuple(by_kind)),
        Figure("checks.targets", "专项检查对象", total["targets"], "所次", src),
        Figure("checks.done", "已完成检查", total["done"], "所次", src),
        Figure("checks.coverage_rate", "专项检查完成率", rate, "%", src + "：已检查 ÷ 检查对象"),
        Figure("checks.failed", "专项检查发现不合格项", total["failed"], "个", src),
        Figure("checks.findings", "专项检查登记问题", total["findings"], "个", src + "：已登记为问题"),
        Figure("checks.settled", "现场整改到位", total["settled"], "个", src + "：检查时现场整改到位"),
    ]
from dudao.checks.year_annual import register_annual_year


def register_year() -> None:
    # rounds
    # outputs
    register_year_figures("checks", "专项检查", outputs_year_figures, order=35)
    # annual
    register_annual_year()
    # violations
    # requests
    pass
