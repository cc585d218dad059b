"""The office's year from workforce: calendar items, key events, year figures, archive documents (core.registries), registered
by register_year(). One block per area: imports at the top, functions in your block, registration in register_year()."""

from dudao.core.registries import register_calendar_source  # noqa: F401
from dudao.workforce.year_allowances import register_allowance_year

# ---- training ----

# ---- appointments ----

# ---- allowances ----


def register_year() -> None:
    # training
    # appointments
    # allowances
    register_allowance_year()
