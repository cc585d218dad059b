"""surveys' to-do source: an open 满意度调查 round that includes the principal's school, until the school has the
answers its result needs (surveys.min_responses) or the round ends."""

import datetime

import pytest
import time_machine
from django.core.cache import cache, caches
from django.utils import timezone

from dudao.core.models import Role
from dudao.core.services import role_assign, user_create
from dudao.surveys import services
from dudao.surveys.responses import response_submit
from dudao.surveys.todo import rounds_to_share
from tests.conftest import PASSWORD
from tests.dashboard.todo_b_helpers import BEIJING, beijing, queries, rows
from tests.surveys.conftest import answers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    caches["local"].clear()
    yield
    cache.clear()
    caches["local"].clear()


def _round(world, schools, *, closes=None, name="甲区2026年家长满意度调查", use_codes=False):
    q = services.questionnaire_from_template(actor=world.office_a, county=world.county_a, template_code="parent_school")
    q = services.questionnaire_publish(actor=world.office_a, questionnaire=q)
    now = timezone.now()
    return services.round_create(actor=world.office_a, questionnaire=q, name=name, year=2026, schools=schools,
                                 opens_at=now - datetime.timedelta(days=1),
                                 closes_at=closes or now + datetime.timedelta(days=7), use_codes=use_codes)


def test_the_principal_shares_the_link_until_the_school_has_enough_answers(world):
    survey = _round(world, world.schools_a[:3])
    [row] = rows(world.principal_a, "surveys.share")
    assert row.todo.title == "发放调查链接（已收 0/10 份）"
    assert row.todo.object == f"{world.schools_a[0]} · {survey.name}"
    assert row.todo.url == f"/surveys/{survey.pk}/" and row.todo.region_code == world.schools_a[0].region_id
    # an inspector of the school, the office, the other district: nothing to share
    for user in (world.inspector_a, world.office_a, world.office_b):
        assert rows(user, "surveys.share") == []
    for i in range(9):
        response_submit(survey_round=survey, school=world.schools_a[0], raw_answers=answers(),
                        ip=f"10.7.0.{i}", device=f"d{i}")
    [row] = rows(world.principal_a, "surveys.share")
    assert row.todo.title == "发放调查链接（已收 9/10 份）"
    response_submit(survey_round=survey, school=world.schools_a[0], raw_answers=answers(), ip="10.7.0.99", device="d99")
    assert rows(world.principal_a, "surveys.share") == []


def test_a_round_answered_by_code_asks_for_the_codes(world):
    _round(world, world.schools_a[:1], use_codes=True)
    assert [r.todo.title for r in rows(world.principal_a, "surveys.share")] == ["发放访问码（已收 0/10 份）"]


def test_a_closed_round_leaves_the_list_and_another_district_sees_nothing(world):
    survey = _round(world, world.schools_a[:1])
    principal_b = user_create(actor=world.admin, username="principal_b", full_name="乙校长", password=PASSWORD)
    role_assign(actor=world.admin, user=principal_b, role=Role.SCHOOL, school=world.schools_b[0])
    assert rows(principal_b, "surveys.share") == []
    assert len(rows(world.principal_a, "surveys.share")) == 1
    services.round_close(actor=world.office_a, survey_round=survey)
    assert rows(world.principal_a, "surveys.share") == []


def test_queries_do_not_grow_with_rounds_or_schools(world):
    _round(world, world.schools_a[:1])
    one, found = queries(rounds_to_share, world.principal_a, timezone.localdate())
    for school in world.schools_a[1:4]:
        role_assign(actor=world.admin, user=world.principal_a, role=Role.SCHOOL, school=school)
    for n in range(3):
        _round(world, world.schools_a[:4], name=f"第{n}轮调查")
    many, more = queries(rounds_to_share, world.principal_a, timezone.localdate())
    assert (len(found), len(more)) == (1, 1 + 3 * 4) and many == one


@pytest.mark.parametrize(("hour", "minute"), [(0, 30), (23, 30)])
def test_due_is_the_last_beijing_day_of_the_round(world, hour, minute):
    ends = datetime.datetime(2026, 12, 17, tzinfo=BEIJING)  # closes at midnight: the last day is 16 December
    with time_machine.travel(beijing(datetime.date(2026, 12, 13), hour, minute), tick=False):
        _round(world, world.schools_a[:1], closes=ends)
        assert [r.todo.due for r in rows(world.principal_a, "surveys.share")] == [datetime.date(2026, 12, 16)]
        assert [r.urgency for r in rows(world.principal_a, "surveys.share")] == ["soon"]
    with time_machine.travel(beijing(datetime.date(2026, 12, 12), hour, minute), tick=False):
        assert [r.urgency for r in rows(world.principal_a, "surveys.share")] == ["later"]
    with time_machine.travel(beijing(datetime.date(2026, 12, 16), hour, minute), tick=False):
        assert [r.urgency for r in rows(world.principal_a, "surveys.share")] == ["soon"]
