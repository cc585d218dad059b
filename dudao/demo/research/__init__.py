"""The demo's 研究与征集评选 (issue 24), one module per area (calls, projects)."""

from dudao.demo.research import calls, projects


def load_research(*, admin, office_user, county) -> None:
    for part in (calls, projects):
        part.load(admin=admin, office_user=office_user, county=county)
