"""The demo's reviews (issue 21): bulletin. Idempotent: a second load adds nothing."""


def load(*, admin, office_user, county) -> None:
    """Filled by the bulletin area."""
