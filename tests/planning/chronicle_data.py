"""Test data for the 大事记 tests: one key event of every registered source in district A (and a few in B), written
with the ORM at hand-chosen Beijing moments, so the expected keys, days and titles are known in advance.

    events = key_events(world)   # {name: object}; every event is dated in 2026
"""

import datetime
from zoneinfo import ZoneInfo

from dudao.frameworks import services as frameworks
from dudao.inspections.models import Inspection, InspectionStage, Opinion, Target, Transition
from dudao.monitoring.models import Campaign, CampaignTask
from dudao.planning.models import Meeting, MeetingKind, Plan, PlanStatus
from dudao.quality.models import ReportBatch, ReportStatus, RoundStatus
from dudao.rectification.models import AccountabilityCase, CaseStep, Publication, Talk, TalkStatus
from dudao.surveys import services as survey_services
from dudao.surveys.models import SurveyRound
from tests.quality.factories import make_round

TZ = ZoneInfo("Asia/Shanghai")


def beijing(*args) -> datetime.datetime:
    return datetime.datetime(*args, tzinfo=TZ)


def publication(world, when: datetime.datetime, *, region=None, title="甲区2026年督导结果公告", withdrawn=False):
    region = region or world.county_a
    return Publication.objects.create(kind="result", region_code=region.code, title=title, body="全区督导结果如下。",
                                      published_by=world.office_a, published_at=when,
                                      withdrawn_at=when if withdrawn else None)


def key_events(world) -> dict:
    a, office = world.county_a, world.office_a
    school = world.schools_a[0]
    out = {}
    out["plan"] = Plan.objects.create(region=a, year=2026, title="甲区2026年教育督导工作要点", number="甲督〔2026〕1号",
                                      status=PlanStatus.PUBLISHED, published_at=beijing(2026, 2, 20, 10, 0),
                                      created_by=office)
    Plan.objects.create(region=a, year=2026, title="草稿不算", created_by=office)  # a draft: no event
    out["meeting"] = Meeting.objects.create(region=a, kind=MeetingKind.ANNUAL, title="甲区2026年教育督导工作会议",
                                            starts_at=beijing(2026, 3, 6, 9, 0), place="区政府三楼会议室",
                                            created_by=office)
    Meeting.objects.create(region=a, kind=MeetingKind.TEAM, title="督导组工作会", starts_at=beijing(2026, 3, 7, 9, 0),
                           created_by=office)  # not a key meeting kind
    framework = frameworks.framework_freeze(actor=office, framework=frameworks.framework_from_template(
        actor=office, region=a, template_code="zone"))
    inspection = Inspection.objects.create(county=a, name="甲区2026年春季综合督导", kind="comprehensive",
                                           framework=framework, year=2026, starts_on=datetime.date(2026, 3, 1),
                                           ends_on=datetime.date(2026, 6, 30), stage=InspectionStage.ISSUED,
                                           created_by=office)
    Transition.objects.create(inspection=inspection, from_status=InspectionStage.FEEDBACK,
                              to_status=InspectionStage.ISSUED, actor=office, at=beijing(2026, 5, 17, 23, 30))
    for n, s in enumerate(world.schools_a[:2], start=1):
        target = Target.objects.create(inspection=inspection, school=s, region_code=s.region_id)
        Opinion.objects.create(target=target, number=f"甲督意〔2026〕{n}号", evaluation="良好",
                               issued_at=beijing(2026, 5, 17, 23, 30), updated_by=office)
    out["inspection"] = inspection
    out["publication"] = publication(world, beijing(2026, 6, 1, 0, 30))
    publication(world, beijing(2026, 6, 2, 9, 0), title="已撤回的公告", withdrawn=True)
    out["talk"] = Talk.objects.create(key="t:1", status=TalkStatus.HELD, reason="问题整改不力。",
                                      proposed_at=beijing(2026, 6, 10, 9, 0), held_on=datetime.date(2026, 6, 20),
                                      persons="校长", school=school, region_code=school.region_id)
    Talk.objects.create(key="t:2", reason="尚未约谈", proposed_at=beijing(2026, 6, 10, 9, 0), school=school,
                        region_code=school.region_id)
    out["case"] = AccountabilityCase.objects.create(
        number="甲督问〔2026〕1号", target_kind="unit", situation="duty", facts="整改不力", step=CaseStep.DECIDED,
        filed_on=datetime.date(2026, 7, 1), investigation_due=datetime.date(2026, 8, 1), decision_form="bulletin",
        decided_on=datetime.date(2026, 8, 15), school=school, region_code=school.region_id, created_by=office)
    campaign = Campaign.objects.create(kind="balanced", county=a, name="甲区优质均衡创建", target_year=2027,
                                       created_by=office)
    out["task"] = CampaignTask.objects.create(campaign=campaign, title="新建体育馆", deadline=datetime.date(2026, 9, 1),
                                              done_at=datetime.date(2026, 9, 10), unit=world.unit_a,
                                              region_code=world.unit_a.region_id)
    CampaignTask.objects.create(campaign=campaign, title="配齐音乐教师", deadline=datetime.date(2026, 10, 1),
                                done_at=datetime.date(2026, 9, 20), unit=world.unit_a, region_code=world.unit_a.region_id)
    out["campaign"] = campaign
    rnd = make_round(world, status=RoundStatus.PUBLISHED, title="甲区2026学年秋季八年级学业质量监测")
    rnd.published_at = beijing(2026, 11, 20, 10, 0)
    rnd.save(update_fields=["published_at"])
    ReportBatch.objects.create(round=rnd, status=ReportStatus.DONE, finished_at=beijing(2026, 11, 25, 10, 0))
    ReportBatch.objects.create(round=rnd, status=ReportStatus.DONE, finished_at=beijing(2026, 11, 28, 10, 0))
    out["round"] = rnd
    questionnaire = survey_services.questionnaire_publish(
        actor=office, questionnaire=survey_services.questionnaire_from_template(actor=office, county=a,
                                                                                template_code="parent_school"))
    survey = SurveyRound.objects.create(questionnaire=questionnaire, county=a, name="甲区2026年家长满意度调查",
                                        year=2026, group=questionnaire.group, opens_at=beijing(2026, 12, 1, 8, 0),
                                        closes_at=beijing(2026, 12, 10, 18, 0), created_by=office)
    out["survey"] = survey
    # district B: never in A's proposals
    out["b_publication"] = publication(world, beijing(2026, 6, 1, 10, 0), region=world.county_b, title="乙县公告")
    return out
