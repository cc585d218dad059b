"""The office's year (docs/architecture.md): 行事历 items, key events, year figures, 简报 materials and archive
documents of checks. See dudao/zones/year.py for the shape. One block per area; append inside your block."""

from dudao.checks.year_annual import register_annual_year


def register_year() -> None:
    # rounds
    # outputs
    # annual
    register_annual_year()
    # violations
    # requests
    pass
