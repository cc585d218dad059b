"""Writes on regions and government units; each validates scope and leaves one audit record."""

from django.db import transaction

from dudao.core.audit import audit_record, snapshot
from dudao.core.errors import ApplicationError
from dudao.core.scope import region_prefix, require_office_for
from dudao.regions.models import LEVEL_CODE_LENGTH, PARENT_LEVEL, GovUnit, Region


def _require_editor(actor, region_code: str) -> None:
    require_office_for(actor, region_code, "您无权修改该地区的基础数据。")


@transaction.atomic
def region_create(*, actor, code: str, name: str, level: str, parent: Region | None = None) -> Region:
    _require_editor(actor, code)
    if len(code) != LEVEL_CODE_LENGTH[level] or not code.isdigit():
        raise ApplicationError(f"区划代码 {code} 的位数与级别不符。")
    if parent is None and level in PARENT_LEVEL:
        raise ApplicationError("请指定上级区划。")
    if parent is not None and (parent.level != PARENT_LEVEL[level] or not code.startswith(region_prefix(parent.code))):
        raise ApplicationError(f"区划代码 {code} 不在上级 {parent.name}（{parent.code}）的范围内。")
    if Region.objects.filter(code=code).exists():
        raise ApplicationError(f"区划代码 {code} 已存在。")
    region = Region(code=code, name=name.strip(), level=level, parent=parent)
    region.full_clean()
    region.save()
    audit_record(actor=actor, action="region.create", obj=region, region_code=code, after=snapshot(region))
    return region


UNIT_FIELDS = ["name", "kind", "region_id", "is_education_authority", "leader", "contact", "phone", "address"]


@transaction.atomic
def unit_save(*, actor, unit: GovUnit | None = None, code: str = "", **fields) -> GovUnit:
    """Create (unit=None) or update a government unit with the given field values."""
    creating = unit is None
    before = None if creating else snapshot(unit)
    if creating:
        if GovUnit.objects.filter(code=code).exists():
            raise ApplicationError(f"单位编码 {code} 已存在。")
        unit = GovUnit(code=code)
    else:
        _require_editor(actor, unit.region_id)
    for name, value in fields.items():
        if name not in UNIT_FIELDS:
            raise ApplicationError(f"不能修改字段：{name}")
        setattr(unit, name, value)
    _require_editor(actor, unit.region_id)
    unit.full_clean()
    unit.save()
    audit_record(actor=actor, action="unit.create" if creating else "unit.update", obj=unit,
                 region_code=unit.region_id, before=before, after=snapshot(unit))
    return unit
