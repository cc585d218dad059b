"""rectification's to-do sources (dudao/rectification/todo.py): notices to sign and report on, reports to verify and
file, 督办单 to issue and answer, 约谈 to decide, cases to carry on, 回头看 to re-check. Each item disappears when
the real service does the action; nothing of another district; the urgency follows the Beijing date at 00:30 and
23:30; a constant number of queries whatever the number of items."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dudao.core.models import Role
from dudao.core.registries import todo_sources
from dudao.core.services import role_assign, user_create
from dudao.dashboard.selectors.todos import my_todos
from dudao.rectification import accountability, followup, jobs, notices
from dudao.rectification.models import NoticeStatus, RectificationNotice, SupervisionOrder, Talk
from dudao.rectification.services import finding_raise
from dudao.rectification.todo import notices_for_target, notices_to_check, office_decisions, orders
from dudao.regions.models import GovUnit
from tests.conftest import PASSWORD
from tests.rectification.conftest import Ledger, evidence

BJ = zoneinfo.ZoneInfo("Asia/Shanghai")
NOON = datetime.datetime(2026, 12, 10, 12, 0, tzinfo=BJ)
TODAY = datetime.date(2026, 12, 10)


def at(y, m, d, h, mi):
    return time_machine.travel(datetime.datetime(y, m, d, h, mi, tzinfo=BJ), tick=False)


@pytest.fixture
def ledger(world, settings, tmp_path) -> Ledger:
    settings.MEDIA_ROOT = tmp_path
    bureau = GovUnit.objects.create(code="UA90", name="甲区教育局", kind="department", region=world.county_a,
                                    is_education_authority=True)
    bureau_user = user_create(actor=world.admin, username="bureau_a", full_name="教育局督办员", password=PASSWORD)
    role_assign(actor=world.admin, user=bureau_user, role=Role.UNIT, unit=bureau)
    findings = [raise_(world, world.schools_a[0], text) for text in ("食堂留样记录不全。", "消防通道堆放杂物。")]
    return Ledger(bureau, bureau_user, findings)


def raise_(world, school=None, text="校园安全隐患未消除。", unit=None, office=None):
    return finding_raise(actor=office or world.office_a, source="manual", school=school, unit=unit, category="r6",
                         category_label="校园周边及交通安全", follow_up="suggestion", description=text)


def fresh(user):
    return get_user_model().objects.get(pk=user.pk)


def items(user, kind=None, today=None):
    rows = my_todos(fresh(user), today)
    return [r for r in rows if kind is None or r.todo.kind == kind]


def titles(user, kind=None):
    return [r.todo.title for r in items(user, kind)]


def report(notice, user):
    notices.notice_report(actor=user, notice=notice, reports={
        f.pk: ("已整改。", [evidence()]) for f in notice.findings.all()})


def test_the_sources_are_registered():
    for name in ("rectification.notices", "rectification.checks", "rectification.orders", "rectification.decisions"):
        assert name in todo_sources()


def test_a_notice_from_signing_to_verification(world, ledger):
    with time_machine.travel(NOON, tick=False):
        notice = notices.notice_issue(actor=world.office_a, findings=ledger.findings, days=20)
        rows = items(world.principal_a, "rectification.notice_sign")
        assert [(r.todo.title, r.todo.url, r.todo.due, r.todo.region_code) for r in rows] == [
            ("签收整改通知书", f"/rectification/notices/{notice.pk}/", datetime.date(2026, 12, 30), notice.region_code)]
        assert rows[0].todo.object == f"{world.schools_a[0].name} · {notice.number}"
        notices.notice_acknowledge(actor=world.principal_a, notice=notice)
        assert titles(world.principal_a) == ["提交整改报告"]
        notices.notice_start(actor=world.principal_a, notice=notice)
        assert titles(world.principal_a) == ["提交整改报告"]
        assert items(world.inspector_a) == [] and items(world.office_a, "rectification.notice_verify") == []
        report(notice, world.principal_a)
        assert items(world.principal_a) == []
        notice.refresh_from_db()
        inspector = {r.todo.kind: r.todo for r in items(world.inspector_a)}
        assert set(inspector) == {"rectification.notice_verify", "rectification.notice_file"}
        assert inspector["rectification.notice_verify"].due == notice.verify_due_date
        assert inspector["rectification.notice_file"].due == notice.file_due_date
        assert titles(world.office_a, "rectification.notice_verify") == ["核查整改报告"]  # 验收 by the office too
        notices.notice_file(actor=world.inspector_a, notice=notice)
        assert titles(world.inspector_a) == ["核查整改报告"]
        notices.notice_verify(actor=world.inspector_a, notice=notice, accepted=True)
        assert items(world.inspector_a) == [] and items(world.office_a) == []


def test_one_item_for_a_user_with_two_roles(world, ledger):
    role_assign(actor=world.admin, user=world.inspector_a, role=Role.OFFICE, region=world.county_a)
    with time_machine.travel(NOON, tick=False):
        notice = notices.notice_issue(actor=world.office_a, findings=ledger.findings, days=20)
        notices.notice_acknowledge(actor=world.principal_a, notice=notice)
        report(notice, world.principal_a)
        keys = [r.todo.identity for r in items(world.inspector_a, "rectification.notice_verify")]
        assert keys == [f"rectification.notice:{notice.pk}:verify"]


def test_no_verification_of_ones_own_report(world, ledger):
    role_assign(actor=world.admin, user=world.principal_a, role=Role.OFFICE, region=world.county_a)
    with time_machine.travel(NOON, tick=False):
        notice = notices.notice_issue(actor=world.office_a, findings=ledger.findings, days=20)
        notices.notice_acknowledge(actor=world.principal_a, notice=notice)
        report(notice, world.principal_a)
        assert items(world.principal_a, "rectification.notice_verify") == []


def test_a_unit_signs_its_notice(world, ledger):
    with time_machine.travel(NOON, tick=False):
        notice = notices.notice_issue(actor=world.office_a, findings=[raise_(world, unit=world.unit_a)], days=20)
        rows = items(world.town_a)
        assert [(r.todo.kind, r.todo.object) for r in rows] == [
            ("rectification.notice_sign", f"{world.unit_a.name} · {notice.number}")]
        notices.notice_acknowledge(actor=world.town_a, notice=notice)
        assert titles(world.town_a) == ["提交整改报告"]


def test_an_overdue_notice_is_pressed_and_the_order_answered(world, ledger):
    with time_machine.travel(NOON, tick=False):
        notice = notices.notice_issue(actor=world.office_a, findings=ledger.findings, days=5)
    with at(2026, 12, 16, 9, 0):
        rows = items(world.office_a, "rectification.order_issue")
        assert [(r.todo.title, r.urgency, r.todo.due) for r in rows] == [
            ("整改逾期，下达督办单", "overdue", datetime.date(2026, 12, 15))]
        assert [r.urgency for r in items(world.principal_a)] == ["overdue"]
        order = notices.order_issue(actor=world.office_a, notice=notice)
        assert items(world.office_a, "rectification.order_issue") == []
        rows = items(ledger.bureau_user)
        assert [(r.todo.title, r.todo.url, r.todo.due) for r in rows] == [
            ("签收督办单并反馈落实情况", f"/rectification/orders/{order.pk}/", order.due_date)]
        assert rows[0].todo.object == f"{world.schools_a[0].name} · {order.number}"
        notices.order_respond(actor=ledger.bureau_user, order=order, response="已约见校长，责令整改。")
        assert items(ledger.bureau_user) == []


def test_the_job_and_the_office_decisions(world, ledger):
    """A 督办单 written by the daily job (no actor) and the 约谈 it proposes render; the office decides."""
    with time_machine.travel(NOON, tick=False):
        notice = notices.notice_issue(actor=world.office_a, findings=ledger.findings, days=5)
    with at(2026, 12, 16, 9, 0):
        jobs.run_deadlines()
        order = SupervisionOrder.objects.get(notice=notice)
        assert titles(ledger.bureau_user) == ["签收督办单并反馈落实情况"]
    with at(2027, 1, 20, 9, 0):
        jobs.run_deadlines()  # the 督办单 is overdue too: a 约谈 is proposed by the job
        talk = Talk.objects.get()
        rows = items(world.office_a, "rectification.talk_decide")
        assert [(r.todo.title, r.todo.url, r.todo.due) for r in rows] == [
            ("决定是否约谈", f"/rectification/talks/{talk.pk}/", None)]
        assert rows[0].todo.object.startswith(world.schools_a[0].name)
        assert [r.urgency for r in items(ledger.bureau_user)] == ["overdue"] and order.pk
        accountability.talk_dismiss(actor=world.office_a, talk=talk, reason="已整改到位。")
        assert items(world.office_a, "rectification.talk_decide") == []


def test_cases_and_rechecks(world, ledger):
    with time_machine.travel(NOON, tick=False):
        case = accountability.case_file(actor=world.office_a, target_kind="person", situation="irregular",
                                        facts="违规组织补课。", filed_on=TODAY, school=world.schools_a[0],
                                        person_name="张三", person_post="校长")
        rows = items(world.office_a, "rectification.case_step")
        assert [(r.todo.title, r.todo.due) for r in rows] == [("问责案件：调查认定", case.investigation_due)]
        assert rows[0].todo.object == f"{world.schools_a[0].name} 张三 · {case.number}"
        accountability.case_advance(actor=world.office_a, case=case, step="investigated", on=TODAY, note="查实。")
        rows = items(world.office_a, "rectification.case_step")
        assert [(r.todo.title, r.todo.due) for r in rows] == [("问责案件：书面告知", None)]
        assert items(world.leader_a) == []  # the leader has no step in 问责 (the office records it)

        notice = notices.notice_issue(actor=world.office_a, findings=ledger.findings, days=5)
        notices.notice_acknowledge(actor=world.principal_a, notice=notice)
        report(notice, world.principal_a)
        notices.notice_verify(actor=world.office_a, notice=notice, accepted=True)
        round_ = followup.recheck_draw(actor=world.office_a, region_code=world.county_a.code, closed_from=TODAY,
                                       closed_to=TODAY, size=1, seed=7)
        rows = items(world.office_a, "rectification.recheck")
        assert [(r.todo.title, r.todo.url) for r in rows] == [
            ("回头看复查（待复查 1 个问题）", f"/rectification/rechecks/{round_.pk}/")]
        followup.recheck_record(actor=world.office_a, item=round_.items.get(), passed=True)
        assert items(world.office_a, "rectification.recheck") == []


@pytest.mark.parametrize(("moment", "urgency"), [
    ((2026, 12, 25, 23, 30), "later"),  # four days before the deadline
    ((2026, 12, 26, 0, 30), "soon"),  # three days before (UTC: still the 25th)
    ((2026, 12, 29, 23, 30), "soon"),  # the deadline's day, late evening
    ((2026, 12, 30, 0, 30), "overdue"),  # the next day in Beijing (UTC: still the 29th)
])
def test_urgency_by_the_beijing_date(world, ledger, moment, urgency):
    with time_machine.travel(NOON, tick=False):
        notice = notices.notice_issue(actor=world.office_a, findings=ledger.findings,
                                      due_date=datetime.date(2026, 12, 29))
    assert notice.due_date == datetime.date(2026, 12, 29)
    with at(*moment):
        assert [r.urgency for r in items(world.principal_a)] == [urgency]


def test_another_district_sees_nothing(world, ledger):
    with time_machine.travel(NOON, tick=False):
        notice = notices.notice_issue(actor=world.office_a, findings=ledger.findings, days=5)
        notices.notice_acknowledge(actor=world.principal_a, notice=notice)
        report(notice, world.principal_a)
        other = notices.notice_issue(actor=world.office_a, findings=[raise_(world, world.schools_a[1])], days=3)
        accountability.talk_propose(actor=world.office_a, reason="整改不力。", findings=ledger.findings)
        accountability.case_file(actor=world.office_a, target_kind="unit", situation="safety", facts="安全问题。",
                                 filed_on=TODAY, unit=world.unit_a)
        # and one in district B, which district A's office must not see
        notices.notice_issue(actor=world.office_b, findings=[raise_(world, world.schools_b[0], office=world.office_b)],
                             days=3)
    with at(2026, 12, 20, 9, 0):
        assert {r.todo.kind for r in items(world.office_a)} >= {
            "rectification.notice_verify", "rectification.order_issue", "rectification.talk_decide",
            "rectification.case_step"}
        assert all(r.todo.region_code.startswith(world.county_a.code) for r in items(world.office_a))
        office_b = items(world.office_b)
        assert office_b and all(r.todo.region_code.startswith(world.county_b.code) for r in office_b)
        today = datetime.date(2026, 12, 20)
        for source in (notices_for_target, notices_to_check, orders, office_decisions):
            assert all(t.region_code.startswith(world.county_b.code) for t in source(fresh(world.office_b), today))
        assert f"/rectification/notices/{other.pk}/" not in {r.todo.url for r in items(world.office_b)}


def _many(world, ledger, n: int) -> None:
    """n notices of each state the sources read (issued to principal_a, reported, overdue), n talks and n cases."""
    school = world.schools_a[0]
    for k in range(n):
        for status in (NoticeStatus.ISSUED, NoticeStatus.REPORTED):
            finding = raise_(world, school, f"问题{status}{k}。")
            notice = notices.notice_issue(actor=world.office_a, findings=[finding], days=5)
            if status == NoticeStatus.REPORTED:
                RectificationNotice.objects.filter(pk=notice.pk).update(
                    status=status, reported_at=NOON, verify_due_date=TODAY, file_due_date=TODAY)
        notices.notice_issue(actor=world.office_a, findings=[raise_(world, unit=world.unit_a, text=f"单位问题{k}。")],
                             days=5)
        accountability.talk_propose(actor=world.office_a, reason=f"整改不力{k}。", findings=[finding])
        accountability.case_file(actor=world.office_a, target_kind="unit", situation="safety", facts=f"安全问题{k}。",
                                 filed_on=TODAY, unit=world.unit_a)


def _queries(user, today) -> tuple[int, int]:
    user = fresh(user)
    with CaptureQueriesContext(connection) as queries:
        rows = my_todos(user, today)
    return len(queries.captured_queries), len(rows)


@pytest.mark.parametrize("who", ["principal_a", "inspector_a", "office_a", "town_a"])
def test_a_constant_number_of_queries(world, ledger, who):
    with time_machine.travel(NOON):  # ticking: each manual 约谈 proposal is keyed by its moment
        _many(world, ledger, 1)
    later = datetime.date(2026, 12, 20)  # the issued notices are overdue: the office's 督办单 to issue
    one, rows_one = _queries(getattr(world, who), later)
    with time_machine.travel(NOON + datetime.timedelta(hours=1)):
        _many(world, ledger, 29)
    thirty, rows_thirty = _queries(getattr(world, who), later)
    assert rows_thirty > rows_one >= 1, (rows_one, rows_thirty)
    assert thirty == one, (one, thirty)
