"""Ratio limits are read per county from the policy table."""

from dudao.core.services import policy_set
from dudao.zones import selectors


def test_compliance_judges_each_county_by_its_own_limit(world, posted):
    policy_set(actor=world.admin, key="zones.schools_per_inspector", value=3, region_code="990102")
    county = next(c for c in selectors.compliance(world.office_a) if c["code"] == "990102")
    ratio = next(r for r in county["rules"] if r.code == "ratio")
    assert not ratio.passed  # 督学甲 serves 4 units (campuses and stages count) against 3
    policy_set(actor=world.admin, key="zones.schools_per_inspector", value=4, region_code="990102")
    county = next(c for c in selectors.compliance(world.office_a) if c["code"] == "990102")
    assert next(r for r in county["rules"] if r.code == "ratio").passed
