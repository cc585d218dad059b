"""The demo's reviews (issue 21): upward. The city's 履行教育职责评价 of 示范区 by 市人民政府教育督导室 of this year,
in preparation: 30 indicators on two levels (the duties of seeds 000/002), assigned to 8 departments and towns
(南湖镇人民政府 and the 区教育委员会 among them, so demo_unit and demo_bureau see work), about half the evidence in
(small generated PDF files stored through documents), two versions returned with reasons. Idempotent: a second
load adds nothing."""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from dudao.core.models import RoleAssignment
from dudao.core.roles import Role
from dudao.documents.services import file_store
from dudao.regions.models import GovUnit
from dudao.reviews.models import (
    Assignment,
    AssignmentStatus,
    Evidence,
    EvidenceDecision,
    Review,
    ReviewIndicator,
    ReviewTransition,
)

BODY = "市人民政府教育督导室"

# (code, text, weight, materials); a top-level row has weight = the sum of its children
INDICATORS = [
    ("1", "落实教育优先发展战略", 20, ""),
    ("1.1", "党政主要负责人履行教育第一责任人职责，每年专题研究教育工作不少于2次", 5, "会议纪要、专题研究记录"),
    ("1.2", "将教育发展纳入国民经济和社会发展规划并组织实施", 5, "规划文本、年度计划"),
    ("1.3", "建立教育督导委员会，成员单位职责明确并有效履职", 5, "督导委员会文件、职责清单"),
    ("1.4", "落实对下级政府履行教育职责评价，结果作为考核依据", 5, "评价报告、考核文件"),
    ("2", "经费投入", 25, ""),
    ("2.1", "一般公共预算教育支出逐年只增不减", 7, "近三年财政决算表"),
    ("2.2", "按在校学生人数平均的一般公共预算教育支出逐年只增不减", 6, "决算表、学生数统计"),
    ("2.3", "义务教育教师平均工资收入水平不低于当地公务员平均工资收入水平", 7, "工资核算文件、发放凭证"),
    ("2.4", "足额落实生均公用经费基准定额", 5, "拨款文件、拨付凭证"),
    ("3", "学位建设与办学条件", 20, ""),
    ("3.1", "按规划建设中小学校和幼儿园，学位供给满足需求", 5, "学校建设项目清单、学位测算"),
    ("3.2", "新建住宅小区配套学校同步规划、同步建设、同步交付", 4, "配套学校移交记录"),
    ("3.3", "消除56人以上大班额，无66人以上超大班额", 5, "班额统计表"),
    ("3.4", "学校标准化建设达标，薄弱学校改造完成", 3, "达标验收材料"),
    ("3.5", "校舍安全保障长效机制健全，无D级危房", 3, "校舍安全排查报告"),
    ("4", "教师队伍建设", 15, ""),
    ("4.1", "按标准核定并及时补充中小学教职工编制", 4, "编制核定文件"),
    ("4.2", "落实县管校聘，推动城乡教师交流轮岗", 4, "交流轮岗名单"),
    ("4.3", "乡村教师生活补助按时足额发放", 4, "发放凭证"),
    ("4.4", "教师培训经费不低于公用经费的5%", 3, "培训经费决算"),
    ("5", "控辍保学与教育公平", 10, ""),
    ("5.1", "建立控辍保学联控联保机制，义务教育巩固率达到规定要求", 4, "控辍保学台账"),
    ("5.2", "保障进城务工人员随迁子女平等接受义务教育", 3, "随迁子女入学统计"),
    ("5.3", "落实家庭经济困难学生资助政策，应助尽助", 3, "资助发放名单"),
    ("6", "教育治理与安全", 10, ""),
    ("6.1", "校园及周边安全综合治理，校园安全责任落实到位", 3, "综治工作记录"),
    ("6.2", "规范校外培训机构，落实“双减”要求", 3, "检查记录、整改台账"),
    ("6.3", "落实教育督导问题整改和问责", 2, "整改报告、问责文件"),
    ("6.4", "落实中小学校责任督学挂牌督导，督学配备符合要求", 2, "督学聘任文件、督导记录"),
]

# leaf code → unit keys (town: 南湖镇; others: the county's departments by their demo code suffix)
OWNERS = {
    "1.1": ["D01"], "1.2": ["D01"], "1.3": ["D02"], "1.4": ["D02"],
    "2.1": ["D03"], "2.2": ["D03"], "2.3": ["D03", "D04"], "2.4": ["D03"],
    "3.1": ["D02", "D07"], "3.2": ["D07"], "3.3": ["D02"], "3.4": ["D02"], "3.5": ["D07"],
    "4.1": ["D05"], "4.2": ["D02"], "4.3": ["D04"], "4.4": ["D02"],
    "5.1": ["T", "D02"], "5.2": ["D02"], "5.3": ["D02"],
    "6.1": ["T", "D09"], "6.2": ["D02"], "6.3": ["T"], "6.4": ["D02"],
}
# which assignments have evidence and what became of it: (leaf, unit key) → decision
EVIDENCE = {
    ("1.1", "D01"): "accepted", ("1.3", "D02"): "accepted", ("2.1", "D03"): "accepted",
    ("2.2", "D03"): "accepted", ("2.3", "D03"): "returned", ("2.3", "D04"): "accepted",
    ("3.3", "D02"): "accepted", ("3.1", "D07"): "pending", ("4.1", "D05"): "accepted",
    ("4.3", "D04"): "pending", ("5.1", "T"): "returned", ("5.1", "D02"): "pending",
    ("6.1", "T"): "accepted", ("6.2", "D02"): "accepted",
}
RETURN_REASONS = {
    ("2.3", "D03"): "缺少2025年度教师工资与公务员工资对比测算表，请补充人社部门确认的数据。",
    ("5.1", "T"): "控辍保学台账未包含春季学期返校情况，请补充并由镇政府盖章。",
}


def _pdf(title: str) -> SimpleUploadedFile:
    body = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
            b"% " + title.encode("utf-8") + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n")
    return SimpleUploadedFile(f"{title}.pdf", body, content_type="application/pdf")


def load(*, admin, office_user, county) -> None:
    today = timezone.localdate()
    year = today.year
    title = f"{year}年{county.name}人民政府履行教育职责评价（市级）"
    if Review.objects.filter(region=county, title=title).exists():
        return
    units = {unit.code[-3:]: unit for unit in GovUnit.objects.filter(code__startswith=f"U{county.code}D")}
    units["T"] = GovUnit.objects.filter(region__name="南湖镇").first() or GovUnit.objects.filter(
        region__code__startswith=county.code, code__contains="T").order_by("code").first()
    # who hands in for a unit: one of its users (demo_unit, demo_bureau), else the office keyed it in
    hands = dict(RoleAssignment.objects.filter(role=Role.UNIT, unit__in=[u for u in units.values() if u])
                 .order_by("pk").values_list("unit_id", "user_id"))
    created = timezone.now() - datetime.timedelta(days=20)
    with transaction.atomic():
        review = Review.objects.create(
            region=county, title=title, level="city", kind="duties", body=BODY, year=year,
            materials_due=today + datetime.timedelta(days=25), visit_starts=today + datetime.timedelta(days=40),
            visit_ends=today + datetime.timedelta(days=42), word_limit=5000, created_by=office_user, created_at=created)
        ReviewTransition.record(review, to_status=review.status, actor=office_user, at=created, note="登记迎检")
        ids: dict[str, ReviewIndicator] = {}
        for position, (code, text, weight, materials) in enumerate(INDICATORS, start=1):
            parent = ids.get(code.rsplit(".", 1)[0]) if "." in code else None
            ids[code] = ReviewIndicator.objects.create(review=review, parent=parent, code=code, text=text,
                                                       weight=weight, materials=materials, position=position)
        assigned_at = created + datetime.timedelta(days=2)
        for n, (code, keys) in enumerate(OWNERS.items()):
            for key in keys:
                unit = units.get(key)
                if unit is None:
                    continue
                due = today + datetime.timedelta(days=(-3 if n % 7 == 3 else 5 + n % 3 * 5))
                decision = EVIDENCE.get((code, key))
                status = {"accepted": AssignmentStatus.ACCEPTED, "returned": AssignmentStatus.RETURNED,
                          "pending": AssignmentStatus.SUBMITTED}.get(decision, AssignmentStatus.PENDING)
                assignment = Assignment.objects.create(
                    indicator=ids[code], unit=unit, request=f"请提供：{ids[code].materials}，并附情况说明。",
                    due_on=due, status=status, assigned_by=office_user, assigned_at=assigned_at)
                if decision is None:
                    continue
                stored = file_store(actor=None, upload=_pdf(f"{code}_{unit.name}_佐证材料"), kind="document",
                                    region_code=county.code)
                handed = assigned_at + datetime.timedelta(days=5 + n % 4)
                evidence = Evidence.objects.create(
                    assignment=assignment, version=1, submitted_by_id=hands.get(unit.pk, office_user.pk),
                    submitted_at=handed,
                    statement=f"{unit.name}已按要求落实“{ids[code].text}”，相关文件和数据见附件。",
                    decision={"accepted": EvidenceDecision.ACCEPTED, "returned": EvidenceDecision.RETURNED}.get(
                        decision, EvidenceDecision.PENDING),
                    reason=RETURN_REASONS.get((code, key), ""),
                    decided_by=office_user if decision != "pending" else None,
                    decided_at=handed + datetime.timedelta(days=1) if decision != "pending" else None)
                evidence.files.set([stored])
