"""Demo data of workforce, area appointments: 督学聘任、公示、聘书与督学证、公开验证.

demo_office (周主任) is designated the county's 督导室负责人. One 选聘批次 in 公示 from the load day: a teacher
recommended by the demo principal's school, a town cadre recommended by 南湖镇 (demo_unit), a full-time inspector
nominated by the office, and a retired principal nominated by the office who retired more than 5 years ago —
flagged by the 资格审核 and passed by the office head with a recorded reason. The 公示 is on /public/results/."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from dudao.core.models import RoleAssignment
from dudao.core.roles import Role
from dudao.people.engine import add_years
from dudao.people.models import Inspector, InspectorKind, InspectorStatus
from dudao.rectification.models import Publication
from dudao.workforce.models import AppointmentBatch, AppointmentHead, CandidateRecommender, CandidateStatus
from dudao.workforce.services import appointments as services

User = get_user_model()
TITLE_SUFFIX = "年兼职督学选聘"


def load(*, admin, office_user, county) -> None:
    """Idempotent: running the demo twice changes nothing."""
    today = timezone.localdate()
    if not AppointmentHead.objects.filter(region=county, user=office_user, ended_at__isnull=True).exists():
        services.head_designate(actor=admin, region=county, user=office_user)
    title = f"{today.year}{TITLE_SUFFIX}"
    if AppointmentBatch.objects.filter(region=county).exists():
        return
    _renewal_batch(office_user=office_user, county=county, today=today)
    batch = services.batch_create(actor=office_user, region=county, title=title, note=(
        "按照《督学管理暂行办法》，面向全区选聘兼职督学。学校推荐本校在职教职工，乡镇（街道）推荐熟悉教育工作的干部，"
        "督导室可直接提名。选聘人员以在职人员为主，退休人员退休不超过 5 年、身体健康。"))
    school_user = User.objects.get(username="demo_school")
    school = (RoleAssignment.objects.filter(user=school_user, role=Role.SCHOOL).select_related("school")
              .order_by("id").first())
    unit_user = User.objects.get(username="demo_unit")
    unit = RoleAssignment.objects.filter(user=unit_user, role=Role.UNIT).select_related("unit").order_by("id").first()
    common = {"home_school": None, "retirement_date": None}
    if school is not None:
        services.candidate_recommend(
            actor=school_user, batch=batch, as_recommender=CandidateRecommender.SCHOOL, school=school.school,
            name="何晓燕", gender="女", birth_date=datetime.date(1983, 4, 12), phone="13608231145",
            employer=school.school.name, position="教导主任、一级教师", kind="parttime", source="teacher",
            reason="从事教学管理工作十余年，熟悉课程与作业管理，曾参与区级专项督导。", retirement_date=None)
    if unit is not None:
        services.candidate_recommend(
            actor=unit_user, batch=batch, as_recommender=CandidateRecommender.TOWN, unit=unit.unit,
            name="邓建国", gender="男", birth_date=datetime.date(1979, 9, 3), phone="13983310562",
            employer=unit.unit.name, position="社会事务办主任", kind="parttime", source="official",
            reason="分管全镇教育工作，熟悉学校安全和控辍保学工作。", **common)
    services.candidate_recommend(
        actor=office_user, batch=batch, as_recommender=CandidateRecommender.OFFICE, name="唐敏",
        gender="女", birth_date=datetime.date(1986, 2, 20), phone="13512268830", employer="区教育督导室",
        position="科员", kind="fulltime", source="official", reason="拟充实专职督学队伍，负责评估监测工作。", **common)
    retired_on = add_years(today, -7)
    retired = services.candidate_recommend(
        actor=office_user, batch=batch, as_recommender=CandidateRecommender.OFFICE, name="罗淑芬", gender="女",
        birth_date=add_years(retired_on, -55), phone="13708834417", employer="（退休）原区实验幼儿园",
        position="原园长、幼儿园高级教师", kind="parttime", source="retired", retirement_date=retired_on,
        reason="从事学前教育管理三十年，熟悉幼儿园办园行为督导评估。", home_school=None)
    services.batch_review(actor=office_user, batch=batch)
    retired.refresh_from_db()
    if retired.status == CandidateStatus.FLAGGED and not retired.hard_flags:
        services.candidate_except(
            actor=office_user, candidate=retired, confirmed=True,
            reason="本区学前教育督学紧缺，该同志身体健康，经督导室会议研究，同意破格纳入拟聘人选，聘期内不担任责任区组长。")
    for other in batch.candidates.filter(status=CandidateStatus.FLAGGED):
        services.candidate_refuse(actor=office_user, candidate=other, reason="不符合选聘条件。")
    services.batch_publish(actor=office_user, batch=batch, contact="示范区教育督导室，电话 0000-88886666")


def _renewal_batch(*, office_user, county, today: datetime.date) -> None:
    """Two part-time inspectors renewed a month ago (their term ended or ends within a year)."""
    serving = [i for i in Inspector.objects.filter(region=county, kind=InspectorKind.PART_TIME, term_no__lt=3,
                                                   status=InspectorStatus.ACTIVE, retirement_date__isnull=True)
               .order_by("card_no") if add_years(i.term_start, 3) <= add_years(today, 1)][:2]
    if not serving:
        return
    batch = services.batch_create(actor=office_user, region=county, title=f"{today.year}年兼职督学续聘",
                                  note="对聘期届满、考核合格的兼职督学办理续聘。")
    for inspector in serving:
        services.candidate_recommend(
            actor=office_user, batch=batch, as_recommender=CandidateRecommender.OFFICE, renewing=inspector,
            name=inspector.name, gender=inspector.gender or "男", birth_date=datetime.date(1978, 6, 1),
            phone=inspector.phone, employer=inspector.employer or "—", position=inspector.position,
            kind=inspector.kind, source=inspector.source, home_school=inspector.home_school,
            retirement_date=None, reason="聘期届满，年度考核合格，本人愿意继续担任兼职督学。")
    services.batch_review(actor=office_user, batch=batch)
    for flagged in batch.candidates.filter(status=CandidateStatus.FLAGGED):
        services.candidate_refuse(actor=office_user, candidate=flagged, reason="不符合续聘条件。")
    services.batch_publish(actor=office_user, batch=batch, contact="示范区教育督导室，电话 0000-88886666")
    start, end = today - datetime.timedelta(days=40), today - datetime.timedelta(days=34)
    AppointmentBatch.objects.filter(pk=batch.pk).update(publicity_start=start, publicity_end=end)
    Publication.objects.filter(pk=batch.publication_id).update(
        published_at=timezone.now() - datetime.timedelta(days=40))
    batch.refresh_from_db()
    term_start = max(today - datetime.timedelta(days=30), *(i.term_start + datetime.timedelta(days=1) for i in serving))
    services.batch_appoint(actor=office_user, batch=batch, doc_no=f"示教督〔{today.year}〕12号", term_start=term_start)
