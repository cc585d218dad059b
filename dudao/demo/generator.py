"""Deterministic rows for the fictional demo county 示范区 (and larger synthetic areas for benchmarks).

Pure data: returns sheet rows in the import template's column order, so the demo goes through the same
import path an office uses. Codes use the unassigned province prefix 99 so they never clash with real ones.
"""

import random
from dataclasses import dataclass

PROVINCE = ("990000", "示范省")
CITY = ("990100", "示范市")
COUNTY = ("990102", "示范区")
TOWNS = [
    ("城关街道", "urban"), ("东城街道", "urban"), ("西城街道", "urban"), ("南湖镇", "town"),
    ("北山镇", "town"), ("青石镇", "town"), ("白云乡", "rural"), ("桃源乡", "rural"),
]
DEPARTMENTS = [
    ("区人民政府", "government", False), ("区教育委员会", "department", True), ("区财政局", "department", False),
    ("区人力资源和社会保障局", "department", False), ("区委机构编制委员会办公室", "department", False),
    ("区发展和改革委员会", "department", False), ("区住房和城乡建设委员会", "department", False),
    ("区卫生健康委员会", "department", False), ("区公安分局", "department", False),
    ("区规划和自然资源局", "department", False), ("区民政局", "department", False),
    ("区市场监督管理局", "department", False),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文海燕斌鹏宇浩凯晨雪梅琳"

LABEL_TYPE = {
    "kindergarten": "幼儿园", "primary": "小学", "junior": "初中", "nine_year": "九年一贯制学校",
    "complete_secondary": "完全中学", "twelve_year": "十二年一贯制学校", "senior": "普通高中",
    "vocational": "中等职业学校", "special": "特殊教育学校", "teaching_point": "教学点", "training": "校外培训机构",
}
CN_ORDINALS = "零一二三四五六七八九十"
URBAN_LABEL = {"urban": "城区", "town": "镇区", "rural": "乡村"}

# (type, count, name pattern, ownership mix)
DEMO_MIX = [
    ("kindergarten", 52), ("primary", 47), ("teaching_point", 6), ("junior", 14), ("nine_year", 8),
    ("complete_secondary", 3), ("twelve_year", 1), ("senior", 4), ("vocational", 2), ("special", 1),
    ("training", 12),
]


@dataclass
class Area:
    """A county's codes and names: its towns are code + 001.. in order."""

    county_code: str
    county_name: str
    towns: list[tuple[str, str, str]]  # (code, name, urban_rural)


def demo_area() -> Area:
    return Area(COUNTY[0], COUNTY[1], [(f"{COUNTY[0]}{i:03d}", name, ur) for i, (name, ur) in enumerate(TOWNS, 1)])


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def phone(rng: random.Random) -> str:
    return f"023-{rng.randint(6000_0000, 6999_9999)}"


def region_rows(areas: list[Area], province=PROVINCE, city=CITY) -> list[list]:
    rows = [[province[0], province[1], "省", ""], [city[0], city[1], "市", province[0]]]
    for area in areas:
        rows.append([area.county_code, area.county_name, "县（区）", city[0]])
        rows.extend([code, name, "乡镇（街道）", area.county_code] for code, name, _ur in area.towns)
    return rows


def unit_rows(area: Area, rng: random.Random) -> list[list]:
    rows = []
    for i, (code, name, _ur) in enumerate(area.towns, 1):
        kind = "街道办事处" if name.endswith("街道") else "乡镇人民政府"
        label = name + ("办事处" if kind == "街道办事处" else "人民政府")
        rows.append([f"U{area.county_code}T{i:02d}", f"{area.county_name}{label}", kind, code, "否",
                     person(rng), person(rng), phone(rng), f"{area.county_name}{name}政务中心"])
    for i, (name, kind, edu) in enumerate(DEPARTMENTS, 1):
        label = "区县人民政府" if kind == "government" else "督导委员会成员单位"
        rows.append([f"U{area.county_code}D{i:02d}", name.replace("区", area.county_name, 1), label, area.county_code,
                     "是" if edu else "否", person(rng), person(rng), phone(rng), f"{area.county_name}行政中心"])
    return rows


def education_authority_code(area: Area) -> str:
    return f"U{area.county_code}D02"


def _enrolment(rng: random.Random, school_type: str, urban: str, small: bool) -> dict[str, int]:
    """Pupils and classes per stage, sized to the type and to town/village realism."""
    scale = {"urban": 1.0, "town": 0.6, "rural": 0.35}[urban]
    counts: dict[str, int] = {}

    def stage(key: str, lo: int, hi: int, per_class: int):
        pupils = max(1, int(rng.randint(lo, hi) * scale))
        counts[f"students_{key}"] = pupils
        counts[f"classes_{key}"] = max(1, round(pupils / per_class))

    if school_type == "kindergarten":
        stage("preschool", 120, 480, 28)
    elif school_type == "teaching_point":
        pupils = rng.randint(12, 48)
        counts.update(students_primary=pupils, classes_primary=max(1, pupils // 10))
    elif school_type == "primary":
        stage("primary", 300, 2400 if not small else 600, 42)
    elif school_type == "junior":
        stage("junior", 400, 1800, 46)
    elif school_type == "nine_year":
        stage("primary", 300, 1200, 42)
        stage("junior", 200, 900, 46)
    elif school_type == "complete_secondary":
        stage("junior", 500, 1200, 46)
        stage("senior", 600, 1500, 48)
    elif school_type == "twelve_year":
        stage("primary", 600, 1200, 42)
        stage("junior", 400, 900, 46)
        stage("senior", 400, 900, 48)
    elif school_type == "senior":
        counts["students_senior"] = rng.randint(1200, 3000)
        counts["classes_senior"] = round(counts["students_senior"] / 48)
    elif school_type in {"vocational", "special"}:
        pupils = rng.randint(800, 2500) if school_type == "vocational" else rng.randint(60, 180)
        counts.update(students_other=pupils, classes_other=max(1, pupils // (40 if school_type == "vocational" else 10)))
    elif school_type == "training":
        counts.update(students_other=rng.randint(50, 800))
    return counts


ENROLMENT_KEYS = [
    "students_preschool", "students_primary", "students_junior", "students_senior", "students_other",
    "classes_preschool", "classes_primary", "classes_junior", "classes_senior", "classes_other",
]
NAME_TAIL = {
    "kindergarten": ["幼儿园", "中心幼儿园", "第一幼儿园", "第二幼儿园", "实验幼儿园", "阳光幼儿园", "小天使幼儿园", "启蒙幼儿园"],
    "primary": ["中心小学", "第一小学", "第二小学", "第三小学", "实验小学", "希望小学", "育才小学", "红旗小学"],
    "teaching_point": ["村小教学点"],
    "junior": ["中学", "第一初级中学", "第二初级中学", "实验中学"],
    "nine_year": ["九年一贯制学校", "学校"],
    "complete_secondary": ["中学"],
    "twelve_year": ["外国语学校"],
    "senior": ["高级中学", "第一中学", "第二中学"],
    "vocational": ["职业教育中心", "职业中学"],
    "special": ["特殊教育学校"],
    "training": ["培训学校", "艺术培训中心", "学科辅导中心"],
}


def school_rows(area: Area, rng: random.Random, mix=DEMO_MIX, code_start: int = 1, competent_unit: str = "",
                centre_code: str = "", centre_towns: int = 0) -> tuple[list[list], list[list]]:
    """(schools, campuses) rows for one county: the given mix of types spread over its towns."""
    schools, campuses = [], []
    used_names: set[str] = set()
    seq = code_start
    for school_type, count in mix:
        for n in range(count):
            town_code, town_name, urban = area.towns[(n + seq) % len(area.towns)]
            if school_type in {"senior", "vocational", "special", "twelve_year", "complete_secondary"}:
                town_code, town_name, urban = area.towns[n % 3]  # county-level schools sit in town centres
            ownership = "公办"
            puhui = ""
            if school_type == "kindergarten":
                ownership, puhui = rng.choice([("公办", "是"), ("公办", "是"), ("民办", "是"), ("民办", "否")])
            elif school_type == "training" or (school_type == "primary" and n % 15 == 7):
                ownership = "民办"
            tails = NAME_TAIL[school_type]
            name = f"{area.county_name}{town_name.replace('街道', '').replace('镇', '').replace('乡', '')}{tails[n % len(tails)]}"
            suffix = 2
            base = name
            while name in used_names:
                name = f"{base[:-len(tails[n % len(tails)])]}第{CN_ORDINALS[suffix % len(CN_ORDINALS)]}{tails[n % len(tails)].lstrip('第一二三')}"
                suffix += 1
            used_names.add(name)
            code = f"1{area.county_code}{seq:03d}" if seq < 1000 else f"{area.county_code}{seq:04d}"
            seq += 1
            counts = _enrolment(rng, school_type, urban, small=school_type == "primary" and urban == "rural")
            in_centre = centre_code and int(town_code[-3:]) > len(area.towns) - centre_towns and school_type != "training"
            schools.append([
                code, name, LABEL_TYPE[school_type], ownership, puhui, URBAN_LABEL[urban], town_code,
                competent_unit if ownership == "公办" else "", centre_code if in_centre else "",
                f"{area.county_name}{town_name}{rng.randint(1, 300)}号", person(rng), phone(rng), rng.randint(1950, 2020),
                *[counts.get(k, 0) for k in ENROLMENT_KEYS],
            ])
            if school_type in {"nine_year", "twelve_year"} or (school_type == "primary" and n % 11 == 3):
                stages = {"nine_year": ("小学", "初中"), "twelve_year": ("小学、初中", "高中"), "primary": ("小学", "小学")}[school_type]
                other_town = area.towns[(n + seq + 1) % len(area.towns)]
                campuses.append([code, "本部校区", stages[0], "是", town_code, f"{town_name}主校区", 0])
                campuses.append([code, f"{other_town[1]}校区", stages[1], "否", other_town[0], f"{other_town[1]}分校区", 0])
    return schools, campuses
