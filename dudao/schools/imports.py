"""The registry import: one workbook (or CSV) with 行政区划, 政府单位, 学校 and 校区 sheets, all-or-nothing."""

import os

from django.db import transaction

from dudao.core.audit import audit_record
from dudao.core.bulk import UpsertResult, bulk_upsert, existing_by_key
from dudao.core.errors import ApplicationError, PermissionDenied, RowError
from dudao.core.models import Role
from dudao.core.scope import Scope, scope_for
from dudao.core.tabular import (
    Column,
    ParsedSheet,
    SheetSpec,
    check_duplicates,
    match_sheets,
    parse_sheet,
    read_upload,
)
from dudao.regions import geo
from dudao.regions.imports import REGION_SPEC, UNIT_SPEC, import_regions, import_units
from dudao.regions.models import GovUnit, Region, RegionLevel
from dudao.schools.models import (
    TYPE_STAGES,
    Campus,
    ManagementCentre,
    Ownership,
    School,
    SchoolStage,
    SchoolType,
    UrbanRural,
)

TYPE_CHOICES = {str(label): value for value, label in SchoolType.choices}
TYPE_CHOICES.update({"九年一贯制": SchoolType.NINE_YEAR, "十二年一贯制": SchoolType.TWELVE_YEAR, "中职": SchoolType.VOCATIONAL,
                     "特教学校": SchoolType.SPECIAL, "高中": SchoolType.SENIOR})
STAGE_LABELS = {str(label): value for value, label in SchoolStage.choices}

SCHOOL_SPEC = SheetSpec("学校", [
    Column("学校标识码", "code", required=True, pattern=r"\d{10}", pattern_message="应为 10 位数字"),
    Column("学校名称", "name", required=True, max_length=128),
    Column("办学类型", "school_type", required=True, kind="choice", choices=TYPE_CHOICES),
    Column("举办者", "ownership", required=True, kind="choice", choices={str(lbl): v for v, lbl in Ownership.choices}),
    Column("普惠性", "is_puhui", kind="bool", help="仅幼儿园填写：是/否"),
    Column("城乡分类", "urban_rural", required=True, kind="choice", choices={str(lbl): v for v, lbl in UrbanRural.choices}),
    Column("所在乡镇代码", "region", required=True, pattern=r"\d{9}", pattern_message="应为 9 位乡镇（街道）区划代码"),
    Column("主管部门编码", "competent_unit", max_length=32),
    Column("教管中心编码", "management_centre", max_length=32),
    Column("地址", "address"),
    Column("校长（园长）", "principal", max_length=64),
    Column("联系电话", "phone", max_length=32),
    Column("建校年份", "founded_year", kind="year"),
    Column("在园幼儿数", "students_preschool", kind="int"),
    Column("小学在校生数", "students_primary", kind="int"),
    Column("初中在校生数", "students_junior", kind="int"),
    Column("高中在校生数", "students_senior", kind="int"),
    Column("其他在校生数", "students_other", kind="int"),
    Column("学前班级数", "classes_preschool", kind="int"),
    Column("小学班级数", "classes_primary", kind="int"),
    Column("初中班级数", "classes_junior", kind="int"),
    Column("高中班级数", "classes_senior", kind="int"),
    Column("其他班级数", "classes_other", kind="int"),
    # area: map — WGS-84 degrees, both or neither; blank keeps what is stored (an old template never wipes them)
    Column("经度", "longitude", max_length=32, help="WGS-84 经度（度），如 113.625368；与纬度同时填写，空则保持不变"),
    Column("纬度", "latitude", max_length=32, help="WGS-84 纬度（度），如 34.746599；与经度同时填写，空则保持不变"),
])

CAMPUS_SPEC = SheetSpec("校区", [
    Column("学校标识码", "school", required=True, pattern=r"\d{10}", pattern_message="应为 10 位数字"),
    Column("校区名称", "name", required=True, max_length=128),
    Column("学段", "stages", required=True, help="如：小学、初中（用顿号或逗号分隔）"),
    Column("是否主校区", "is_main", kind="bool"),
    Column("所在乡镇代码", "region", pattern=r"\d{9}", pattern_message="应为 9 位乡镇（街道）区划代码", help="空则同学校"),
    Column("地址", "address"),
    Column("在校生数", "students", kind="int"),
])

SPECS = [REGION_SPEC, UNIT_SPEC, SCHOOL_SPEC, CAMPUS_SPEC]

# Stages with an enrolment column; a school may not report pupils in a stage its type does not teach.
STAGE_FIELDS = {
    SchoolStage.PRESCHOOL: ("students_preschool", "classes_preschool"),
    SchoolStage.PRIMARY: ("students_primary", "classes_primary"),
    SchoolStage.JUNIOR: ("students_junior", "classes_junior"),
    SchoolStage.SENIOR: ("students_senior", "classes_senior"),
}
SCHOOL_FIELDS = [
    "name", "school_type", "ownership", "is_puhui", "urban_rural", "region_id", "competent_unit_id",
    "management_centre_id", "address", "principal", "phone", "founded_year",
    "students_preschool", "students_primary", "students_junior", "students_senior", "students_other",
    "classes_preschool", "classes_primary", "classes_junior", "classes_senior", "classes_other",
    "longitude", "latitude",
]


def _coordinates(sheet: ParsedSheet, row, current: School | None, warnings: list[RowError]):
    """(longitude, latitude) to store, or None after recording an error; a swapped pair is a warning."""
    try:
        point = geo.check_point(row.values["longitude"], row.values["latitude"])
    except geo.GeoError as exc:
        sheet.error(row.row, "longitude" if row.values["longitude"] else "latitude", exc.message)
        return None
    if point.warning:
        warnings.append(RowError(sheet.spec.name, row.row, f"{sheet.letters.get('longitude', '')}（经度）",
                                 point.warning))
    if point.longitude is None:  # blank: keep what is stored
        return (current.longitude, current.latitude) if current is not None else (None, None)
    return point.longitude, point.latitude


def import_schools(sheet: ParsedSheet, scope: Scope, warnings: list[RowError] | None = None) -> UpsertResult | None:
    warnings = [] if warnings is None else warnings
    check_duplicates(sheet, lambda v: v["code"], "code", "学校标识码")
    rows = sheet.rows
    towns = dict(Region.objects.filter(code__in=list({r.values["region"] for r in rows})).values_list("code", "level"))
    units = dict(GovUnit.objects.filter(code__in=list({r.values["competent_unit"] for r in rows} - {""}))
                 .values_list("code", "id"))
    centres = dict(ManagementCentre.objects.filter(code__in=list({r.values["management_centre"] for r in rows} - {""}))
                   .values_list("code", "id"))
    existing = existing_by_key(School, "code", [r.values["code"] for r in rows])
    records = []
    for row in rows:
        v = row.values
        if not v["code"] or not v["region"] or not v["school_type"]:
            continue
        errors_before = len(sheet.errors)
        if v["region"] not in towns:
            sheet.error(row.row, "region", f"区划代码 {v['region']} 不存在，请先导入行政区划")
        elif towns[v["region"]] != RegionLevel.TOWN:
            sheet.error(row.row, "region", f"{v['region']} 不是乡镇（街道）级区划代码")
        elif not scope.covers_region(v["region"]):
            sheet.error(row.row, "region", f"区划代码 {v['region']} 不在您的管辖范围内")
        current = existing.get(v["code"])
        if current is not None and not scope.covers_region(current.region_id):
            sheet.error(row.row, "code", f"学校标识码 {v['code']} 已被您管辖范围以外的学校使用")
        if v["competent_unit"] and v["competent_unit"] not in units:
            sheet.error(row.row, "competent_unit", f"主管部门编码 {v['competent_unit']} 不存在")
        if v["management_centre"] and v["management_centre"] not in centres:
            sheet.error(row.row, "management_centre", f"教管中心编码 {v['management_centre']} 不存在")
        if v["is_puhui"] and v["school_type"] != SchoolType.KINDERGARTEN:
            sheet.error(row.row, "is_puhui", "普惠性只适用于幼儿园")
        stages = TYPE_STAGES[v["school_type"]]
        for stage, (students, classes) in STAGE_FIELDS.items():
            if stage not in stages and ((v[students] or 0) > 0 or (v[classes] or 0) > 0):
                sheet.error(row.row, students, f"{SchoolType(v['school_type']).label}不设{SchoolStage(stage).label}学段，"
                                               f"{SchoolStage(stage).label}在校生数和班级数应为 0 或空")
        point = _coordinates(sheet, row, current, warnings)
        if len(sheet.errors) > errors_before:
            continue
        record = {key: (v[key] or 0) for key in SCHOOL_FIELDS if key.startswith(("students_", "classes_"))}
        record["longitude"], record["latitude"] = point
        record.update({
            "code": v["code"], "name": v["name"], "school_type": v["school_type"], "ownership": v["ownership"],
            "is_puhui": bool(v["is_puhui"]), "urban_rural": v["urban_rural"], "region_id": v["region"],
            "competent_unit_id": units.get(v["competent_unit"]), "management_centre_id": centres.get(v["management_centre"]),
            "address": v["address"], "principal": v["principal"], "phone": v["phone"], "founded_year": v["founded_year"],
        })
        records.append(record)
    if sheet.errors:
        return None
    return bulk_upsert(School, records, SCHOOL_FIELDS, existing=existing, key=lambda r: r["code"])


def _parse_stages(text: str) -> list[str] | None:
    parts = [p.strip() for p in text.replace("，", ",").replace("、", ",").replace("/", ",").split(",") if p.strip()]
    if not parts or any(p not in STAGE_LABELS for p in parts):
        return None
    return list(dict.fromkeys(STAGE_LABELS[p] for p in parts))


def import_campuses(sheet: ParsedSheet, scope: Scope) -> UpsertResult | None:
    check_duplicates(sheet, lambda v: (v["school"], v["name"]), "name", "学校标识码与校区名称")
    rows = sheet.rows
    school_codes = list({r.values["school"] for r in rows})
    schools = existing_by_key(School, "code", school_codes)
    towns = set(Region.objects.filter(level=RegionLevel.TOWN, code__in=list({r.values["region"] for r in rows} - {""}))
                .values_list("code", flat=True))
    existing = {}
    for start in range(0, len(school_codes), 2000):
        ids = [schools[c].pk for c in school_codes[start:start + 2000] if c in schools]
        for campus in Campus.objects.filter(school_id__in=ids):
            existing[(campus.school_id, campus.name)] = campus
    records = []
    for row in rows:
        v = row.values
        school = sheet.parent_in_scope(row, "school", schools.get(v["school"]), scope, code_label="学校标识码", noun="学校",
                                       sheet="学校")
        if school is None:
            continue
        stages = _parse_stages(v["stages"])
        if stages is None:
            sheet.error(row.row, "stages", f"学段“{v['stages']}”无法识别（可选：{'、'.join(STAGE_LABELS)}）")
            continue
        foreign = [s for s in stages if s not in TYPE_STAGES[school.school_type]]
        if foreign:
            sheet.error(row.row, "stages", f"学段“{'、'.join(str(SchoolStage(s).label) for s in foreign)}”不属于"
                                           f"{SchoolType(school.school_type).label}")
            continue
        region = v["region"] or school.region_id
        if v["region"] and v["region"] not in towns:
            sheet.error(row.row, "region", f"{v['region']} 不是已有的乡镇（街道）区划代码")
            continue
        records.append({"school_id": school.pk, "name": v["name"], "region_id": region,
                        "stages": ",".join(stages), "is_main": bool(v["is_main"]), "address": v["address"],
                        "students": v["students"] or 0})
    if sheet.errors:
        return None
    fields = ["region_id", "stages", "is_main", "address", "students"]
    return bulk_upsert(Campus, records, fields, existing=existing, key=lambda r: (r["school_id"], r["name"]))


IMPORTERS = {
    REGION_SPEC.name: import_regions,
    UNIT_SPEC.name: import_units,
    SCHOOL_SPEC.name: import_schools,
    CAMPUS_SPEC.name: import_campuses,
}


def registry_import(*, actor, data: bytes, filename: str, confirm: bool = False) -> dict:
    """Import regions, units, schools and campuses from one upload; all of it or none of it.

    Warnings (a school's 经度/纬度 that look swapped) stop the import with NeedsConfirmation until the user
    confirms (`confirm=True`); the confirmed warnings are kept in the audit record.

    The audit record carries the common prefix of every region code touched, so the office users of
    that area see the import in their log.

    Sheets are recognised by name (or, for CSV and unnamed sheets, by their headers) and applied in
    dependency order inside one transaction; any error anywhere rolls everything back.
    """
    scope = scope_for(actor)
    if not (scope.everything or scope.has_role(Role.OFFICE)):
        raise PermissionDenied("只有系统管理员和督导室用户可以导入基础数据。")
    scope = scope.restricted_to(Role.OFFICE)  # rows only in the regions of the office assignments
    sheets = read_upload(data, filename)
    matched, errors = match_sheets(sheets, SPECS)
    summary: dict[str, dict] = {}
    touched: set[str] = set()
    warnings: list[RowError] = []
    try:
        with transaction.atomic():
            for spec in SPECS:
                raw = matched.get(spec.name)
                if raw is None:
                    continue
                parsed = parse_sheet(raw, spec)
                importer = IMPORTERS[spec.name]
                if spec is SCHOOL_SPEC:
                    result = importer(parsed, scope, warnings) if not parsed.errors else None
                else:
                    result = importer(parsed, scope) if not parsed.errors else None
                errors.extend(parsed.errors)
                if result is not None:
                    summary[spec.name] = result.as_dict()
                    touched.update(r.values.get("region") or r.values.get("code") or "" for r in parsed.rows
                                   if spec is not CAMPUS_SPEC)
            if errors or (warnings and not confirm):
                raise _Rollback()
            audit_record(
                actor=actor, action="registry.import", object_type="import", object_id="",
                object_repr=filename[:255], region_code=os.path.commonprefix(sorted(touched - {""})) if touched else "",
                after={"file": filename, "bytes": len(data), "sheets": summary,
                       **({"warnings_confirmed": [w.as_dict() for w in warnings]} if warnings else {})},
            )
    except _Rollback:
        if not errors:
            raise NeedsConfirmation(warnings) from None
        raise ApplicationError(f"导入失败：发现 {len(errors)} 处错误，未导入任何数据。", errors) from None
    return summary


class NeedsConfirmation(ApplicationError):
    """The file is valid but has warnings: nothing was imported; the same file with confirm=True imports it."""

    def __init__(self, warnings: list[RowError]):
        super().__init__(f"有 {len(warnings)} 条数据提示，尚未导入。请核对后勾选确认再导入。")
        self.warnings = warnings


class _Rollback(Exception):
    """Raised inside the import transaction to undo every sheet when any sheet had errors."""
