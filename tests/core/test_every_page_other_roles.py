"""The page crawler's second half: every URL pattern as the leader, the expert, the administrator and anonymously.

The crawl is test_every_page.py's (`crawl`, its samplers and its demo fixture, built again for this module); it
is split in two modules so that pytest-xdist's `--dist loadfile` can give each half a worker of its own.
"""

from tests.core.test_every_page import ROLES, ROLES_SPLIT, crawl, demo  # noqa: F401, F811 -- demo: the module fixture


def test_every_url_pattern_answers_the_other_roles_without_a_server_error(demo, db):  # noqa: F811
    crawl(demo, ROLES[ROLES_SPLIT:])
