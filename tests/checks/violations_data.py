"""Shared data of the violations tests: two institutions of district A (a training institution, a private
kindergarten), one of district B, the district's departments (教育局, 市场监管局) and their unit users."""

import datetime
from dataclasses import dataclass

from dudao.core.models import Role
from dudao.core.services import role_assign, user_create
from dudao.people.models import Inspector
from dudao.regions.models import GovUnit
from dudao.schools.models import School
from tests.conftest import PASSWORD


@dataclass
class Cases:
    training: School
    private_kg: School
    training_b: School
    bureau: GovUnit
    market: GovUnit
    bureau_b: GovUnit
    bureau_user: object
    market_user: object
    training_user: object


def cases(world) -> Cases:
    town_a1 = world.schools_a[0].region
    town_b = world.schools_b[0].region
    training = School.objects.create(code="1990102901", name="甲区启明培训学校", school_type="training",
                                     ownership="private", urban_rural="urban", region=town_a1)
    private_kg = School.objects.create(code="1990102902", name="甲区阳光幼儿园", school_type="kindergarten",
                                       ownership="private", urban_rural="urban", region=town_a1,
                                       students_preschool=120)
    training_b = School.objects.create(code="1990103901", name="乙县博学培训中心", school_type="training",
                                       ownership="private", urban_rural="urban", region=town_b)
    bureau = GovUnit.objects.create(code="DA01", name="甲区教育局", kind="department", region=world.county_a,
                                    is_education_authority=True)
    market = GovUnit.objects.create(code="DA02", name="甲区市场监督管理局", kind="department", region=world.county_a)
    bureau_b = GovUnit.objects.create(code="DB01", name="乙县教育局", kind="department", region=world.county_b,
                                      is_education_authority=True)

    def person(username, role, **target):
        user = user_create(actor=world.admin, username=username, full_name=username, password=PASSWORD)
        role_assign(actor=world.admin, user=user, role=role, **target)
        return user

    return Cases(training, private_kg, training_b, bureau, market, bureau_b,
                 person("bureau_a", Role.UNIT, unit=bureau), person("market_a", Role.UNIT, unit=market),
                 person("training_a", Role.SCHOOL, school=training))


def appoint_inspector(world, user=None) -> Inspector:
    return Inspector.objects.create(card_no="DX-V1", name="违规督学", phone="1", kind="fulltime", source="official",
                                    region=world.county_a, appointed_on=datetime.date(2020, 1, 1),
                                    term_start=datetime.date(2024, 1, 1), user=user or world.inspector_a)
