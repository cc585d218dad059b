"""Security review of issue 21 (reviews): the holes found by attacking the merged work, each with its test."""

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from dudao.core.errors import ApplicationError
from dudao.reviews.models import RaterKind, Rating
from dudao.reviews.services import rating as rating_services
from tests.reviews.rating_fixtures import all_scores, fresh, rating_fixture, reporter_of  # noqa: F401 -- fixture


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


# ---- 述职评议: recusal must follow the rater's account, not only the typed unit ----------------------------------

def test_rater_with_a_unit_account_is_recused_from_that_unit(world, rating):
    """A rater added with the account of a unit user (town_a, of unit_a) but no unit typed must still be recused
    from unit_a: otherwise a reporter's own staff rate their own 述职."""
    rater = rating_services.rater_add(actor=world.office_a, session=rating.session, name="甲二镇代表",
                                      kind=RaterKind.MEMBER, user=world.town_a.pk)
    assert rater.unit_id == world.unit_a.pk
    rating_services.session_open(actor=world.office_a, session=rating.session)
    response = Client().post(reverse("reviews:rate_save", args=[rater.key]),
                             {"reporter": reporter_of(rating.session, world.unit_a).pk}
                             | {f"s_{k}": v for k, v in all_scores(rating.session, 10).items()},
                             HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 400 and response.json()["message"] == "不能评议本单位。"
    assert not Rating.objects.filter(rater=rater).exists()


def test_rater_unit_must_match_the_account_unit(world, rating):
    """Typing another unit than the account's own would hide the account's unit from recusal: refused."""
    with pytest.raises(ApplicationError, match="回避"):
        rating_services.rater_add(actor=world.office_a, session=rating.session, name="甲二镇代表",
                                  kind=RaterKind.MEMBER, user=world.town_a.pk, unit=rating.units[1].pk)
    assert not rating.session.raters.filter(user=world.town_a).exists()


# ---- 述职评议: the sheet's redirect carries nothing a caller can break ----------------------------------------

def test_rate_save_redirect_survives_a_hostile_reporter_value(world, rating):
    """The non-script form post redirects back to "#r<reporter>": a CR/LF or other junk in the posted reporter must
    be refused with the Chinese reason, never a server error nor a broken header."""
    rating_services.session_open(actor=world.office_a, session=rating.session)
    client = Client(raise_request_exception=False)
    key = rating.raters[1].key
    for hostile in ("1\r\nSet-Cookie: x=1", "\n", "<script>", "../../admin/"):
        response = client.post(reverse("reviews:rate_save", args=[key]), {"reporter": hostile})
        assert response.status_code == 302, hostile
        location = response["Location"]
        assert location.startswith(reverse("reviews:rate_sheet", args=[key]))
        assert "\n" not in location and "\r" not in location and "<" not in location
    assert not Rating.objects.exists()


# ---- 结果运用: a 述职评议's ranks reach unit users only once published -------------------------------------------

def _closed_session(world, rating):
    rating_services.session_open(actor=world.office_a, session=rating.session)
    for rater in rating.raters:
        for reporter in rating.session.reporters.all():
            if reporter.unit_id != rater.unit_id:
                rating_services.rating_save(rater=rater, reporter=reporter, scores=all_scores(rating.session, 8))
        rating_services.rating_submit(rater=fresh(rater))
    return rating_services.session_close(actor=world.office_a, session=rating.session)


def test_unit_users_cannot_pick_or_record_unpublished_rating_results(world, rating):
    """Closed but not published (the office may still reopen or correct it): a unit user must not read the ranks,
    levels and scores of every town through the 结果运用 picker, nor record a use of one (which stores its label)."""
    import datetime

    from dudao.reviews import results
    from dudao.reviews.services import uses as use_services

    session = _closed_session(world, rating)
    other = reporter_of(session, rating.units[1])
    assert results.pickable(world.town_a, results.REPORTER) == []
    assert not results.may_pick(world.town_a, results.resolve(results.REPORTER, str(other.pk)))
    with pytest.raises(ApplicationError, match="尚未公布"):
        use_services.use_record(actor=world.town_a, result_key=f"{results.REPORTER}:{other.pk}", purpose="honours",
                                used_on=datetime.date.today(), decision="用于评优")
    response = Client()
    response.force_login(world.town_a)
    page = response.get(reverse("reviews:use_create"), {"kind": results.REPORTER}).content.decode()
    assert other.unit.name not in page
    # the office reads them before publication; units once published
    assert results.pickable(world.office_a, results.REPORTER)
    rating_services.session_publish(actor=world.office_a, session=session)
    assert results.pickable(world.town_a, results.REPORTER)
