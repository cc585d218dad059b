"""fill test support (issue 23): a county round of three targets checked by 督学甲 (inspector_a), open, whose window
holds today, with a yes/no item that needs a photo, a 一票否决 item, a number item and a text item."""

import datetime
import io
import uuid
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dudao.checks.models import CheckTarget
from dudao.checks.services.rounds import round_create, round_open, targets_add
from dudao.core.models import Role
from dudao.core.services import role_assign, user_create
from dudao.zones.services import assignment_set, zone_save
from tests.conftest import PASSWORD
from tests.zones.conftest import make_inspector

ITEMS = [
    {"text": "消防通道畅通、安全出口标识完好", "answer_kind": "yes_no", "photo_required": True,
     "finding_text": "消防通道堵塞或安全出口标识缺损", "finding_category": "校园安全", "severity": 2},
    {"text": "无组织学生违规补课", "answer_kind": "yes_no", "veto": True,
     "finding_text": "存在组织学生违规补课行为", "finding_category": "规范办学", "severity": 3},
    {"text": "食堂留样保存时间", "answer_kind": "number", "number_min": 2, "unit": "天",
     "finding_text": "食品留样保存不足 48 小时", "finding_category": "食品安全"},
    {"text": "其他需要说明的情况", "answer_kind": "text"},
]


def png(name="photo.png", colour=(30, 120, 200)) -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@dataclass
class Fill:
    round: object
    targets: list
    items: list
    inspector: object
    other: object
    other_user: object


def make_round(world, *, title="节前安全检查", starts_on=None, ends_on=None, schools=None, open_it=True):
    today = timezone.localdate()
    check_round = round_create(actor=world.office_a, region=world.county_a, title=title, kind="holiday_safety",
                               starts_on=starts_on or today - datetime.timedelta(days=5),
                               ends_on=ends_on or today + datetime.timedelta(days=5), items=ITEMS)
    targets_add(actor=world.office_a, round=check_round, schools=schools or world.schools_a[:3])
    if open_it:
        check_round = round_open(actor=world.office_a, round=check_round)
    return check_round


@pytest.fixture(name="fill")
def fill_fixture(world) -> Fill:
    """Test modules import this (`from tests.checks.fill_support import fill_fixture`) and ask for `fill`."""
    inspector = make_inspector(world.office_a, world.county_a, "DX001", "督学甲", user=world.inspector_a)
    other_user = user_create(actor=world.admin, username="inspector_c", full_name="督学乙", password=PASSWORD)
    role_assign(actor=world.admin, user=other_user, role=Role.INSPECTOR, school=world.schools_a[3])
    other = make_inspector(world.office_a, world.county_a, "DX002", "督学乙", user=other_user, kind="parttime",
                           source="teacher")
    zone = zone_save(actor=world.office_a, code="Z01", name="第一责任区", region=world.county_a, lead=inspector)
    for school in world.schools_a[:3]:
        assignment_set(actor=world.office_a, zone=zone, inspector=inspector, school=school,
                       started_on=datetime.date(2024, 9, 1))
    check_round = make_round(world)
    targets = list(CheckTarget.objects.filter(round=check_round).select_related("school", "round").order_by("school__code"))
    return Fill(check_round, targets, list(check_round.items.order_by("order")), inspector, other, other_user)


def visit(start=None, **extra) -> dict:
    start = start or timezone.now() - datetime.timedelta(hours=3)
    return {"started_at": start, "ended_at": start + datetime.timedelta(hours=1), "narrative": "逐项检查。", **extra}


def answers(items, **over) -> list[dict]:
    """All pass by default; `over` maps item order (1-based, "i1"...) to the answer fields to change."""
    base = {1: {"value": "yes"}, 2: {"value": "yes"}, 3: {"number": "3"}, 4: {"note": "无"}}
    rows = []
    for n, item in enumerate(items, start=1):
        rows.append({"item": item.pk, **base[n], **over.get(f"i{n}", {})})
    return rows


def submit_kwargs(world, fill, target=None, **extra) -> dict:
    kwargs = dict(actor=world.inspector_a, target=target or fill.targets[0], client_id=uuid.uuid4(), visit=visit(),
                  answers=answers(fill.items), answer_photos={})
    kwargs.update(extra)
    return kwargs


__all__ = ["ITEMS", "Fill", "answers", "fill_fixture", "make_inspector", "make_round", "png", "submit_kwargs", "visit"]
