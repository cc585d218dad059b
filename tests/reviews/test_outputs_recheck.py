"""复查: a follow-up review linked to the first (same region, kind 复查), optionally with the indicators that had
problems (and their parents); both pages link to each other; the recheck page shows the first review's problems and
their findings' status."""

import pytest
import time_machine

from dudao.core.errors import PermissionDenied
from dudao.reviews.models import Review, ReviewKind
from dudao.reviews.services import outputs as services
from dudao.reviews.services import problems as problem_services
from tests.reviews.outputs_fixtures import finance_unit, outputs_media, review_with_evidence  # noqa: F401 -- fixture
from tests.reviews.test_outputs_problems import good_rows, workbook

pytestmark = pytest.mark.django_db


def test_the_recheck_links_both_ways_and_shows_the_first_reviews_problems(world, login):
    review = review_with_evidence(world)
    finance_unit(world)
    with time_machine.travel("2026-06-10 00:30 +0800", tick=False):
        problem_services.problem_import(actor=world.office_a, review=review, data=workbook(good_rows(world)),
                                        filename="a.xlsx")
        recheck = services.recheck_create(actor=world.office_a, review=review, copy_indicators=True)
    assert recheck.kind == ReviewKind.RECHECK and recheck.previous == review and recheck.region == review.region
    assert recheck.title.endswith("（复查）") and recheck.year == 2026
    # 1.2, 2.1 and 1.1 had problems: they come with their parents 1 and 2, in the list's order; 2.2 does not
    copied = list(recheck.indicators.order_by("position").values_list("code", "parent__code"))
    assert copied == [("1", None), ("1.1", "1"), ("1.2", "1"), ("2", None), ("2.1", "2")]
    assert not recheck.indicators.filter(assignments__isnull=False).exists()

    client = login(world.office_a)
    first = client.get(f"/reviews/{review.pk}/outputs/").content.decode()
    assert f"/reviews/{recheck.pk}/outputs/" in first
    second = client.get(f"/reviews/{recheck.pk}/outputs/").content.decode()
    assert f"/reviews/{review.pk}/outputs/" in second and "被复查迎检的问题及整改情况" in second
    assert "教师培训经费不足。" in second and "待整改" in second


def test_a_bare_recheck_and_who_may_start_one(world, login):
    review = review_with_evidence(world)
    recheck = services.recheck_create(actor=world.office_a, review=review, copy_indicators=False, title="专门复查")
    assert recheck.title == "专门复查" and recheck.indicators.count() == 0
    for actor in (world.office_b, world.leader_a, world.town_a):
        with pytest.raises(PermissionDenied):
            services.recheck_create(actor=actor, review=review)
    response = login(world.office_a).post(f"/reviews/{review.pk}/recheck/", {"copy_indicators": "on"})
    assert response.status_code == 302 and Review.objects.filter(previous=review).count() == 2
    assert login(world.office_b).post(f"/reviews/{review.pk}/recheck/").status_code == 404
