"""挂牌督导 fixtures on top of the personas: inspector_a's registry record, a zone, three assignments."""

import datetime
import io
import uuid
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dudao.people.services import inspector_save
from dudao.zones.services import assignment_set, zone_save


def jpeg(name="photo.jpg", colour=(200, 50, 50)) -> SimpleUploadedFile:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


@dataclass
class Posted:
    inspector: object
    other: object
    zone: object
    assignments: list


def make_inspector(actor, county, card, name, user=None, **extra):
    fields = dict(card_no=card, name=name, phone="13900000000", kind="fulltime", source="official",
                  region_id=county.code, appointed_on=datetime.date(2020, 9, 1), term_start=datetime.date(2020, 9, 1),
                  user_id=user.pk if user else None)
    fields.update(extra)
    return inspector_save(actor=actor, **fields)


@pytest.fixture
def posted(world) -> Posted:
    inspector = make_inspector(world.office_a, world.county_a, "DX001", "督学甲", user=world.inspector_a)
    other = make_inspector(world.office_a, world.county_a, "DX002", "督学乙", kind="parttime", source="teacher")
    zone = zone_save(actor=world.office_a, code="Z01", name="第一责任区", region=world.county_a, lead=inspector)
    day = datetime.date(2024, 9, 1)
    assignments = [assignment_set(actor=world.office_a, zone=zone, inspector=inspector, school=s, started_on=day)
                   for s in world.schools_a[:3]]
    return Posted(inspector, other, zone, assignments)


def visit_kwargs(posted, school, **extra):
    start = timezone.now() - datetime.timedelta(days=1)
    kwargs = dict(client_id=uuid.uuid4(), inspector=posted.inspector, school=school, started_at=start,
                  ended_at=start + datetime.timedelta(hours=3), methods={"lessons": 2, "tour": 1}, items=["r1", "r7"],
                  narrative="听课两节，巡视校园。")
    kwargs.update(extra)
    return kwargs
