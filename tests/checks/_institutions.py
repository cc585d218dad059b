"""Shared helpers of the institutions tests: a training institution and a private kindergarten in each county."""

import datetime

from django.contrib.auth import get_user_model

from dudao.checks.models import AnnualReport, AnnualReportStatus, AnnualRound, Violation
from dudao.core.models import Role
from dudao.core.services import role_assign, user_create
from dudao.schools.models import InstitutionProfile, School

User = get_user_model()
ACCOUNT = "6222020200112233445"  # 19 digits; the pages may show ****3445 only


def training(world, code="1990102901", name="甲区启航培训学校", town=None, **extra) -> School:
    town = town or world.schools_a[0].region
    return School.objects.create(code=code, name=name, school_type="training", ownership="private", region=town,
                                 urban_rural="urban", students_primary=0, classes_primary=0, **extra)


def private_kindergarten(world, code="1990102902", name="甲区小天使幼儿园") -> School:
    return School.objects.create(code=code, name=name, school_type="kindergarten", ownership="private",
                                 region=world.schools_a[3].region, urban_rural="urban", students_primary=0,
                                 classes_primary=0, students_preschool=90, classes_preschool=3)


def profile(school, **fields) -> InstitutionProfile:
    values = dict(licence_no="教民1401020000001号", licence_authority="甲区教育局",
                  licence_issued_on=datetime.date(2023, 3, 1), licence_valid_until=datetime.date(2029, 2, 28),
                  scope_kind="non_subject", subjects=["美术", "书法"], whitelist="listed", fund_bank="工商银行甲区支行",
                  fund_account=ACCOUNT, legal_representative="孙立")
    values.update(fields)
    return InstitutionProfile.objects.create(school=school, **values)


def institution_user(world, school, username="training_a") -> User:
    user = user_create(actor=world.admin, username=username, full_name=username, password="x-Passw0rd-9")
    role_assign(actor=world.admin, user=user, role=Role.SCHOOL, school=school)
    return user


def annual_results(world, school, results, region=None) -> list[AnnualReport]:
    """Reviewed 年检 reports of `school`, one per year from 2023, with the given results."""
    made = []
    for year, result in enumerate(results, start=2023):
        round_ = AnnualRound.objects.create(region=region or world.county_a, year=year, title=f"{year}年年检",
                                            submit_by=datetime.date(year, 6, 30), created_by=world.office_a)
        made.append(AnnualReport.objects.create(round=round_, school=school, region_code=school.region_id,
                                                kind="training", status=AnnualReportStatus.REVIEWED,
                                                result=result))
    return made


def violation(school, status="registered") -> Violation:
    return Violation.objects.create(school=school, region_code=school.region_id, source="complaint",
                                    kind="subject_training", description="周末开展学科类培训",
                                    found_on=datetime.date(2026, 5, 1), status=status)
