"""A person with roles in two districts holds each role only where it was given: office of district B and leader
of district A reads A as a leader (published results, read-only) and acts as the office in B only."""

import pytest
from django.urls import reverse

from dudao.core.errors import PermissionDenied
from dudao.core.roles import Role
from dudao.core.scope import holds_role_in, require_office_for, scope_for
from dudao.core.services import role_assign
from dudao.quality.models import RoundStatus, StudentScore
from dudao.quality.services.rounds import round_publish
from dudao.schools.models import School
from tests.quality.factories import add_scores, make_round


@pytest.fixture
def two_hats(world):
    """office_b, also given the leader role over district A."""
    role_assign(actor=world.admin, user=world.office_b, role=Role.LEADER, region=world.county_a)
    world.office_b._dudao_scope = None
    return world.office_b


def test_the_role_and_the_region_must_come_from_the_same_assignment(world, two_hats):
    scope = scope_for(two_hats)
    assert scope.covers_region(world.county_a.code) and scope.covers_region(world.county_b.code)  # reads both
    assert scope.holds(world.county_b.code, Role.OFFICE) and not scope.holds(world.county_a.code, Role.OFFICE)
    assert scope.holds(world.county_a.code, Role.LEADER)
    assert holds_role_in(two_hats, world.county_a.code, Role.LEADER)
    assert not holds_role_in(two_hats, world.county_a.code, Role.OFFICE)
    with pytest.raises(PermissionDenied):
        require_office_for(two_hats, world.county_a.code, "只有本区县督导室可以这样做。")
    office = scope.restricted_to(Role.OFFICE)
    assert office.region_prefixes == (world.county_b.code,) and not office.covers_region(world.county_a.code)
    schools = School.objects.visible_to(two_hats, as_roles=(Role.OFFICE,))
    assert set(schools) == set(world.schools_b)
    assert set(world.schools_a) <= set(School.objects.visible_to(two_hats))


def test_a_leader_elsewhere_cannot_publish_or_read_unpublished_results_there(world, two_hats, login):
    round_ = make_round(world, status=RoundStatus.SCORED)
    add_scores(round_, [(world.schools_a[0].code, "数学", f"S{i}", 50 + i) for i in range(12)])
    with pytest.raises(PermissionDenied):
        round_publish(actor=two_hats, round=round_)
    round_.refresh_from_db()
    assert round_.status == RoundStatus.SCORED
    client = login(two_hats)
    client.post(reverse("quality:round_publish", args=[round_.pk]))  # refused with a message (or 404)
    page = client.get(reverse("quality:results", args=[round_.pk]))
    assert page.status_code == 404 or "结果未发布" in page.content.decode()  # a leader waits for publication
    assert client.get(reverse("quality:results_export", args=[round_.pk])).status_code == 404
    assert not StudentScore.objects.visible_to(two_hats).exists()  # pupil rows: office of the county only
    round_.refresh_from_db()
    assert round_.status == RoundStatus.SCORED
