"""The annual statistics import: one row per school and school year, all-or-nothing.

Errors (missing columns, text in number cells, unknown school codes, doubled rows, zero enrolment, negative
numbers, a school year in the future) refuse the whole file. Plausibility findings (a per-pupil figure 10×
off the county median, a name that differs from the registry) are warnings: the file is refused with them
until the user confirms, and the confirmed warnings are kept on the import record.
"""

import datetime
import os
import re
import statistics
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from dudao.core.audit import audit_record
from dudao.core.errors import ApplicationError, PermissionDenied, RowError
from dudao.core.models import Role
from dudao.core.scope import scope_for
from dudao.core.tabular import (
    IGNORED_SHEETS,
    Column,
    SheetSpec,
    check_duplicates,
    parse_sheet,
    read_upload,
    write_template_workbook,
)
from dudao.monitoring.models import SchoolStats, StatsImport
from dudao.schools.models import School

SHEET = "学校年度统计"

# The nine resources of the 优质均衡 indicators: header, key. The headers are the template's, exactly.
RESOURCE_COLUMNS = [
    ("高于规定学历教师数", "qualified_teachers"),
    ("县级及以上骨干教师数", "backbone_teachers"),
    ("体育专任教师数", "pe_teachers"),
    ("艺术专任教师数", "art_teachers"),
    ("教学及辅助用房面积", "teaching_area"),
    ("室内体育用房面积", "indoor_sports_area"),
    ("体育运动场馆面积", "sports_area"),
    ("教学仪器设备值 (万元)", "equipment_wan"),
    ("网络多媒体教室数", "multimedia_rooms"),
]
STAGE_SUFFIXES = [("小学部", "primary"), ("初中部", "junior"), ("高中部", "senior")]
WHOLE_RESOURCES = {"qualified_teachers", "backbone_teachers", "pe_teachers", "art_teachers", "multimedia_rooms"}

# Guarantee, quality and preschool items the template carries (all optional): header, key, kind.
EXTRA_COLUMNS = [
    ("小学班级数", "classes_primary", "int"),
    ("初中班级数", "classes_junior", "int"),
    ("小学最大班额", "max_class_primary", "int"),
    ("初中最大班额", "max_class_junior", "int"),
    ("音乐专用教室数", "music_rooms", "int"),
    ("美术专用教室数", "art_rooms", "int"),
    ("专任教师数", "teachers", "int"),
    ("持有教师资格证教师数", "certified_teachers", "int"),
    ("应交流轮岗教师数", "rotation_eligible", "int"),
    ("交流轮岗教师数", "rotated", "int"),
    ("交流轮岗骨干教师数", "rotated_backbone", "int"),
    ("初中三年巩固率(%)", "retention_rate", "number"),
    ("在园幼儿数", "students_preschool", "int"),
    ("幼儿园班级数", "classes_preschool", "int"),
    ("幼儿园超额班级数", "oversized_classes_preschool", "int"),
    ("幼儿园专任教师数", "teachers_preschool", "int"),
    ("幼儿园持证教师数", "certified_teachers_preschool", "int"),
    ("户外活动场地面积", "outdoor_area_preschool", "number"),
    ("幼儿活动室面积", "activity_area_preschool", "number"),
    ("园舍建筑面积", "building_area_preschool", "number"),
]

COLUMNS = [
    Column("学年", "year", required=True, help="如 2025 或 2025-2026（学年起始年份）"),
    Column("学校标识码", "code", required=True, pattern=r"\d{10}", pattern_message="应为 10 位数字"),
    Column("学校名称", "name", required=True, max_length=128),
    Column("小学在校生数", "students_primary", required=True, kind="int"),
    Column("初中在校生数", "students_junior", required=True, kind="int"),
    Column("高中在校生数", "students_senior", required=True, kind="int"),
    *[Column(header, key, required=True, kind="number") for header, key in RESOURCE_COLUMNS],
    *[Column(f"{header}({suffix})", f"{key}__{stage}", kind="number",
             help=f"一贯制学校、完全中学{suffix}单独统计时填写；不填则按加权在校生数拆分")
      for header, key in RESOURCE_COLUMNS for suffix, stage in STAGE_SUFFIXES],
    *[Column(header, key, kind=kind) for header, key, kind in EXTRA_COLUMNS],
]
SPEC = SheetSpec(SHEET, COLUMNS)
YEAR_PATTERN = re.compile(r"(\d{4})(?:\s*[-—–~至/]\s*(\d{4}))?\s*(?:学年)?")
OUTLIER_FACTOR = 10


def canonical_header(text: str) -> str:
    return text.replace("*", "").replace("＊", "").replace(" ", "").replace("（", "(").replace("）", ")").strip()


CANONICAL = {canonical_header(c.header): c.header for c in COLUMNS}


def parse_year(text: str, today: datetime.date) -> int:
    match = YEAR_PATTERN.fullmatch(text.strip())
    if not match or (match.group(2) and int(match.group(2)) != int(match.group(1)) + 1):
        raise ValueError(f"学年“{text}”无法识别（格式如 2025 或 2025-2026）")
    year = int(match.group(1))
    # A 学年 starts in September: 2026-2027 exists from 2026-09-01.
    current = today.year if today.month >= 9 else today.year - 1
    if year > current:
        raise ValueError(f"学年 {year}-{year + 1} 尚未开始，不能导入")
    if year < 2000:
        raise ValueError(f"学年 {year} 不合理")
    return year


@dataclass
class StatsImportResult:
    batch: StatsImport | None
    rows: int
    replaced: int
    warnings: list[RowError]

    @property
    def needs_confirmation(self) -> bool:
        return self.batch is None and bool(self.warnings)


def stats_import(*, actor, data: bytes, filename: str, confirm: bool = False,
                 today: datetime.date | None = None) -> StatsImportResult:
    """Validate the whole file; with no errors and (no warnings or confirm) replace each school-year."""
    today = today or timezone.localdate()
    scope = scope_for(actor)
    if not (scope.everything or scope.has_role(Role.OFFICE)):
        raise PermissionDenied("只有系统管理员和督导室用户可以导入统计数据。")
    sheets = read_upload(data, filename)
    for sheet in sheets:
        sheet.header = [CANONICAL.get(canonical_header(h), h) for h in sheet.header]
    # One kind of sheet: the one named 学校年度统计, else the first sheet with anything in it (CSV).
    candidates = [s for s in sheets if s.name not in IGNORED_SHEETS and (s.header or s.rows)]
    sheet = next((s for s in candidates if s.name == SHEET), candidates[0] if candidates else None)
    if sheet is None:
        raise ApplicationError("文件中没有可导入的数据。")
    parsed = parse_sheet(sheet, SPEC)
    if parsed.errors:
        raise ApplicationError(f"导入失败：发现 {len(parsed.errors)} 处错误，未导入任何数据。", parsed.errors)
    if not parsed.rows:
        raise ApplicationError("文件中没有数据行。")

    for row in parsed.rows:
        try:
            row.values["year"] = parse_year(row.values["year"], today)
        except ValueError as exc:
            parsed.error(row.row, "year", str(exc))
    check_duplicates(parsed, lambda v: (v["code"], v["year"]), "code", "同一学校同一学年的数据")
    schools = {s.code: s for s in School.objects.visible_to(actor, as_roles=(Role.OFFICE,)).select_related("region").filter(
        code__in={r.values["code"] for r in parsed.rows})}
    warnings: list[RowError] = []
    for row in parsed.rows:
        _check_row(parsed, row, schools, warnings)
    if parsed.errors:
        raise ApplicationError(f"导入失败：发现 {len(parsed.errors)} 处错误，未导入任何数据。", parsed.errors)
    warnings.extend(_outliers(parsed, schools))
    if warnings and not confirm:
        return StatsImportResult(None, len(parsed.rows), 0, warnings)
    return _save(actor, filename, parsed, schools, warnings)


def _check_row(parsed, row, schools, warnings) -> None:
    v = row.values
    school = schools.get(v["code"])
    if school is None:
        parsed.error(row.row, "code", f"学校标识码 {v['code']} 不在学校名录中（或不在您的管辖范围内），请先在基础数据中登记该校。")
        return
    if v["name"] and v["name"] != school.name:
        warnings.append(RowError(SHEET, row.row, "学校名称", f"名称“{v['name']}”与名录中的“{school.name}”不一致，将按学校标识码导入。"))
    for header, key in RESOURCE_COLUMNS:
        value = v[key]
        if key in WHOLE_RESOURCES and value is not None and not float(value).is_integer():
            parsed.error(row.row, key, f"{header}应为整数，实际为“{value:g}”")
    compulsory = v["students_primary"] + v["students_junior"] + v["students_senior"]
    preschool = v.get("students_preschool") or 0
    if compulsory == 0 and any(v[key] for _h, key in RESOURCE_COLUMNS):
        parsed.error(row.row, "students_primary", "中小学在校生数为 0，却填写了教师或校舍资源，请核对。")
    elif compulsory + preschool == 0:
        parsed.error(row.row, "students_primary", "在校生数合计为 0：停办或无学生的学校请不要填报。")
    if v["indoor_sports_area"] > v["teaching_area"]:
        parsed.error(row.row, "indoor_sports_area", "室内体育用房面积大于教学及辅助用房面积（后者应包含前者）。")
    for _header, key in RESOURCE_COLUMNS:
        for suffix, stage in STAGE_SUFFIXES:
            own = v.get(f"{key}__{stage}")
            if own is not None and v[f"students_{stage}"] == 0:
                parsed.error(row.row, f"{key}__{stage}", f"填写了{suffix}数据，但{suffix[:2]}在校生数为 0。")


def _outliers(parsed, schools) -> list[RowError]:
    """A per-pupil resource more than 10× above or below the county median is flagged, not refused."""
    per_pupil: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for row in parsed.rows:
        v = row.values
        pupils = v["students_primary"] + v["students_junior"] + v["students_senior"]
        if not pupils:
            continue
        county = schools[v["code"]].region.parent_id or ""
        for _header, key in RESOURCE_COLUMNS:
            per_pupil.setdefault((county, key), []).append((row.row, v[key] / pupils))
    headers = dict((key, header) for header, key in RESOURCE_COLUMNS)
    found = []
    for (_county, key), values in per_pupil.items():
        if len(values) < 3:
            continue
        median = statistics.median(x for _r, x in values)
        if median <= 0:
            continue
        for number, x in values:
            if x > median * OUTLIER_FACTOR or x < median / OUTLIER_FACTOR:
                found.append(RowError(SHEET, number, headers[key],
                                      f"生均{headers[key]} {x:.3g} 与本县中位数 {median:.3g} 相差 {OUTLIER_FACTOR} 倍以上，请确认单位和数值。"))
    return sorted(found, key=lambda e: (e.row or 0, e.column))


def _save(actor, filename, parsed, schools, warnings) -> StatsImportResult:
    years = sorted({r.values["year"] for r in parsed.rows})
    stage_keys = [f"{key}__{stage}" for _h, key in RESOURCE_COLUMNS for _s, stage in STAGE_SUFFIXES]
    extra_keys = [key for _h, key, _k in EXTRA_COLUMNS]
    with transaction.atomic():
        existing = {(s.school_id, s.year): s for s in SchoolStats.objects.filter(
            school__in=schools.values(), year__in=years).only("id", "school_id", "year", "batch_id")}
        batch = StatsImport.objects.create(
            year=years[-1], filename=filename[:255], rows=len(parsed.rows), replaced=0,
            warnings=[w.as_dict() for w in warnings], created_by=actor)
        records = []
        for row in parsed.rows:
            v = row.values
            records.append(SchoolStats(
                school=schools[v["code"]], year=v["year"], batch=batch,
                students_primary=v["students_primary"], students_junior=v["students_junior"],
                students_senior=v["students_senior"], **{key: v[key] for _h, key in RESOURCE_COLUMNS},
                stage_values={k: v[k] for k in stage_keys if v.get(k) is not None},
                extra={k: v[k] for k in extra_keys if v.get(k) is not None}))
        replaced = [existing[(r.school.pk, r.year)] for r in records if (r.school.pk, r.year) in existing]
        SchoolStats.objects.filter(pk__in=[r.pk for r in replaced]).delete()
        SchoolStats.objects.bulk_create(records, batch_size=1000)
        batch.replaced = len(replaced)
        batch.save(update_fields=["replaced"])
        regions = sorted(s.region_id for s in schools.values())
        audit_record(actor=actor, action="monitoring.stats_import", obj=batch,
                     region_code=_common_prefix(regions),
                     after={"file": filename, "years": years, "rows": len(records), "replaced": len(replaced),
                            "replaced_batches": sorted({r.batch_id for r in replaced}),
                            "warnings_confirmed": len(warnings)})
    return StatsImportResult(batch, len(records), len(replaced), warnings)


def _common_prefix(codes: list[str]) -> str:
    return os.path.commonprefix(codes) if codes else ""


def template_bytes() -> bytes:
    return write_template_workbook([SPEC], closing_note=(
        "说明：每所学校每学年一行；整个文件全部校验通过才会导入；同一学校同一学年再次导入将替换原数据并留痕。"
        "一贯制学校、完全中学如有分学段数据，可填写“(小学部)”“(初中部)”等列，否则按加权在校生数拆分。"))
