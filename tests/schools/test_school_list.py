"""The school list: filters, search, pagination with a constant number of queries, export."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dudao.schools.models import School


def _many(world, n):
    town = world.schools_a[0].region
    School.objects.bulk_create([
        School(code=f"19901029{i:02d}", name=f"批量小学{i}", school_type="primary", ownership="public",
               urban_rural="rural", region=town, students_primary=100) for i in range(n)
    ])


def test_it_filters_by_type_ownership_and_search(world, login):
    client = login(world.office_a)
    page = client.get(reverse("schools:list") + "?school_type=kindergarten").content.decode()
    assert "甲区中心幼儿园" in page and "甲区第一小学" not in page
    page = client.get(reverse("schools:list") + "?q=第二").content.decode()
    assert "甲区第二小学" in page and "甲区第一小学" not in page
    page = client.get(reverse("schools:list") + "?region=990102002").content.decode()
    assert "甲区九年一贯制学校" in page and "甲区第一小学" not in page


def test_it_runs_the_same_number_of_queries_whatever_the_page_size(world, login):
    _many(world, 60)
    client = login(world.office_a)
    client.get(reverse("schools:list"))  # warm the session
    counts = []
    for size in (20, 50, 200):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("schools:list") + f"?size={size}")
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] == counts[2] <= 11, counts  # 11 since the unread-message badge


def test_it_runs_a_bounded_number_of_api_queries(world, client, django_assert_max_num_queries):
    _many(world, 60)
    client.force_login(world.office_a)
    with django_assert_max_num_queries(9):  # +1: the registry lookup in scope_for (zones scope source)
        data = client.get("/api/v1/schools?page=2").json()
    assert data["count"] == 65 and len(data["items"]) == 15


def test_it_survives_bad_page_numbers(world, login):
    assert login(world.office_a).get(reverse("schools:list") + "?page=999&size=abc").status_code == 200
