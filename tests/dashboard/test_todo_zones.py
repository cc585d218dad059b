"""zones' to-do sources (dudao/zones/todo.py): schools due a visit this month, visit records to sign, complaints,
cross-supervision due. Each item disappears when the real service does the action; nothing of another district;
the month and the urgency follow the Beijing date at 00:30 and 23:30; a constant number of queries."""

import datetime
import uuid
import zoneinfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dudao.core.registries import todo_sources
from dudao.dashboard.selectors.todos import my_todos
from dudao.schools.models import School
from dudao.zones import services
from dudao.zones.models import Assignment, Complaint, Visit, VisitStatus
from dudao.zones.services import assignment_set, cross_plan_create, zone_save
from dudao.zones.todo import complaints, cross_due, visits_due, visits_to_sign
from tests.zones.conftest import Posted, make_inspector

BJ = zoneinfo.ZoneInfo("Asia/Shanghai")
NOON = datetime.datetime(2026, 12, 10, 12, 0, tzinfo=BJ)


def at(y, m, d, h, mi):
    return time_machine.travel(datetime.datetime(y, m, d, h, mi, tzinfo=BJ), tick=False)


@pytest.fixture
def posted(world) -> Posted:
    inspector = make_inspector(world.office_a, world.county_a, "DX001", "督学甲", user=world.inspector_a)
    other = make_inspector(world.office_a, world.county_a, "DX002", "督学乙", kind="parttime", source="teacher")
    zone = zone_save(actor=world.office_a, code="Z01", name="第一责任区", region=world.county_a, lead=inspector)
    day = datetime.date(2024, 9, 1)
    assignments = [assignment_set(actor=world.office_a, zone=zone, inspector=inspector, school=s, started_on=day)
                   for s in world.schools_a[:3]]
    return Posted(inspector, other, zone, assignments)


def fresh(user):
    """The user again from the database (the scope is cached on the object)."""
    return get_user_model().objects.get(pk=user.pk)


def visit(posted, school, start: datetime.datetime, **extra):
    kwargs = dict(client_id=uuid.uuid4(), inspector=posted.inspector, school=school, started_at=start,
                  ended_at=start + datetime.timedelta(hours=2), methods={"lessons": 2, "tour": 1}, items=["r1", "r7"],
                  narrative="听课两节，巡视校园。")
    kwargs.update(extra)
    return services.visit_submit(actor=posted.inspector.user, **kwargs)[0]


def kinds(user, kind, today=None):
    return [r for r in my_todos(fresh(user), today) if r.todo.kind == kind]


def test_the_sources_are_registered():
    sources = todo_sources()
    for name in ("zones.visit_due", "zones.visit_sign", "zones.complaints", "zones.cross_due"):
        assert name in sources


def test_schools_due_a_visit_this_month_until_visited(world, posted, client):
    with time_machine.travel(NOON, tick=False):
        rows = kinds(world.inspector_a, "zones.visit_due")
        assert sorted(r.todo.object for r in rows) == sorted(f"{s.name} · 12月挂牌督导" for s in world.schools_a[:3])
        assert {r.todo.due for r in rows} == {datetime.date(2026, 12, 31)} and {r.urgency for r in rows} == {"later"}
        first = next(r.todo for r in rows if r.todo.object.startswith(world.schools_a[0].name))
        assert first.url == f"/zones/visits/new/?school={world.schools_a[0].pk}"
        assert first.region_code == world.schools_a[0].region_id
        visit(posted, world.schools_a[0], NOON - datetime.timedelta(days=2))
        rows = kinds(world.inspector_a, "zones.visit_due")
        assert sorted(r.todo.object for r in rows) == sorted(f"{s.name} · 12月挂牌督导" for s in world.schools_a[1:3])
        # the visit form opens on that school
        client.force_login(world.inspector_a)
        html = client.get(f"/zones/visits/new/?school={world.schools_a[1].pk}").content.decode()
        assert f'<option value="{world.schools_a[1].pk}" selected>' in html


def test_no_visit_is_due_in_a_vacation_month(world, posted):
    with at(2026, 7, 15, 10, 0):
        assert kinds(world.inspector_a, "zones.visit_due") == []


def test_the_month_and_the_urgency_follow_the_beijing_date(world, posted):
    school = world.schools_a[0]
    with at(2026, 12, 27, 23, 30):  # four days before the month's end: later
        assert {r.urgency for r in kinds(world.inspector_a, "zones.visit_due")} == {"later"}
    with at(2026, 12, 28, 0, 30):  # three days before (UTC is still the 27th): soon
        assert {r.urgency for r in kinds(world.inspector_a, "zones.visit_due")} == {"soon"}
    with at(2026, 12, 31, 23, 30):
        visit(posted, school, datetime.datetime(2026, 12, 31, 20, 0, tzinfo=BJ))
        rows = kinds(world.inspector_a, "zones.visit_due")
        assert school.name not in " ".join(r.todo.object for r in rows) and {r.urgency for r in rows} == {"soon"}
    with at(2027, 1, 1, 0, 30):  # a new month in Beijing (UTC is still 31 December): the visit counts no more
        rows = kinds(world.inspector_a, "zones.visit_due")
        assert f"{school.name} · 1月挂牌督导" in [r.todo.object for r in rows]
        assert {r.todo.due for r in rows} == {datetime.date(2027, 1, 31)}


def test_the_school_signs_its_visit_records(world, posted):
    with time_machine.travel(NOON, tick=False):
        v = visit(posted, world.schools_a[0], NOON - datetime.timedelta(days=1))
        visit(posted, world.schools_a[1], NOON - datetime.timedelta(days=1))  # another school's: not principal_a's
        rows = kinds(world.principal_a, "zones.visit_sign")
        assert [(r.todo.title, r.todo.url, r.todo.due) for r in rows] == [
            ("签收督导纪实", f"/zones/visits/{v.pk}/", None)]
        assert "督学督学甲" in rows[0].todo.object and world.schools_a[0].name in rows[0].todo.object
        services.visit_sign(actor=world.principal_a, visit=v)
        assert kinds(world.principal_a, "zones.visit_sign") == []


def test_complaints_move_from_the_inspector_to_the_office(world, posted, client):
    with time_machine.travel(NOON, tick=False):
        # from the public page: no registering user; handed to the responsible inspector automatically
        public = services.complaint_receive(actor=None, school=world.schools_a[0], kind="report", channel="public_page",
                                            content="反映学校违规收取资料费。", submit_ip="127.0.0.1")
        orphan = services.complaint_receive(actor=world.office_a, school=world.schools_a[4], kind="complaint",
                                            channel="letter", content="来信反映课间不让学生出教室。")
        mine = kinds(world.inspector_a, "zones.complaint")
        assert [(r.todo.title, r.todo.url) for r in mine] == [("核实投诉举报", f"/zones/complaints/{public.pk}/")]
        assert mine[0].todo.object == f"{world.schools_a[0].name} · 举报 {public.number}"
        office = kinds(world.office_a, "zones.complaint")
        assert [(r.todo.title, r.todo.url) for r in office] == [("交办投诉举报", f"/zones/complaints/{orphan.pk}/")]
        # the public complaint renders in the API too
        client.force_login(world.inspector_a)
        tasks = client.get("/api/v1/me/tasks").json()
        assert any(t["kind"] == "zones.complaint" and public.number in t["object"] for t in tasks)

        public = services.complaint_advance(actor=world.inspector_a, complaint=public, to_status="verified",
                                            verification="经核实属实。", substantiated=True)
        assert [r.todo.title for r in kinds(world.inspector_a, "zones.complaint")] == ["答复投诉举报"]
        public = services.complaint_advance(actor=world.inspector_a, complaint=public, to_status="replied",
                                            reply_channel="none")
        assert kinds(world.inspector_a, "zones.complaint") == []
        assert {r.todo.title for r in kinds(world.office_a, "zones.complaint")} == {"交办投诉举报", "办结投诉举报"}
        services.complaint_advance(actor=world.office_a, complaint=public, to_status="closed")
        services.complaint_advance(actor=world.office_a, complaint=orphan, to_status="assigned",
                                   assigned_to=posted.other)
        assert kinds(world.office_a, "zones.complaint") == []
        assert kinds(world.office_b, "zones.complaint") == []


def test_cross_supervision_due_until_visited(world, posted):
    host = zone_save(actor=world.office_a, code="Z02", name="第二责任区", region=world.county_a)
    assignment_set(actor=world.office_a, zone=host, inspector=posted.other, school=world.schools_a[3],
                   started_on=datetime.date(2024, 9, 1))
    with time_machine.travel(NOON, tick=False):
        plan = cross_plan_create(actor=world.office_a, visiting_zone=posted.zone, host_zone=host,
                                 planned_on=datetime.date(2026, 12, 12), inspectors=[posted.inspector])
        rows = kinds(world.inspector_a, "zones.cross_due")
        assert [(r.todo.title, r.todo.due, r.urgency, r.todo.url) for r in rows] == [
            ("交叉督导到校督导", datetime.date(2026, 12, 12), "soon", "/zones/visits/new/?reason=cross")]
        assert rows[0].todo.key == f"zones.cross:{plan.pk}" and "第二责任区" in rows[0].todo.object
        assert kinds(world.office_b, "zones.cross_due") == []
    with at(2026, 12, 13, 9, 0):
        assert [r.urgency for r in kinds(world.inspector_a, "zones.cross_due")] == ["overdue"]
        visit(posted, world.schools_a[3], datetime.datetime(2026, 12, 13, 6, 30, tzinfo=BJ), reason="cross")
        assert kinds(world.inspector_a, "zones.cross_due") == []


def test_another_district_sees_nothing(world, posted):
    with time_machine.travel(NOON, tick=False):
        visit(posted, world.schools_a[0], NOON - datetime.timedelta(days=1))
        services.complaint_receive(actor=None, school=world.schools_a[0], kind="report", channel="public_page",
                                   content="反映学校违规收取资料费。", submit_ip="127.0.0.1")
        services.complaint_receive(actor=world.office_a, school=world.schools_a[4], kind="complaint",
                                   channel="letter", content="来信反映课间不让学生出教室。")
        assert my_todos(fresh(world.office_a))  # district A's office has work
        today = datetime.date(2026, 12, 10)
        for source in (visits_due, visits_to_sign, complaints, cross_due):
            assert source(fresh(world.office_b), today) == [], source.__name__
        assert my_todos(fresh(world.office_b)) == []


def _many(world, posted, n: int) -> None:
    """n schools of the inspector with nothing done this month, n visit records for principal_a to sign, n complaints
    for the inspector and n for the office (bulk rows: the sources' reads are what is measured)."""
    town = world.schools_a[0].region
    schools = School.objects.bulk_create([School(code=f"19901029{k:02d}", name=f"甲区测试小学{k}", school_type="primary",
                                                 region=town, ownership="public", urban_rural="urban")
                                          for k in range(n)])
    Assignment.objects.bulk_create([Assignment(zone=posted.zone, inspector=posted.inspector, school=s,
                                               started_on=datetime.date(2024, 9, 1), created_by=world.office_a)
                                    for s in schools])
    start = NOON - datetime.timedelta(days=40)
    Visit.objects.bulk_create([Visit(inspector=posted.inspector, school=world.schools_a[0], started_at=start,
                                     ended_at=start + datetime.timedelta(hours=1), minutes_on_site=60, narrative="纪实",
                                     status=VisitStatus.SUBMITTED, created_by=world.inspector_a) for _k in range(n)])
    Complaint.objects.bulk_create([Complaint(number=f"TSX{k:04d}{s}", school=world.schools_a[k % 3 if s == "i" else 4],
                                             kind="complaint", channel="hotline", content="反映的问题。", received_at=NOON,
                                             assigned_to=posted.inspector if s == "i" else None,
                                             status="assigned" if s == "i" else "received")
                                   for k in range(n) for s in ("i", "o")])


def _queries(user) -> tuple[int, int]:
    user = fresh(user)
    with CaptureQueriesContext(connection) as queries:
        rows = my_todos(user)
    return len(queries.captured_queries), len(rows)


@pytest.mark.parametrize("who", ["inspector_a", "principal_a", "office_a"])
def test_a_constant_number_of_queries(world, posted, who):
    with time_machine.travel(NOON, tick=False):
        _many(world, posted, 1)
        one, rows_one = _queries(getattr(world, who))
    # 30 of each kind, in a fresh database state
    Visit.objects.all().delete()
    Complaint.objects.all().delete()
    Assignment.objects.filter(school__code__startswith="19901029").delete()
    School.objects.filter(code__startswith="19901029").delete()
    with time_machine.travel(NOON, tick=False):
        _many(world, posted, 30)
        thirty, rows_thirty = _queries(getattr(world, who))
    assert rows_thirty > rows_one >= 1
    assert thirty == one, (one, thirty)
