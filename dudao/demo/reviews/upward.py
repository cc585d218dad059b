"""The demo's reviews (issue 21): upward. Idempotent: a second load adds nothing."""


def load(*, admin, office_user, county) -> None:
    """Filled by the upward area."""
