"""The demo's 督学队伍 (issue 24), one module per area (training, appointments, allowances)."""

from dudao.demo.workforce import allowances, appointments, training


def load_workforce(*, admin, office_user, county) -> None:
    for part in (training, appointments, allowances):
        part.load(admin=admin, office_user=office_user, county=county)
