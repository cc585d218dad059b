"""Writes on regions and government units; each validates scope and leaves one audit record."""

import hashlib

from django.db import transaction

from dudao.core.audit import audit_record, snapshot
from dudao.core.errors import ApplicationError
from dudao.core.policy import policy_value
from dudao.core.scope import region_prefix, require_office_for
from dudao.regions import geo
from dudao.regions.models import LEVEL_CODE_LENGTH, PARENT_LEVEL, Boundary, GovUnit, Region


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


# ---- boundaries for the cockpit map (area: map) -----------------------------------------------------------------


def _boundary_limits(region_code: str) -> tuple[int, int]:
    return (int(float(policy_value("regions.boundary_max_mb", region_code)) * 1024 * 1024),
            int(policy_value("regions.boundary_max_vertices", region_code)))


def _parse_upload(region: Region, data: bytes) -> geo.ParsedBoundary:
    max_bytes, max_vertices = _boundary_limits(region.code)
    try:
        return geo.parse_boundary(data, max_bytes=max_bytes, max_vertices=max_vertices)
    except geo.GeoError as exc:
        raise ApplicationError(f"边界文件未通过校验：{exc.message}") from None


def _store(actor, region: Region, geojson: dict, *, data: bytes, filename: str, vertices: int) -> Boundary:
    """Create or replace one region's outline and write its audit record (inside the caller's transaction)."""
    previous = Boundary.objects.filter(region=region).first()
    before = None if previous is None else {"sha256": previous.sha256, "size": previous.size,
                                            "original_name": previous.original_name}
    sha = hashlib.sha256(data).hexdigest()
    boundary, _created = Boundary.objects.update_or_create(region=region, defaults={
        "geojson": geojson, "sha256": sha, "size": len(data), "original_name": filename[-255:],
        "uploaded_by": actor if getattr(actor, "is_authenticated", False) else None})
    audit_record(actor=actor, action="boundary.upload", obj=boundary, region_code=region.code, before=before,
                 after={"sha256": sha, "size": len(data), "original_name": filename[-255:],
                        "features": len(geojson["features"]), "vertices": vertices})
    return boundary


@transaction.atomic
def boundary_upload(*, actor, region: Region, data: bytes, filename: str) -> Boundary:
    """The region's own outline (one or more polygons), replacing the stored one; nothing changes on any error."""
    _require_editor(actor, region.code)
    parsed = _parse_upload(region, data)
    return _store(actor, region, parsed.feature_collection(), data=data, filename=filename, vertices=parsed.vertices)


@transaction.atomic
def town_boundaries_upload(*, actor, region: Region, data: bytes, filename: str) -> list[Boundary]:
    """The outlines of a region's child regions (a county's towns) from one FeatureCollection: each feature names
    its town by code (区划代码/code) or name (名称/name). Every feature must name a different child; the towns
    named are replaced, the others are kept. All or nothing."""
    _require_editor(actor, region.code)
    children = list(Region.objects.filter(parent=region).order_by("code"))
    if not children:
        raise ApplicationError(f"{region.name}没有下级区划，请直接上传其边界。")
    parsed = _parse_upload(region, data)
    by_code = {c.code: c for c in children}
    by_name = {c.name: c for c in children}
    problems, matched = [], {}
    for i, outline in enumerate(parsed.outlines, 1):
        child = by_code.get(outline.code) or by_name.get(outline.name)
        if child is None:
            named = outline.code or outline.name
            problems.append(f"第 {i} 个要素" + (f"（{named}）不是{region.name}的下级区划" if named else
                                                "没有区划代码（code）或名称（name）属性"))
        elif child.code in matched:
            problems.append(f"第 {i} 个要素与前面的要素都是{child.name}，每个下级区划只能有一个要素")
        else:
            matched[child.code] = (child, outline)
    if problems:
        shown = "；".join(problems[:10]) + ("……" if len(problems) > 10 else "")
        raise ApplicationError(f"边界文件未通过校验：{shown}。下级区划："
                               f"{'、'.join(f'{c.name}（{c.code}）' for c in children)}")
    stored = []
    for code, (child, outline) in matched.items():
        one = geo.ParsedBoundary([geo.Outline(outline.geometry, child.name, code)], 0, parsed.bbox)
        stored.append(_store(actor, child, one.feature_collection(), data=data, filename=filename,
                             vertices=parsed.vertices))
    return stored
