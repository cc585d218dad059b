"""Demo: registry (issue 23). The demo county's 12 校外培训机构 get licences (two expired, one expiring soon),
scopes (学科类, 非学科类 and both, with subjects), 白名单 (most listed, one not listed, one removed), fees, a 资金监管
account, insurance, the 举办者 and premises; its 民办学校/幼儿园 get their licence and premises. Written through
schools.services.institution_save by the county office; an institution that already has a profile is left alone.
The demo account demo_training becomes the user of the first training institution."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from dudao.core.models import Role
from dudao.core.services import role_assign
from dudao.schools.models import InstitutionProfile, Ownership, School, SchoolType
from dudao.schools.services import institution_save

User = get_user_model()

BANKS = ("中国工商银行", "中国农业银行", "中国建设银行", "中国银行")
REPRESENTATIVES = ("孙立新", "周晓燕", "吴建国", "郑海波", "王雪梅", "冯志强", "陈思远", "褚文静", "卫国华", "蒋丽君",
                   "沈浩", "韩玉梅")
# (scope, subjects, fee per class hour in yuan) for the training institutions in code order
SCOPES = (
    ("non_subject", ["美术", "书法"], 80), ("non_subject", ["体育", "舞蹈"], 90), ("subject", ["语文", "数学"], 60),
    ("non_subject", ["编程", "科技"], 120), ("both", ["英语", "音乐"], 70), ("non_subject", ["棋类"], 50),
    ("subject", ["数学", "物理", "化学"], 65), ("non_subject", ["播音主持", "舞蹈"], 100),
    ("non_subject", ["美术"], 75), ("both", ["语文", "书法"], 60), ("non_subject", ["体育"], 85),
    ("non_subject", ["心理健康", "研学实践"], 90),
)
EXPIRED = {3: 40, 8: 200}  # index → days since the licence ran out
EXPIRING = {5: 30}  # index → days left (inside the 60-day warning)


def _training_fields(index: int, school: School, today: datetime.date) -> dict:
    scope, subjects, fee = SCOPES[index % len(SCOPES)]
    if index in EXPIRED:
        until = today - datetime.timedelta(days=EXPIRED[index])
    elif index in EXPIRING:
        until = today + datetime.timedelta(days=EXPIRING[index])
    else:
        until = today + datetime.timedelta(days=365 + 97 * index)
    issued = min(until - datetime.timedelta(days=3 * 365), today - datetime.timedelta(days=30))
    whitelist = "removed" if index == 10 else ("not_listed" if index == 11 else "listed")
    return {
        "licence_no": f"教民{school.code[1:7]}{2 if scope == 'subject' else 3}{index + 1:06d}号",
        "licence_authority": "区教育局", "licence_issued_on": issued, "licence_valid_until": until,
        "scope_kind": scope, "subjects": subjects, "whitelist": whitelist,
        "fee_standard": f"按课时收费，每课时 {fee} 元；一次性收费不超过 60 课时或 3 个月，不超过 5000 元。",
        "fund_bank": f"{BANKS[index % len(BANKS)]}{school.region.name}支行",
        "fund_account": f"62220{school.code}{index + 1:04d}",
        "insurance": "校方责任险（中国人民财产保险）", "insurance_valid_until": today + datetime.timedelta(days=200),
        "legal_representative": REPRESENTATIVES[index % len(REPRESENTATIVES)],
        "premises_address": school.address or f"{school.region.name}", "premises_area": 180 + 35 * index,
        "premises_owned": index % 4 == 0,
    }


def _private_fields(index: int, school: School, today: datetime.date) -> dict:
    until = today + datetime.timedelta(days=2 * 365 + 53 * (index % 12))
    return {
        "licence_no": f"教民{school.code[1:7]}1{index + 1:06d}号", "licence_authority": "区教育局",
        "licence_issued_on": until - datetime.timedelta(days=5 * 365 + index), "licence_valid_until": until,
        "fee_standard": "保教费按物价部门核定标准收取，按学期收取。" if school.school_type == SchoolType.KINDERGARTEN
        else "学费按备案标准收取，按学期收取。",
        "insurance": "校方责任险", "legal_representative": REPRESENTATIVES[(index + 5) % len(REPRESENTATIVES)],
        "premises_address": school.address, "premises_area": 1200 + 150 * index, "premises_owned": True,
    }


def load(*, admin, office_user, county) -> None:
    today = timezone.localdate()
    in_county = School.objects.filter(region__code__startswith=county.code).select_related("region")
    registered = set(InstitutionProfile.objects.filter(school__in=in_county).values_list("school_id", flat=True))
    trainings = list(in_county.filter(school_type=SchoolType.TRAINING).order_by("code"))
    privates = list(in_county.filter(ownership=Ownership.PRIVATE).exclude(school_type=SchoolType.TRAINING)
                    .order_by("code"))
    for index, school in enumerate(trainings):
        if school.pk not in registered:
            institution_save(actor=office_user, school=school, **_training_fields(index, school, today))
    for index, school in enumerate(privates):
        if school.pk not in registered:
            institution_save(actor=office_user, school=school, **_private_fields(index, school, today))
    user = User.objects.filter(username="demo_training").first()
    if user is not None and trainings and not user.role_assignments.exists():
        role_assign(actor=admin, user=user, role=Role.SCHOOL, school=trainings[0])
