"""Writes on schools, campuses, groups and centres; each checks scope and leaves one audit record."""

from django.core.exceptions import ValidationError
from django.db import transaction

from dudao.core.audit import audit_record, snapshot
from dudao.core.errors import ApplicationError
from dudao.core.scope import require_office_for
from dudao.regions import geo
from dudao.regions.models import RegionLevel
from dudao.schools.models import (
    TYPE_STAGES,
    EducationGroup,
    ManagementCentre,
    School,
    SchoolStage,
    SchoolType,
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
