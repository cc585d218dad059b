"""The demo's 内审 (issue 24), one module per area (cases)."""

from dudao.demo.audits import cases


def load_audits(*, admin, office_user, county) -> None:
    for part in (cases,):
        part.load(admin=admin, office_user=office_user, county=county)
