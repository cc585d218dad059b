"""内审 services: the plan range, another district refused, recusal, the workflow in order, frozen text after the
report, the 文号 unique per county and year, findings → 整改 once, hostile inputs."""

import datetime

import pytest
from django.utils import timezone

from dudao.audits.models import AuditCase, AuditCaseStatus, AuditCaseTransition, AuditFinding, AuditTeamMember
from dudao.audits.services import cases as services
from dudao.audits.services import reports
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import AuditLog, Role
from dudao.rectification.models import Finding, FindingSource
from tests.audits.cases_data import approve, case_kwargs, inspector, issued, make_case, person, plan, started

pytestmark = pytest.mark.django_db


def test_a_school_of_another_district_is_refused(world):
    the_plan = plan(world)
    with pytest.raises(ApplicationError, match="不在本区（县）"):
        make_case(world, the_plan, school=world.schools_b[0])
    assert not AuditCase.objects.exists()


def test_another_districts_office_may_not_add_to_the_plan(world):
    the_plan = plan(world)
    with pytest.raises(PermissionDenied, match="督导室"):
        services.case_create(actor=world.office_b, plan=the_plan, **case_kwargs(world))
    with pytest.raises(PermissionDenied):
        services.plan_create(actor=world.office_b, region=world.county_a, year=timezone.localdate().year)


def test_plan_outside_the_range_needs_a_reason_to_be_approved(world):
    the_plan = plan(world)
    make_case(world, the_plan)
    assert "少于每年 5 名" in services.plan_warning(the_plan)
    with pytest.raises(ApplicationError, match="请填写说明"):
        services.plan_approve(actor=world.office_a, plan=the_plan)
    services.plan_approve(actor=world.office_a, plan=the_plan, deviation_reason="只有 1 名离任校长。")
    the_plan.refresh_from_db()
    assert the_plan.status == "approved" and the_plan.deviation_reason == "只有 1 名离任校长。"
    with pytest.raises(ApplicationError, match="已批准，不能再增加"):
        make_case(world, the_plan, school=world.schools_a[1])


def test_a_plan_inside_the_range_is_approved_without_a_reason(world):
    the_plan = plan(world)
    for i in range(5):
        make_case(world, the_plan, school=world.schools_a[i], auditee_name=f"校长{i}")
    assert services.plan_warning(the_plan) == ""
    services.plan_approve(actor=world.office_a, plan=the_plan)
    with pytest.raises(ApplicationError, match="计划年度"):
        services.plan_create(actor=world.office_a, region=world.county_a, year="2099")
    with pytest.raises(ApplicationError, match="已存在"):
        plan(world)


@pytest.mark.parametrize("field,value,message", [
    ("term_to", datetime.date(2017, 1, 1), "不能早于任职起始"),
    ("period_from", datetime.date(2010, 1, 1), "任职期间之内"),
    ("auditee_position", "king", "职务"),
    ("reason", "", "审计类型"),
    ("auditee_name", "  ", "被审计人姓名"),
    ("auditee_name", "王" * 65, "不能超过"),
    ("fieldwork_to", None, "同时填写"),
    ("term_from", "2020-13-40", "不是有效的日期"),
])
def test_bad_case_input_is_refused(world, field, value, message):
    the_plan = plan(world)
    with pytest.raises(ApplicationError, match=message):
        make_case(world, the_plan, **{field: value})
    assert not AuditCase.objects.exists()


def test_in_office_audit_needs_no_end_of_term(world):
    case = make_case(world, reason="in_office", term_to=None)
    assert case.term_to is None and case.status == AuditCaseStatus.PLANNED


def test_recusal(world):
    case = make_case(world, auditee_user=world.principal_a)
    home = inspector(world, home=world.schools_a[0], card="DX-H", name="本校督学")
    with pytest.raises(ApplicationError, match="本人所在学校是被审计学校"):
        services.team_add(actor=world.office_a, case=case, role="member", inspector=home)
    auditee_inspector = inspector(world, user=world.principal_a, card="DX-U", name="王建国")
    with pytest.raises(ApplicationError, match="被审计人，须回避"):
        services.team_add(actor=world.office_a, case=case, role="member", inspector=auditee_inspector)
    school_user = person(world, "teacher_a", Role.SCHOOL, school=world.schools_a[0])
    school_inspector = inspector(world, user=school_user, card="DX-S", name="学校督学")
    with pytest.raises(ApplicationError, match="学校用户，须回避"):
        services.team_add(actor=world.office_a, case=case, role="member", inspector=school_inspector)
    with pytest.raises(ApplicationError, match="与被审计人同名"):
        services.team_add(actor=world.office_a, case=case, role="member", name="王建国")
    assert not AuditTeamMember.objects.exists()
    other = inspector(world, home=world.schools_a[1], card="DX-O", name="他校督学")
    services.team_add(actor=world.office_a, case=case, role="leader", inspector=other)
    with pytest.raises(ApplicationError, match="已在审计组中"):
        services.team_add(actor=world.office_a, case=case, role="member", inspector=other)
    with pytest.raises(ApplicationError, match="已有组长"):
        services.team_add(actor=world.office_a, case=case, role="leader", name="外聘甲")
    services.team_add(actor=world.office_a, case=case, role="member", name="外聘甲", organisation="会计师事务所")
    assert AuditTeamMember.objects.count() == 2


def test_an_inspector_of_another_district_is_not_a_candidate(world):
    case = make_case(world)
    far = inspector(world, card="DX-B", name="乙县督学")
    far.region = world.county_b
    far.save()
    with pytest.raises(ApplicationError, match="不是本区（县）在聘督学"):
        services.team_add(actor=world.office_a, case=case, role="member", inspector=far)


def test_changing_the_auditee_to_a_team_member_is_refused(world):
    case = make_case(world)
    member_user = person(world, "zhang")
    services.team_add(actor=world.office_a, case=case, role="leader", inspector=inspector(world, user=member_user))
    with pytest.raises(ApplicationError, match="须回避"):
        services.case_update(actor=world.office_a, case=case, **case_kwargs(world, auditee_user=member_user))
    case.refresh_from_db()
    assert case.auditee_user is None


def test_workflow_steps_in_order(world):
    case = make_case(world)
    with pytest.raises(ApplicationError, match="尚未批准"):
        services.case_start(actor=world.office_a, case=case)
    approve(world, case.plan)
    with pytest.raises(ApplicationError, match="组长"):
        services.case_start(actor=world.office_a, case=case)
    with pytest.raises(ApplicationError, match="只有实施中"):
        issued(world, case)
    with pytest.raises(ApplicationError, match="“计划”，不能变为“已公开”"):
        reports.report_publish(actor=world.office_a, case=case)
    with pytest.raises(ApplicationError, match="不能变为“已结案”"):
        services.case_close(actor=world.office_a, case=case)
    services.team_add(actor=world.office_a, case=case, role="leader", user=world.office_a)
    services.case_start(actor=world.office_a, case=case)
    with pytest.raises(ApplicationError, match="不能变为“实施中”"):
        services.case_start(actor=world.office_a, case=case)
    issued(world, case)
    case.refresh_from_db()
    assert case.status == AuditCaseStatus.REPORTED and case.report_file_id
    steps = [t.to_status for t in AuditCaseTransition.history(case)]
    assert steps == ["planned", "in_progress", "reported"]
    services.case_close(actor=world.office_a, case=case)
    with pytest.raises(ApplicationError, match="“已结案”，不能变为“已公开”"):
        reports.report_publish(actor=world.office_a, case=case)


def test_case_text_is_frozen_once_the_report_is_issued(world):
    case = started(world, make_case(world))
    finding = services.finding_add(actor=world.office_a, case=case, text="凭证不全", category="finance")
    issued(world, case)
    with pytest.raises(ApplicationError, match="已锁定"):
        services.case_update(actor=world.office_a, case=case, **case_kwargs(world, auditee_name="改名"))
    with pytest.raises(ApplicationError, match="已锁定"):
        services.finding_add(actor=world.office_a, case=case, text="新问题", category="finance")
    with pytest.raises(ApplicationError, match="已锁定"):
        services.finding_remove(actor=world.office_a, finding=finding)
    with pytest.raises(ApplicationError, match="已锁定"):
        services.team_add(actor=world.office_a, case=case, role="member", name="新成员")
    with pytest.raises(ApplicationError, match="已锁定"):
        services.request_add(actor=world.office_a, case=case, title="补充资料",
                             due_on=timezone.localdate() + datetime.timedelta(days=3))
    case.refresh_from_db()
    assert case.auditee_name == "王建国" and case.findings.count() == 1


def test_report_number_unique_per_county_and_year(world):
    the_plan = plan(world)
    first = make_case(world, the_plan)
    second = make_case(world, the_plan, school=world.schools_a[1], auditee_name="李四")
    approve(world, the_plan)
    for case in (first, second):
        services.team_add(actor=world.office_a, case=case, role="leader", user=world.office_a)
        services.case_start(actor=world.office_a, case=case)
    issued(world, first, number="甲督审〔2026〕1号")
    with pytest.raises(ApplicationError, match="已被本区（县）其他审计报告使用"):
        issued(world, second, number="甲督审〔2026〕1号")
    second.refresh_from_db()
    assert second.status == AuditCaseStatus.IN_PROGRESS and not second.report_number
    with pytest.raises(ApplicationError, match="晚于今天"):
        reports.report_issue(actor=world.office_a, case=second, number="2号", summary="s", conclusion="c",
                             issued_on=timezone.localdate() + datetime.timedelta(days=1))
    with pytest.raises(ApplicationError, match="报告文号"):
        reports.report_issue(actor=world.office_a, case=second, number=" \x00 ", summary="s", conclusion="c",
                             issued_on=timezone.localdate())


@pytest.mark.parametrize("amount", ["1e5", "-1", "NaN", "1.234", "abc", "9" * 20, "Infinity", "１２", "+5"])
def test_hostile_amounts_are_refused(world, amount):
    case = started(world, make_case(world))
    with pytest.raises(ApplicationError, match="涉及金额"):
        services.finding_add(actor=world.office_a, case=case, text="问题", category="finance", amount=amount)
    assert not AuditFinding.objects.exists()


def test_amount_with_thousands_separator(world):
    case = started(world, make_case(world))
    finding = services.finding_add(actor=world.office_a, case=case, text="问题", category="finance",
                                   amount="12,800.50", severity="2")
    assert str(finding.amount) == "12800.50" and finding.severity == 2


def test_finding_becomes_a_rectification_finding_once(world):
    case = started(world, make_case(world))
    finding = services.finding_add(actor=world.office_a, case=case, text="报销凭证未附验收单", category="finance",
                                   severity=2)
    with pytest.raises(ApplicationError, match="报告出具后"):
        reports.finding_to_rectification(actor=world.office_a, finding=finding)
    issued(world, case)
    first = reports.finding_to_rectification(actor=world.office_a, finding=finding)
    again = reports.finding_to_rectification(actor=world.office_a, finding=finding)
    assert first.pk == again.pk and Finding.objects.count() == 1
    assert first.source == FindingSource.AUDIT and first.source_type == "audits.auditfinding"
    assert first.source_id == str(finding.pk) and first.school_id == world.schools_a[0].pk
    assert first.severity == 2 and "甲督审" in first.requirement
    assert AuditLog.objects.filter(action="audits.finding_raise").count() == 1
    with pytest.raises(PermissionDenied):
        reports.finding_to_rectification(actor=world.office_b, finding=AuditFinding.objects.create(
            case=case, text="x", category="other"))


def test_team_member_may_add_findings_and_requests_but_not_issue(world):
    member_user = person(world, "member")
    case = started(world, make_case(world), member=inspector(world, user=member_user))
    services.finding_add(actor=member_user, case=case, text="问题", category="assets")
    services.request_add(actor=member_user, case=case, title="资产台账",
                         due_on=timezone.localdate() + datetime.timedelta(days=5))
    with pytest.raises(PermissionDenied):
        issued(world, case) if False else reports.report_issue(
            actor=member_user, case=case, number="1号", issued_on=timezone.localdate(), summary="s", conclusion="c")
    stranger = person(world, "stranger", Role.INSPECTOR, school=world.schools_a[0])
    with pytest.raises(PermissionDenied):
        services.finding_add(actor=stranger, case=case, text="问题", category="assets")


def test_request_due_date_in_the_past_is_refused(world):
    case = started(world, make_case(world))
    with pytest.raises(ApplicationError, match="早于今天"):
        services.request_add(actor=world.office_a, case=case, title="报表",
                             due_on=timezone.localdate() - datetime.timedelta(days=1))
