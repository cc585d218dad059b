"""Rectification fixtures: the county's education bureau (competent department) with a login, and findings."""

import datetime
import io
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from dudao.core.models import Role
from dudao.core.services import role_assign, user_create
from dudao.rectification.services import finding_raise
from dudao.regions.models import GovUnit
from tests.conftest import PASSWORD


def on_the_day(day: datetime.date):
    """Noon of `day` in Beijing with the clock running: a module that reads TODAY once, at import, keeps every
    test on that day even when the run crosses midnight Beijing time (16:00 UTC)."""
    return time_machine.travel(datetime.datetime.combine(day, datetime.time(12), ZoneInfo("Asia/Shanghai")), tick=True)


def evidence(name="整改照片.jpg", colour=(20, 160, 60)) -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@dataclass
class Ledger:
    bureau: GovUnit
    bureau_user: object
    findings: list


@pytest.fixture
def ledger(world, settings, tmp_path) -> Ledger:
    settings.MEDIA_ROOT = tmp_path
    bureau = GovUnit.objects.create(code="UA90", name="甲区教育局", kind="department", region=world.county_a,
                                    is_education_authority=True)
    bureau_user = user_create(actor=world.admin, username="bureau_a", full_name="教育局督办员", password=PASSWORD)
    role_assign(actor=world.admin, user=bureau_user, role=Role.UNIT, unit=bureau)
    school = world.schools_a[0]
    findings = [finding_raise(actor=world.office_a, source="manual", school=school, category="r7",
                              category_label="食堂、食品、饮水、宿舍卫生", follow_up="suggestion", description=text)
                for text in ("食堂留样记录不全。", "消防通道堆放杂物。")]
    return Ledger(bureau, bureau_user, findings)
