"""The demo's reviews (issue 21): rating (述职评议). Idempotent: a second load adds nothing."""


def load(*, admin, office_user, county) -> None:
    """Filled by the rating area."""
