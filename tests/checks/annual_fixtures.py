"""Fixtures of the 年检 tests: three institutions of district A (a training institution, a private kindergarten,
a private school) with their users, one public school that takes no 年检, and a small frozen framework."""

import datetime
import io
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dudao.checks.services import annual as services
from dudao.core.models import Role
from dudao.core.services import role_assign, user_create
from dudao.frameworks.models import Framework
from dudao.regions.models import Region
from dudao.schools.models import School
from tests.conftest import PASSWORD

DEFINITION = {"nodes": [
    {"code": "A1", "name": "规范办学", "weight": 60, "children": [
        {"code": "A1.1", "name": "证照齐全有效", "weight": 50, "rule": {"kind": "yesno"}},
        {"code": "A1.2", "name": "收费公示", "weight": 50, "rule": {"kind": "points", "max": 10}}]},
    {"code": "A2", "name": "安全管理", "weight": 40, "children": [
        {"code": "A2.1", "name": "消防安全", "weight": 100, "rule": {"kind": "levels",
                                                              "levels": {"A": 10, "B": 8, "C": 6, "D": 0}}}]},
]}


def pdf_upload(name="材料.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")


def png_upload(name="照片.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@dataclass
class AnnualWorld:
    training: School
    kindergarten: School
    private: School
    training_user: object
    kindergarten_user: object
    framework: Framework


def _user(world, username, school):
    user = user_create(actor=world.admin, username=username, full_name=username, password=PASSWORD)
    role_assign(actor=world.admin, user=user, role=Role.SCHOOL, school=school)
    return user


@pytest.fixture(name="aw")
def annual_world(world) -> AnnualWorld:
    town = Region.objects.get(code="990102001")
    training = School.objects.create(code="1990102801", name="甲区启明培训学校", school_type="training",
                                     ownership="private", urban_rural="urban", region=town)
    kindergarten = School.objects.create(code="1990102802", name="甲区小太阳幼儿园", school_type="kindergarten",
                                         ownership="private", urban_rural="urban", region=town, students_preschool=90)
    private = School.objects.create(code="1990102803", name="甲区育才实验学校", school_type="nine_year",
                                    ownership="private", urban_rural="urban", region=town, students_primary=300)
    School.objects.create(code="1990103801", name="乙县星光培训中心", school_type="training", ownership="private",
                          urban_rural="urban", region=Region.objects.get(code="990103001"))
    framework = Framework.objects.create(region=world.county_a, family="annual-test", name="民办教育年检指标",
                                         kind="special", target="school", definition=DEFINITION, status="frozen",
                                         created_by=world.office_a)
    return AnnualWorld(training, kindergarten, private, _user(world, "training_a", training),
                       _user(world, "kinder_a", kindergarten), framework)


def make_round(world, *, framework=None, year=2026, submit_by=datetime.date(2026, 11, 30), open_it=True):
    annual = services.annual_round_create(actor=world.office_a, region=world.county_a, year=year,
                                          title=f"{year}年度民办学校和校外培训机构年检", submit_by=submit_by,
                                          framework=framework)
    if open_it:
        services.annual_round_open(actor=world.office_a, annual=annual)
    return annual


def upload_all(report, user):
    """Upload a document for every required item of the report's checklist."""
    for requirement in report.round.requirements.filter(kind=report.kind, required=True):
        services.annual_document_upload(actor=user, report=report, requirement=requirement, upload=pdf_upload())
