"""The demo's 迎检: the city's 履行教育职责评价 of 示范区 in preparation, 30 indicators on two levels weighing 100,
assigned to 8 departments and towns, about half the evidence in, two returned with reasons; demo_unit and
demo_bureau see their own work; a second load adds nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.test import override_settings

from dudao.demo.reviews import upward as demo_upward
from dudao.regions.models import Region
from dudao.reviews.models import Assignment, Evidence, Review
from dudao.reviews.selectors.upward import my_assignments, review_view
from tests.demo_snapshot import restore

User = get_user_model()


@pytest.fixture(scope="module")
def demo(demo_snapshot, django_db_setup, django_db_blocker, tmp_path_factory):
    from django.core.management import call_command

    media = override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("upward-media"))
    media.enable()
    with django_db_blocker.unblock():
        try:
            yield restore(demo_snapshot)
        finally:
            call_command("flush", interactive=False, verbosity=0)
            media.disable()


def test_demo_review(demo, db):
    review = Review.objects.get(kind="duties", level="city")
    assert review.status == "preparing" and review.body == "市人民政府教育督导室"
    assert review.indicators.count() == 30 and review.indicators.filter(parent=None).count() == 6
    assert sum(review.indicators.filter(parent=None).values_list("weight", flat=True)) == 100
    units = set(Assignment.objects.filter(indicator__review=review).values_list("unit__name", flat=True))
    assert len(units) == 8 and any("南湖镇" in u for u in units)
    total = Assignment.objects.filter(indicator__review=review).count()
    handed = Evidence.objects.filter(assignment__indicator__review=review).count()
    assert 0.4 <= handed / total <= 0.6
    returned = Evidence.objects.filter(assignment__indicator__review=review, decision="returned")
    assert returned.count() == 2 and all(e.reason for e in returned)
    assert all(e.files.count() == 1 for e in Evidence.objects.all())
    office = User.objects.get(username="demo_office")
    assert review_view(office, review).progress > 0


def test_demo_accounts_see_their_work(demo, db):
    for username in ("demo_unit", "demo_bureau"):
        user = User.objects.get(username=username)
        assert my_assignments(user).exists(), username
        review = Review.objects.get(kind="duties", level="city")
        view = review_view(user, review)
        assert 0 < len(view.rows) < review.indicators.count()


def test_demo_load_idempotent(demo, db):
    office = User.objects.get(username="demo_office")
    county = Region.objects.get(code=Review.objects.get(kind="duties").region_id)
    before = (Review.objects.count(), Assignment.objects.count(), Evidence.objects.count())
    demo_upward.load(admin=User.objects.get(username="admin") if User.objects.filter(username="admin").exists()
                     else office, office_user=office, county=county)
    assert (Review.objects.count(), Assignment.objects.count(), Evidence.objects.count()) == before
