"""Demo data of workforce, area appointments: 督学聘任、公示、聘书与督学证、公开验证."""


def load(*, admin, office_user, county) -> None:
    """Idempotent: running the demo twice changes nothing."""
