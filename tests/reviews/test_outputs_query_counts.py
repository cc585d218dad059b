"""The outputs' lists (问题清单, 实地督查日程, 材料包) and the review's outputs page run the same number of queries for 1
row as for 50 (their URLs take the review's id, so tests/core/test_query_counts.py does not discover them)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dudao.rectification.models import Finding, FindingSource
from dudao.reviews.models import PackageStatus, ReviewPackage, ReviewProblem, SiteVisit
from tests.reviews.outputs_fixtures import make_review

pytestmark = pytest.mark.django_db


def make_problems(world, review, n):
    start = review.problems.count()
    for k in range(start, start + n):
        target = {"school": world.schools_a[k % 5]} if k % 2 else {"unit": world.unit_a}
        region = (target.get("school") or target.get("unit")).region_id
        finding = Finding.objects.create(source=FindingSource.HIGHER, description=f"问题{k}", region_code=region,
                                         raised_at=review.created_at, due_date=datetime.date(2027, 1, 1), **target)
        ReviewProblem.objects.create(review=review, row=k + 2, text=f"问题{k}", finding=finding,
                                     imported_by=world.office_a)


def make_visits(world, review, n):
    SiteVisit.objects.bulk_create([SiteVisit(review=review, day=datetime.date(2026, 10, 20), activity=f"活动{k}",
                                             school=world.schools_a[k % 5]) for k in range(n)])


def make_packages(world, review, n):
    ReviewPackage.objects.bulk_create([ReviewPackage(review=review, requested_by=world.office_a,
                                                     status=PackageStatus.FAILED, error="x") for _ in range(n)])


def count(client, path) -> int:
    client.get(path)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page,make", [("problems", make_problems), ("visits", make_visits),
                                       ("package", make_packages), ("outputs", make_problems),
                                       ("problems/?export=xlsx", make_problems), ("visits/?export=xlsx", make_visits)])
def test_a_list_runs_the_same_queries_for_1_and_50_rows(world, client, page, make):
    review = make_review(world)
    client.force_login(world.office_a)
    make(world, review, 1)
    one = count(client, f"/reviews/{review.pk}/{page}" + ("" if "?" in page else "/"))
    make(world, review, 49 if page != "package" else 9)  # the page shows the 10 latest packages
    assert count(client, f"/reviews/{review.pk}/{page}" + ("" if "?" in page else "/")) == one
