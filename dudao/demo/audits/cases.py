"""Demo data of audits, area cases: this year's 审计计划 of the demo county with two cases, approved with a written
reason (two leaders leave or rotate this year, fewer than the 5–10 of the seed):

- the principal of demo_school's school, 离任: audited, two findings (one turned into a 整改 finding), the report
  issued with its 文号 and its summary published on the public results page; demo_school sees it;
- a vice principal of a junior school, 轮岗: in progress, demo_inspector on the team, one document requested from
  the school (due in a week).

Everything through the services; dates relative to today (Beijing); loading twice changes nothing."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from dudao.audits.models import AuditPlan
from dudao.audits.services import cases as services
from dudao.audits.services import reports
from dudao.core.models import Role, RoleAssignment
from dudao.people.models import Inspector, InspectorStatus
from dudao.schools.models import School


def _inspector(county, school: School, *, exclude_user=None) -> Inspector | None:
    rows = Inspector.objects.filter(region__code__startswith=county.code[:6], status=InspectorStatus.ACTIVE) \
        .exclude(home_school=school).order_by("card_no")
    if exclude_user is not None:
        rows = rows.exclude(user=exclude_user)
    return rows.first()


def load(*, admin, office_user, county) -> None:
    """Idempotent: running the demo twice changes nothing."""
    today = timezone.localdate()
    if AuditPlan.objects.filter(region=county, year=today.year).exists():
        return
    User = get_user_model()
    school_user = User.objects.filter(username="demo_school").first()
    inspector_user = User.objects.filter(username="demo_inspector").first()
    own = RoleAssignment.objects.filter(user=school_user, role=Role.SCHOOL).values_list("school_id", flat=True).first()
    first = School.objects.filter(pk=own).first() if own else None
    second = School.objects.filter(region__code__startswith=county.code, school_type="junior", ownership="public") \
        .exclude(pk=own).order_by("code").first()
    if first is None or second is None:
        return
    day = datetime.timedelta(days=1)
    plan = services.plan_create(actor=office_user, region=county, year=today.year,
                                note="对本年度离任、轮岗的学校领导干部开展经济责任审计，报告出具后及时公开。")
    departed = services.case_create(
        actor=office_user, plan=plan, school=first, auditee_name="王建国", auditee_position="principal",
        auditee_user=school_user, reason="departure", term_from=datetime.date(today.year - 6, 9, 1),
        term_to=today - 90 * day, period_from=datetime.date(today.year - 3, 1, 1), period_to=today - 90 * day,
        fieldwork_from=today - 45 * day, fieldwork_to=today - 41 * day)
    rotating = services.case_create(
        actor=office_user, plan=plan, school=second, auditee_name="刘芳", auditee_position="vice_principal",
        reason="rotation", term_from=datetime.date(today.year - 5, 9, 1), term_to=today - 10 * day,
        period_from=datetime.date(today.year - 2, 1, 1), period_to=today - 10 * day,
        fieldwork_from=today + 3 * day, fieldwork_to=today + 7 * day)
    services.plan_approve(actor=office_user, plan=plan,
                          deviation_reason="本年度离任、轮岗的学校领导干部共 2 名，按实际人数安排审计。")

    services.team_add(actor=office_user, case=departed, role="leader", user=office_user)
    helper = _inspector(county, first, exclude_user=inspector_user)
    if helper is not None:
        services.team_add(actor=office_user, case=departed, role="member", inspector=helper)
    services.team_add(actor=office_user, case=departed, role="member", name="陈会计",
                      organisation="示范会计师事务所（外聘）")
    services.case_start(actor=office_user, case=departed)
    kept = services.finding_add(
        actor=office_user, case=departed, category="finance", severity=2, amount="12800.00",
        text="2024 年度部分办公用品报销凭证未附验收单，涉及金额 12,800 元。")
    services.finding_add(
        actor=office_user, case=departed, category="assets", severity=1,
        text="固定资产账实不符：3 台教学一体机已报废未及时办理核销手续。")
    departed = reports.report_issue(
        actor=office_user, case=departed, number=f"示督审〔{today.year}〕1号", issued_on=today - 20 * day,
        summary="审计认为，王建国同志任职期间能够贯彻执行国家财经法规和学校财务制度，学校财务收支总体真实、合法；"
                "审计发现报销凭证不完整、资产核销不及时等问题，已责成学校限期整改。",
        conclusion="王建国同志任职期间学校经济责任履行情况总体较好。对审计发现的 2 个问题，学校应在规定期限内完成整改。")
    reports.finding_to_rectification(actor=office_user, finding=kept, due_date=today + 30 * day,
                                     requirement="补齐验收单，规范报销审核流程，整改报告报督导室。")
    reports.report_publish(actor=office_user, case=departed)

    if inspector_user is not None and hasattr(inspector_user, "inspector") \
            and inspector_user.inspector.home_school_id != second.pk:
        services.team_add(actor=office_user, case=rotating, role="leader", inspector=inspector_user.inspector)
    else:
        services.team_add(actor=office_user, case=rotating, role="leader", user=office_user)
    services.case_start(actor=office_user, case=rotating)
    services.request_add(actor=office_user, case=rotating, title=f"{today.year - 2}—{today.year} 年度财务报表及会计凭证",
                         note="电子版（PDF）或扫描件，按年度分册。", due_on=today + 7 * day)
