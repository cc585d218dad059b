"""What reviews gives the office's year (docs/architecture.md, core.registries): plan links, calendar items,
key events, year figures, 简报 materials and archive documents. One block per area."""


def register_year() -> None:
    """Called from registrations.register()."""
