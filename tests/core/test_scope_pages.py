"""Every list and detail page and API endpoint is scoped: district B's office user sees nothing of A."""

import pytest
from django.urls import reverse


def test_it_shows_district_a_schools_to_office_a_only(world, login):
    client = login(world.office_a)
    page = client.get(reverse("schools:list")).content.decode()
    assert "甲区第一小学" in page and "乙县第一小学" not in page


def test_it_hides_district_a_from_office_b_on_every_list(world, login):
    client = login(world.office_b)
    for name in ("schools:list", "regions:unit_list", "regions:tree", "core:audit"):
        page = client.get(reverse(name)).content.decode()
        assert "甲区" not in page and "甲二镇" not in page, name
    assert "乙县第一小学" in client.get(reverse("schools:list")).content.decode()


@pytest.mark.parametrize("persona", ["office_b", "town_a", "expert"])
def test_it_returns_404_for_a_school_outside_scope(world, login, persona):
    client = login(getattr(world, persona))
    assert client.get(reverse("dashboard:school_detail", args=[world.schools_a[0].pk])).status_code == 404
    assert client.get(reverse("schools:edit", args=[world.schools_a[0].pk])).status_code == 404


def test_it_returns_404_for_a_unit_outside_scope(world, login):
    assert login(world.office_b).get(reverse("dashboard:unit_detail", args=[world.unit_a.pk])).status_code == 404
    assert login(world.office_a).get(reverse("dashboard:unit_detail", args=[world.unit_a.pk])).status_code == 200


def test_it_limits_the_inspector_to_assigned_schools(world, login):
    client = login(world.inspector_a)
    page = client.get(reverse("schools:list")).content.decode()
    assert all(s.name in page for s in world.schools_a[:3])
    assert world.schools_a[3].name not in page
    assert client.get(reverse("dashboard:school_detail", args=[world.schools_a[3].pk])).status_code == 404


def test_it_limits_the_principal_to_their_school(world, login):
    client = login(world.principal_a)
    assert client.get(reverse("dashboard:school_detail", args=[world.schools_a[0].pk])).status_code == 200
    assert client.get(reverse("dashboard:school_detail", args=[world.schools_a[1].pk])).status_code == 404


def test_it_limits_the_town_user_to_their_unit(world, login):
    client = login(world.town_a)
    assert client.get(reverse("dashboard:unit_detail", args=[world.unit_a.pk])).status_code == 200
    assert client.get(reverse("dashboard:unit_detail", args=[world.unit_b.pk])).status_code == 404
    assert "甲区第一小学" not in client.get(reverse("schools:list")).content.decode()


def test_it_gives_the_leader_read_only_access(world, login):
    client = login(world.leader_a)
    assert client.get(reverse("dashboard:school_detail", args=[world.schools_a[0].pk])).status_code == 200
    assert client.get(reverse("schools:edit", args=[world.schools_a[0].pk])).status_code == 404
    assert client.get(reverse("schools:import")).status_code == 404
    assert client.get(reverse("core:audit")).status_code == 404


def test_it_hides_other_districts_in_exports(world, login):
    response = login(world.office_b).get(reverse("schools:list") + "?export=xlsx")
    assert response.status_code == 200
    import io

    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0).to_python()
    names = [r[1] for r in rows[1:]]
    assert sorted(names) == ["乙县实验中学", "乙县第一小学"]


def test_it_redirects_anonymous_users_to_login(client, world):
    response = client.get(reverse("schools:list"))
    assert response.status_code == 302 and reverse("core:login") in response["Location"]


def test_it_keeps_account_pages_for_admins(world, login):
    assert login(world.office_a).get(reverse("core:users")).status_code == 404
    assert login(world.admin).get(reverse("core:users")).status_code == 200
