"""Training events (issue 24 item 1): the workflow, capacity (also under concurrency), the QR token rules (expired,
forged, another session, second scan, someone else, concurrency), the sign-in window at 00:30 / 23:30 Beijing,
completion → exactly one training record, reopened or retried."""

import datetime
import threading
from decimal import Decimal
from unittest import mock

import pytest
from django.core import signing
from django.db import connection
from django.utils import timezone

from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog, Policy
from dudao.core.roles import Role
from dudao.core.services import role_assign, user_create
from dudao.people.models import Expert, Inspector, SchoolSupervisor, Training
from dudao.workforce.models import (
    TrainingAttendance,
    TrainingEnrolment,
    TrainingEnrolmentStatus,
    TrainingEvent,
    TrainingEventStatus,
    TrainingEventTransition,
)
from dudao.workforce.services import training as services
from tests.conftest import PASSWORD

BJ = datetime.timezone(datetime.timedelta(hours=8))


def bj(y, m, d, hh, mm=0, ss=0):
    return datetime.datetime(y, m, d, hh, mm, ss, tzinfo=BJ)


def _inspector(world, n, user=None, region=None):
    return Inspector.objects.create(card_no=f"T{n:04d}", name=f"督学{n}", phone="1", kind="parttime",
                                    source="teacher", region=region or world.county_a, appointed_on=datetime.date(2024, 1, 1),
                                    term_start=datetime.date(2024, 1, 1), user=user)


def _user(world, name):
    return user_create(actor=world.admin, username=name, full_name=name, password=PASSWORD)


class TW:
    pass


@pytest.fixture
def tw(world):
    """An open district event (2 sessions today and tomorrow... fixed dates) with trainees of each audience."""
    t = TW()
    t.world = world
    t.today = datetime.date(2026, 3, 10)
    t.ins_user = world.inspector_a
    t.inspector = _inspector(world, 1, world.inspector_a)
    t.other_user = _user(world, "trainee2")
    t.other = _inspector(world, 2, t.other_user)
    t.expert = Expert.objects.create(name="专家甲", phone="1", id_key="E1", categories="safety",
                                     region=world.county_a, user=world.expert)
    t.sup_user = _user(world, "sup1")
    role_assign(actor=world.admin, user=t.sup_user, role=Role.SCHOOL, school=world.schools_a[0])
    t.supervisor = SchoolSupervisor.objects.create(school=world.schools_a[0], name="管理员甲", phone="1",
                                                   appointed_on=datetime.date(2025, 9, 1), user=t.sup_user)
    t.event = services.event_create(actor=world.office_a, region=world.county_a, data={
        "title": "2026年兼职督学专项督导培训", "level": "district", "kind": "special", "starts_on": t.today,
        "ends_on": t.today + datetime.timedelta(days=1), "is_online": False, "place": "区教育局三楼会议室",
        "hours": "12", "credits": "1.5", "audience": ["inspector", "expert", "supervisor", "staff"],
        "capacity": 10, "self_enrol": True, "completion_percent": ""})
    t.s1 = services.session_add(actor=world.office_a, event=t.event, title="上午：督导规程",
                                starts_at=bj(2026, 3, 10, 9), ends_at=bj(2026, 3, 10, 12))
    t.s2 = services.session_add(actor=world.office_a, event=t.event, title="下午：案例研讨",
                                starts_at=bj(2026, 3, 10, 14), ends_at=bj(2026, 3, 10, 17))
    t.s3 = services.session_add(actor=world.office_a, event=t.event, title="次日：系统操作",
                                starts_at=bj(2026, 3, 11, 9), ends_at=bj(2026, 3, 11, 12))
    t.s4 = services.session_add(actor=world.office_a, event=t.event, title="次日：考核",
                                starts_at=bj(2026, 3, 11, 14), ends_at=bj(2026, 3, 11, 16))
    t.s5 = services.session_add(actor=world.office_a, event=t.event, title="次日：总结",
                                starts_at=bj(2026, 3, 11, 16), ends_at=bj(2026, 3, 11, 17))
    t.event, _ = services.event_transition(actor=world.office_a, event=t.event, to=TrainingEventStatus.OPEN)
    return t


def token_at(session, moment):
    with mock.patch("django.core.signing.time.time", return_value=moment.timestamp()):
        return services.sign_in_token(session)


def sign(t, user, session, at, token_time=None, **kw):
    token = token_at(session, token_time or at)
    with mock.patch("django.core.signing.time.time", return_value=at.timestamp()):
        return services.sign_in(actor=user, token=token, now=at, **kw)


def test_policy_default_completion_and_workflow(tw):
    assert tw.event.completion_percent == 80
    assert [t.to_status for t in TrainingEventTransition.objects.filter(event=tw.event)] == ["draft", "open"]
    with pytest.raises(ApplicationError, match="可转到：已结束"):
        services.event_transition(actor=tw.world.office_a, event=tw.event, to=TrainingEventStatus.DRAFT)
    with pytest.raises(PermissionDenied):
        services.event_transition(actor=tw.world.office_b, event=tw.event, to=TrainingEventStatus.CLOSED)
    empty = services.event_create(actor=tw.world.office_a, region=tw.world.county_a, data={
        "title": "无场次", "level": "district", "kind": "online", "starts_on": tw.today, "ends_on": tw.today,
        "is_online": True, "hours": "2", "audience": ["inspector"], "capacity": 5, "completion_percent": "100"})
    with pytest.raises(ApplicationError, match="至少一个培训场次"):
        services.event_transition(actor=tw.world.office_a, event=empty, to=TrainingEventStatus.OPEN)


@pytest.mark.parametrize("field,value,message", [
    ("title", "  ", "培训名称"), ("level", "galactic", "培训级别"), ("kind", "x", "培训类别"),
    ("hours", "abc", "学时须为数字"), ("hours", "-1", "学时须在"), ("hours", "NaN", "学时须在"),
    ("hours", "1.25", "一位小数"), ("hours", "0", "大于 0"), ("capacity", "0", "名额须在"),
    ("capacity", "1e9", "名额须为整数"), ("completion_percent", "101", "结业要求"), ("audience", ["root"], "培训对象"),
    ("audience", [], "培训对象"), ("ends_on", datetime.date(2026, 1, 1), "结束日期不能早于"), ("place", "", "培训地点"),
])
def test_event_hostile_inputs_refused(world, field, value, message):
    data = {"title": "培训", "level": "district", "kind": "special", "starts_on": datetime.date(2026, 3, 1),
            "ends_on": datetime.date(2026, 3, 2), "is_online": False, "place": "礼堂", "hours": "8",
            "audience": ["inspector"], "capacity": 5, "completion_percent": "80"}
    data[field] = value
    with pytest.raises(ApplicationError, match=message):
        services.event_create(actor=world.office_a, region=world.county_a, data=data)
    assert not TrainingEvent.objects.exists()


def test_only_the_office_of_the_region_creates(world):
    data = {"title": "培训", "level": "district", "kind": "special", "starts_on": datetime.date(2026, 3, 1),
            "ends_on": datetime.date(2026, 3, 2), "is_online": True, "hours": "8", "audience": ["inspector"],
            "capacity": 5}
    for actor in (world.office_b, world.inspector_a, world.leader_a):
        with pytest.raises(PermissionDenied):
            services.event_create(actor=actor, region=world.county_a, data=data)


def test_session_outside_event_dates_refused(tw):
    with pytest.raises(ApplicationError, match="培训日期"):
        services.session_add(actor=tw.world.office_a, event=tw.event, title="越界",
                             starts_at=bj(2026, 3, 12, 0, 30), ends_at=bj(2026, 3, 12, 1))
    # 23:30 on the last day (15:30 UTC) is inside; 00:30 on the day after is not (above)
    services.session_add(actor=tw.world.office_a, event=tw.event, title="夜场", starts_at=bj(2026, 3, 11, 23),
                         ends_at=bj(2026, 3, 11, 23, 59))


# ---- enrolment and capacity --------------------------------------------------------------------------------------

def test_enrolment_by_office_and_by_self_and_refusals(tw):
    w = tw.world
    services.enrol(actor=w.office_a, event=tw.event, person=tw.inspector)
    services.enrol(actor=tw.sup_user, event=tw.event, person=tw.supervisor)
    services.enrol(actor=w.office_a, event=tw.event, person=w.office_a)  # office staff
    with pytest.raises(ApplicationError, match="已报名"):
        services.enrol(actor=w.office_a, event=tw.event, person=tw.inspector)
    with pytest.raises(PermissionDenied, match="只能为本人报名"):
        services.enrol(actor=tw.ins_user, event=tw.event, person=tw.other)
    outsider = _inspector(w, 9, region=w.county_b)
    with pytest.raises(ApplicationError, match="不在本次培训的主办地区"):
        services.enrol(actor=w.office_a, event=tw.event, person=outsider)
    with pytest.raises(ApplicationError, match="只有本地区督导室的工作人员"):
        services.enrol(actor=w.office_a, event=tw.event, person=w.office_b)
    tw.event.refresh_from_db()
    assert tw.event.enrolled_count == 3
    services.withdraw(actor=tw.sup_user, enrolment=TrainingEnrolment.objects.get(supervisor=tw.supervisor))
    tw.event.refresh_from_db()
    assert tw.event.enrolled_count == 2
    with pytest.raises(PermissionDenied):
        services.withdraw(actor=tw.sup_user, enrolment=TrainingEnrolment.objects.get(inspector=tw.inspector))
    again = services.enrol(actor=tw.sup_user, event=tw.event, person=tw.supervisor)  # taken up again
    assert again.status == TrainingEnrolmentStatus.ENROLLED and TrainingEnrolment.objects.count() == 3


def test_self_enrolment_refused_when_office_enrols(tw):
    tw.event.self_enrol = False
    tw.event.save()
    with pytest.raises(ApplicationError, match="统一报名"):
        services.enrol(actor=tw.ins_user, event=tw.event, person=tw.inspector)


def test_audience_excludes_experts(tw):
    tw.event.audience = ["inspector"]
    tw.event.save()
    with pytest.raises(ApplicationError, match="不包括督导评估专家"):
        services.enrol(actor=tw.world.office_a, event=tw.event, person=tw.expert)


def test_capacity_refused_and_nothing_changes(tw):
    tw.event.capacity = 2
    tw.event.save()
    services.enrol(actor=tw.world.office_a, event=tw.event, person=tw.inspector)
    services.enrol(actor=tw.world.office_a, event=tw.event, person=tw.expert)
    with pytest.raises(ApplicationError, match="名额已满（2 人）"):
        services.enrol(actor=tw.world.office_a, event=tw.event, person=tw.other)
    assert TrainingEnrolment.objects.count() == 2
    tw.event.refresh_from_db()
    assert tw.event.enrolled_count == 2
    with pytest.raises(ApplicationError, match="不能少于已报名人数（2 人）"):
        services.event_update(actor=tw.world.office_a, event=tw.event, data={
            **{f: getattr(tw.event, f) for f in services.EVENT_FIELDS}, "capacity": 1})
    tw.event.refresh_from_db()
    assert tw.event.capacity == 2


def test_capacity_counter_is_a_conditional_update(tw):
    """The last seat: a stale event object (enrolled_count read before another request took the seat) still
    cannot overfill, because the seat is taken by `UPDATE … WHERE enrolled_count < capacity`."""
    tw.event.capacity = 1
    tw.event.save()
    stale = TrainingEvent.objects.get(pk=tw.event.pk)
    services.enrol(actor=tw.world.office_a, event=tw.event, person=tw.inspector)
    assert stale.enrolled_count == 0
    with pytest.raises(ApplicationError, match="名额已满"):
        services._take_seat(stale)


@pytest.mark.django_db(transaction=True)
def test_capacity_under_concurrent_enrolments(world):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is exercised on PostgreSQL")
    event = services.event_create(actor=world.office_a, region=world.county_a, data={
        "title": "并发报名", "level": "district", "kind": "online", "starts_on": datetime.date(2026, 3, 1),
        "ends_on": datetime.date(2026, 3, 1), "is_online": True, "hours": "2", "audience": ["inspector"],
        "capacity": 3})
    services.session_add(actor=world.office_a, event=event, title="直播", starts_at=bj(2026, 3, 1, 9),
                         ends_at=bj(2026, 3, 1, 11))
    services.event_transition(actor=world.office_a, event=event, to=TrainingEventStatus.OPEN)
    people = [_inspector(world, 100 + i) for i in range(8)]
    outcomes, barrier = [], threading.Barrier(8)

    def go(person):
        barrier.wait()
        try:
            services.enrol(actor=world.office_a, event=event, person=person)
            outcomes.append("ok")
        except ApplicationError:
            outcomes.append("full")
        finally:
            connection.close()

    threads = [threading.Thread(target=go, args=(p,)) for p in people]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert outcomes.count("ok") == 3 and outcomes.count("full") == 5
    assert TrainingEnrolment.objects.filter(event=event).count() == 3
    assert TrainingEvent.objects.get(pk=event.pk).enrolled_count == 3


# ---- the QR token ------------------------------------------------------------------------------------------------

def test_sign_in_signs_the_logged_in_user_once(tw):
    services.enrol(actor=tw.world.office_a, event=tw.event, person=tw.inspector)
    attendance, created = sign(tw, tw.ins_user, tw.s1, bj(2026, 3, 10, 9, 5))
    assert created and attendance.enrolment.inspector == tw.inspector
    again, created = sign(tw, tw.ins_user, tw.s1, bj(2026, 3, 10, 9, 6))
    assert not created and again.pk == attendance.pk and again.at == attendance.at
    assert TrainingAttendance.objects.count() == 1
    assert AuditLog.objects.filter(action="workforce.training_sign_in").count() == 1


def test_expired_token_refused(tw):
    services.enrol(actor=tw.world.office_a, event=tw.event, person=tw.inspector)
    with pytest.raises(ApplicationError, match="已过期"):
        sign(tw, tw.ins_user, tw.s1, bj(2026, 3, 10, 9, 5), token_time=bj(2026, 3, 10, 9, 2, 0))
    # within two rotation intervals (2 × 60 s) it is accepted
    sign(tw, tw.ins_user, tw.s1, bj(2026, 3, 10, 9, 5), token_time=bj(2026, 3, 10, 9, 3, 30))
    Policy.objects.create(key="workforce.training_qr_rotate_seconds", region_code="", value=30)
    with pytest.raises(ApplicationError, match="已过期"):
        sign(tw, tw.ins_user, tw.s2, bj(2026, 3, 10, 14, 5), token_time=bj(2026, 3, 10, 14, 3, 30))


# Tokens are built inside the test: a signed token carries a timestamp, and a
# parameter made at collection time differs between xdist workers (ids must not).
FORGED_TOKENS = {
    "empty": lambda: "",
    "too_long": lambda: "x" * 301,
    "not_signed": lambda: "abc",
    "bad_signature": lambda: "eyJzIjoxfQ:1tXyZ:forged",
    "another_salt": lambda: signing.dumps({"s": 1, "e": 1}, salt="another.salt"),
    "string_session": lambda: signing.dumps({"s": "1", "e": 1}, salt=services.TOKEN_SALT),
    "list_payload": lambda: signing.dumps([1, 2], salt=services.TOKEN_SALT),
}


@pytest.mark.parametrize("kind", list(FORGED_TOKENS))
def test_forged_or_malformed_tokens_refused(tw, kind):
    token = FORGED_TOKENS[kind]()
    services.enrol(actor=tw.world.office_a, event=tw.event, person=tw.inspector)
    with pytest.raises(ApplicationError, match="无效"):
        services.sign_in(actor=tw.ins_user, token=token, now=bj(2026, 3, 10, 9, 5))
    assert not TrainingAttendance.objects.exists()


def test_token_of_another_session_or_event_refused(tw):
    services.enrol(actor=tw.world.office_a, event=tw.event, person=tw.inspector)
    at = bj(2026, 3, 10, 9, 5)
    with pytest.raises(ApplicationError, match="不是本场次"):
        sign(tw, tw.ins_user, tw.s1, at, session_id=tw.s2.pk)
    with pytest.raises(ApplicationError, match="不是本培训活动"):
        sign(tw, tw.ins_user, tw.s1, at, event_id=tw.event.pk + 1000)
    # a token naming a session of another event than the one it was made for
    forged = signing.dumps({"s": tw.s1.pk, "e": tw.event.pk + 1}, salt=services.TOKEN_SALT)
    with pytest.raises(ApplicationError, match="场次不存在"):
        services.sign_in(actor=tw.ins_user, token=forged, now=at)
    assert not TrainingAttendance.objects.exists()


def test_nobody_signs_in_for_someone_else(tw):
    """The token names a session, never a person: whoever is logged in is the one signed in."""
    services.enrol(actor=tw.world.office_a, event=tw.event, person=tw.inspector)
    services.enrol(actor=tw.world.office_a, event=tw.event, person=tw.other)
    sign(tw, tw.other_user, tw.s1, bj(2026, 3, 10, 9, 5))
    assert list(TrainingAttendance.objects.values_list("enrolment__inspector", flat=True)) == [tw.other.pk]
    with pytest.raises(PermissionDenied):
        services.sign_in(actor=mock.Mock(is_authenticated=False), token="x")


def test_outside_the_window_and_event_closed_refused(tw):
    services.enrol(actor=tw.world.office_a, event=tw.event, person=tw.inspector)
    with pytest.raises(ApplicationError, match="不在签到时间内：本场次签到时间为 03月10日 08:30 至 03月10日 12:00"):
        sign(tw, tw.ins_user, tw.s1, bj(2026, 3, 10, 8, 29))
    with pytest.raises(ApplicationError, match="不在签到时间内"):
        sign(tw, tw.ins_user, tw.s1, bj(2026, 3, 10, 12, 1))
    sign(tw, tw.ins_user, tw.s1, bj(2026, 3, 10, 8, 30))  # the early edge is inside
    services.event_transition(actor=tw.world.office_a, event=tw.event, to=TrainingEventStatus.CLOSED)
    with pytest.raises(ApplicationError, match="已结束，不能签到"):
        sign(tw, tw.ins_user, tw.s2, bj(2026, 3, 10, 14, 5))


def test_window_edges_at_00_30_and_23_30_beijing(world):
    """Sessions just after and before midnight Beijing time (16:30 and 15:30 UTC of the previous/same UTC day):
    the window is taken on aware times, so the local day never shifts."""
    event = services.event_create(actor=world.office_a, region=world.county_a, data={
        "title": "夜间线上培训", "level": "province", "kind": "online", "starts_on": datetime.date(2026, 6, 1),
        "ends_on": datetime.date(2026, 6, 2), "is_online": True, "hours": "2", "audience": ["inspector"],
        "capacity": 5})
    late = services.session_add(actor=world.office_a, event=event, title="23 点场", starts_at=bj(2026, 6, 1, 23, 0),
                                ends_at=bj(2026, 6, 1, 23, 45))
    early = services.session_add(actor=world.office_a, event=event, title="0 点场", starts_at=bj(2026, 6, 2, 0, 15),
                                 ends_at=bj(2026, 6, 2, 1, 0))
    services.event_transition(actor=world.office_a, event=event, to=TrainingEventStatus.OPEN)
    inspector = _inspector(world, 7, world.inspector_a)
    services.enrol(actor=world.office_a, event=event, person=inspector)

    class T:
        pass
    t = T()
    _, created = sign(t, world.inspector_a, late, bj(2026, 6, 1, 23, 30))
    assert created
    _, created = sign(t, world.inspector_a, early, bj(2026, 6, 2, 0, 30))
    assert created
    with pytest.raises(ApplicationError, match="不在签到时间内"):
        sign(t, world.inspector_a, early, bj(2026, 6, 2, 1, 30))
    # the session's local day is 2 June though its UTC day is 1 June
    assert early.starts_at.astimezone(datetime.UTC).date() == datetime.date(2026, 6, 1)
    assert timezone.localtime(early.starts_at).date() == datetime.date(2026, 6, 2)


def test_not_enrolled_auto_enrols_when_open_and_room(tw):
    _, created = sign(tw, tw.ins_user, tw.s1, bj(2026, 3, 10, 9, 5))
    assert created and TrainingEnrolment.objects.get().inspector == tw.inspector
    tw.event.self_enrol = False
    tw.event.save()
    with pytest.raises(ApplicationError, match="未报名本次培训"):
        sign(tw, tw.other_user, tw.s1, bj(2026, 3, 10, 9, 5))
    stranger = _user(tw.world, "stranger")
    with pytest.raises(ApplicationError, match="不是本次培训的培训对象"):
        sign(tw, stranger, tw.s1, bj(2026, 3, 10, 9, 5))


def test_auto_enrol_refused_when_full(tw):
    tw.event.capacity = 1
    tw.event.save()
    services.enrol(actor=tw.world.office_a, event=tw.event, person=tw.inspector)
    with pytest.raises(ApplicationError, match="名额已满"):
        sign(tw, tw.other_user, tw.s1, bj(2026, 3, 10, 9, 5))
    assert not TrainingAttendance.objects.exists()


def test_simultaneous_second_scan_meets_the_unique_constraint(tw):
    """The race on SQLite: both scans pass the 'already signed?' read; the second insert hits the constraint and
    answers 已签到 with the first row."""
    enrolment = services.enrol(actor=tw.world.office_a, event=tw.event, person=tw.inspector)
    first = TrainingAttendance.objects.create(session=tw.s1, enrolment=enrolment, at=bj(2026, 3, 10, 9, 4))
    real_filter = TrainingAttendance.objects.filter

    class Blind:
        def first(self):
            return None

    with mock.patch.object(TrainingAttendance.objects, "filter",
                           side_effect=lambda *a, **k: Blind() if "session" in k and len(k) == 2 else real_filter(*a, **k)):
        attendance, created = sign(tw, tw.ins_user, tw.s1, bj(2026, 3, 10, 9, 5))
    assert not created and attendance.pk == first.pk and TrainingAttendance.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_scans_one_row(world):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race is exercised on PostgreSQL")
    event = services.event_create(actor=world.office_a, region=world.county_a, data={
        "title": "并发签到", "level": "district", "kind": "online", "starts_on": timezone.localdate(),
        "ends_on": timezone.localdate(), "is_online": True, "hours": "2", "audience": ["inspector"], "capacity": 5})
    now = timezone.now()
    session = services.session_add(actor=world.office_a, event=event, title="直播",
                                   starts_at=max(now - datetime.timedelta(minutes=5),
                                                 timezone.localtime(now).replace(hour=0, minute=0, second=1)),
                                   ends_at=min(now + datetime.timedelta(minutes=30),
                                               timezone.localtime(now).replace(hour=23, minute=59, second=59)))
    services.event_transition(actor=world.office_a, event=event, to=TrainingEventStatus.OPEN)
    inspector = _inspector(world, 5, world.inspector_a)
    services.enrol(actor=world.office_a, event=event, person=inspector)
    token = services.sign_in_token(session)
    outcomes, barrier = [], threading.Barrier(6)

    def go():
        barrier.wait()
        try:
            _, created = services.sign_in(actor=world.inspector_a, token=token)
            outcomes.append(created)
        finally:
            connection.close()

    threads = [threading.Thread(target=go) for _ in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert outcomes.count(True) == 1 and outcomes.count(False) == 5
    assert TrainingAttendance.objects.filter(session=session).count() == 1


# ---- completion → records ----------------------------------------------------------------------------------------

def test_closing_writes_each_record_once(tw):
    w = tw.world
    services.enrol(actor=w.office_a, event=tw.event, person=tw.inspector)
    services.enrol(actor=w.office_a, event=tw.event, person=tw.other)
    services.enrol(actor=w.office_a, event=tw.event, person=tw.expert)
    services.enrol(actor=w.office_a, event=tw.event, person=tw.supervisor)
    services.enrol(actor=w.office_a, event=tw.event, person=w.office_a)
    times = {tw.s1: bj(2026, 3, 10, 9), tw.s2: bj(2026, 3, 10, 14), tw.s3: bj(2026, 3, 11, 9),
             tw.s4: bj(2026, 3, 11, 14), tw.s5: bj(2026, 3, 11, 16)}
    for user in (tw.ins_user, w.expert, tw.sup_user, w.office_a):
        for session in (tw.s1, tw.s2, tw.s3, tw.s4):  # 4 of 5 = 80%: completes
            sign(tw, user, session, times[session])
    for session in (tw.s1, tw.s2, tw.s3):  # 3 of 5 = 60%: does not
        sign(tw, tw.other_user, session, times[session])
    event, written = services.event_transition(actor=w.office_a, event=tw.event, to=TrainingEventStatus.CLOSED)
    assert written == 3
    records = Training.objects.order_by("id")
    assert [r.trainee for r in records] == [tw.inspector, tw.expert, tw.supervisor]
    assert {(r.hours, r.credits, r.date, r.title) for r in records} == {
        (Decimal("12.0"), Decimal("1.5"), datetime.date(2026, 3, 11), "2026年兼职督学专项督导培训")}
    staff = TrainingEnrolment.objects.get(staff=w.office_a)
    assert staff.completed and staff.training is None and staff.certificate_no
    other = TrainingEnrolment.objects.get(inspector=tw.other)
    assert not other.completed and not other.certificate_no and other.training is None
    numbers = sorted(TrainingEnrolment.objects.exclude(certificate_no="").values_list("certificate_no", flat=True))
    assert numbers == [f"2026-{event.pk:04d}-00{i}" for i in range(1, 5)]
    # a retried close is refused by the workflow; reopening and closing again writes nothing new
    with pytest.raises(ApplicationError):
        services.event_transition(actor=w.office_a, event=event, to=TrainingEventStatus.CLOSED)
    with pytest.raises(ApplicationError, match="理由"):
        services.event_transition(actor=w.office_a, event=event, to=TrainingEventStatus.OPEN)
    services.event_transition(actor=w.office_a, event=event, to=TrainingEventStatus.OPEN, note="补登一人")
    sign(tw, tw.other_user, tw.s4, times[tw.s4])
    _, written = services.event_transition(actor=w.office_a, event=event, to=TrainingEventStatus.CLOSED)
    assert written == 1 and Training.objects.count() == 4
    assert sorted(TrainingEnrolment.objects.exclude(certificate_no="").values_list("certificate_no", flat=True)) \
        == [f"2026-{event.pk:04d}-00{i}" for i in range(1, 6)]
    services.event_transition(actor=w.office_a, event=event, to=TrainingEventStatus.OPEN, note="再核对")
    _, written = services.event_transition(actor=w.office_a, event=event, to=TrainingEventStatus.CLOSED)
    assert written == 0 and Training.objects.count() == 4


def test_a_hand_typed_record_is_linked_not_duplicated(tw):
    services.enrol(actor=tw.world.office_a, event=tw.event, person=tw.inspector)
    typed = Training.objects.create(inspector=tw.inspector, date=datetime.date(2026, 3, 11),
                                    title="2026年兼职督学专项督导培训", hours=12)
    for at, session in ((bj(2026, 3, 10, 9), tw.s1), (bj(2026, 3, 10, 14), tw.s2), (bj(2026, 3, 11, 9), tw.s3),
                        (bj(2026, 3, 11, 14), tw.s4)):
        sign(tw, tw.ins_user, session, at)
    _, written = services.event_transition(actor=tw.world.office_a, event=tw.event, to=TrainingEventStatus.CLOSED)
    assert written == 0 and Training.objects.count() == 1
    assert TrainingEnrolment.objects.get().training == typed


def test_office_records_attendance_for_someone_without_a_phone(tw):
    enrolment = services.enrol(actor=tw.world.office_a, event=tw.event, person=tw.other)
    with mock.patch("django.utils.timezone.now", return_value=bj(2026, 3, 10, 10)):
        services.attendance_record(actor=tw.world.office_a, session=tw.s1, enrolment=enrolment)
        with pytest.raises(ApplicationError, match="已签到本场次"):
            services.attendance_record(actor=tw.world.office_a, session=tw.s1, enrolment=enrolment)
        with pytest.raises(ApplicationError, match="尚未开始"):
            services.attendance_record(actor=tw.world.office_a, session=tw.s3, enrolment=enrolment)
        with pytest.raises(PermissionDenied):
            services.attendance_record(actor=tw.world.office_b, session=tw.s2, enrolment=enrolment)
    assert TrainingAttendance.objects.get().via == "office"
