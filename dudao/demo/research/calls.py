"""Demo data of research, area calls: 征集评选：作品、专家评分、排名、获奖与文集."""


def load(*, admin, office_user, county) -> None:
    """Idempotent: running the demo twice changes nothing."""
