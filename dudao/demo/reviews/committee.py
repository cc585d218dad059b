"""The demo's reviews (issue 21): committee. Idempotent: a second load adds nothing.

示范区人民政府教育督导委员会: its 工作规程, 15 member units (13 departments with 区教育委员会 as 主任单位, and two
towns), each with 3–5 duties after seed 004's member duties, linked to the check points of a 督政 framework made
here (区人民政府履行教育职责评价, frozen; one check point is left uncovered so the coverage page has a flag) and, for
the towns, of the 乡镇（街道）履行教育职责考核 framework the inspections demo froze. 区委组织部 and 区委宣传部 are not
among the generator's departments: they are made here (codes U<county>C01 and U<county>C02, stable), the "uses"
area records 组织部's uses of results."""

import datetime

from dudao.frameworks.models import Framework, FrameworkKind, FrameworkStatus
from dudao.frameworks.services import framework_create, framework_freeze
from dudao.regions.models import GovUnit, UnitKind
from dudao.reviews.models import Committee, MemberRole
from dudao.reviews.services import committee as services

LEVELS = {"kind": "levels", "levels": {"A": 10, "B": 8, "C": 6, "D": 0}}
FRAMEWORK_NAME = "区人民政府履行教育职责评价（成员单位职责对照）"
# (area, [(key indicator, [check point, …]), …]); codes A<n>B<m>.<k> like the shipped templates
AREAS = [
    ("教育投入", [("经费投入", ["一般公共预算教育支出逐年只增不减", "生均一般公共预算教育支出逐年只增不减",
                               "生均公用经费按时足额拨付"]),
                  ("教师待遇", ["义务教育教师平均工资收入水平不低于当地公务员", "绩效工资分配向一线教师倾斜"])]),
    ("教师队伍", [("编制与配备", ["中小学教职工编制按标准核定并动态调整", "及时补充配齐中小学教师"]),
                  ("干部管理", ["中小学校长选拔任用与考核"])]),
    ("办学条件", [("规划与建设", ["中小学幼儿园布局规划纳入国土空间规划", "新建住宅小区配套学校同步建设交付",
                                 "学校建设项目立项审批"])]),
    ("安全与育人环境", [("校园安全", ["校园及周边治安综合治理", "学校食品安全监管", "学校卫生与传染病防控"]),
                        ("育人环境", ["校外培训机构综合治理", "尊师重教社会宣传"])]),
    ("督导与保障", [("督导结果运用", ["督导结果作为干部考核任用依据", "家庭经济困难学生资助",
                                     "农村留守儿童关爱保护"])]),
]
EXTRA_UNITS = [("C01", "区委组织部"), ("C02", "区委宣传部")]
# (unit name with 区 for the county's name, role, representative, post, [(duty, [codes]), …])
MEMBERS = [
    ("区教育委员会", MemberRole.CHAIR, "赵建国", "区教委党委书记、主任", [
        ("统筹全区教育事业发展规划，牵头编制中小学幼儿园布局规划。", ["A3B1.1"]),
        ("承担区政府教育督导委员会办公室日常工作，组织对镇（街道）和相关职能部门履行教育职责的督导。", ["A5B1.1"]),
        ("会同有关部门及时补充配齐中小学教师，落实校长选拔任用与考核。", ["A2B1.2", "A2B2.1"]),
        ("牵头校外培训机构综合治理。", ["A4B2.1"]),
    ]),
    ("区委组织部", MemberRole.VICE, "孙立民", "区委组织部副部长", [
        ("将督导结果作为对镇（街道）和职能部门领导班子、领导干部考核和任用的重要依据。", ["A5B1.1"]),
        ("会同区政府教育督导委员会办公室开展督政约谈和问责。", ["A5B1.1"]),
        ("配合做好中小学校长选拔任用工作。", ["A2B2.1"]),
    ]),
    ("区财政局", MemberRole.VICE, "王海燕", "区财政局副局长", [
        ("落实教育经费“两个只增不减”，保障一般公共预算教育支出逐年增长。", ["A1B1.1", "A1B1.2"]),
        ("按时足额拨付生均公用经费。", ["A1B1.3"]),
        ("会同区人社局保障义务教育教师平均工资收入水平不低于当地公务员。", ["A1B2.1"]),
    ]),
    ("区人力资源和社会保障局", MemberRole.MEMBER, "刘芳", "区人社局副局长", [
        ("落实义务教育教师工资待遇保障机制。", ["A1B2.1"]),
        ("指导学校绩效工资分配向一线教师和班主任倾斜。", ["A1B2.2"]),
        ("配合做好教师公开招聘工作。", ["A2B1.2"]),
    ]),
    ("区委机构编制委员会办公室", MemberRole.MEMBER, "陈静", "区委编办副主任", [
        ("按标准核定中小学教职工编制，根据生源变化动态调整。", ["A2B1.1"]),
        ("统筹盘活编制资源，优先保障教育需要。", ["A2B1.1"]),
        ("支持教育督导机构依法独立行使职能，配齐督导人员。", []),
    ]),
    ("区发展和改革委员会", MemberRole.MEMBER, "周涛", "区发改委副主任", [
        ("将教育事业发展纳入国民经济和社会发展规划。", []),
        ("做好学校建设项目立项审批。", ["A3B1.3"]),
        ("落实教育收费政策管理。", []),
    ]),
    ("区住房和城乡建设委员会", MemberRole.MEMBER, "吴磊", "区住建委副主任", [
        ("督促新建住宅小区配套学校、幼儿园与住宅同步规划、同步建设、同步交付。", ["A3B1.2"]),
        ("做好校舍建设工程质量安全监管。", ["A3B1.2"]),
        ("配合开展学校危房排查与改造。", []),
    ]),
    ("区规划和自然资源局", MemberRole.MEMBER, "郑凯", "区规划资源局副局长", [
        ("将中小学幼儿园布局规划纳入国土空间规划，落实教育用地。", ["A3B1.1"]),
        ("保障学校建设项目用地供应。", ["A3B1.2"]),
        ("依法查处侵占教育用地行为。", []),
    ]),
    ("区卫生健康委员会", MemberRole.MEMBER, "何丽", "区卫健委副主任", [
        ("指导学校卫生和传染病防控工作。", ["A4B1.3"]),
        ("开展学生健康体检和近视防控。", ["A4B1.3"]),
        ("配合做好学校心理健康服务。", []),
    ]),
    ("区公安分局", MemberRole.MEMBER, "马勇", "区公安分局副局长", [
        ("开展校园及周边治安综合治理，落实上下学“护学岗”。", ["A4B1.1"]),
        ("加强学校安保力量和技防设施建设指导。", ["A4B1.1"]),
        ("依法打击涉校违法犯罪活动。", ["A4B1.1"]),
    ]),
    ("区市场监督管理局", MemberRole.MEMBER, "林娜", "区市场监管局副局长", [
        ("加强学校食堂和校园周边食品安全监管。", ["A4B1.2"]),
        ("配合查处校外培训机构违规收费和虚假宣传。", ["A4B2.1"]),
        ("做好校服质量监督抽查。", []),
    ]),
    ("区委宣传部", MemberRole.MEMBER, "高明", "区委宣传部副部长", [
        ("营造尊师重教社会氛围，宣传优秀教师先进事迹。", ["A4B2.2"]),
        ("做好教育督导结果和公报的宣传报道。", []),
        ("加强校园周边文化环境治理。", ["A4B1.1"]),
    ]),
    ("区民政局", MemberRole.MEMBER, "黄敏", "区民政局副局长", [
        ("做好家庭经济困难学生救助衔接。", ["A5B1.2"]),
        ("配合做好孤儿、事实无人抚养儿童就学保障。", ["A5B1.2"]),
        ("参与控辍保学和特殊群体学生关爱。", []),
    ]),
]
# towns: their duties link to the 乡镇（街道）履行教育职责考核 framework (codes of the shipped "town" template)
TOWN_MEMBERS = [
    ("城关街道", "李强", "城关街道办事处副主任", [
        ("落实控辍保学责任，做好适龄儿童入学摸底与劝返复学。", ["A1B1.2", "A1B2.1"]),
        ("推进配套幼儿园建设与移交。", ["A2B1.1"]),
        ("开展校园周边环境整治。", ["A3B1.1"]),
    ]),
    ("南湖镇", "张华", "南湖镇人民政府副镇长", [
        ("落实义务教育控辍保学，保持义务教育巩固率。", ["A1B1.1", "A1B1.2"]),
        ("保障教育用地，推进学校建设项目。", ["A4B1.1", "A4B1.2"]),
        ("做好教师节慰问表彰和家庭教育指导。", ["A5B1.1", "A5B1.2"]),
        ("落实学校周边交通安全管理。", ["A3B1.2"]),
    ]),
]
RULES = """第一章　总则
第一条　为规范示范区人民政府教育督导委员会（以下简称督导委员会）工作，依据《教育督导条例》和上级关于深化新时代教育督导体制机制改革的意见，制定本规程。
第二条　督导委员会在区委、区政府领导下，统筹全区教育督导工作，对区政府有关职能部门、镇（街道）履行教育职责情况和学校办学行为实施督导。
第二章　组织机构
第三条　督导委员会主任由区政府分管副区长担任，副主任由区政府办公室、区委组织部、区财政局和区教育委员会负责同志担任，成员由各成员单位分管负责同志担任。成员单位人员变动时，由成员单位提出，督导委员会办公室报主任同意后调整。
第四条　督导委员会下设办公室，设在区教育委员会，承担日常工作。区教育委员会总督学兼任办公室主任。
第三章　工作职责
第五条　各成员单位按照职责清单履行教育工作相关职责，承担国家、市对区政府履行教育职责督导评价的自查、迎检、整改和复查工作，参与对区政府相关职能部门和镇（街道）履行教育职责的督政。
第六条　各成员单位每年向督导委员会述职，督导委员会组织评议，评议结果报区委、区政府，并抄送区委组织部。
第四章　工作制度
第七条　督导委员会每年至少召开两次全体会议，研究部署年度督导工作，听取督导结果报告。必要时由主任召集专题会议。
第八条　督导结果作为被督导单位及其主要负责人考核奖惩、干部任用和绩效评价的重要依据。对履职不力的单位，由督导委员会会同区委组织部约谈其负责人。
第五章　附则
第九条　本规程由督导委员会办公室负责解释，自印发之日起施行。"""


def _even(count: int) -> list[float]:
    base = round(100 / count, 2)
    return [base] * (count - 1) + [round(100 - base * (count - 1), 2)]


def _definition() -> dict:
    nodes = []
    for a, ((area, keys), area_weight) in enumerate(zip(AREAS, _even(len(AREAS)), strict=True), 1):
        children = []
        for b, ((key, points), key_weight) in enumerate(zip(keys, _even(len(keys)), strict=True), 1):
            leaves = [{"code": f"A{a}B{b}.{k}", "name": name, "weight": w, "rule": LEVELS, "evidence": []}
                      for k, (name, w) in enumerate(zip(points, _even(len(points)), strict=True), 1)]
            children.append({"code": f"A{a}B{b}", "name": key, "weight": key_weight, "children": leaves})
        nodes.append({"code": f"A{a}", "name": area, "weight": area_weight, "children": children})
    return {"nodes": nodes}


def _units(county) -> dict[str, GovUnit]:
    """The county's departments by name with 区 for the county's name, after adding 区委组织部 and 区委宣传部."""
    for suffix, name in EXTRA_UNITS:
        GovUnit.objects.get_or_create(code=f"U{county.code}{suffix}", defaults={
            "name": name.replace("区", county.name, 1), "kind": UnitKind.DEPARTMENT, "region": county,
            "address": f"{county.name}行政中心"})
    units = GovUnit.objects.filter(region__code__startswith=county.code)
    return {u.name.replace(county.name, "区", 1): u for u in units} | {u.region.name: u for u in units.filter(
        kind__in=(UnitKind.TOWN_GOV, UnitKind.SUBDISTRICT)).select_related("region")}


def load(*, admin, office_user, county) -> None:
    units = _units(county)
    if Committee.objects.filter(region=county).exists():
        return  # loaded before: safe to load twice
    framework = framework_freeze(actor=office_user, framework=framework_create(
        actor=office_user, region=county, name=FRAMEWORK_NAME, kind=FrameworkKind.DUZHENG, target="unit",
        definition=_definition(), official="可编辑样例：依据县级人民政府履行教育职责评价的常见内容，按成员单位职责整理。"))
    town_framework = (Framework.objects.filter(region=county, template_code="town", status=FrameworkStatus.FROZEN)
                      .order_by("-id").first())
    committee = services.committee_create(actor=office_user, region=county)
    committee = services.committee_update(actor=office_user, committee=committee,
                                          name=f"{county.name}人民政府教育督导委员会",
                                          established_on=datetime.date(2019, 3, 15), rules=RULES)
    for name, role, person, post, duties in MEMBERS:
        unit = units.get(name)
        if unit is None:
            continue
        member = services.member_add(actor=office_user, committee=committee, unit=unit, representative=person,
                                     post=post, role=role)
        for text, codes in duties:
            services.duty_add(actor=office_user, member=member, text=text, framework=framework if codes else None,
                              item_codes=codes)
    for town, person, post, duties in TOWN_MEMBERS:
        unit = units.get(town)
        if unit is None:
            continue
        member = services.member_add(actor=office_user, committee=committee, unit=unit, representative=person,
                                     post=post, role=MemberRole.MEMBER)
        for text, codes in duties:
            services.duty_add(actor=office_user, member=member, text=text,
                              framework=town_framework if codes and town_framework else None,
                              item_codes=codes if town_framework else [])
