"""One school = one campus per stage, for the 1:5 inspector ratio (DOMAIN.md §4.3)."""

from dudao.schools.models import Campus, School
from dudao.schools.selectors import supervision_unit_total, supervision_units


def test_it_counts_a_single_campus_school_once_per_stage(world):
    primary, _second, nine_year, kindergarten, _junior = world.schools_a
    assert supervision_units(primary) == 1
    assert supervision_units(nine_year) == 2
    assert supervision_units(kindergarten) == 1


def test_it_counts_each_campus_for_each_stage_it_teaches(world):
    nine_year = world.schools_a[2]
    Campus.objects.create(school=nine_year, name="本部", region=nine_year.region, stages="primary,junior", is_main=True)
    Campus.objects.create(school=nine_year, name="东校区", region=nine_year.region, stages="junior")
    assert supervision_units(nine_year) == 3


def test_it_totals_a_queryset_in_two_queries(world, django_assert_num_queries):
    with django_assert_num_queries(2):
        total = supervision_unit_total(School.objects.filter(region__code__startswith="990102"))
    assert total == 1 + 1 + 2 + 1 + 1
