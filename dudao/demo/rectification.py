"""The demo county's rectification loop: findings from every source, notices in every state, overdue ones
pressed by 督办单 to the education bureau (one answered, one overdue again with a 约谈 proposal), a reminder
due, and a town government with a notice of its own. Notices go through the services; only the dates of the
past (when a notice was issued, when a 督办单 fell due) are moved back in bulk, as the visit history is."""

import datetime
import random
import secrets

from django.utils import timezone

from dudao.core.models import Role, RoleAssignment
from dudao.core.services import role_assign, user_create
from dudao.demo import generator
from dudao.demo.generator import person as _person
from dudao.demo.supervision import _photo
from dudao.rectification import accountability, followup, notices
from dudao.rectification.jobs import run_deadlines
from dudao.rectification.models import (
    Finding,
    FindingSource,
    FindingStatus,
    RectificationNotice,
    SupervisionOrder,
)
from dudao.rectification.selectors import dashboard
from dudao.rectification.services import finding_raise
from dudao.regions.models import GovUnit, Region, UnitKind
from dudao.schools.models import School
from dudao.zones.models import Assignment

EXTRA = [
    (FindingSource.INSPECTION, "i3", "课程开齐开足", "综合实践活动课程未按课时开设。", 2),
    (FindingSource.MONITORING, "m1", "学业质量监测", "四年级数学学业质量监测合格率低于全区平均水平。", 2),
    (FindingSource.MANUAL, "r6", "安全管理", "实验室危险化学品台账不完整。", 3),
    (FindingSource.COMPLAINT, "r2", "规范办学", "违规向学生推荐教辅资料。", 2),
]
DUZHENG = ("d2", "政府履行教育职责", "镇中心幼儿园新建项目未按期开工，学前教育学位缺口未落实。")
MEASURES = "已制定整改方案，明确责任人和时限，完成整改并建立长效机制。详见佐证照片。"


def _principal(admin, school: School):
    """The school's user account: the demo principal's school has one; others get one for the demo."""
    existing = RoleAssignment.objects.filter(role=Role.SCHOOL, school=school).select_related("user").first()
    if existing:
        return existing.user
    user = user_create(actor=admin, username=f"school_{school.code}", full_name=f"{school.name}校长",
                       password=secrets.token_urlsafe(12))
    role_assign(actor=admin, user=user, role=Role.SCHOOL, school=school)
    return user


def _backdate(notice: RectificationNotice, days_ago: int, due_days_ago: int) -> None:
    now = timezone.now()
    RectificationNotice.objects.filter(pk=notice.pk).update(
        issued_at=now - datetime.timedelta(days=days_ago), due_date=timezone.localdate() - datetime.timedelta(days=due_days_ago))
    notice.transitions.filter(from_status="").update(at=now - datetime.timedelta(days=days_ago))
    Finding.objects.filter(notice=notice).update(due_date=timezone.localdate() - datetime.timedelta(days=due_days_ago))


def _report(notice, user, rng) -> None:
    notices.notice_report(actor=user, notice=notice, reports={
        f.pk: (MEASURES, [_photo(rng, f"rect{f.pk}")]) for f in notice.findings.all()})


def load_rectification(*, admin, rng: random.Random, county: Region, office_user, inspector_user, school_user) -> None:
    if RectificationNotice.objects.filter(region_code__startswith=county.code).exists():
        return
    bureau = GovUnit.objects.get(region=county, is_education_authority=True)
    inspected = list(School.objects.filter(pk__in=_inspector_schools(inspector_user)).order_by("code"))
    home = School.objects.get(pk=_school_ids(school_user)[0])
    others = [s for s in inspected if s.pk != home.pk]

    def open_findings(school, n=2):
        found = list(Finding.objects.filter(school=school, status=FindingStatus.OPEN, notice__isnull=True).order_by("-raised_at")[:n])
        while len(found) < n:
            source, code, label, text, severity = EXTRA[len(found) % len(EXTRA)]
            found.append(finding_raise(actor=office_user, source=source, school=school, category=code,
                                       category_label=label, description=text, severity=severity,
                                       requirement="限期整改，并报送整改佐证材料。", responsible_person="分管副校长"))
        return found

    # Findings from the sources visits do not cover, across the county, some with a notice below.
    spread = list(School.objects.filter(region__code__startswith=county.code, school_type__in=("primary", "junior"))
                  .exclude(pk__in=[s.pk for s in inspected]).order_by("code")[:12])
    for k, school in enumerate(spread):
        source, code, label, text, severity = EXTRA[k % len(EXTRA)]
        finding_raise(actor=office_user, source=source, school=school, category=code, category_label=label,
                      description=text, severity=severity, requirement="限期整改。", responsible_person="校长")

    # 1. The demo principal's school: signed, being rectified (demo_school reports, demo_inspector verifies).
    n1 = notices.notice_issue(actor=office_user, findings=open_findings(home), days=25,
                              requirement="请对照问题逐项整改，按期报送整改报告和佐证材料。")
    notices.notice_acknowledge(actor=school_user, notice=n1)
    notices.notice_start(actor=school_user, notice=n1)
    # 2. Reported, waiting for the demo inspector to verify.
    second = _principal(admin, others[0])
    n2 = notices.notice_issue(actor=office_user, findings=open_findings(others[0]), days=20)
    notices.notice_acknowledge(actor=second, notice=n2)
    _report(n2, second, rng)
    # 3. Closed after a return: the full workflow.
    third = _principal(admin, others[1])
    n3 = notices.notice_issue(actor=office_user, findings=open_findings(others[1], 1), days=15)
    notices.notice_acknowledge(actor=third, notice=n3)
    _report(n3, third, rng)
    notices.notice_verify(actor=inspector_user, notice=n3, accepted=False, note="佐证照片不能反映整改后的情况，请补充。")
    _report(n3, third, rng)
    notices.notice_verify(actor=inspector_user, notice=n3, accepted=True, on_site=True, note="实地查看，整改到位。")
    # 4. Signed for and due in two days: the job's reminder.
    n4 = notices.notice_issue(actor=office_user, findings=open_findings(spread[0], 1), days=10)
    notices.notice_acknowledge(actor=_principal(admin, spread[0]), notice=n4)
    _backdate(n4, 8, -2)
    # 5–7. Overdue: 督办单 to the education bureau; one answered, one overdue again (→ 约谈 proposal).
    late = []
    for k, school in enumerate(spread[1:4]):
        n = notices.notice_issue(actor=office_user, findings=open_findings(school, 1 + k % 2), days=30)
        _backdate(n, 45 + k * 5, 10 + k * 5)
        late.append(n)
    # 8. A town government (督政): the county government is its competent department.
    town = GovUnit.objects.filter(region__parent=county, kind=UnitKind.TOWN_GOV).order_by("code").first()
    code, label, text = DUZHENG
    duzheng = finding_raise(actor=office_user, source=FindingSource.DUZHENG, unit=town, category=code, category_label=label,
                            description=text, severity=3, requirement="明确开工时间表，按季度报送进度。")
    notices.notice_issue(actor=office_user, findings=[duzheng], days=30)

    run_deadlines()
    orders = list(SupervisionOrder.objects.filter(notice__in=late).order_by("id"))
    bureau_user = _unit_user(bureau)
    if bureau_user is not None:
        notices.order_respond(actor=bureau_user, order=orders[0],
                              response="已约见校长，责令一周内完成整改，教育局将派员现场督促。")
    SupervisionOrder.objects.filter(pk=orders[-1].pk).update(due_date=timezone.localdate() - datetime.timedelta(days=1))
    run_deadlines()
    _talk_and_cases(admin=admin, rng=rng, office_user=office_user, schools=spread[4:7])
    _recognition_and_results(office_user=office_user, county=county, schools=[home, *others[:1], *spread[7:9]])
    # 9. A second notice to the demo principal's school, just issued: on 王校长's to-do list to sign (签收).
    notices.notice_issue(actor=office_user, findings=open_findings(home, 1), days=30,
                         requirement="请签收后对照问题整改，按期报送整改报告。")


def _recognition_and_results(*, office_user, county, schools) -> None:
    """Commendations, a 回头看 round with one failure, and results published on the public page."""
    today = timezone.localdate()
    for school, title, basis in [
        (schools[0], "督导评估优秀学校", f"{today.year - 1}学年义务教育学校办学行为督导评估（优秀）"),
        (schools[2], "整改工作先进单位", f"{today.year}年责任督学挂牌督导问题整改（按期整改率100%）"),
    ]:
        accountability.commendation_record(actor=office_user, school=school, title=title, basis=basis,
                                           reason="问题整改及时到位，建立长效机制，成效明显。",
                                           awarded_by=f"{county.name}人民政府教育督导委员会",
                                           awarded_on=today - datetime.timedelta(days=60))
    accountability.commendation_record(actor=office_user, school=schools[3], person_name=_person(random.Random(len(schools))),
                                       person_post="校长", title="优秀校长", reason="办学规范，督导评估成绩突出。",
                                       basis=f"{today.year - 1}年校长任期结束综合督导（优秀）",
                                       awarded_by=f"{county.name}教育局", awarded_on=today - datetime.timedelta(days=30))
    round_ = followup.recheck_draw(actor=office_user, region_code=county.code, size=8, seed=20261124,
                                   closed_from=today - datetime.timedelta(days=365), closed_to=today)
    items = list(round_.items.all())
    for k, item in enumerate(items[:4]):
        followup.recheck_record(actor=office_user, item=item, passed=k != 0,
                                note="复查发现问题反弹，整改措施没有坚持下来。" if k == 0 else "复查整改成果保持良好。")
    title, body = followup.rectification_summary_text(dashboard(office_user)["rows"], county.name, today)
    followup.publication_publish(actor=office_user, kind="rectification", region_code=county.code, title=title, body=body)
    followup.publication_publish(
        actor=office_user, kind="result", region_code=county.code,
        title=f"{county.name}{today.year}年秋季学期责任督学挂牌督导情况",
        body="本学期全区责任督学共开展经常性督导，覆盖全部中小学校和幼儿园。督导发现的问题已全部下发整改通知，"
             "逾期未整改的已向主管部门下达督办单。")
    followup.publication_publish(
        actor=office_user, kind="bulletin", region_code=county.code, title=f"关于{schools[1].name}整改不力的督导通报",
        body=f"{schools[1].name}对督导发现的问题整改不力，经约谈后仍未按期完成整改。现予以通报，责令限期整改。")


def _talk_and_cases(*, admin, rng, office_user, schools) -> None:
    """A talk held with its record and commitments, a case part-way through its procedure, and a decided one."""
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    school = schools[0]
    findings = list(Finding.objects.filter(school=school, status=FindingStatus.OPEN))
    talk = accountability.talk_propose(actor=office_user, reason=f"{school.name}多项问题整改不力，家长反映强烈。",
                                       findings=findings)
    accountability.talk_hold(
        actor=office_user, talk=talk, held_on=today - 10 * day, conducted_by="区教育督导委员会办公室会同区委教育工委",
        persons="校长、分管副校长", recipients="区教育局党组、所在镇党委",
        content="通报督导发现的问题及整改逾期情况，指出学校主体责任落实不到位，要求制定整改方案并按期报告。",
        commitments=[("两周内完成校门口护学岗人员配备并建立值守台账", today + 14 * day),
                     ("一个月内完成作业管理制度修订并公示", today + 30 * day)],
        record=_photo(rng, "约谈记录"))
    case = accountability.case_file(
        actor=office_user, target_kind="person", situation="irregular", filed_on=today - 20 * day, school=school,
        person_name=generator.person(rng), person_post="校长", talk=talk, findings=findings,
        facts="约谈后仍有问题未按期整改，存在违规组织补课行为。")
    accountability.case_advance(actor=office_user, case=case, step="investigated", on=today - 12 * day,
                                note="调查认定工作组核实，问题属实。")
    accountability.case_advance(actor=office_user, case=case, step="notified", on=today - 5 * day,
                                note="已书面告知拟问责事实、依据和方式，告知其有陈述申辩的权利。")
    decided = accountability.case_file(
        actor=office_user, target_kind="unit", situation="safety", filed_on=today - 90 * day, school=schools[1],
        facts="校园安全隐患多次督促仍未整改。")
    steps = [("investigated", "问题属实。"), ("notified", "已送达告知书。"), ("defended", "学校提交书面申辩，理由不成立。"),
             ("reviewed", "督导委员会主任审定同意。")]
    for k, (step, note) in enumerate(steps, start=1):
        accountability.case_advance(actor=office_user, case=decided, step=step, on=today - (90 - 10 * k) * day, note=note)
    accountability.case_advance(actor=office_user, case=decided, step="decided", on=today - 40 * day,
                                decision_form="bulletin", decision_basis="依据《教育督导问责办法》第八条，予以督导通报。",
                                effective_on=today - 40 * day)


def _inspector_schools(user) -> list[int]:
    return list(Assignment.objects.current().filter(inspector__user=user).values_list("school_id", flat=True))


def _school_ids(user) -> list[int]:
    return list(user.role_assignments.filter(role=Role.SCHOOL).values_list("school_id", flat=True))


def _unit_user(unit: GovUnit):
    row = RoleAssignment.objects.filter(role=Role.UNIT, unit=unit).select_related("user").first()
    return row.user if row else None
