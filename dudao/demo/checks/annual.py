"""Demo: annual (issue 23)."""


def load(*, admin, office_user, county) -> None:
    pass
