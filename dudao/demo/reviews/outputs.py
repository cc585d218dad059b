"""The demo's reviews (issue 21): outputs. Idempotent: a second load adds nothing.

Last year's (2025) city 专项督导 of 示范区 (教师工资待遇保障), closed: its indicators, a two-day site-visit schedule,
the 问题清单 it returned imported as six findings (source 上级督导) on departments, a town and schools, three of them
rectified; and this year's (2026) 复查 linked to it with the indicators that had problems. The 2026 履行教育职责评价
(made by the upward demo, which runs first) gets a site-visit schedule when it exists."""

import datetime

from django.db import transaction
from django.utils import timezone

from dudao.rectification.models import Finding, FindingStatus
from dudao.regions.models import GovUnit, UnitKind
from dudao.reviews.models import (
    Review,
    ReviewIndicator,
    ReviewKind,
    ReviewLevel,
    ReviewStatus,
    SiteVisit,
)
from dudao.reviews.services.problems import create_problems
from dudao.schools.models import School

SPECIAL_TITLE = "示范市2025年义务教育教师工资待遇保障专项督导"
BODY = "示范市人民政府教育督导委员会办公室"
INDICATORS = [
    ("1", "教师工资待遇保障机制", None, 40),
    ("1.1", "义务教育教师平均工资收入水平不低于当地公务员平均工资收入水平", "1", 20),
    ("1.2", "教师绩效工资及时足额发放", "1", 20),
    ("2", "教师培训与补充", None, 30),
    ("2.1", "教师培训经费按年度公用经费预算总额的 5% 安排", "2", 15),
    ("2.2", "乡村教师生活补助按时发放", "2", 15),
    ("3", "学校经费使用管理", None, 30),
    ("3.1", "学校公用经费使用规范", "3", 30),
]


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _visits(review: Review, first: datetime.date, schools: list[School]) -> None:
    if review.visits.exists():
        return
    second = first + datetime.timedelta(days=1)
    lines = [
        (first, (9, 0), (10, 30), "汇报会：区政府汇报自评情况", "区政府第一会议室", None, "分管副区长、督导委员会成员单位负责人"),
        (first, (10, 40), (12, 0), "查阅资料", "区教育局三楼会议室", None, "区教育局、区财政局、区人社局经办人员"),
        (first, (14, 30), (17, 0), "实地查看学校", "", schools[0] if schools else None, "校长、区教育局分管领导"),
        (second, (9, 0), (11, 30), "实地查看学校，教师座谈", "", schools[1] if len(schools) > 1 else None, "教师代表 8 人"),
        (second, (15, 0), (16, 30), "反馈会：督导组反馈初步意见", "区政府第一会议室", None, "区政府主要领导、各成员单位负责人"),
    ]
    SiteVisit.objects.bulk_create([
        SiteVisit(review=review, day=day, starts=datetime.time(*s), ends=datetime.time(*e), activity=activity,
                  place=place, school=school, people=people)
        for day, s, e, activity, place, school, people in lines])


def _indicators(review: Review, codes: set[str] | None = None) -> None:
    if review.indicators.exists():
        return
    made: dict[str, ReviewIndicator] = {}
    for position, (code, text, parent, weight) in enumerate(INDICATORS):
        if codes is not None and code not in codes:
            continue
        made[code] = ReviewIndicator.objects.create(review=review, parent=made.get(parent), code=code, text=text,
                                                    weight=weight, position=position)


def _targets(county) -> tuple[list[GovUnit], list[GovUnit], list[School]]:
    units = GovUnit.objects.filter(region__code__startswith=county.code).order_by("code")
    departments = list(units.filter(kind=UnitKind.DEPARTMENT)[:3])
    towns = list(units.filter(kind__in=[UnitKind.TOWN_GOV, UnitKind.SUBDISTRICT])[:1])
    schools = list(School.objects.filter(region__code__startswith=county.code, school_type__in=("primary", "junior"))
                   .order_by("code")[:3])
    return departments, towns, schools


def _problems(review: Review, office_user, departments, towns, schools) -> None:
    if review.problems.exists():
        return
    rows = []
    plan = [
        ("1.1", "义务教育教师平均工资收入水平低于当地公务员平均工资收入水平约 3%。", "建立联动机制，2026年上半年补齐差额。",
         departments[:1], [], datetime.date(2026, 6, 30)),
        ("2.1", "教师培训经费未达到年度公用经费预算总额的 5%。", "足额安排教师培训经费。",
         departments[1:2], [], datetime.date(2026, 3, 31)),
        ("1.2", "绩效工资核定发放滞后一个月以上。", "按月核定，按时足额发放。", departments[2:3], [], datetime.date(2026, 12, 31)),
        ("2.2", "乡村教师生活补助发放不及时。", "按季度发放，建立台账。", towns[:1], [], datetime.date(2026, 9, 30)),
        ("3.1", "学校公用经费支出凭证不规范。", "规范财务报销手续。", [], schools[:1], datetime.date(2026, 3, 31)),
        ("3.1", "学校代收代管费用未按规定公示。", "在校务公开栏公示收费项目和标准。", [], schools[1:2], datetime.date(2027, 3, 31)),
    ]
    for n, (code, text, requirement, units, picked, due) in enumerate(plan, 2):
        unit = units[0] if units else None
        school = picked[0] if picked else None
        if unit is None and school is None:
            continue
        rows.append({"row": n, "code": code, "text": text, "requirement": requirement, "unit": unit, "school": school,
                     "due": due})
    problems = create_problems(actor=office_user, review=review, rows=rows, raised_at=_at(datetime.date(2025, 11, 20)))
    # three rectified (two on time, one late), the rest still open
    for problem, closed in zip(problems, (datetime.date(2026, 5, 20), datetime.date(2026, 3, 25),
                                          datetime.date(2026, 7, 8)), strict=False):
        Finding.objects.filter(pk=problem.finding_id).update(
            status=FindingStatus.CLOSED, closed_at=_at(closed, 16),
            closed_on_time=closed <= problem.finding.due_date)


@transaction.atomic
def load(*, admin, office_user, county) -> None:
    departments, towns, schools = _targets(county)
    special, _ = Review.objects.get_or_create(region=county, title=SPECIAL_TITLE, defaults={
        "level": ReviewLevel.CITY, "kind": ReviewKind.SPECIAL, "body": BODY, "year": 2025,
        "materials_due": datetime.date(2025, 9, 30), "visit_starts": datetime.date(2025, 10, 14),
        "visit_ends": datetime.date(2025, 10, 15), "word_limit": 3000, "status": ReviewStatus.CLOSED,
        "created_by": office_user, "created_at": _at(datetime.date(2025, 8, 1)),
        "report_text": ("一、基本情况\n示范区高度重视教师工资待遇保障工作……\n二、主要做法\n（一）建立工资联动机制。\n"
                        "（二）足额保障绩效工资。\n三、存在问题和下一步打算\n……")})
    _indicators(special)
    _visits(special, datetime.date(2025, 10, 14), schools)
    _problems(special, office_user, departments, towns, schools)

    codes = set(special.problems.exclude(indicator_code="").values_list("indicator_code", flat=True))
    recheck, _ = Review.objects.get_or_create(region=county, previous=special, kind=ReviewKind.RECHECK, defaults={
        "title": f"{SPECIAL_TITLE}（复查）", "level": ReviewLevel.CITY, "body": BODY, "year": 2026,
        "visit_starts": datetime.date(2026, 11, 24), "visit_ends": datetime.date(2026, 11, 24), "word_limit": 2000,
        "created_by": office_user, "created_at": _at(datetime.date(2026, 9, 1))})
    parents = {c.split(".")[0] for c in codes}
    _indicators(recheck, codes | parents)

    duties = (Review.objects.filter(region=county, kind=ReviewKind.DUTIES, year=2026).order_by("id").first())
    if duties is not None:
        first = duties.visit_starts or datetime.date(2026, 11, 17)
        _visits(duties, first, schools[1:] or schools)
