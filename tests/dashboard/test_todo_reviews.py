"""reviews' to-do sources: 迎检 evidence to hand in (and again once returned) and to decide, 述职报告 to upload,
述职评议 sheets to rate, results and 公报 to publish. Each leaves the list once the real service has run."""

import datetime

import pytest
from django.utils import timezone

from dudao.core.models import Role
from dudao.core.services import role_assign, user_create
from dudao.reviews.services import bulletin as bulletins
from dudao.reviews.services import rating
from dudao.reviews.services import upward as services
from dudao.reviews.todo import evidence_to_decide, evidence_to_hand_in
from tests.conftest import PASSWORD
from tests.dashboard.todo_b_helpers import queries, rows
from tests.reviews.rating_fixtures import all_scores, make_session
from tests.reviews.upward_helpers import import_rows, leaf, make_review, pdf

pytestmark = pytest.mark.django_db


def _assigned(world, codes=("1.1",)):
    review = make_review(world, materials_due=timezone.localdate() + datetime.timedelta(days=20))
    import_rows(world, review)
    made = services.assignments_create(actor=world.office_a, review=review,
                                       indicators=[leaf(review, c) for c in codes], units=[world.unit_a],
                                       due_on=timezone.localdate() + datetime.timedelta(days=5))
    return review, made


def test_the_unit_hands_in_the_office_decides_and_a_return_comes_back(world):
    review, [assignment] = _assigned(world)
    [row] = rows(world.town_a, "reviews.evidence")
    assert row.todo.title == "提交迎检材料" and row.todo.due == assignment.due_on
    assert row.todo.url == f"/reviews/assignments/{assignment.pk}/" and review.title in row.todo.object
    for user in (world.office_a, world.principal_a, world.office_b):
        assert rows(user, "reviews.evidence") == []
    assert rows(world.office_a, "reviews.evidence_decide") == []
    evidence = services.evidence_submit(actor=world.town_a, assignment=assignment, statement="已落实", uploads=[pdf()])
    assert rows(world.town_a, "reviews.evidence") == []
    [row] = rows(world.office_a, "reviews.evidence_decide")
    assert row.todo.title == "审核迎检材料" and row.todo.due == review.materials_due
    assert rows(world.office_b, "reviews.evidence_decide") == [] and rows(world.leader_a, "reviews.evidence_decide") == []
    services.evidence_decide(actor=world.office_a, evidence=evidence, accept=False, reason="缺少决算表")
    assert rows(world.office_a, "reviews.evidence_decide") == []
    [row] = rows(world.town_a, "reviews.evidence")
    assert row.todo.title == "重新提交迎检材料（已退回）"
    evidence = services.evidence_submit(actor=world.town_a, assignment=assignment, statement="已补充", uploads=[pdf()])
    services.evidence_decide(actor=world.office_a, evidence=evidence, accept=True)
    assert rows(world.town_a, "reviews.evidence") == [] and rows(world.office_a, "reviews.evidence_decide") == []


def test_another_districts_unit_sees_nothing_and_queries_stay_constant(world):
    review, _made = _assigned(world)
    town_b = user_create(actor=world.admin, username="town_b", full_name="乙镇", password=PASSWORD)
    role_assign(actor=world.admin, user=town_b, role=Role.UNIT, unit=world.unit_b)
    assert rows(town_b, "reviews.evidence") == []
    today = timezone.localdate()
    one, found = queries(evidence_to_hand_in, world.town_a, today)
    decide_one, _ = queries(evidence_to_decide, world.office_a, today)
    more = services.assignments_create(actor=world.office_a, review=review,
                                       indicators=[leaf(review, c) for c in ("1.2", "2.1", "2.2")],
                                       units=[world.unit_a], due_on=today + datetime.timedelta(days=5))
    for assignment in more:
        services.evidence_submit(actor=world.town_a, assignment=assignment, statement="已落实", uploads=[pdf()])
    many, found_more = queries(evidence_to_hand_in, world.town_a, today)
    decide_many, decided = queries(evidence_to_decide, world.office_a, today)
    assert (len(found), len(found_more), len(decided)) == (1, 1, 3) and many == one and decide_many == decide_one


def test_a_reporting_unit_uploads_its_report_and_a_rater_rates(world):
    session = make_session(world)
    rating.reporters_add(actor=world.office_a, session=session, units=[world.unit_a])
    [row] = rows(world.town_a, "reviews.report")
    assert row.todo.title == "上传述职报告" and row.todo.due == datetime.date(2026, 12, 18)
    assert rows(world.office_b, "reviews.report") == []
    [reporter] = session.reporters.all()
    rating.report_upload(actor=world.town_a, reporter=reporter, upload=pdf("述职报告.pdf"))
    assert rows(world.town_a, "reviews.report") == []
    # a rater's account must be a user of the county (rater_add): here the leader
    rater = rating.rater_add(actor=world.office_a, session=session, name="刘局长", kind="member", user=world.leader_a)
    assert rows(world.leader_a, "reviews.rate") == []  # not open yet
    rating.session_open(actor=world.office_a, session=session)
    [row] = rows(world.leader_a, "reviews.rate")
    assert row.todo.title == "述职评议评分" and row.todo.url == f"/reviews/rate/{rater.key}/"
    assert rows(world.office_a, "reviews.rate") == []
    rating.rating_save(rater=rater, reporter=reporter, scores=all_scores(session, 8))
    rating.rating_submit(rater=rater)
    assert rows(world.leader_a, "reviews.rate") == []
    rating.session_close(actor=world.office_a, session=session)
    [row] = rows(world.office_a, "reviews.session_publish")
    assert row.todo.title == "公布述职评议结果" and rows(world.office_b, "reviews.session_publish") == []
    rating.session_publish(actor=world.office_a, session=session)
    assert rows(world.office_a, "reviews.session_publish") == []


def test_a_bulletin_draft_waits_for_the_office(world):
    bulletin = bulletins.bulletin_create(actor=world.office_a, region=world.county_a, year=2026)
    [row] = rows(world.office_a, "reviews.bulletin")
    assert row.todo.title == "审定并发布督导公报" and row.todo.url == f"/reviews/bulletins/{bulletin.pk}/"
    assert rows(world.office_b, "reviews.bulletin") == [] and rows(world.leader_a, "reviews.bulletin") == []
    # the city's office reads the county's 公报 but publishing it is the county office's item, not theirs
    city_office = user_create(actor=world.admin, username="office_city", full_name="市督导室", password=PASSWORD)
    role_assign(actor=world.admin, user=city_office, role=Role.OFFICE, region=world.county_a.parent)
    assert rows(city_office, "reviews.bulletin") == []
