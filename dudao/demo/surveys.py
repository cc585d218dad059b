"""满意度调查 for 示范区, through the same services an office uses. Generated answers are checked by the same
`clean_answers` as a public post and stored in bulk (one respondent per address and device, so the rate and burst
safeguards have nothing to act on; a post per response cost about 4 round trips each, 18 s on PostgreSQL).

- 2025 year-end parent survey (closed): every compulsory school and kindergarten, about 5,000 responses.
  Most schools are well over 85%; three are under it (canteen and after-school service pull them down) and
  a small teaching point has fewer than 10 responses, so its result is withheld.
- 2025 社会认可度 survey (closed, counts for recognition): its figure is written into monitoring.
- 2026 autumn student survey (open now), with a few hundred responses so far.
"""

import datetime
import random

from django.utils import timezone

from dudao.schools.models import School
from dudao.surveys import services
from dudao.surveys.models import Questionnaire, SurveyResponse, SurveyRound
from dudao.surveys.questionnaire import clean_answers
from dudao.surveys.responses import answers_fingerprint, ip_digest

COMPULSORY = ("primary", "teaching_point", "junior", "nine_year", "complete_secondary", "twelve_year")
COMMENTS = [
    "希望增加课后服务的内容，比如体育和艺术社团。", "食堂饭菜口味一般，希望多些蔬菜。", "老师很负责，孩子进步很大。",
    "放学时校门口交通拥堵，希望加强疏导。", "作业量比以前少了，孩子睡眠时间有保证。", "希望多组织家长开放日。",
    "课后服务时间太晚，低年级孩子吃不消。", "学校操场太小，体育活动场地不够。", "班主任沟通及时，家长很放心。",
    "希望学校多开展心理健康教育。", "食堂卫生需要改进。", "校车安排不够合理。", "图书室希望周末也能开放。",
]


def _level(rng: random.Random, p: float) -> int:
    """A 1–5 answer: satisfied (3–5) with probability p, mostly 满意/非常满意."""
    if rng.random() < p:
        return rng.choices((5, 4, 3), weights=(5, 4, 1))[0]
    return rng.choice((2, 2, 1))


def _parent_answers(rng: random.Random, p: float, rows: int, weak_rows: tuple[int, ...], kinder: bool) -> dict:
    answers = {"q1": rng.choices(("父亲", "母亲", "祖辈", "其他监护人"), weights=(4, 5, 2, 1))[0], "q2": _level(rng, p)}
    answers["q3"] = {str(i): _level(rng, p - (0.06 if i in weak_rows else 0)) for i in range(1, rows + 1)}
    if kinder:
        answers["q4"] = rng.choices(("没有", "有", "不清楚"), weights=(90, 3, 7))[0]
        if rng.random() < 0.25:
            answers["q5"] = rng.choice(COMMENTS)
    else:
        answers["q4"] = rng.choices(("30分钟以内", "30分钟至1小时", "1至1.5小时", "1.5小时以上"), weights=(4, 4, 2, 1))[0]
        answers["q5"] = rng.choices(("没有", "有", "不清楚"), weights=(92, 2, 6))[0]
        if answers["q5"] == "有":
            answers["q6"] = "有老师推荐购买课外辅导资料。"
        if rng.random() < 0.25:
            answers["q7"] = rng.choice(COMMENTS)
    return answers


def _published(office, county, template: str) -> Questionnaire:
    q = services.questionnaire_from_template(actor=office, county=county, template_code=template)
    return services.questionnaire_publish(actor=office, questionnaire=q)


def _fill(survey: SurveyRound, schools, rng: random.Random, make_answers, counts: dict, start: datetime.datetime,
          span_hours: float) -> None:
    definition, rows, serial = survey.questionnaire.definition, [], 0
    for school in schools:
        for _ in range(counts[school.pk]):
            serial += 1
            moment = start + datetime.timedelta(seconds=rng.uniform(0, span_hours * 3600))
            answers, errors = clean_answers(definition, make_answers(school))
            if errors:
                raise ValueError(f"demo answers do not fit {survey}: {errors}")
            rows.append(SurveyResponse(
                round=survey, school=school, answers=answers, submitted_at=moment, device=f"demo-{survey.pk}-{serial}",
                ip_hash=ip_digest(f"10.{serial // 62500 % 250}.{serial // 250 % 250}.{serial % 250}"),
                fingerprint=answers_fingerprint(answers)))
    SurveyResponse.objects.bulk_create(rows, batch_size=500)


def load_surveys(*, office_user, county, rng: random.Random) -> None:
    if Questionnaire.objects.filter(county=county).exists():
        return  # loaded before: the demo is safe to load twice
    tz = timezone.get_current_timezone()
    in_county = School.objects.filter(region__code__startswith=county.code).order_by("code")
    compulsory = list(in_county.filter(school_type__in=COMPULSORY))
    kindergartens = list(in_county.filter(school_type="kindergarten"))
    parent_q = _published(office_user, county, "parent_school")
    kinder_q = _published(office_user, county, "parent_kindergarten")
    recognition_q = _published(office_user, county, "recognition")
    services.questionnaire_from_template(actor=office_user, county=county, template_code="teacher")  # a draft

    opens = datetime.datetime(2025, 12, 1, 8, 0, tzinfo=tz)
    closes = datetime.datetime(2025, 12, 15, 18, 0, tzinfo=tz)
    year_end = services.round_create(
        actor=office_user, questionnaire=parent_q, name="示范区2025年度中小学家长满意度调查", year=2025,
        schools=compulsory, opens_at=opens, closes_at=closes)
    kinder_round = services.round_create(
        actor=office_user, questionnaire=kinder_q, name="示范区2025年度幼儿园家长满意度调查", year=2025,
        schools=kindergartens, opens_at=opens, closes_at=closes)
    weak = {s.pk for s in [compulsory[3], compulsory[17], compulsory[30]]}
    quality = {s.pk: (0.72 if s.pk in weak else rng.uniform(0.93, 0.99)) for s in compulsory + kindergartens}
    tiny = next(s for s in compulsory if s.school_type == "teaching_point")

    def size(school) -> int:
        if school.pk == tiny.pk:
            return 6
        pupils = school.students_primary + school.students_junior + school.students_preschool
        return max(15, min(110, round(pupils * rng.uniform(0.06, 0.09))))

    _fill(year_end, compulsory, rng, lambda s: _parent_answers(rng, quality[s.pk], 8, (5, 7), False),
          {s.pk: size(s) for s in compulsory}, opens, 300)
    _fill(kinder_round, kindergartens, rng, lambda s: _parent_answers(rng, quality[s.pk], 7, (4,), True),
          {s.pk: size(s) for s in kindergartens}, opens, 300)

    recognition = services.round_create(
        actor=office_user, questionnaire=recognition_q, name="示范区2025年义务教育优质均衡社会认可度调查", year=2025,
        schools=compulsory, opens_at=opens, closes_at=closes, feeds_recognition=True)
    groups = ("学生", "家长", "教师", "校长", "人大代表", "政协委员", "社区居民及其他")
    _fill(recognition, compulsory, rng, lambda s: {
        "q1": rng.choices(groups, weights=(3, 5, 2, 1, 1, 1, 2))[0], "q2": _level(rng, 0.9),
        "q3": {str(i): _level(rng, 0.9 - (0.08 if i == 2 else 0)) for i in range(1, 8)}},
          {s.pk: 10 for s in compulsory}, opens, 300)
    services.recognition_publish(actor=office_user, county=county, year=2025)

    low_school = next(s for s in compulsory if s.pk in weak)
    services.finding_from_item(actor=office_user, survey_round=year_end, school=low_school, item="q3.7",
                               due_date=datetime.date(2026, 3, 31),
                               requirement="改进食堂管理，公开菜谱和食材来源，邀请家长陪餐监督。")

    now = timezone.now()
    term = services.round_create(
        actor=office_user, questionnaire=_published(office_user, county, "student"),
        name="示范区2026年秋季学期学生满意度调查", year=2026, schools=compulsory[:20],
        opens_at=now - datetime.timedelta(days=3), closes_at=now + datetime.timedelta(days=11))
    _fill(term, compulsory[:20], rng, lambda s: {
        "q1": rng.choice(("四年级", "五年级", "六年级", "七年级", "八年级", "九年级")), "q2": _level(rng, quality[s.pk]),
        "q3": {str(i): _level(rng, quality[s.pk]) for i in range(1, 9)}, "q4": rng.choice((8, 8.5, 9, 9.5, 10))},
          {s.pk: rng.randint(5, 25) for s in compulsory[:20]}, now - datetime.timedelta(days=3), 70)
