"""Demo data of workforce, area allowances: 兼职督学劳务补贴."""


def load(*, admin, office_user, county) -> None:
    """Idempotent: running the demo twice changes nothing."""
