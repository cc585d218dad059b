"""The office's year from audits: calendar items, key events, year figures, archive documents (core.registries), registered
by register_year(). One block per area: imports at the top, functions in your block, registration in register_year()."""

from dudao.core.registries import register_calendar_source  # noqa: F401

# ---- cases ----


def register_year() -> None:
    # cases
    pass
