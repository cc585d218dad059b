"""Shared data of the 内审 tests: district A's plan for this year, a case on 甲区第一小学 (principal_a's school) whose
auditee has their own account, an inspector of the registry (inspector_a's record, home school 甲区第二小学), and
helpers that walk a case through its workflow with the services."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dudao.audits.models import AuditCase, AuditPlan
from dudao.audits.services import cases as services
from dudao.audits.services import reports
from dudao.core.services import role_assign, user_create
from dudao.people.models import Inspector
from tests.conftest import PASSWORD

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="凭证.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def person(world, username, role=None, **target):
    user = user_create(actor=world.admin, username=username, full_name=username, password=PASSWORD)
    if role:
        role_assign(actor=world.admin, user=user, role=role, **target)
    return user


def inspector(world, *, user=None, home=None, card="DX-A1", name="张督学") -> Inspector:
    return Inspector.objects.create(card_no=card, name=name, phone="1", kind="parttime", source="official",
                                    region=world.county_a, home_school=home, appointed_on=datetime.date(2020, 1, 1),
                                    term_start=datetime.date(2024, 1, 1), user=user)


def plan(world, year=None) -> AuditPlan:
    return services.plan_create(actor=world.office_a, region=world.county_a, year=year or timezone.localdate().year)


def case_kwargs(world, **over) -> dict:
    today = timezone.localdate()
    kwargs = dict(school=world.schools_a[0], auditee_name="王建国", auditee_position="principal", reason="departure",
                  term_from=datetime.date(2018, 9, 1), term_to=today - datetime.timedelta(days=30),
                  period_from=datetime.date(2023, 1, 1), period_to=today - datetime.timedelta(days=30),
                  fieldwork_from=today - datetime.timedelta(days=10), fieldwork_to=today - datetime.timedelta(days=8))
    kwargs.update(over)
    return kwargs


def make_case(world, the_plan=None, **over) -> AuditCase:
    the_plan = the_plan or plan(world)
    return services.case_create(actor=world.office_a, plan=the_plan, **case_kwargs(world, **over))


def approve(world, the_plan) -> None:
    services.plan_approve(actor=world.office_a, plan=the_plan, deviation_reason="本年度只有 1 名离任校长。")


def started(world, case: AuditCase, *, member=None) -> AuditCase:
    """The plan approved, office_a as leader (and `member`'s inspector record as a member), then 实施中."""
    approve(world, case.plan)
    services.team_add(actor=world.office_a, case=case, role="leader", user=world.office_a)
    if member is not None:
        services.team_add(actor=world.office_a, case=case, role="member", inspector=member)
    return services.case_start(actor=world.office_a, case=case)


def issued(world, case: AuditCase, number="甲督审〔2026〕1号") -> AuditCase:
    return reports.report_issue(actor=world.office_a, case=case, number=number, issued_on=timezone.localdate(),
                                summary="学校财务收支总体真实、合法。", conclusion="经济责任履行情况总体较好。")
