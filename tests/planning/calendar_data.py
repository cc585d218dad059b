"""Test data for the 行事历 tests: one dated thing of every calendar source in district A (December 2026 mostly),
written with the ORM (no service checks), and a little of district B that A must never see.

    data = calendar_world(world)   # CalendarData: the objects by name

District A's schools: s0 甲区第一小学 (甲一街道; principal_a's), s1 甲区第二小学 (甲一街道), s2 甲区九年一贯制学校 (甲二镇).
"""

import datetime
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from dudao.frameworks import services as frameworks
from dudao.inspections.models import Inspection, Target
from dudao.monitoring.models import Campaign, CampaignTask
from dudao.people.models import Inspector, Training
from dudao.planning.models import Meeting, Plan, PlanSection, PlanStatus, PlanTask
from dudao.rectification.models import RectificationNotice, SupervisionOrder
from dudao.regions.models import GovUnit
from dudao.surveys.models import Questionnaire, SurveyRound
from dudao.zones.models import CrossSupervision, Zone
from tests.quality.factories import make_round

BEIJING = ZoneInfo("Asia/Shanghai")


def at(y, m, d, hh=0, mm=0) -> datetime.datetime:
    return datetime.datetime(y, m, d, hh, mm, tzinfo=BEIJING)


@dataclass
class CalendarData:
    inspection_nov: Inspection
    inspection_dec: Inspection
    inspection_b: Inspection
    survey: SurveyRound
    quality: object
    notice_s0: RectificationNotice
    notice_s1: RectificationNotice
    notice_b: RectificationNotice
    order: SupervisionOrder
    task: CampaignTask
    cross: CrossSupervision
    plan_task: PlanTask
    draft_task: PlanTask
    meeting: Meeting


def _inspection(world, office, county, name, starts, ends, schools):
    framework = frameworks.framework_from_template(actor=office, region=county, template_code="zone")
    framework = frameworks.framework_freeze(actor=office, framework=framework)
    project = Inspection.objects.create(county=county, name=name, kind="comprehensive", framework=framework,
                                        year=starts.year, starts_on=starts, ends_on=ends, created_by=office)
    Target.objects.bulk_create([Target(inspection=project, school=s, region_code=s.region_id) for s in schools])
    return project


def _notice(world, office, school, number, due):
    return RectificationNotice.objects.create(school=school, region_code=school.region_id, number=number, due_date=due,
                                              issued_by=office, issued_at=at(2026, 11, 1, 10))


def calendar_world(world) -> CalendarData:
    s0, s1, s2 = world.schools_a[:3]
    office = world.office_a
    nov = _inspection(world, office, world.county_a, "甲区2026年秋季综合督导", datetime.date(2026, 11, 10),
                      datetime.date(2026, 11, 20), [s0, s1])
    dec = _inspection(world, office, world.county_a, "甲区第二小学专项督导", datetime.date(2026, 12, 3),
                      datetime.date(2026, 12, 4), [s1])
    other = _inspection(world, world.office_b, world.county_b, "乙县综合督导", datetime.date(2026, 12, 2),
                        datetime.date(2026, 12, 2), world.schools_b[:1])
    questionnaire = Questionnaire.objects.create(county=world.county_a, family="parents", title="家长满意度问卷",
                                                 group="parent", created_by=office)
    survey = SurveyRound.objects.create(questionnaire=questionnaire, county=world.county_a, name="甲区2026年家长满意度调查",
                                        year=2026, group="parent", opens_at=at(2026, 12, 1, 8),
                                        closes_at=at(2026, 12, 16), created_by=office)
    survey.schools.set(world.schools_a)
    quality = make_round(world, schools=[s0, s2], test_date=datetime.date(2026, 12, 10), title="甲区八年级学业质量监测")
    notice_s0 = _notice(world, office, s0, "甲督整〔2026〕1号", datetime.date(2026, 12, 5))
    notice_s1 = _notice(world, office, s1, "甲督整〔2026〕2号", datetime.date(2026, 12, 20))
    notice_b = _notice(world, world.office_b, world.schools_b[0], "乙督整〔2026〕1号", datetime.date(2026, 12, 5))
    bureau = GovUnit.objects.create(code="UA90", name="甲区教育局", kind="department", region=world.county_a,
                                    is_education_authority=True)
    order = SupervisionOrder.objects.create(number="甲督办〔2026〕1号", notice=notice_s1, department=bureau,
                                            region_code=s1.region_id, issued_at=at(2026, 12, 1, 9),
                                            due_date=datetime.date(2026, 12, 28))
    campaign = Campaign.objects.create(kind="balanced", county=world.county_a, name="甲区优质均衡创建",
                                       target_year=2027, created_by=office)
    task = CampaignTask.objects.create(campaign=campaign, unit=world.unit_a, region_code=world.unit_a.region_id,
                                       title="完成甲二镇中心校运动场改造", deadline=datetime.date(2026, 12, 15))
    zone1 = Zone.objects.create(code="Z1", name="第一责任区", region=world.county_a)
    zone2 = Zone.objects.create(code="Z2", name="第二责任区", region=world.county_a)
    cross = CrossSupervision.objects.create(semester="2026秋", visiting_zone=zone1, host_zone=zone2,
                                            planned_on=datetime.date(2026, 12, 8), created_by=office)
    for i in range(2):
        inspector = Inspector.objects.create(card_no=f"DX{i}", name=f"督学{i}", phone="13800000000", kind="parttime",
                                             source="teacher", region=world.county_a,
                                             appointed_on=datetime.date(2020, 1, 1), term_start=datetime.date(2023, 1, 1))
        Training.objects.create(inspector=inspector, date=datetime.date(2026, 12, 12), title="督学专题培训", hours=6)
    plan = Plan.objects.create(region=world.county_a, year=2026, title="甲区2026年教育督导工作要点",
                               status=PlanStatus.PUBLISHED, created_by=office)
    section = PlanSection.objects.create(plan=plan, title="一、督学", area="duxue")
    plan_task = PlanTask.objects.create(plan=plan, section=section, text="开展冬季校园安全专项督导",
                                        months=[11, 12], due_date=datetime.date(2026, 12, 25))
    draft = Plan.objects.create(region=world.county_a, year=2026, title="草稿要点", created_by=office)
    draft_section = PlanSection.objects.create(plan=draft, title="一、草稿")
    draft_task = PlanTask.objects.create(plan=draft, section=draft_section, text="草稿任务",
                                         due_date=datetime.date(2026, 12, 26))
    meeting = Meeting.objects.create(region=world.county_a, kind="committee", title="区教育督导委员会全体会议",
                                     starts_at=at(2026, 12, 18, 9), place="区政府第一会议室", created_by=office)
    return CalendarData(nov, dec, other, survey, quality, notice_s0, notice_s1, notice_b, order, task, cross,
                        plan_task, draft_task, meeting)
