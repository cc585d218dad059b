"""Fixtures of the rounds area's tests: inspector_a's registry record with three 挂牌 schools, a second inspector,
a district-B inspector, and a helper making a round with a two-item checklist."""

import datetime
from dataclasses import dataclass

import pytest

from dudao.checks.services import rounds as services
from dudao.people.services import inspector_save
from dudao.zones.services import assignment_set, zone_save

ITEMS = [
    {"text": "消防器材在有效期内", "answer_kind": "yes_no", "finding_text": "消防器材过期", "finding_category": "校园安全",
     "photo_required": True, "veto": True, "severity": 3},
    {"text": "最大班额", "answer_kind": "number", "number_min": "0", "number_max": "45", "unit": "人",
     "finding_text": "存在超过 45 人的班级", "finding_category": "教育教学"},
    {"text": "其他情况", "answer_kind": "text"},
]


def make_inspector(actor, county, card, name, user=None, **extra):
    fields = dict(card_no=card, name=name, phone="13900000000", kind="fulltime", source="official",
                  region_id=county.code, appointed_on=datetime.date(2020, 9, 1), term_start=datetime.date(2020, 9, 1),
                  user_id=user.pk if user else None)
    fields.update(extra)
    return inspector_save(actor=actor, **fields)


@dataclass
class Crew:
    inspector: object  # inspector_a's record, 责任督学 of schools_a[:3]
    other: object  # another inspector of district A, no schools
    foreign: object  # an inspector of district B


@pytest.fixture(name="crew")
def crew_fixture(world) -> Crew:
    inspector = make_inspector(world.office_a, world.county_a, "DX001", "督学甲", user=world.inspector_a)
    other = make_inspector(world.office_a, world.county_a, "DX002", "督学乙")
    foreign = make_inspector(world.office_b, world.county_b, "DX900", "乙县督学")
    zone = zone_save(actor=world.office_a, code="Z01", name="第一责任区", region=world.county_a, lead=inspector)
    for school in world.schools_a[:3]:
        assignment_set(actor=world.office_a, zone=zone, inspector=inspector, school=school,
                       started_on=datetime.date(2024, 9, 1))
    return Crew(inspector, other, foreign)


def make_round(world, *, title="节前安全检查", starts_on=None, ends_on=None, items=None, **extra):
    today = datetime.date.today()
    return services.round_create(actor=world.office_a, region=world.county_a, title=title, kind="holiday_safety",
                                  starts_on=starts_on or today - datetime.timedelta(days=2),
                                  ends_on=ends_on or today + datetime.timedelta(days=10),
                                  items=items if items is not None else ITEMS, **extra)
