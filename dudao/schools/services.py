"""Writes on schools, campuses, groups and centres; each checks scope and leaves one audit record."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from dudao.core.audit import audit_record, snapshot
from dudao.core.errors import ApplicationError
from dudao.core.scope import require_office_for
from dudao.regions import geo
from dudao.regions.models import RegionLevel
from dudao.schools.models import (
    TYPE_STAGES,
    EducationGroup,
    InstitutionProfile,
    LicenceScope,
    ManagementCentre,
    Ownership,
    School,
    SchoolStage,
    SchoolType,
    WhitelistStatus,
    mask_account,
)

EDITABLE_FIELDS = [
    "name", "school_type", "ownership", "is_puhui", "urban_rural", "region_id", "competent_unit_id",
    "management_centre_id", "address", "principal", "phone", "founded_year",
    "students_preschool", "students_primary", "students_junior", "students_senior", "students_other",
    "classes_preschool", "classes_primary", "classes_junior", "classes_senior", "classes_other",
    "longitude", "latitude",
]
STAGE_COUNTS = {
    SchoolStage.PRESCHOOL: ("students_preschool", "classes_preschool"),
    SchoolStage.PRIMARY: ("students_primary", "classes_primary"),
    SchoolStage.JUNIOR: ("students_junior", "classes_junior"),
    SchoolStage.SENIOR: ("students_senior", "classes_senior"),
}


def _require_editor(actor, region_code: str) -> None:
    require_office_for(actor, region_code, "您无权修改该地区的学校信息。")


def _validate_school(school: School) -> None:
    if school.region.level != RegionLevel.TOWN:
        raise ApplicationError("学校所在区划必须是乡镇（街道）。")
    if school.is_puhui and school.school_type != SchoolType.KINDERGARTEN:
        raise ApplicationError("普惠性只适用于幼儿园。")
    for stage, names in STAGE_COUNTS.items():
        if stage not in TYPE_STAGES[school.school_type] and any(getattr(school, n) for n in names):
            raise ApplicationError(f"{SchoolType(school.school_type).label}不设{SchoolStage(stage).label}学段，"
                                   f"其在校生数和班级数应为 0。")
    _validate_point(school)
    try:
        school.full_clean()
    except ValidationError as exc:
        raise ApplicationError("；".join(f"{k}: {'，'.join(v)}" for k, v in exc.message_dict.items())) from None


def _validate_point(school: School) -> None:
    """Both or neither, inside China; a swapped pair is refused here (the form and the import swap it back after
    the user confirms, so the service only ever stores a point inside China)."""
    try:
        point = geo.check_point(school.longitude, school.latitude)
    except geo.GeoError as exc:
        raise ApplicationError(exc.message) from None
    if point.warning:
        raise ApplicationError(point.warning.split("：")[0] + "，请核对后再保存。")
    school.longitude, school.latitude = point.longitude, point.latitude


@transaction.atomic
def school_save(*, actor, school: School | None = None, code: str = "", **fields) -> School:
    """Create (school=None, with code) or update a school's profile."""
    creating = school is None
    if creating:
        if not (code.isdigit() and len(code) == 10):
            raise ApplicationError("学校标识码应为 10 位数字。")
        if School.objects.filter(code=code).exists():
            raise ApplicationError(f"学校标识码 {code} 已存在。")
        school = School(code=code)
        before = None
    else:
        _require_editor(actor, school.region_id)
        before = snapshot(school)
    for name, value in fields.items():
        if name not in EDITABLE_FIELDS:
            raise ApplicationError(f"不能修改字段：{name}")
        setattr(school, name, value)
    _require_editor(actor, school.region_id)
    _validate_school(school)
    school.save()
    audit_record(actor=actor, action="school.create" if creating else "school.update", obj=school,
                 region_code=school.region_id, before=before, after=snapshot(school))
    return school


@transaction.atomic
def centre_create(*, actor, code: str, name: str, region, director: str = "", phone: str = "") -> ManagementCentre:
    _require_editor(actor, region.code)
    if ManagementCentre.objects.filter(code=code).exists():
        raise ApplicationError(f"教管中心编码 {code} 已存在。")
    centre = ManagementCentre(code=code, name=name, region=region, director=director, phone=phone)
    centre.full_clean()
    centre.save()
    audit_record(actor=actor, action="centre.create", obj=centre, region_code=region.code, after=snapshot(centre))
    return centre


@transaction.atomic
def group_save(*, actor, code: str, name: str, kind: str, region, lead_school: School | None,
               members: list[School]) -> EducationGroup:
    """Create or update an education group (by code) with its lead school and full member list."""
    _require_editor(actor, region.code)
    outside = [s.name for s in members if not s.region_id.startswith(region.code[:6])]
    if outside:
        raise ApplicationError(f"成员学校不在该地区：{'、'.join(outside)}")
    if lead_school is not None and lead_school not in members:
        members = [lead_school, *members]
    group = EducationGroup.objects.filter(code=code).first()
    before = None if group is None else {**snapshot(group), "members": sorted(group.members.values_list("id", flat=True))}
    if group is None:
        group = EducationGroup(code=code)
    group.name, group.kind, group.region, group.lead_school = name, kind, region, lead_school
    group.full_clean()
    group.save()
    group.members.set(members)
    audit_record(actor=actor, action="group.save", obj=group, region_code=region.code, before=before,
                 after={**snapshot(group), "members": sorted(s.pk for s in members)})
    return group


# ---- 民办学校 and 校外培训机构: the registry fields (issue 23) ------------------------------------------------

# 学科类 subjects (the national 义务教育 subject list, 道德与法治 … 生物); anything else is 非学科类.
ACADEMIC_SUBJECTS = ("语文", "数学", "英语", "外语", "日语", "俄语", "物理", "化学", "生物", "生物学", "历史", "地理",
                     "道德与法治", "思想政治", "科学")
NON_ACADEMIC_SUBJECTS = ("体育", "音乐", "美术", "舞蹈", "书法", "科技", "编程", "棋类", "播音主持", "研学实践",
                         "心理健康", "托管服务")
SUBJECT_MAX = 20  # subjects per institution
SUBJECT_LENGTH = 20  # characters per subject
FEE_STANDARD_LENGTH = 2000
FUND_ACCOUNT_DIGITS = (8, 30)
PREMISES_AREA_MAX = Decimal("99999999.9")
INSTITUTION_TEXT_FIELDS = ("licence_no", "licence_authority", "fee_standard", "fund_bank", "fund_account", "insurance",
                           "legal_representative", "premises_address")
INSTITUTION_DATE_FIELDS = ("licence_issued_on", "licence_valid_until", "insurance_valid_until")
INSTITUTION_FIELDS = (*INSTITUTION_TEXT_FIELDS, *INSTITUTION_DATE_FIELDS, "scope_kind", "subjects", "whitelist",
                      "premises_area", "premises_owned")
_SUBJECT_SPLIT = re.compile(r"[、,，;；/\s]+")


def is_institution(school: School) -> bool:
    """民办学校、民办幼儿园 (ownership private) and 校外培训机构 (school type training) keep registry fields."""
    return school.school_type == SchoolType.TRAINING or school.ownership == Ownership.PRIVATE


def clean_subjects(value) -> list[str]:
    """A list of subjects from a list or a free text ("语文、数学, 美术"): trimmed, NUL stripped, deduplicated in
    order; refused when there are too many or one is too long."""
    items = value if isinstance(value, (list, tuple)) else _SUBJECT_SPLIT.split(str(value or ""))
    subjects: list[str] = []
    for item in items:
        text = str(item).replace("\x00", "").strip()
        if not text or text in subjects:
            continue
        if len(text) > SUBJECT_LENGTH:
            raise ApplicationError(f"培训科目“{text[:SUBJECT_LENGTH]}…”过长：每个科目最多 {SUBJECT_LENGTH} 个字。")
        subjects.append(text)
    if len(subjects) > SUBJECT_MAX:
        raise ApplicationError(f"培训科目最多填写 {SUBJECT_MAX} 个，现有 {len(subjects)} 个。")
    return subjects


def _as_date(name: str, label: str, value) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        raise ApplicationError(f"{label}应为日期。")
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ApplicationError(f"{label}不是有效日期（格式如 2026-03-01）。") from None


def _as_area(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        area = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ApplicationError("场所面积应为数字（平方米）。") from None
    if not area.is_finite() or area <= 0:
        raise ApplicationError("场所面积应大于 0 平方米。")
    if area > PREMISES_AREA_MAX:
        raise ApplicationError("场所面积过大，请核对（单位：平方米）。")
    return area.quantize(Decimal("0.1"))


def _validate_institution(profile: InstitutionProfile, today: datetime.date) -> None:
    issued, until = profile.licence_issued_on, profile.licence_valid_until
    if issued and issued > today:
        raise ApplicationError("发证日期不能晚于今天。")
    if issued and until and until < issued:
        raise ApplicationError("许可证有效期至不能早于发证日期。")
    if (issued or until) and not profile.licence_no:
        raise ApplicationError("填写了发证日期或有效期，请同时填写办学许可证号。")
    if profile.scope_kind and profile.scope_kind not in LicenceScope.values:
        raise ApplicationError("办学范围只能是学科类、非学科类或两者兼有。")
    if profile.whitelist and profile.whitelist not in WhitelistStatus.values:
        raise ApplicationError("白名单状态无效。")
    subjects = profile.subjects
    if subjects and not profile.scope_kind:
        raise ApplicationError("填写了培训科目，请选择办学范围（学科类/非学科类）。")
    if profile.scope_kind and not subjects:
        raise ApplicationError("请填写至少一个培训科目（项目）。")
    academic = [s for s in subjects if s in ACADEMIC_SUBJECTS]
    other = [s for s in subjects if s not in ACADEMIC_SUBJECTS]
    if profile.scope_kind == LicenceScope.SUBJECT and other:
        raise ApplicationError(f"办学范围为学科类，但“{'、'.join(other)}”不是学科类科目；"
                               f"请改为“学科类与非学科类”或删去这些项目。")
    if profile.scope_kind == LicenceScope.NON_SUBJECT and academic:
        raise ApplicationError(f"办学范围为非学科类，不能培训学科类科目：{'、'.join(academic)}。")
    if profile.scope_kind == LicenceScope.BOTH and not (academic and other):
        raise ApplicationError("办学范围为学科类与非学科类，科目中应同时有学科类和非学科类项目。")
    account = profile.fund_account
    low, high = FUND_ACCOUNT_DIGITS
    if account and not (account.isdigit() and account.isascii() and low <= len(account) <= high):
        raise ApplicationError(f"资金监管账户应为 {low}–{high} 位数字。")
    if account and not profile.fund_bank:
        raise ApplicationError("填写了资金监管账户，请同时填写开户银行。")


def institution_snapshot(profile: InstitutionProfile) -> dict:
    """What the audit log keeps of a profile: every field, the fund account masked."""
    data = snapshot(profile) or {}
    data.pop("updated_at", None)
    data["fund_account"] = mask_account(profile.fund_account)
    return data


@transaction.atomic
def institution_save(*, actor, school: School, **fields) -> InstitutionProfile:
    """Create or update the registry fields of a 民办学校/幼儿园 or 校外培训机构 (the office of its region, or an
    administrator). Only the given fields change; the whole profile is then validated. Text is trimmed and NUL
    stripped; subjects come as a list or a free text. The audit record masks the fund account."""
    school = School.objects.select_for_update().get(pk=school.pk)  # one writer per institution at a time
    require_office_for(actor, school.region_id, "您无权修改该机构的登记信息。")
    if not is_institution(school):
        raise ApplicationError("只有民办学校、民办幼儿园和校外培训机构需要登记办学许可等信息。")
    unknown = sorted(set(fields) - set(INSTITUTION_FIELDS))
    if unknown:
        raise ApplicationError(f"不能修改字段：{'、'.join(unknown)}")
    profile = InstitutionProfile.objects.filter(school=school).first()
    before = institution_snapshot(profile) if profile else None
    if profile is None:
        profile = InstitutionProfile(school=school)
    meta = {f.name: f for f in InstitutionProfile._meta.get_fields() if hasattr(f, "verbose_name")}
    for name, value in fields.items():
        label = str(meta[name].verbose_name)
        if name in INSTITUTION_TEXT_FIELDS:
            text = str(value or "").replace("\x00", "").strip()
            if name == "fund_account":
                text = re.sub(r"[\s-]", "", text)
            limit = FEE_STANDARD_LENGTH if name == "fee_standard" else meta[name].max_length
            if len(text) > limit:
                raise ApplicationError(f"{label}最多 {limit} 个字，现有 {len(text)} 个字。")
            value = text
        elif name in INSTITUTION_DATE_FIELDS:
            value = _as_date(name, label, value)
        elif name == "subjects":
            value = clean_subjects(value)
        elif name == "premises_area":
            value = _as_area(value)
        elif name == "premises_owned":
            value = None if value in (None, "") else bool(value)
        else:  # scope_kind, whitelist
            value = str(value or "").strip()
        setattr(profile, name, value)
    _validate_institution(profile, timezone.localdate())
    profile.updated_by = actor if getattr(actor, "is_authenticated", False) else None
    profile.save()
    audit_record(actor=actor, action="checks.institution_save", obj=profile, object_repr=school.name,
                 region_code=school.region_id, before=before, after=institution_snapshot(profile))
    return profile
