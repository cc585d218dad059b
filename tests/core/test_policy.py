"""Policy numbers: the longest matching region override wins, read one at a time or many at once."""

from dudao.core.policy import PolicyTable, policy_value
from dudao.core.services import policy_set


def test_the_longest_matching_override_wins(world):
    policy_set(actor=world.admin, key="zones.schools_per_inspector", value=6, region_code="990100")  # the city
    policy_set(actor=world.admin, key="zones.schools_per_inspector", value=4, region_code="990102")  # county A
    table = PolicyTable(["zones.schools_per_inspector", "zones.zone_size_max"])
    for reader in (table.get, policy_value):
        assert reader("zones.schools_per_inspector", "990102001") == 4  # a town of county A
        assert reader("zones.schools_per_inspector", "990103") == 6  # county B: the city's value
        assert reader("zones.schools_per_inspector", "110101") == 5  # elsewhere: the default
        assert reader("zones.zone_size_max", "990102") == 20



def test_a_table_lists_every_value_a_key_takes(world):
    policy_set(actor=world.admin, key="rectification.remind_days_before", value=7, region_code="990102")
    assert sorted(PolicyTable(["rectification.remind_days_before"]).values("rectification.remind_days_before")) == [3, 7]
