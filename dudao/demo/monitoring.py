"""Two school years of 事业年报 statistics for 示范区, loaded through the same import an office uses.

Realistic variety: resources drawn around the 优质均衡 standards, so several schools miss one or two
indicators; the city-centre primary schools have little playground space, which puts the primary 生均体育运动场馆
面积 差异系数 over its 0.50 limit (less so in the second year, after two schools gained leased venues).
"""

import datetime
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dudao.core.tabular import write_template_workbook
from dudao.demo.generator import COUNTY
from dudao.monitoring import campaigns
from dudao.monitoring.engine import DEFAULT_STANDARDS
from dudao.monitoring.imports import COLUMNS, SPEC, stats_import
from dudao.monitoring.models import Campaign
from dudao.monitoring.services import county_inputs_save
from dudao.regions.models import GovUnit, Region
from dudao.schools.models import School

YEARS = (2024, 2025)
TYPES = ("kindergarten", "primary", "teaching_point", "junior", "nine_year", "complete_secondary", "twelve_year")


def stats_rows(schools: list[School], year: int, rng: random.Random) -> list[list]:
    """One template row per school (columns in the import template's order)."""
    headers = [c.header for c in COLUMNS]
    rows = []
    for school in schools:
        growth = 1 + (year - YEARS[0]) * 0.02
        pupils = {s: round(getattr(school, f"students_{s}") * growth) for s in ("primary", "junior", "senior")}
        values: dict[str, object] = {"学年": f"{year}-{year + 1}", "学校标识码": school.code, "学校名称": school.name,
                                     "小学在校生数": pupils["primary"], "初中在校生数": pupils["junior"],
                                     "高中在校生数": pupils["senior"]}
        if school.school_type == "kindergarten":
            values.update(_kindergarten(school, rng))
            for header in ("高于规定学历教师数", "县级及以上骨干教师数", "体育专任教师数", "艺术专任教师数", "教学及辅助用房面积",
                           "室内体育用房面积", "体育运动场馆面积", "教学仪器设备值 (万元)", "网络多媒体教室数"):
                values[header] = 0
        else:
            values.update(_resources(school, pupils, year, rng))
        rows.append([values.get(h, "") for h in headers])
    return rows


def _need(pupils: dict[str, int], indicator: str) -> float:
    """What meeting the standard exactly takes, summed over the school's compulsory stages (senior as junior)."""
    return sum(n * DEFAULT_STANDARDS["junior" if s == "senior" else s][indicator] for s, n in pupils.items())


def _resources(school: School, pupils: dict[str, int], year: int, rng: random.Random) -> dict:
    def level(spread=0.18, weak=0.0):
        # Most schools a little above the standard; a few (weak > 0) below it; better in the later year.
        base = rng.lognormvariate(0.22, spread * 0.6) - weak
        return base * (1.04 if year > YEARS[0] else 1.0)

    weak_school = rng.random() < 0.15
    city_centre = school.urban_rural == "urban" and school.school_type == "primary"
    sports = level(0.15) * (rng.uniform(0.2, 0.5) if city_centre else rng.uniform(1.1, 1.9))
    if city_centre and year > YEARS[0] and rng.random() < 0.3:
        sports *= 1.8  # leased venues nearby now counted
    indoor = _need(pupils, "teaching_space") * 0.08
    rooms = -(-(school.classes_primary + school.classes_junior) // 12)
    teachers = max(3, round(sum(pupils.values()) / rng.uniform(12, 17)))
    eligible = round(teachers * 0.6)
    rotated = round(eligible * rng.uniform(0.09, 0.16))
    return {
        "专任教师数": teachers, "持有教师资格证教师数": teachers - (rng.random() < 0.05),
        "应交流轮岗教师数": eligible, "交流轮岗教师数": rotated, "交流轮岗骨干教师数": round(rotated * rng.uniform(0.2, 0.35)),
        "初中三年巩固率(%)": round(rng.uniform(94.6, 99.6), 1) if pupils["junior"] else "",
        "高于规定学历教师数": round(_need(pupils, "qualified_teachers") / 100 * level(weak=0.35 if weak_school else 0)),
        "县级及以上骨干教师数": round(_need(pupils, "backbone_teachers") / 100 * level(0.25)),
        "体育专任教师数": round(_need(pupils, "pe_art_teachers") / 100 * level() * 0.55),
        "艺术专任教师数": round(_need(pupils, "pe_art_teachers") / 100 * level() * 0.5),
        "教学及辅助用房面积": round(_need(pupils, "teaching_space") * level(weak=0.3 if weak_school else 0) + indoor, 1),
        "室内体育用房面积": round(indoor, 1),
        "体育运动场馆面积": round(_need(pupils, "sports_space") * sports, 1),
        "教学仪器设备值 (万元)": round(_need(pupils, "equipment_value") * level(0.2) / 10_000, 2),
        "网络多媒体教室数": round(_need(pupils, "multimedia_rooms") / 100 * level(0.15)),
        "小学班级数": school.classes_primary, "初中班级数": school.classes_junior,
        "小学最大班额": rng.choice([38, 40, 42, 44, 45, 45, 45, 45, 46]) if pupils["primary"] else "",
        "初中最大班额": rng.choice([44, 46, 48, 50, 50, 50, 50, 52]) if pupils["junior"] else "",
        "音乐专用教室数": max(1, rooms + rng.choice([0, 0, 0, 0, 1, -1])),
        "美术专用教室数": max(1, rooms + rng.choice([0, 0, 0, 0, 0, 1])),
    }


def _kindergarten(school: School, rng: random.Random) -> dict:
    children = school.students_preschool
    classes = max(1, school.classes_preschool)
    teachers = round(children / rng.uniform(10.5, 15.3))
    return {
        "在园幼儿数": children, "幼儿园班级数": classes, "幼儿园超额班级数": rng.choice([0] * 9 + [1]),
        "幼儿园专任教师数": teachers, "幼儿园持证教师数": teachers - (rng.random() < 0.08),
        "户外活动场地面积": round(children * rng.uniform(3.95, 6.5), 1),
        "幼儿活动室面积": round(children * rng.uniform(8.1, 10.5), 1), "园舍建筑面积": round(children * rng.uniform(10.35, 14), 1),
    }


# (task, responsible department name or school code suffix, measures, days from today to the deadline, progress)
CAMPAIGN_TASKS = [
    ("城区小学体育运动场馆补短板：东城片区租借周边体育场馆", "区教育委员会", "与区体育局签订场馆共享协议，步行 10 分钟内", -20, 60),
    ("新建东城第二育才小学室内体育馆", "区住房和城乡建设委员会", "纳入年度政府投资项目，明年 8 月前竣工", 260, 25),
    ("补充体育、艺术专任教师 24 名", "区人力资源和社会保障局", "公开招聘 + 县管校聘交流", 70, 40),
    ("核定并下达中小学教职工编制", "区委机构编制委员会办公室", "按城乡统一编制标准核编", -5, 80),
    ("落实生均公用经费基准定额", "区财政局", "预算足额安排，不足 100 人学校按 100 人拨付", 35, 100),
    ("教师交流轮岗比例达到 10%、骨干占 20%", "区教育委员会", "制定年度交流计划，名单公示", 120, 10),
    ("完善学校布局规划并报区政府批准", "区规划和自然资源局", "控规预留教育用地", 10, 0),
    ("开展社会认可度自查调查", "区教育委员会", "家长、教师、学生问卷，样本不少于 3000 份", 95, 0),
]


def load_campaign(*, admin, county, today) -> None:
    if Campaign.objects.filter(county=county).exists():
        return
    campaign = campaigns.campaign_create(actor=admin, kind="balanced", county=county,
                                         name=f"{county.name}创建全国义务教育优质均衡发展区", target_year=today.year + 1)
    units = {u.name.replace(county.name, "区", 1): u for u in GovUnit.objects.filter(region__code__startswith=county.code)}
    for title, owner, measures, days, progress in CAMPAIGN_TASKS:
        task = campaigns.task_add(actor=admin, campaign=campaign, title=title, measures=measures,
                                  deadline=today + datetime.timedelta(days=days), unit=units[owner])
        if progress and progress < 100:
            campaigns.progress_report(actor=admin, task=task, progress=progress, note="按计划推进，已完成阶段性工作。",
                                      today=today)
        elif progress == 100:
            campaigns.progress_report(actor=admin, task=task, progress=100, note="已完成，财政预算文件已印发。",
                                      uploads=[_evidence()], today=today)


def _evidence():
    return SimpleUploadedFile("预算文件.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                              content_type="application/pdf")


def load_monitoring(*, admin, rng: random.Random) -> None:
    schools = list(School.objects.filter(region__code__startswith=COUNTY[0], school_type__in=TYPES).order_by("code"))
    county = Region.objects.get(code=COUNTY[0])
    children = sum(s.students_preschool for s in schools)
    for year, enrolment_rate, recognition in zip(YEARS, (0.83, 0.88), (86.4, 89.1), strict=True):
        data = write_template_workbook([SPEC], {SPEC.name: stats_rows(schools, year, rng)}, with_notes=False)
        stats_import(actor=admin, data=data, filename=f"示范区{year}学年事业统计.xlsx", confirm=True)
        # The county's 3–5-year-olds: 毛入园率 just under 85% the first year, over it the second.
        county_inputs_save(actor=admin, county=county, year=year, population_3_5=round(children / enrolment_rate),
                           recognition_rate=recognition)
    load_campaign(admin=admin, county=county, today=timezone.localdate())
