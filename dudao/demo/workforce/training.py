"""Demo data of workforce, area training: 培训活动、签到、结业与培训证书、40 学时达标."""


def load(*, admin, office_user, county) -> None:
    """Idempotent: running the demo twice changes nothing."""
