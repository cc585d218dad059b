"""The top navigation offers each role the pages it can use: the 年检 and 违规查处 entries (issue 23's gaps), and an
honest empty 违规查处 list for those who see only part of the region's cases."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from dudao.core.context_processors import navigation
from dudao.core.models import Role
from dudao.core.services import role_assign, user_create

pytestmark = pytest.mark.django_db


def _entries(user) -> set[str]:
    request = RequestFactory().get("/")
    request.user = user
    return {url for _label, entries in navigation(request)["nav_areas"] for _text, url in entries}


@pytest.mark.parametrize("who, annual, violations", [
    ("office_a", True, True),
    ("leader_a", True, True),
    ("inspector_a", True, True),   # reviews reports given to them; follows the cases they registered
    ("principal_a", True, True),   # an institution files its 年检 and reads the decided cases about it
    ("town_a", False, True),       # the responsible department decides cases
    ("expert", True, False),       # an expert may be given 年检 reports to review
])
def test_annual_and_violation_entries_by_role(world, who, annual, violations):
    if who == "expert":
        user = user_create(actor=world.admin, username="expert_nav", full_name="评审专家", password="Nav-pass-2026x")
        role_assign(actor=world.admin, user=user, role=Role.EXPERT)
    else:
        user = getattr(world, who)
    entries = _entries(user)
    assert ("checks:annual_list" in entries) is annual, entries
    assert ("checks:violation_list" in entries) is violations, entries


def test_the_empty_violation_list_does_not_claim_nothing_was_registered(world, login):
    assert "还没有登记违规行为" in login(world.office_a).get(reverse("checks:violation_list")).content.decode()
    for user in (world.inspector_a, world.principal_a):
        text = login(user).get(reverse("checks:violation_list")).content.decode()
        assert "还没有登记违规行为" not in text and "没有与您相关的违规查处记录" in text
