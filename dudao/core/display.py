"""How a person who did something is named on pages, documents and the audit log.

Records made by the deadline job or a migration have no actor ("系统"); a complaint filed on a school's public
plaque page was made by a member of the public ("公众"). Every place that names an actor goes through here, so
a record without one never breaks a page.
"""

SYSTEM = "系统"
PUBLIC = "公众"


def person_name(user, *, nobody: str = SYSTEM) -> str:
    """A user's registered name (falling back to the user name), or `nobody` when there is no user."""
    if user is None or not getattr(user, "is_authenticated", False):
        return nobody
    return user.get_full_name() or user.username
