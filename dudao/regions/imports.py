"""Import sheets for regions (行政区划) and government units (政府单位)."""


from dudao.core.bulk import UpsertResult, bulk_upsert, existing_by_key
from dudao.core.scope import Scope, region_prefix
from dudao.core.tabular import Column, ParsedSheet, SheetSpec, check_duplicates
from dudao.regions.models import LEVEL_CODE_LENGTH, PARENT_LEVEL, GovUnit, Region, RegionLevel, UnitKind

LEVEL_CHOICES = {
    "省": RegionLevel.PROVINCE, "省级": RegionLevel.PROVINCE, "市": RegionLevel.CITY, "地市": RegionLevel.CITY,
    "县": RegionLevel.COUNTY, "区": RegionLevel.COUNTY, "县（区）": RegionLevel.COUNTY, "县区": RegionLevel.COUNTY,
    "乡镇": RegionLevel.TOWN, "街道": RegionLevel.TOWN, "乡镇（街道）": RegionLevel.TOWN,
}
UNIT_KIND_CHOICES = {str(label): value for value, label in UnitKind.choices}
UNIT_KIND_CHOICES.update({"乡镇政府": UnitKind.TOWN_GOV, "街道": UnitKind.SUBDISTRICT, "成员单位": UnitKind.DEPARTMENT})

REGION_SPEC = SheetSpec("行政区划", [
    Column("区划代码", "code", required=True, pattern=r"\d{6}|\d{9}", pattern_message="应为 6 位（省市县）或 9 位（乡镇街道）数字"),
    Column("名称", "name", required=True, max_length=64),
    Column("级别", "level", required=True, kind="choice", choices=LEVEL_CHOICES),
    Column("上级区划代码", "parent", pattern=r"\d{6}|\d{9}", pattern_message="应为 6 位或 9 位数字"),
])

UNIT_SPEC = SheetSpec("政府单位", [
    Column("单位编码", "code", required=True, max_length=32, pattern=r"[0-9A-Za-z\-]+", pattern_message="只能包含字母、数字和连字符"),
    Column("单位名称", "name", required=True, max_length=128),
    Column("类别", "kind", required=True, kind="choice", choices=UNIT_KIND_CHOICES),
    Column("所在区划代码", "region", required=True, pattern=r"\d{6}|\d{9}", pattern_message="应为 6 位或 9 位数字"),
    Column("是否教育行政部门", "is_education_authority", kind="bool"),
    Column("负责人", "leader", max_length=64),
    Column("联系人", "contact", max_length=64),
    Column("联系电话", "phone", max_length=32),
    Column("地址", "address"),
])


def _level_from_code(code: str) -> str:
    if len(code) == 9:
        return RegionLevel.TOWN
    if code.endswith("0000"):
        return RegionLevel.PROVINCE
    if code.endswith("00"):
        return RegionLevel.CITY
    return RegionLevel.COUNTY


def import_regions(sheet: ParsedSheet, scope: Scope) -> UpsertResult | None:
    """Validate the regions sheet against the database and itself; upsert when it has no errors."""
    check_duplicates(sheet, lambda v: v["code"], "code", "区划代码")
    codes_in_file = {r.values["code"]: r.values for r in sheet.rows if r.values["code"]}
    parents_needed = {r.values["parent"] for r in sheet.rows if r.values["parent"]} - set(codes_in_file)
    known_levels = dict(Region.objects.filter(code__in=list(parents_needed)).values_list("code", "level"))
    known_levels.update({c: v["level"] for c, v in codes_in_file.items()})
    records = []
    for row in sheet.rows:
        v = row.values
        code, level, parent = v["code"], v["level"], v["parent"]
        if not code or not level:
            continue
        if len(code) != LEVEL_CODE_LENGTH[level] or _level_from_code(code) != level:
            sheet.error(row.row, "code", f"区划代码 {code} 与级别“{RegionLevel(level).label}”不符")
            continue
        if not scope.covers_region(code):
            sheet.error(row.row, "code", f"区划代码 {code} 不在您的管辖范围内")
            continue
        if level == RegionLevel.PROVINCE:
            parent = None
        elif not parent:
            sheet.error(row.row, "parent", "除省级外必须填写上级区划代码")
            continue
        elif parent not in known_levels:
            sheet.error(row.row, "parent", f"上级区划代码 {parent} 不存在（系统中和本文件中都没有）")
            continue
        elif known_levels[parent] != PARENT_LEVEL[level]:
            sheet.error(row.row, "parent", f"上级区划 {parent} 的级别应为“{PARENT_LEVEL[level].label}”")
            continue
        elif not code.startswith(region_prefix(parent)):
            sheet.error(row.row, "code", f"区划代码 {code} 不在其上级 {parent} 的代码范围内（应以 {region_prefix(parent)} 开头）")
            continue
        records.append({"code": code, "name": v["name"], "level": level, "parent_id": parent})
    if sheet.errors:
        return None
    # Parents first, so that foreign keys always point at rows that exist.
    order = [RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWN]
    records.sort(key=lambda r: (order.index(r["level"]), r["code"]))
    total = UpsertResult()
    for level in order:
        batch = [r for r in records if r["level"] == level]
        if batch:
            existing = existing_by_key(Region, "code", [r["code"] for r in batch])
            result = bulk_upsert(Region, batch, ["name", "level", "parent_id"], existing=existing, key=lambda r: r["code"])
            total.created += result.created
            total.updated += result.updated
            total.unchanged += result.unchanged
    return total




def import_units(sheet: ParsedSheet, scope: Scope) -> UpsertResult | None:
    check_duplicates(sheet, lambda v: v["code"], "code", "单位编码")
    region_codes = {r.values["region"] for r in sheet.rows if r.values["region"]}
    known = set(Region.objects.filter(code__in=list(region_codes)).values_list("code", flat=True))
    existing = existing_by_key(GovUnit, "code", [r.values["code"] for r in sheet.rows])
    records = []
    for row in sheet.rows:
        v = row.values
        if not v["code"] or not v["region"]:
            continue
        if v["region"] not in known:
            sheet.error(row.row, "region", f"区划代码 {v['region']} 不存在，请先导入行政区划")
            continue
        if not scope.covers_region(v["region"]):
            sheet.error(row.row, "region", f"区划代码 {v['region']} 不在您的管辖范围内")
            continue
        current = existing.get(v["code"])
        if current is not None and not scope.covers_region(current.region_id):
            sheet.error(row.row, "code", f"单位编码 {v['code']} 已被您管辖范围以外的单位使用")
            continue
        if v["kind"] in {UnitKind.TOWN_GOV, UnitKind.SUBDISTRICT} and len(v["region"]) != 9:
            sheet.error(row.row, "region", "乡镇政府和街道办事处应填写 9 位乡镇（街道）区划代码")
            continue
        records.append({
            "code": v["code"], "name": v["name"], "kind": v["kind"], "region_id": v["region"],
            "is_education_authority": bool(v["is_education_authority"]), "leader": v["leader"],
            "contact": v["contact"], "phone": v["phone"], "address": v["address"],
        })
    if sheet.errors:
        return None
    fields = ["name", "kind", "region_id", "is_education_authority", "leader", "contact", "phone", "address"]
    return bulk_upsert(GovUnit, records, fields, existing=existing, key=lambda r: r["code"])
