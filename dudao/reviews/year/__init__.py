"""What reviews gives the office's year (docs/architecture.md, core.registries): plan links, calendar items, key
events, year figures and archive documents, one module per area."""

from dudao.reviews.year import bulletin, outputs, rating, upward, uses


def register_year() -> None:
    """Called from registrations.register()."""
    for part in (upward, outputs, rating, bulletin, uses):
        part.register()
