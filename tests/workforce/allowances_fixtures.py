"""A small month of records for 兼职督学劳务补贴 (March 2025 in 甲区), with its hand count.

兼职甲 (part-time, the account inspector_a):
- visit v1 on 1 March 00:30 Beijing, 90 min (1 half day) — the first minute of the month belongs to it;
- visit v2 on 31 March 23:30 Beijing, 300 min (2 half days) — the last hour too;
- a 专项检查 submitted inside visit v3 (12 March, 120 min): counted once, as a check, not as a visit;
- team member of a 督导评估 project on site from 20 March 09:00 to 21 March 17:00: 2 days;
- visits on 28 February 23:30 and 1 April 00:30: other months.
专职乙 (full-time) has a visit in March (no allowance); 兼职丙 of 乙县 has one too (another county).

Rates of 甲区 (set as policy values through the policy service): 纪实 50, 半天 30, 检查 40, 评估日 200, 交通 20.
Hand count for 兼职甲: 2 visits × 50 = 100; 3 half days × 30 = 90; 1 check × 40 = 40; 2 days × 200 = 400;
5 trips × 20 = 100; total 730.00.
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest

from dudao.checks.models import CheckSubmission, CheckTarget
from dudao.core.services import policy_set
from dudao.frameworks.models import Framework
from dudao.inspections.models import Inspection, Target, TeamMember, Transition
from dudao.zones.models import Visit
from tests.checks.fill_support import make_round
from tests.zones.conftest import make_inspector

BJ = ZoneInfo("Asia/Shanghai")
YEAR, MONTH = 2025, 3
RATES = {"visit": 50, "half_day": 30, "check": 40, "inspection_day": 200, "transport": 20}
HAND_TOTAL = 730


def at(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=BJ)


def set_rates(admin, region_code: str, **rates) -> None:
    for name, value in rates.items():
        policy_set(actor=admin, key=f"workforce.allowance_{name}", value=value, region_code=region_code)


def make_visit(world, inspector, school, start, minutes, user=None):
    return Visit.objects.create(inspector=inspector, school=school, started_at=start,
                                ended_at=start + datetime.timedelta(minutes=minutes), minutes_on_site=minutes,
                                narrative="督导。", created_by=user or world.office_a)


@dataclass
class Month:
    part_time: object
    full_time: object
    other_county: object
    visits: list
    check: object
    check_visit: object
    inspection: object


@pytest.fixture(name="month")
def month_fixture(world) -> Month:
    """Test modules import this (`from tests.workforce.allowances_fixtures import month_fixture`) and ask for `month`."""
    part_time = make_inspector(world.office_a, world.county_a, "JZ001", "兼职甲", user=world.inspector_a,
                               kind="parttime", source="teacher", employer="甲区第二小学")
    full_time = make_inspector(world.office_a, world.county_a, "ZZ001", "专职乙")
    other_county = make_inspector(world.office_b, world.county_b, "JZ101", "兼职丙", kind="parttime", source="teacher")
    school, school_b = world.schools_a[0], world.schools_b[0]
    visits = [make_visit(world, part_time, school, at(2025, 3, 1, 0, 30), 90),
              make_visit(world, part_time, world.schools_a[1], at(2025, 3, 31, 23, 30), 300),
              make_visit(world, part_time, school, at(2025, 2, 28, 23, 30), 60),
              make_visit(world, part_time, school, at(2025, 4, 1, 0, 30), 60),
              make_visit(world, full_time, school, at(2025, 3, 5, 9, 0), 120),
              make_visit(world, other_county, school_b, at(2025, 3, 5, 9, 0), 120, user=world.office_b)]
    check_round = make_round(world)
    target = CheckTarget.objects.get(round=check_round, school=world.schools_a[2])
    check_visit = make_visit(world, part_time, world.schools_a[2], at(2025, 3, 12, 9, 0), 120)
    check = CheckSubmission.objects.create(target=target, visit=check_visit, inspector=part_time,
                                           submitted_by=world.inspector_a, submitted_at=at(2025, 3, 12, 11, 0))
    framework = Framework.objects.create(region=world.county_a, family="fa", name="指标", kind="special",
                                         target="school", definition={}, created_by=world.office_a)
    inspection = Inspection.objects.create(county=world.county_a, name="甲区春季综合督导", kind="special",
                                           framework=framework, year=2025, starts_on=datetime.date(2025, 3, 1),
                                           ends_on=datetime.date(2025, 4, 30), stage="deliberation",
                                           created_by=world.office_a)
    for s in world.schools_a[:2]:  # a member of two targets of one project: still one day per day
        t = Target.objects.create(inspection=inspection, school=s, region_code=s.region_id)
        TeamMember.objects.create(target=t, user=world.inspector_a, role="inspector")
    Transition.record(inspection, from_status="review", to_status="onsite", at=at(2025, 3, 20, 9, 0))
    Transition.record(inspection, from_status="onsite", to_status="deliberation", at=at(2025, 3, 21, 17, 0))
    set_rates(world.admin, world.county_a.code, **RATES)
    return Month(part_time, full_time, other_county, visits, check, check_visit, inspection)
