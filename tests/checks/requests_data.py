"""因需督导 fixtures: inspector_a's registry record and 挂牌 on schools_a[:3] (so principal_a's school has a 责任督学),
a menu of two topics in district A and one in district B, and helpers to file a request."""

import datetime
import uuid
import zoneinfo
from dataclasses import dataclass

import time_machine
from django.contrib.auth import get_user_model
from django.utils import timezone

from dudao.checks.services import requests as services
from dudao.zones.services import assignment_set, visit_submit, zone_save
from tests.zones.conftest import make_inspector

BJ = zoneinfo.ZoneInfo("Asia/Shanghai")
NOON = datetime.datetime(2026, 12, 10, 12, 0, tzinfo=BJ)


def at(y, m, d, h, mi):
    return time_machine.travel(datetime.datetime(y, m, d, h, mi, tzinfo=BJ), tick=False)


def fresh(user):
    """The user again from the database (the scope is cached on the object)."""
    return get_user_model().objects.get(pk=user.pk)


@dataclass
class Menu:
    inspector: object
    other: object
    far: object
    topics: list
    topic_b: object


def make_menu(world) -> Menu:
    inspector = make_inspector(world.office_a, world.county_a, "DX001", "督学甲", user=world.inspector_a)
    other = make_inspector(world.office_a, world.county_a, "DX002", "督学乙", kind="parttime", source="teacher")
    far = make_inspector(world.office_b, world.county_b, "DX003", "督学丙")
    zone = zone_save(actor=world.office_a, code="Z01", name="第一责任区", region=world.county_a, lead=inspector)
    for school in world.schools_a[:3]:
        assignment_set(actor=world.office_a, zone=zone, inspector=inspector, school=school,
                       started_on=datetime.date(2024, 9, 1))
    topics = [services.topic_create(actor=world.office_a, region=world.county_a, title=t, content=f"{t}的内容",
                                    duration="半天") for t in ("课后服务质量", "校园欺凌防治")]
    topic_b = services.topic_create(actor=world.office_b, region=world.county_b, title="食堂管理", content="食堂")
    return Menu(inspector, other, far, topics, topic_b)


def file_request(world, menu, *, user=None, school="own", unit=None, topic="first", free_topic="", days=(1, 5),
                 reason="希望督学指导课后服务。"):
    user = user or world.principal_a
    school = world.schools_a[0] if school == "own" else school
    today = timezone.localdate()
    return services.request_submit(
        actor=fresh(user), school=school, unit=unit, topic=menu.topics[0] if topic == "first" else topic,
        free_topic=free_topic, reason=reason, preferred_from=today + datetime.timedelta(days=days[0]),
        preferred_to=today + datetime.timedelta(days=days[1]))


def special_visit(menu, school, now, reason="special"):
    """A two-hour visit that ended an hour before `now`."""
    start = now - datetime.timedelta(hours=3)
    return visit_submit(actor=menu.inspector.user, client_id=uuid.uuid4(), inspector=menu.inspector, school=school,
                        started_at=start, ended_at=start + datetime.timedelta(hours=2), methods={"tour": 1},
                        items=["r1"], narrative="应学校申请开展专项督导。", reason=reason,
                        reason_note="因需督导" if reason != "assigned" else "")[0]
