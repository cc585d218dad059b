"""The demo's reviews (issue 21): outputs. Idempotent: a second load adds nothing."""


def load(*, admin, office_user, county) -> None:
    """Filled by the outputs area."""
