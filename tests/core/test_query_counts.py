"""Every list page and every list API endpoint runs the same number of queries for 1 row as for 50.

The lists are found from the URL resolver, never typed from memory: every page without URL kwargs is either a
list here (LISTS, with a factory that makes rows in the viewing persona's scope) or in NOT_LISTS with its reason,
and every API GET route without a path id must be in LISTS or NOT_LISTS. A list added later fails
`test_every_list_is_covered` until it gets a factory below. Factories bulk-create rows (one query per table,
no services) so 50 rows cost little; each row hangs off its own related records where a page shows them, so a
missing select_related/prefetch_related shows up as one query per row.

The count is compared for equality: a page that reads a related record per row, even only sometimes, fails.
Each measurement follows one warm-up request, so per-process caches (the ledger's 类别 list, policies) are
filled the same way before both counts.
"""

import datetime
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from dudao.checks.models import AnnualRound
from dudao.core.audit import audit_records
from dudao.core.models import ApiToken, Notification, Role, RoleAssignment
from dudao.frameworks.models import Framework
from dudao.inspections.models import Inspection
from dudao.monitoring.models import Campaign, CampaignTask
from dudao.people.models import Expert, Inspector, SchoolSupervisor
from dudao.rectification import models as rect
from dudao.regions.models import GovUnit, Region
from dudao.research.models import ProjectMember, ProjectMilestone, ResearchProject
from dudao.schools.models import School
from dudao.surveys.models import Questionnaire, SurveyRound
from dudao.zones.models import Assignment, Complaint, CrossSupervision, Visit, Zone

User = get_user_model()
_serial = itertools.count(1)


@pytest.fixture(autouse=True)
def _fresh_serial():
    """Each test numbers its rows from 1 (its rows are rolled back after it): codes keep their lengths, which
    PostgreSQL enforces (a school code is 10 characters, a town code 9 digits)."""
    global _serial
    _serial = itertools.count(1)


def _n() -> int:
    """A number no other row of this test uses (codes, numbers and keys are unique)."""
    n = next(_serial)
    assert n < 1000, "the factories' codes have room for 999 rows per test"
    return n


def _choice(model, field: str, index: int = 0) -> str:
    return model._meta.get_field(field).choices[index][0]


# ---- factories: make(w, n) adds n rows visible to the list's persona --------------------------------------

def _schools(w, n, town=None) -> list[School]:
    town = town or w.schools_a[0].region
    return School.objects.bulk_create([
        School(code=f"1990109{k:03d}", name=f"批量小学{k}", school_type="primary", ownership="public",
               urban_rural="rural", region=town, students_primary=100, classes_primary=4)
        for k in (_n() for _ in range(n))])


def _inspectors(w, n, users=False) -> list[Inspector]:
    day = datetime.date(2020, 9, 1)
    made = []
    for _ in range(n):
        k = _n()
        user = User.objects.create_user(f"insp{k}", password=None) if users else None
        made.append(Inspector(card_no=f"QC{k:05d}", name=f"督学{k}", phone="13900000000", kind="fulltime",
                              source="official", region=w.county_a, appointed_on=day, term_start=day, user=user,
                              home_school=w.schools_a[k % 3]))
    return Inspector.objects.bulk_create(made)


def make_users(w, n):
    users = User.objects.bulk_create([User(username=f"user{k}", first_name=f"用户{k}") for k in (_n() for _ in range(n))])
    RoleAssignment.objects.bulk_create([RoleAssignment(user=u, role=Role.SCHOOL, school=w.schools_a[i % 5])
                                        for i, u in enumerate(users)])


def make_tokens(w, n):
    later = timezone.now() + datetime.timedelta(days=30)
    ApiToken.objects.bulk_create([ApiToken(user=w.office_a, key_hash=f"{_n():064d}", expires_at=later,
                                           created_ip="203.0.113.9") for _ in range(n)])


def make_notifications(w, n):
    now = timezone.now()
    Notification.objects.bulk_create([Notification(user=w.office_a, key=f"qc-{k}", kind="notice", title=f"通知{k}",
                                                   url="/", created_at=now) for k in (_n() for _ in range(n))])


def make_audit(w, n):
    audit_records(actor=w.office_a, action="school.update",
                  items=[(school, school.region_id, {"name": school.name}) for school in _schools(w, n)])


def make_towns(w, n):
    Region.objects.bulk_create([Region(code=f"990102{k:03d}", name=f"批量镇{k}", level="town", parent=w.county_a)
                                for k in (_n() + 100 for _ in range(n))])


def make_units(w, n):
    GovUnit.objects.bulk_create([GovUnit(code=f"QU{k:04d}", name=f"批量单位{k}", kind="town_gov",
                                         region=w.schools_a[0].region) for k in (_n() for _ in range(n))])


def make_schools(w, n):
    _schools(w, n)


def make_inspectors(w, n):
    _inspectors(w, n, users=True)


def make_experts(w, n):
    Expert.objects.bulk_create([Expert(name=f"专家{k}", phone="13800000000", id_key=f"qc{k}", categories="school",
                                       region=w.county_a) for k in (_n() for _ in range(n))])


def make_zones(w, n):
    """n schools, each in its own zone led by its own inspector (with a login), assigned, visited and signed;
    each zone also visits zone 1 in a cross-supervision plan. Rows of the zone list, coverage, compliance,
    frequency, workload, cross, visit and assignment lists."""
    from dudao.zones import engine

    schools, inspectors = _schools(w, n), _inspectors(w, n, users=True)
    zones = Zone.objects.bulk_create([Zone(code=f"QZ{_n():04d}", name=f"批量责任区{i}", region=w.county_a,
                                           lead=inspector) for i, inspector in enumerate(inspectors)])
    day = datetime.date(2024, 9, 1)
    Assignment.objects.bulk_create([Assignment(zone=z, inspector=i, school=s, started_on=day, created_by=w.office_a)
                                    for z, i, s in zip(zones, inspectors, schools, strict=True)])
    start = timezone.now() - datetime.timedelta(days=1)
    Visit.objects.bulk_create([Visit(
        inspector=i, school=s, zone=z, started_at=start, ended_at=start + datetime.timedelta(hours=3),
        minutes_on_site=180, methods={"lessons": 2}, items=["r1"], narrative="听课两节。", status="submitted",
        submitted_at=start, created_by=i.user, signed_by=w.principal_a, signed_at=start)
        for z, i, s in zip(zones, inspectors, schools, strict=True)])
    first = Zone.objects.filter(region=w.county_a).order_by("pk").first()
    semester = engine.semester_of(timezone.localdate()).key
    plans = CrossSupervision.objects.bulk_create([CrossSupervision(
        semester=semester, visiting_zone=z, host_zone=first, planned_on=timezone.localdate(), created_by=w.office_a)
        for z in zones])
    CrossSupervision.inspectors.through.objects.bulk_create([
        CrossSupervision.inspectors.through(crosssupervision=p, inspector=i) for p, i in zip(plans, inspectors, strict=True)])


def make_coverage(w, n):
    """Zones as above, and as many schools left without an inspector (the page lists those)."""
    make_zones(w, n)
    _schools(w, n)


def make_complaints(w, n):
    now = timezone.now()
    inspectors = _inspectors(w, n)
    Complaint.objects.bulk_create([Complaint(
        number=f"QT{k:06d}", school=_schools(w, 1)[0], kind=_choice(Complaint, "kind"),
        channel=_choice(Complaint, "channel"), content="上下学时段交通拥堵。", received_at=now, received_by=w.office_a,
        assigned_to=inspector) for k, inspector in ((_n(), i) for i in inspectors)])


def _notices(w, n, bureau=None):
    """n findings on n schools (of n towns' units), each with its notice; half of them with a 督办单."""
    now, today = timezone.now(), timezone.localdate()
    schools = _schools(w, n)
    notices = rect.RectificationNotice.objects.bulk_create([rect.RectificationNotice(
        number=f"QN{_n():06d}", school=s, region_code=s.region_id, requirement="限期整改。", due_date=today,
        issued_by=w.office_a, issued_at=now, verifier=w.inspector_a) for s in schools])
    rect.Finding.objects.bulk_create([rect.Finding(
        source="manual", school=s, region_code=s.region_id, category="r7", category_label="食堂、食品、饮水、宿舍卫生",
        description=f"问题{_n()}", raised_by=w.office_a, raised_at=now, notice=notice, due_date=today)
        for s, notice in zip(schools, notices, strict=True)])
    return schools, notices


def _bureau(w) -> GovUnit:
    return GovUnit.objects.get_or_create(code="QCEB", defaults=dict(
        name="甲区教育局", kind="department", region=w.county_a, is_education_authority=True))[0]


def make_rectification(w, n):
    """Findings, notices, 督办单, 约谈, 问责 cases, recheck rounds and publications: n of each."""
    now, today = timezone.now(), timezone.localdate()
    schools, notices = _notices(w, n)
    bureau = _bureau(w)
    rect.SupervisionOrder.objects.bulk_create([rect.SupervisionOrder(
        number=f"QD{_n():06d}", notice=notice, department=bureau, region_code=notice.region_code, issued_at=now,
        due_date=today) for notice in notices])
    talks = rect.Talk.objects.bulk_create([rect.Talk(
        key=f"qc-{_n()}", school=s, region_code=s.region_id, reason="逾期未整改。", proposed_at=now, decided_by=w.office_a)
        for s in schools])
    rect.AccountabilityCase.objects.bulk_create([rect.AccountabilityCase(
        number=f"QA{_n():06d}", target_kind=_choice(rect.AccountabilityCase, "target_kind"), school=s,
        region_code=s.region_id, situation=_choice(rect.AccountabilityCase, "situation"), facts="逾期未整改。",
        talk=talk, filed_on=today, investigation_due=today, created_by=w.office_a)
        for s, talk in zip(schools, talks, strict=True)])
    rounds = rect.RecheckRound.objects.bulk_create([rect.RecheckRound(
        region_code=w.county_a.code, closed_from=today, closed_to=today, population=1, population_digest="x",
        sample_size=1, seed=_n(), drawn_by=w.office_a, drawn_at=now) for _ in range(n)])
    findings = rect.Finding.objects.filter(notice__in=notices).order_by("pk")
    rect.RecheckItem.objects.bulk_create([rect.RecheckItem(round=r, finding=f, checked_by=w.inspector_a)
                                          for r, f in zip(rounds, findings, strict=True)])
    rect.Publication.objects.bulk_create([rect.Publication(
        kind=_choice(rect.Publication, "kind"), region_code=w.county_a.code, title=f"督导结果{_n()}", body="正文。",
        published_by=w.office_a, published_at=now) for _ in range(n)])


def make_campaigns(w, n):
    campaigns = Campaign.objects.bulk_create([Campaign(
        kind=_choice(Campaign, "kind"), county=w.county_a, name=f"创建{_n()}", target_year=2027, created_by=w.office_a)
        for _ in range(n)])
    CampaignTask.objects.bulk_create([CampaignTask(campaign=c, title="补齐短板", deadline=timezone.localdate(),
                                                   school=w.schools_a[0]) for c in campaigns])


def _questionnaires(w, n, status="draft"):
    return Questionnaire.objects.bulk_create([Questionnaire(
        county=w.county_a, family=f"qc{_n()}", title="家长满意度问卷", group=_choice(Questionnaire, "group"),
        definition={"questions": []}, status=status, created_by=w.office_a) for _ in range(n)])


def make_questionnaires(w, n):
    _questionnaires(w, n)


def make_rounds(w, n):
    now = timezone.now()
    SurveyRound.objects.bulk_create([SurveyRound(
        questionnaire=q, county=w.county_a, name=f"满意度调查{_n()}", year=2026, group=q.group,
        opens_at=now - datetime.timedelta(days=1), closes_at=now + datetime.timedelta(days=7), token=f"qc{_n():08d}",
        created_by=w.office_a) for q in _questionnaires(w, n, status="published")])


def _frameworks(w, n):
    return Framework.objects.bulk_create([Framework(
        region=w.county_a, family=f"qc{_n()}", name="挂牌督导评估", kind=_choice(Framework, "kind"),
        target=_choice(Framework, "target"), definition={}, created_by=w.office_a) for _ in range(n)])


def make_frameworks(w, n):
    _frameworks(w, n)


def make_inspections(w, n):
    framework = _frameworks(w, 1)[0]
    Inspection.objects.bulk_create([Inspection(
        county=w.county_a, name=f"专项督导{_n()}", kind=_choice(Inspection, "kind"), framework=framework, year=2026,
        starts_on=datetime.date(2026, 11, 1), ends_on=datetime.date(2026, 12, 31), created_by=w.office_a)
        for _ in range(n)])


def make_quality_rounds(w, n):
    from dudao.quality.models import Round, RoundSchool

    rounds = Round.objects.bulk_create([Round(
        region=w.county_a, title=f"质量监测{_n()}", year=2026, term="autumn", grade=8,
        test_date=datetime.date(2026, 11, 20), selection="type", created_by=w.office_a) for _ in range(n)])
    RoundSchool.objects.bulk_create([RoundSchool(round=r, school=w.schools_a[4]) for r in rounds])


# ---- planning (issue 20) ------------------------------------------------------------------------------------------

def make_plans(w, n):
    from dudao.planning.models import Plan, PlanSection, PlanTask

    plans = Plan.objects.bulk_create([Plan(region=w.county_a, year=2026, title=f"工作要点{_n()}", status="published",
                                           created_by=w.office_a) for _ in range(n)])
    sections = PlanSection.objects.bulk_create([PlanSection(plan=p, title="督学工作") for p in plans])
    PlanTask.objects.bulk_create([PlanTask(plan=s.plan, section=s, text=f"开展专项督导{_n()}", owner_label="督学科",
                                           due_date=datetime.date(2026, 12, 20)) for s in sections])


def make_meetings(w, n):
    from dudao.planning.models import Meeting

    Meeting.objects.bulk_create([Meeting(
        region=w.county_a, kind="team", title=f"督导组工作会{_n()}", created_by=w.office_a,
        starts_at=timezone.make_aware(datetime.datetime(2026, 12, 3, 9))) for _ in range(n)])


def make_chronicle(w, n):
    from dudao.planning.models import ChronicleEntry

    ChronicleEntry.objects.bulk_create([ChronicleEntry(
        region=w.county_a, day=datetime.date(2026, 12, 1), title=f"召开督导工作会{_n()}", status="accepted")
        for _ in range(n)])


def make_briefings(w, n):
    from dudao.planning.models import Briefing

    Briefing.objects.bulk_create([Briefing(region=w.county_a, year=2026, title=f"督导简报{_n()}", created_by=w.office_a)
                                  for _ in range(n)])


def make_submissions(w, n):
    from dudao.planning.models import Submission

    Submission.objects.bulk_create([Submission(
        region=w.county_a, kind="document", title=f"督导报告{_n()}", recipient="市教育督导室",
        sent_on=datetime.date(2026, 12, 1), sent_by=w.office_a) for _ in range(n)])


def make_summaries(w, n):
    from dudao.planning.models import SummaryReport

    SummaryReport.objects.bulk_create([SummaryReport(region=w.county_a, year=2026, quarter=(i % 4) + 1,
                                                     kind="quarterly", status="failed", error=f"失败{_n()}",
                                                     requested_by=w.office_a) for i in range(n)])


def make_archive_years(w, n):
    from dudao.planning.models import ArchiveYear

    first = 1900 + ArchiveYear.objects.count()
    ArchiveYear.objects.bulk_create([ArchiveYear(region=w.county_a, year=first + i) for i in range(n)])


def make_rating_sessions(w, n):
    """述职评议 (reviews, rating): n sessions of district A, each with a reporter of town A's unit."""
    from dudao.frameworks.builtin import SHUZHI
    from dudao.reviews.models import RatingSession, Reporter

    framework = Framework.objects.create(region=w.county_a, family=f"shuzhi{_n()}", name="述职评议评分表",
                                         kind="duzheng", target="unit", definition={"nodes": SHUZHI["nodes"]},
                                         status="frozen", created_by=w.office_a)
    sessions = RatingSession.objects.bulk_create([RatingSession(
        region=w.county_a, year=2026, title=f"述职评议{_n()}", framework=framework, created_by=w.office_a)
        for _ in range(n)])
    Reporter.objects.bulk_create([Reporter(session=s, unit=w.unit_a) for s in sessions])
def make_bulletins(w, n):  # reviews: bulletin
    from dudao.reviews.models import Bulletin, BulletinField

    first = 1900 + Bulletin.objects.count()
    made = Bulletin.objects.bulk_create([Bulletin(region=w.county_a, year=first + i, title=f"公报{_n()}",
                                                  created_by=w.office_a) for i in range(n)])
    BulletinField.objects.bulk_create([BulletinField(bulletin=b, key="学校数", label="学校数", edited=True)
                                       for b in made])
# ---- reviews: uses (issue 21) --------------------------------------------------------------------------------

def make_result_uses(w, n):
    from dudao.reviews.models import ResultUse

    ResultUse.objects.bulk_create([ResultUse(
        region=w.county_a, result_kind="inspections.target", result_id=str(_n()), result_label=f"综合督导结果{_n()}",
        result_year=2025, school=w.schools_a[0], user_unit=w.unit_a, user_name=f"运用单位{_n()}", purpose="honours",
        used_on=datetime.date(2026, 1, 5), decision="评优评先", recorded_by=w.office_a) for _ in range(n)])
# targets
def make_projects(w, n):
    from dudao.schools.models import Project, ProjectMember

    made = Project.objects.bulk_create([Project(
        region=w.county_a, name=f"强校工程{_n()}", project_type="strong", starts_on=datetime.date(2025, 9, 1),
        ends_on=datetime.date(2027, 8, 31), contact=w.principal_a) for _ in range(n)])
    ProjectMember.objects.bulk_create([ProjectMember(project=p, school=w.schools_a[0], role="trustee") for p in made])
def make_committee_members(w, n):
    """reviews: 督导委员会 members, each its own department with a duty."""
    from dudao.reviews.models import Committee, CommitteeMember, MemberDuty

    committee, _ = Committee.objects.get_or_create(region=w.county_a)
    units = GovUnit.objects.bulk_create([GovUnit(code=f"UQC{_n():04d}", name=f"甲区部门{_n()}", kind="department",
                                                 region=w.county_a) for _ in range(n)])
    members = CommitteeMember.objects.bulk_create([CommitteeMember(
        committee=committee, unit=u, representative=f"委员{_n()}", position=_n()) for u in units])
    MemberDuty.objects.bulk_create([MemberDuty(member=m, text=f"职责{_n()}") for m in members])


# ---- the lists -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    persona: str | None  # a World attribute; None: anonymous
    make: Callable
    query: str = ""  # appended to the URL (a filter that shows every row)


# Pages by URL name, API routes by path ("api/v1/…"). The rectification API's routes are listed ahead of it
# (issue 18): they are measured as soon as they exist.
# ---- reviews: 迎检 (upward) ------------------------------------------------------------------------------------

def make_reviews(w, n):
    """n reviews of county A, each with one indicator given to its own unit (a board row each) and to town A's
    government (the town user's tasks), one evidence version handed in."""
    from dudao.reviews.models import Assignment as ReviewAssignment
    from dudao.reviews.models import Evidence, Review, ReviewIndicator

    reviews = Review.objects.bulk_create([Review(region=w.county_a, title=f"迎检{_n()}", level="city", kind="duties",
                                                 body="市人民政府教育督导室", year=2026, created_by=w.office_a)
                                          for _ in range(n)])
    indicators = ReviewIndicator.objects.bulk_create([ReviewIndicator(review=r, code="1", text="经费投入", weight=100)
                                                      for r in reviews])
    units = GovUnit.objects.bulk_create([GovUnit(code=f"QR{_n():04d}", name=f"迎检单位{_n()}", kind="department",
                                                 region=w.county_a) for _ in range(n)])
    due = datetime.date(2026, 12, 20)
    assignments = ReviewAssignment.objects.bulk_create(
        [ReviewAssignment(indicator=i, unit=u, due_on=due, assigned_by=w.office_a) for i, u in zip(indicators, units, strict=True)]
        + [ReviewAssignment(indicator=i, unit=w.unit_a, due_on=due, assigned_by=w.office_a) for i in indicators])
    Evidence.objects.bulk_create([Evidence(assignment=a, version=1, statement="已落实", submitted_by=w.office_a)
                                  for a in assignments])


# ---- area: map ------------------------------------------------------------------------------------------------
def make_map_schools(w, n):
    """Schools with coordinates (drawn) and open findings (the rectification layer has values for them)."""
    for school in _schools(w, n):
        school.longitude, school.latitude = 113.5, 34.7
        school.save(update_fields=["longitude", "latitude"])


# ---- issue 23, institutions: training institutions with a profile, a reviewed 年检 and an open violation each
def make_institutions(w, n):
    from dudao.checks.models import AnnualReport, AnnualRound, Violation  # noqa: PLC0415 -- this block's own import
    from dudao.schools.models import InstitutionProfile  # noqa: PLC0415 -- this block's own import

    schools = School.objects.bulk_create([
        School(code=f"1990108{k:03d}", name=f"批量培训学校{k}", school_type="training", ownership="private",
               urban_rural="urban", region=w.schools_a[0].region) for k in (_n() for _ in range(n))])
    InstitutionProfile.objects.bulk_create([InstitutionProfile(school=s, licence_no=f"L{s.code}", fund_account="6222020200112233445", subjects=["美术"], scope_kind="non_subject", whitelist="listed") for s in schools])
    round_ = AnnualRound.objects.create(region=w.county_a, year=2025, title="年检", submit_by=datetime.date(2025, 6, 30), created_by=w.office_a)
    AnnualReport.objects.bulk_create([AnnualReport(round=round_, school=s, region_code=s.region_id, kind="training", status="reviewed", result="fail") for s in schools])
    Violation.objects.bulk_create([Violation(school=s, region_code=s.region_id, source="complaint", kind="fees", description="超额收费", found_on=datetime.date(2026, 5, 1)) for s in schools])
# ---- area: annual (issue 23) ----------------------------------------------------------------------------------
def make_annual_rounds(w, n):
    AnnualRound.objects.bulk_create([AnnualRound(region=w.county_a, year=2000 + _n() % 100, title=f"年检{_n()}",
                                                 submit_by=datetime.date(2026, 11, 30), created_by=w.office_a)
                                     for _ in range(n)])
# ---- area: violations (issue 23) ------------------------------------------------------------------------------
def _allowance_months(w, n, status="approved"):
    """workforce allowances (issue 24): n months of county A (one per calendar month from 2001), approved by the
    office (the list shows the approver)."""
    from dudao.workforce.models import AllowanceMonth

    now, start = timezone.now(), AllowanceMonth.objects.count()
    return AllowanceMonth.objects.bulk_create([AllowanceMonth(
        region=w.county_a, year=2001 + i // 12, month=i % 12 + 1, status=status, total=100, inspectors=1,
        computed_at=now, computed_by=w.office_a, approved_at=now, approved_by=w.office_a)
        for i in range(start, start + n)])


def make_allowance_months(w, n):
    _allowance_months(w, n)


def make_allowance_mine(w, n):
    """The inspector's own lines: a part-time inspector record for inspector_a and one line in each of n months."""
    from dudao.workforce.models import AllowanceLine

    day = datetime.date(2020, 9, 1)
    inspector, _ = Inspector.objects.get_or_create(user=w.inspector_a, defaults=dict(
        card_no="QC0001", name="兼职督学", phone="139", kind="parttime", source="teacher", region=w.county_a,
        appointed_on=day, term_start=day))
    AllowanceLine.objects.bulk_create([AllowanceLine(
        allowance_month=m, inspector=inspector, visits=1, half_days=1, trips=1, total=100,
        detail=[{"k": "visit", "ref": "1", "on": "2001-01-02", "text": "督导纪实"}]) for m in _allowance_months(w, n)])


def make_violations(w, n):
    """n decided violations of county A, each at its own training institution (the filters list n institutions),
    with a department, a finding and a credit entry."""
    from dudao.checks.models import CreditEntry, Violation

    unit = GovUnit.objects.filter(code="QV01").first() or GovUnit.objects.create(
        code="QV01", name="违规查处部门", kind="department", region=w.county_a)
    schools = School.objects.bulk_create([School(code=f"19{_n():08d}", name=f"培训机构{_n()}", school_type="training",
                                                 ownership="private", urban_rural="urban", region=w.schools_a[0].region)
                                          for _ in range(n)])
    violations = Violation.objects.bulk_create([Violation(
        school=s, region_code=s.region_id, source="department", source_note="移送", kind="fees",
        description="收费违规", found_on=datetime.date(2026, 11, 1), status="decided", responsible_unit=unit,
        decision="罚没", penalties=["confiscation"], decided_on=datetime.date(2026, 11, 5), created_by=w.office_a)
        for s in schools])
    findings = rect.Finding.objects.bulk_create([rect.Finding(
        source="violation", school=v.school, region_code=v.region_code, description="收费违规", source_type="checks.violation",
        source_id=str(v.pk), raised_at=timezone.now()) for v in violations])
    for v, f in zip(violations, findings, strict=True):
        v.finding = f
    Violation.objects.bulk_update(violations, ["finding"])
    CreditEntry.objects.bulk_create([CreditEntry(school=v.school, region_code=v.region_code, kind="penalty",
                                                 on=v.decided_on, text="罚没") for v in violations])
# ---- area: checks requests (因需督导, issue 23) --------------------------------------------------------------------
def make_supervision_requests(w, n):
    """Requests of principal_a's school (several topics, some decided with an inspector), seen by the office."""
    from dudao.checks.models import MenuTopic, SupervisionRequest

    topic = MenuTopic.objects.create(region=w.county_a, title=f"课后服务{_n()}", content="内容")
    school = w.schools_a[0]
    SupervisionRequest.objects.bulk_create([SupervisionRequest(
        school=school, region_code=school.region_id, topic=topic if i % 2 else None, free_topic=f"自拟{_n()}",
        reason="理由", submitted_by=w.principal_a, status="declined" if i % 3 == 0 else "submitted",
        decided_by=w.office_a if i % 3 == 0 else None) for i in range(n)])


def make_menu_topics(w, n):
    from dudao.checks.models import MenuTopic

    MenuTopic.objects.bulk_create([MenuTopic(region=w.county_a, title=f"督导主题{_n()}", content="内容", order=i)
                                   for i in range(n)])
# ---- area: workforce appointments (issue 24) -----------------------------------------------------------------------
def make_appointment_batches(w, n):
    """n 选聘批次 of county A, each with one candidate, seen by the office."""
    import datetime as _dt

    from dudao.workforce.models import AppointmentBatch, AppointmentCandidate

    batches = AppointmentBatch.objects.bulk_create([AppointmentBatch(
        region=w.county_a, region_code=w.county_a.code, title=f"选聘{_n()}", created_by=w.office_a,
        status="publicity" if i % 2 else "recommending") for i in range(n)])
    AppointmentCandidate.objects.bulk_create([AppointmentCandidate(
        batch=b, region_code=b.region_code, recommender="office", recommended_by=w.office_a, name=f"候选{_n()}",
        gender="女", birth_date=_dt.date(1980, 1, 1), phone="1", employer="单位", kind="parttime", source="teacher",
        status="flagged" if i % 3 == 0 else "qualified") for i, b in enumerate(batches)])


# ---- area: checks rounds (issue 23) ---------------------------------------------------------------------------
def make_check_rounds(w, n):
    """checks: n open rounds of county A, each with its item, a target checked by an inspector with a login (the
    list counts targets; the inspector's pending ones first), and an office template per round."""
    from dudao.checks.models import CheckItem, ChecklistTemplate, CheckRound, CheckTarget

    inspector = _inspectors(w, 1, users=True)[0]
    rounds = CheckRound.objects.bulk_create([CheckRound(
        region=w.county_a, title=f"专项检查{_n()}", kind="opening", starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2026, 9, 15), status="open", created_by=w.office_a) for _ in range(n)])
    CheckItem.objects.bulk_create([CheckItem(round=r, order=1, text="消防", finding_text="消防不合格") for r in rounds])
    CheckTarget.objects.bulk_create([CheckTarget(round=r, school=w.schools_a[0], region_code=w.schools_a[0].region_id,
                                                 inspector=inspector) for r in rounds])
    ChecklistTemplate.objects.bulk_create([ChecklistTemplate(region=w.county_a, kind="opening", title=f"模板{_n()}",
                                                             items=[{"text": "x"}]) for _ in rounds])


# ---- people: 学校督导管理员 (issue 24) ----------------------------------------------------------------------------
def make_school_supervisors(w, n):
    """n supervisors, each at a school of its own with an account of its own (the list shows school and account)."""
    schools = _schools(w, n)
    users = User.objects.bulk_create([User(username=f"qc_sup{_n()}") for _ in range(n)])
    SchoolSupervisor.objects.bulk_create([SchoolSupervisor(school=s, name=f"管理员{u.username}", phone="1",
                                                           appointed_on=datetime.date(2025, 9, 1), user=u)
                                          for s, u in zip(schools, users, strict=True)])


# ---- research: 课题 (issue 24, projects) ---------------------------------------------------------------------------
def make_research_projects(w, n):
    """n projects, each with its own owner account, school, a member and a milestone."""
    schools = _schools(w, n)
    owners = User.objects.bulk_create([User(username=f"qc_owner{_n()}") for _ in range(n)])
    projects = ResearchProject.objects.bulk_create([ResearchProject(
        region=w.county_a, school=s, title=f"课题{_n()}", level="county", owner=o,
        started_on=datetime.date(2026, 1, 1), planned_end=datetime.date(2027, 1, 1))
        for s, o in zip(schools, owners, strict=True)])
    ProjectMember.objects.bulk_create([ProjectMember(project=p, name="成员", role="member") for p in projects])
    ProjectMilestone.objects.bulk_create([ProjectMilestone(project=p, kind="opening", title="开题报告",
                                                           due_on=datetime.date(2026, 3, 1)) for p in projects])


# ---- issue 24: 内审 cases, 征集评选 calls, training events and hours, 督导室负责人 --------------------------------------
def make_audit_cases(w, n):
    """audits: n cases of this year's plan of county A, each at a school of its own with a finding; every other one
    issued with a publication (the list shows the year, the school, the findings' count and the report number)."""
    from dudao.audits.models import AuditCase, AuditFinding, AuditPlan

    today, now = timezone.localdate(), timezone.now()
    plan, _ = AuditPlan.objects.get_or_create(region=w.county_a, year=today.year, defaults={"created_by": w.office_a})
    schools = _schools(w, n)
    publications = rect.Publication.objects.bulk_create([rect.Publication(
        kind="audit", region_code=w.county_a.code, title=f"审计报告{_n()}", body="摘要。", published_by=w.office_a,
        published_at=now) for _ in schools])
    cases = AuditCase.objects.bulk_create([AuditCase(
        plan=plan, region_code=w.county_a.code, school=s, auditee_name=f"校长{_n()}", auditee_position="principal",
        reason="departure", term_from=datetime.date(2019, 9, 1), term_to=datetime.date(2025, 8, 31),
        period_from=datetime.date(2022, 1, 1), period_to=datetime.date(2025, 8, 31),
        status="published" if i % 2 else "planned", report_number=f"甲审〔{today.year}〕{_n()}号" if i % 2 else "",
        report_year=today.year if i % 2 else None, report_issued_on=today if i % 2 else None,
        publication=p if i % 2 else None, created_by=w.office_a)
        for i, (s, p) in enumerate(zip(schools, publications, strict=True))])
    AuditFinding.objects.bulk_create([AuditFinding(case=c, text="公务接待超标准。", category="finance",
                                                   created_by=w.office_a) for c in cases])


def make_research_calls(w, n):
    """research: n calls of county A, each with an entry (its own file) and an expert of its own."""
    from dudao.documents.models import StoredFile
    from dudao.research.models import CallEntry, CallExpert, ResearchCall

    framework = _frameworks(w, 1)[0]
    now = timezone.now()
    calls = ResearchCall.objects.bulk_create([ResearchCall(
        region=w.county_a, year=2026, title=f"优秀案例征集{_n()}", kind="case", opens_on=datetime.date(2026, 3, 1),
        deadline=datetime.date(2026, 5, 31), framework=framework, status="reviewing" if i % 2 else "open",
        categories=["德育"], created_by=w.office_a) for i in range(n)])
    files = StoredFile.objects.bulk_create([StoredFile(
        sha256=f"{_n():064d}", size=10, content_type="application/pdf", kind="document", original_name="案例.pdf",
        path=f"qc/{_n()}.pdf") for _ in calls])
    CallEntry.objects.bulk_create([CallEntry(
        call=c, seq=1, code=f"2026-案例-{_n():03d}", title="课后服务案例", category="德育", abstract="摘要",
        document=f, submitter=w.office_a, submitter_name="作者", origin_name="甲区督导室", submitted_as="office",
        submitted_at=now) for c, f in zip(calls, files, strict=True)])
    experts = Expert.objects.bulk_create([Expert(name=f"评审专家{k}", phone="138", id_key=f"qcr{k}", categories="school",
                                                 region=w.county_a) for k in (_n() for _ in calls)])
    CallExpert.objects.bulk_create([CallExpert(call=c, expert=e, assigned_by=w.office_a)
                                    for c, e in zip(calls, experts, strict=True)])


def make_training_events(w, n):
    """workforce training: n open events of county A, each with a session; the office user is enrolled in each
    (the list marks 我已报名, the API gives the enrolment) and signed in to its session."""
    from dudao.workforce.models import TrainingAttendance, TrainingEnrolment, TrainingEvent, TrainingSession

    today, now = timezone.localdate(), timezone.now()
    events = TrainingEvent.objects.bulk_create([TrainingEvent(
        region=w.county_a, title=f"专项督导培训{_n()}", kind="special", starts_on=today,
        ends_on=today + datetime.timedelta(days=2), place="甲区教师发展中心", hours=8, audience=["inspector", "staff"],
        capacity=60, enrolled_count=1, completion_percent=80, status="open", created_by=w.office_a) for _ in range(n)])
    sessions = TrainingSession.objects.bulk_create([TrainingSession(
        event=e, title="专题讲座", starts_at=now, ends_at=now + datetime.timedelta(hours=3)) for e in events])
    enrolments = TrainingEnrolment.objects.bulk_create([TrainingEnrolment(event=e, staff=w.office_a,
                                                                          enrolled_by=w.office_a) for e in events])
    TrainingAttendance.objects.bulk_create([TrainingAttendance(session=s, enrolment=e, at=now, via="office",
                                                               recorded_by=w.office_a)
                                            for s, e in zip(sessions, enrolments, strict=True)])


def make_training_hours(w, n):
    """workforce training: n active inspectors of county A, each with a training record this year, and n open
    events for inspectors (each row lists the events it may still join), one of them joined by every inspector."""
    from dudao.people.models import Training
    from dudao.workforce.models import TrainingEnrolment, TrainingEvent

    today = timezone.localdate()
    inspectors = _inspectors(w, n)
    Training.objects.bulk_create([Training(inspector=i, date=today, title=f"任职培训{_n()}", hours=16)
                                  for i in inspectors])
    events = TrainingEvent.objects.bulk_create([TrainingEvent(
        region=w.county_a, title=f"暑期培训{_n()}", kind="summer", starts_on=today,
        ends_on=today + datetime.timedelta(days=5), hours=24, audience=["inspector"], capacity=500,
        completion_percent=80, status="open", created_by=w.office_a) for _ in range(n)])
    TrainingEnrolment.objects.bulk_create([TrainingEnrolment(event=events[0], inspector=i, enrolled_by=w.office_a)
                                           for i in inspectors])


def make_appointment_heads(w, n):
    """workforce appointments: n counties, each with its current 督导室负责人 (an account of its own) designated by
    the administrator."""
    from dudao.workforce.models import AppointmentHead

    counties = []
    for _ in range(n):
        k = _n()
        assert k < 90, "county codes 990111–990199"
        counties.append(Region(code=f"9901{k + 10:02d}", name=f"批量县{k}", level="county", parent=w.county_a.parent))
    counties = Region.objects.bulk_create(counties)
    users = User.objects.bulk_create([User(username=f"qc_head{_n()}", first_name="负责人") for _ in counties])
    AppointmentHead.objects.bulk_create([AppointmentHead(region=c, region_code=c.code, user=u, designated_by=w.admin)
                                         for c, u in zip(counties, users, strict=True)])


LISTS: dict[str, Case] = {
    "core:my_tokens": Case("office_a", make_tokens),
    "core:inbox": Case("office_a", make_notifications),
    "core:audit": Case("office_a", make_audit),
    "core:users": Case("admin", make_users),
    "regions:tree": Case("office_a", make_towns),
    "regions:unit_list": Case("office_a", make_units),
    "schools:list": Case("office_a", make_schools),
    "people:inspector_list": Case("office_a", make_inspectors),
    "people:expert_list": Case("office_a", make_experts),
    "zones:zone_list": Case("office_a", make_zones),
    "zones:coverage": Case("office_a", make_coverage),
    "zones:compliance": Case("office_a", make_zones),
    "zones:frequency": Case("office_a", make_zones, "?show=all"),
    "zones:workload": Case("office_a", make_zones),
    "zones:cross": Case("office_a", make_zones),
    "zones:visit_list": Case("office_a", make_zones),
    "zones:complaint_list": Case("office_a", make_complaints),
    "rectification:ledger": Case("office_a", make_rectification),
    "rectification:notice_list": Case("office_a", make_rectification),
    "rectification:order_list": Case("office_a", make_rectification),
    "rectification:talk_list": Case("office_a", make_rectification),
    "rectification:case_list": Case("office_a", make_rectification),
    "rectification:recheck_list": Case("office_a", make_rectification),
    "rectification:publication_list": Case("office_a", make_rectification),
    "monitoring:campaign_list": Case("office_a", make_campaigns),
    "surveys:round_list": Case("office_a", make_rounds),
    "surveys:questionnaire_list": Case("office_a", make_questionnaires),
    "frameworks:list": Case("office_a", make_frameworks),
    "inspections:list": Case("office_a", make_inspections),
    "quality:round_list": Case("office_a", make_quality_rounds),
    "quality:external_index": Case("office_a", make_schools),
    "planning:plan_list": Case("office_a", make_plans),
    "planning:calendar": Case("office_a", make_plans, "?month=2026-12&view=list"),
    "planning:meeting_list": Case("office_a", make_meetings),
    "planning:chronicle": Case("office_a", make_chronicle, "?year=2026&tab=accepted"),
    "planning:briefing_list": Case("office_a", make_briefings),
    "planning:submission_list": Case("office_a", make_submissions),
    "planning:summary_list": Case("office_a", make_summaries),
    "planning:archive_list": Case("office_a", make_archive_years),
    "reviews:bulletin_list": Case("office_a", make_bulletins),  # reviews: bulletin
    "reviews:project_list": Case("office_a", make_projects),  # targets
    # reviews: 督导委员会
    "reviews:committee": Case("office_a", make_committee_members),
    "results:list": Case(None, make_rectification),
    "results:feed": Case(None, make_rectification),
    "api/v1/regions": Case("office_a", make_towns),
    "api/v1/units": Case("office_a", make_units),
    "api/v1/schools": Case("office_a", make_schools),
    "api/v1/inspectors": Case("office_a", make_inspectors),
    "api/v1/zones": Case("office_a", make_zones),
    "api/v1/assignments": Case("office_a", make_zones),
    "api/v1/visits": Case("office_a", make_zones),
    "api/v1/surveys/rounds": Case("office_a", make_rounds),
    "api/v1/frameworks": Case("office_a", make_frameworks),
    "api/v1/inspections": Case("office_a", make_inspections),
    "api/v1/quality/rounds": Case("office_a", make_quality_rounds),
    "api/v1/plans": Case("office_a", make_plans),
    "reviews:review_list": Case("office_a", make_reviews),
    "reviews:my_tasks": Case("town_a", make_reviews),
    "reviews:province_board": Case("office_a", make_reviews, "?year=2026"),
    "api/v1/reviews": Case("office_a", make_reviews),
    "api/v1/projects": Case("office_a", make_projects),  # targets
    "api/v1/calendar": Case("office_a", make_plans, "?from=2026-12-01&to=2026-12-31"),
    "api/v1/chronicle": Case("office_a", make_chronicle, "?year=2026"),
    "api/v1/findings": Case("office_a", make_rectification),
    "api/v1/notices": Case("office_a", make_rectification),
    "api/v1/orders": Case("office_a", make_rectification),
    "api/v1/talks": Case("office_a", make_rectification),
    "api/v1/cases": Case("office_a", make_rectification),
    # reviews: rating (述职评议)
    "reviews:session_list": Case("office_a", make_rating_sessions),
    "reviews:session_mine": Case("town_a", make_rating_sessions),
    "reviews:use_list": Case("office_a", make_result_uses),  # uses
    "reviews:use_annual": Case("office_a", make_result_uses, "?year=2026"),  # uses
    "api/v1/result-uses": Case("office_a", make_result_uses),  # uses
    "dashboard:map_data": Case("office_a", make_map_schools),  # map: every school of the county as a point
    "checks:institution_list": Case("office_a", make_institutions),  # institutions
    "api/v1/institutions": Case("office_a", make_institutions),  # institutions
    "checks:annual_list": Case("office_a", make_annual_rounds),  # annual
    "checks:violation_list": Case("office_a", make_violations),  # violations (issue 23)
    "checks:request_list": Case("office_a", make_supervision_requests),  # checks: requests
    "checks:topic_list": Case("office_a", make_menu_topics),  # checks: requests (督导菜单)
    "checks:round_list": Case("office_a", make_check_rounds),  # checks rounds
    "checks:template_library": Case("office_a", make_check_rounds),  # checks rounds
    "api/v1/checks": Case("office_a", make_check_rounds),  # checks rounds
    "workforce:allowance_list": Case("office_a", make_allowance_months),  # workforce: allowances (issue 24)
    "workforce:allowance_mine": Case("inspector_a", make_allowance_mine),  # workforce: allowances (issue 24)
    "people:supervisor_list": Case("office_a", make_school_supervisors),  # people: 学校督导管理员 (issue 24)
    "research:project_list": Case("office_a", make_research_projects),  # research: projects
    "workforce:appointment_list": Case("office_a", make_appointment_batches),  # workforce: appointments
    # issue 24: 内审, 征集评选, training, 督导室负责人
    "audits:case_list": Case("office_a", make_audit_cases),
    "api/v1/audits": Case("office_a", make_audit_cases),
    "research:call_list": Case("office_a", make_research_calls),
    "api/v1/calls": Case("office_a", make_research_calls),
    "workforce:event_list": Case("office_a", make_training_events),
    "api/v1/trainings": Case("office_a", make_training_events),
    "workforce:hours": Case("office_a", make_training_hours),
    "workforce:appointment_heads": Case("admin", make_appointment_heads),
}

# Pages without URL kwargs that are not lists of records, each with its reason.
NOT_LISTS: dict[str, str] = {
    # area "home": measured constant for 1 and 200 to-do items in tests/dashboard/test_home_queries.py
    "dashboard:home": "the 工作台: at most 20 to-do items per source, counts and shortcuts",
    "api/v1/me/tasks": "the 工作台's to-do list (at most 20 items per source), measured in tests/dashboard",
    "core:login": "form", "core:logout": "ends the session", "core:password_change": "form",
    "core:user_new": "form",
    "schools:import": "upload form", "schools:import_template": "a fixed workbook",
    "checks:institution_import": "upload form",  # institutions
    "checks:institution_import_template": "a fixed workbook",  # institutions
    "people:inspector_new": "form", "people:expert_new": "form", "people:import": "upload form",
    "people:import_template": "a fixed workbook",
    "people:supervisor_new": "form",  # issue 24
    "research:project_new": "form",  # research: projects
    "zones:visit_new": "form", "zones:complaint_new": "form",
    "checks:annual_create": "form",  # annual
    "documents:templates": "the fixed set of document templates, not records",
    "workforce:allowance_compute": "POST only: computes a month (workforce allowances, issue 24)",
    "rectification:notice_new": "form", "rectification:talk_new": "form", "rectification:case_new": "form",
    "rectification:dashboard": "statistics: aggregate queries whatever the number of findings",
    "monitoring:balanced": "a county's evaluation report (the engine over the county's statistics), not a paginated list",
    "monitoring:balanced_export": "the evaluation as a workbook", "monitoring:balanced_docx": "the evaluation report",
    "monitoring:balanced_pdf": "the evaluation report",
    "monitoring:guarantee_evidence": "a county's evidence checklist (fixed items)",
    "monitoring:preschool": "a county's preschool evaluation report, not a paginated list",
    "monitoring:import": "upload form", "monitoring:import_template": "a fixed workbook",
    "surveys:round_new": "form", "quality:round_create": "form",
    "quality:school_list_template": "a fixed workbook", "frameworks:import_template": "a fixed workbook",
    "frameworks:from_template": "POST-only action", "frameworks:import": "POST-only action",
    "reviews:session_create": "form",
    "checks:round_create": "form", "checks:template_copy": "POST-only action",  # checks rounds
    "gk/": "redirect of the old public prefix", "favicon.ico": "redirect",
    "api:openapi-json": "the schema", "api:openapi-view": "the docs page", "api:api-root": "the API's index",
    "planning:plan_create": "form", "planning:plan_copy": "form", "planning:plan_import": "upload form",
    "planning:plan_import_template": "a fixed workbook", "planning:meeting_create": "form",
    "planning:briefing_create": "form", "planning:submission_create": "form",
    "planning:calendar_feed": "the user's own feed address (one row)", "planning:calendar_feed_issue": "POST-only action",
    "planning:chronicle_create": "POST-only action", "planning:chronicle_refresh": "POST-only action",
    "planning:chronicle_docx": "the accepted entries as a Word document (chronicle page's list, measured there)",
    "planning:chronicle_xlsx": "the accepted entries as a workbook (chronicle page's list, measured there)",
    "planning:summary_request": "POST-only action",
    "reviews:review_create": "form", "reviews:indicators_template": "a fixed workbook",
    "reviews:bulletin_create": "POST-only action",  # reviews: bulletin
    "reviews:use_create": "form (the result picker shows at most 50 results)",  # uses
    "reviews:use_annual_export": "one using unit's year as a workbook or Word document (its index is use_annual)",  # uses
    # reviews: 督导委员会
    "reviews:committee_create": "POST-only action", "reviews:committee_import_template": "a fixed workbook",
    "reviews:committee_mine": "the unit's own member entries (one per committee it sits on), not a list",
    "api/v1/monitoring/balanced": "as monitoring:balanced", "api/v1/monitoring/preschool": "as monitoring:preschool",
    "reviews:project_create": "form",  # targets
    # area "cockpit": measured in tests/dashboard/test_cockpit.py (constant with a snapshot, whatever the children)
    "dashboard:cockpit": "one region's figures: a snapshot row or the providers' grouped queries, not rows",
    "dashboard:cockpit_pdf": "the cockpit page as a PDF", "dashboard:cockpit_xlsx": "the cockpit page as a workbook",
    "dashboard:map": "the map's frame and pickers; its points come from dashboard:map_data, measured in LISTS",  # map
    "checks:violation_create": "form", "checks:violation_sources": "the register form's two pickers (at most 100 each)",  # violations
    "checks:request_new": "form (its menu is the region's active topics, as checks:topic_list)",  # checks: requests
    "checks:topic_create": "form",  # checks: requests
    "workforce:appointment_new": "form (its region picker lists the user's office counties, at most 200)",  # appointments
    # issue 24: 内审, 征集评选, training
    "audits:plan_create": "POST-only action (the plan form sits on audits:case_list)",
    "research:call_create": "form", "research:call_default_framework": "POST-only action",
    "workforce:event_create": "form",
    "workforce:sign_in": "the phone sign-in page of one session (its QR token), not a list",
}


def _walk(patterns, prefix="", namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else (
                entry.namespace or namespace)
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else (entry.name or str(entry.pattern))
            yield prefix + str(entry.pattern), name.lstrip(":"), entry


def _api_methods(pattern: URLPattern) -> set[str]:
    """The HTTP methods of a django-ninja route: its PathView sits in the view function's closure."""
    for cell in getattr(pattern.callback, "__closure__", None) or ():
        operations = getattr(cell.cell_contents, "operations", None)
        if operations is not None:
            return {method for operation in operations for method in operation.methods}
    return set()


def _discovered() -> dict[str, str]:
    """key -> path of every page without URL kwargs and every API GET route without a path id."""
    found = {}
    for route, name, pattern in _walk(get_resolver().url_patterns):
        if pattern.pattern.regex.groupindex:
            continue
        path = "/" + route.lstrip("^").rstrip("$")
        methods = _api_methods(pattern) if route.startswith("api/v1/") else set()
        if methods:
            if "GET" in methods:
                found[route] = path
        else:
            found[name] = path
    return found


DISCOVERED = _discovered()


def test_every_list_is_covered():
    """A new page without URL kwargs, or a new API GET route without a path id, must be measured here (a factory
    in LISTS) or declared not a list (NOT_LISTS, with its reason)."""
    missing = sorted(key for key in DISCOVERED if key not in LISTS and key not in NOT_LISTS)
    assert not missing, "lists without a query-count test (add them to LISTS or NOT_LISTS):\n" + "\n".join(missing)
    named_like_a_list = [key for key in DISCOVERED if re.search(r"(_list|:list|ledger)$", key)]
    assert all(key in LISTS for key in named_like_a_list), [k for k in named_like_a_list if k not in LISTS]
    assert not [key for key in NOT_LISTS if key in LISTS], "a key is in both LISTS and NOT_LISTS"


def _count(client, path: str) -> tuple[int, int]:
    client.get(path)  # warm-up: session, per-process caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code, response.content[:300])
    return len(queries), len(response.content)


@pytest.mark.parametrize("key", sorted(key for key in LISTS if key in DISCOVERED))
def test_a_list_runs_the_same_queries_for_1_and_50_rows(key, world, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    case = LISTS[key]
    path = DISCOVERED[key] + case.query
    if case.persona:
        client.force_login(getattr(world, case.persona))
    case.make(world, 1)
    one, one_size = _count(client, path)
    case.make(world, 49)
    fifty, fifty_size = _count(client, path)
    assert fifty_size > one_size, f"{path}: the 49 new rows are not on the page (not in the persona's scope?)"
    assert fifty == one, f"{path}: {one} queries with 1 row, {fifty} with 50"
