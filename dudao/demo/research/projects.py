"""Demo data of research, area projects: 课题：成员、开题、中期、结题."""


def load(*, admin, office_user, county) -> None:
    """Idempotent: running the demo twice changes nothing."""
