"""Demo data of audits, area cases: 审计计划、审计事项、审计组、资料、发现问题、审计报告与公开."""


def load(*, admin, office_user, county) -> None:
    """Idempotent: running the demo twice changes nothing."""
