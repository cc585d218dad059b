"""督学聘任 fixtures: district A's serving inspectors (3 full-time, 2 part-time: one in the 2nd term, one in the 3rd),
office_a designated 督导室负责人, a second office user of A who is not, and helpers to recommend candidates."""

import datetime
import zoneinfo
from dataclasses import dataclass

import time_machine
from django.contrib.auth import get_user_model

from dudao.core.models import Role
from dudao.core.services import role_assign, user_create
from dudao.workforce.models import CandidateRecommender
from dudao.workforce.services import appointments as services
from dudao.zones.services import assignment_set, zone_save
from tests.conftest import PASSWORD
from tests.zones.conftest import make_inspector

BJ = zoneinfo.ZoneInfo("Asia/Shanghai")
MONDAY = datetime.date(2026, 3, 2)


def at(day: datetime.date, h: int = 10, mi: int = 0):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, h, mi, tzinfo=BJ), tick=False)


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


@dataclass
class Setup:
    full: object
    full2: object
    second_term: object
    third_term: object
    clerk: object  # an office user of district A who is not the head


def make_setup(world) -> Setup:
    full = make_inspector(world.office_a, world.county_a, "DX001", "督学甲", user=world.inspector_a)
    full2 = make_inspector(world.office_a, world.county_a, "DX005", "督学戊")
    make_inspector(world.office_a, world.county_a, "DX006", "督学己")
    second = make_inspector(world.office_a, world.county_a, "DX002", "督学乙", kind="parttime", source="teacher",
                            term_no=2, home_school_id=world.schools_a[1].pk, phone="13911112222", employer="甲区第二小学")
    third = make_inspector(world.office_a, world.county_a, "DX004", "督学丁", kind="parttime", source="teacher",
                           term_no=3)
    zone = zone_save(actor=world.office_a, code="Z01", name="第一责任区", region=world.county_a, lead=full)
    assignment_set(actor=world.office_a, zone=zone, inspector=full, school=world.schools_a[0],
                   started_on=datetime.date(2024, 9, 1))
    clerk = user_create(actor=world.admin, username="clerk_a", full_name="办事员", password=PASSWORD)
    role_assign(actor=world.admin, user=clerk, role=Role.OFFICE, region=world.county_a)
    services.head_designate(actor=world.admin, region=world.county_a, user=world.office_a)
    return Setup(full, full2, second, third, clerk)


CONTACT = "甲区教育督导室，电话 0000-12345678"

PERSON = dict(name="候选人甲", gender="女", birth_date=datetime.date(1980, 5, 1), phone="13800001111", employer="甲区第一小学",
              position="副校长", kind="parttime", source="principal", home_school=None, retirement_date=None,
              reason="业务能力强。")


def recommend(world, batch, *, as_="office", renewing=None, **fields):
    data = {**PERSON, **fields}
    if as_ == "school":
        return services.candidate_recommend(actor=fresh(world.principal_a), batch=batch,
                                            as_recommender=CandidateRecommender.SCHOOL, school=world.schools_a[0], **data)
    if as_ == "town":
        return services.candidate_recommend(actor=fresh(world.town_a), batch=batch,
                                            as_recommender=CandidateRecommender.TOWN, unit=world.unit_a, **data)
    return services.candidate_recommend(actor=fresh(world.office_a), batch=batch,
                                        as_recommender=CandidateRecommender.OFFICE, renewing=renewing, **data)


def appointed_batch(world, setup):
    """A batch taken through every step: 王老师 (the principal's staff, new) and 督学乙 (renewed) appointed on
    2026-03-09 with 文号 甲教督〔2026〕5号."""
    with at(MONDAY):
        batch = services.batch_create(actor=fresh(world.office_a), region=world.county_a, title="2026年兼职督学选聘")
        recommend(world, batch, as_="school", name="王老师", phone="13800001111", employer="甲区第一小学")
        recommend(world, batch, renewing=setup.second_term, birth_date=datetime.date(1975, 1, 1))
        services.batch_review(actor=fresh(world.office_a), batch=batch)
        services.batch_publish(actor=fresh(world.office_a), batch=batch, contact=CONTACT)
    with at(datetime.date(2026, 3, 9)):
        services.batch_appoint(actor=fresh(world.office_a), batch=batch, doc_no="甲教督〔2026〕5号",
                               term_start=datetime.date(2026, 3, 9))
    batch.refresh_from_db()
    return batch
