"""The people import: one workbook with 督学, 专家 and 培训记录 sheets; all-or-nothing, upsert by natural key
(督学证号, 专家编号, and 督学证号+日期+培训名称)."""

from django.db import transaction
from django.utils import timezone

from dudao.core.audit import audit_record
from dudao.core.bulk import bulk_upsert, existing_by_key
from dudao.core.errors import ApplicationError, PermissionDenied
from dudao.core.models import Role
from dudao.core.scope import scope_for
from dudao.core.tabular import (
    Column,
    ParsedSheet,
    SheetSpec,
    check_duplicates,
    match_sheets,
    parse_sheet,
    read_upload,
    write_template_workbook,
)
from dudao.people.models import (
    Expert,
    ExpertCategory,
    Inspector,
    InspectorKind,
    InspectorSource,
    InspectorStatus,
    Training,
)
from dudao.people.services import inspector_problems
from dudao.regions.models import Region
from dudao.schools.models import School

KINDS = {str(label): value for value, label in InspectorKind.choices}
SOURCES = {str(label): value for value, label in InspectorSource.choices}
CATEGORY_LABELS = {str(label): value for value, label in ExpertCategory.choices}

INSPECTOR_SPEC = SheetSpec("督学", [
    Column("督学证号", "card_no", required=True, max_length=32),
    Column("姓名", "name", required=True, max_length=64),
    Column("性别", "gender", kind="choice", choices={"男": "男", "女": "女"}),
    Column("联系电话", "phone", required=True, max_length=32),
    Column("工作单位", "employer", max_length=128),
    Column("职务/职称", "position", max_length=64),
    Column("类别", "kind", required=True, kind="choice", choices=KINDS),
    Column("来源", "source", required=True, kind="choice", choices=SOURCES),
    Column("聘任地区代码", "region", required=True, pattern=r"\d{6}", pattern_message="应为 6 位县（区）区划代码"),
    Column("本人所在学校标识码", "home_school", pattern=r"\d{10}", pattern_message="应为 10 位数字"),
    Column("退休日期", "retirement_date", kind="date"),
    Column("首次聘任日期", "appointed_on", required=True, kind="date"),
    Column("本届聘期开始", "term_start", kind="date", help="空则同首次聘任日期"),
    Column("连续聘任届数", "term_no", kind="int", help="兼职督学填写，空则为 1"),
    Column("备注", "note"),
])
EXPERT_SPEC = SheetSpec("专家", [
    Column("专家编号", "id_key", required=True, max_length=32),
    Column("姓名", "name", required=True, max_length=64),
    Column("联系电话", "phone", required=True, max_length=32),
    Column("工作单位", "employer", max_length=128),
    Column("职称/职务", "title", max_length=64),
    Column("专业领域", "categories", required=True, help="可多选，用顿号分隔：" + "、".join(CATEGORY_LABELS)),
    Column("入库地区代码", "region", required=True, pattern=r"\d{6}", pattern_message="应为 6 位区划代码"),
    Column("是否在库", "is_active", kind="choice", choices={"是": True, "否": False}, help="空则为“是”"),
    Column("备注", "note"),
])
TRAINING_SPEC = SheetSpec("培训记录", [
    Column("督学证号", "card_no", required=True, max_length=32),
    Column("培训日期", "date", required=True, kind="date"),
    Column("培训名称", "title", required=True, max_length=200),
    Column("主办单位", "organizer", max_length=128),
    Column("学时", "hours", required=True, kind="decimal"),
    Column("学分", "credits", kind="decimal"),
])
SPECS = [INSPECTOR_SPEC, EXPERT_SPEC, TRAINING_SPEC]
INSPECTOR_FIELDS = ["name", "gender", "phone", "employer", "position", "kind", "source", "region_id", "home_school_id",
                    "retirement_date", "appointed_on", "term_start", "term_no", "note"]


def _regions(sheet: ParsedSheet, scope) -> dict[str, Region]:
    codes = {r.values["region"] for r in sheet.rows if r.values.get("region")}
    regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
    for row in sheet.rows:
        code = row.values.get("region")
        if code and code not in regions:
            sheet.error(row.row, "region", f"区划代码 {code} 不存在")
        elif code and not scope.covers_region(code):
            sheet.error(row.row, "region", f"区划代码 {code} 不在您的管辖范围内")
    return regions


def import_inspectors(sheet: ParsedSheet, scope, today) -> dict | None:
    check_duplicates(sheet, lambda v: v["card_no"], "card_no", "督学证号")
    regions = _regions(sheet, scope)
    schools = existing_by_key(School, "code", [r.values["home_school"] for r in sheet.rows if r.values["home_school"]])
    existing = existing_by_key(Inspector, "card_no", [r.values["card_no"] for r in sheet.rows])
    records = []
    for row in sheet.rows:
        v = row.values
        region = regions.get(v["region"])
        if region is None:
            continue
        current = existing.get(v["card_no"])
        if current is not None and not scope.covers_region(current.region_id):
            sheet.error(row.row, "card_no", f"督学证号 {v['card_no']} 已被您管辖范围以外的督学使用")
            continue
        school = schools.get(v["home_school"]) if v["home_school"] else None
        if v["home_school"] and school is None:
            sheet.error(row.row, "home_school", f"学校标识码 {v['home_school']} 不存在")
            continue
        record = {
            "card_no": v["card_no"], "name": v["name"], "gender": v["gender"] or "", "phone": v["phone"],
            "employer": v["employer"], "position": v["position"], "kind": v["kind"], "source": v["source"],
            "region_id": region.code, "home_school_id": school.pk if school else None,
            "retirement_date": v["retirement_date"], "appointed_on": v["appointed_on"],
            "term_start": v["term_start"] or v["appointed_on"], "term_no": v["term_no"] or 1, "note": v["note"],
        }
        probe = Inspector(**record)
        probe.region, probe.home_school = region, school
        for message in inspector_problems(probe, today):
            sheet.error(row.row, "card_no", message)
        if current is not None and current.status == InspectorStatus.EXITED:
            sheet.error(row.row, "card_no", f"督学 {v['name']}（{v['card_no']}）已退出，不能通过导入恢复")
        records.append(record)
    if sheet.errors:
        return None
    return bulk_upsert(Inspector, records, INSPECTOR_FIELDS, existing=existing, key=lambda r: r["card_no"]).as_dict()


def import_experts(sheet: ParsedSheet, scope, today) -> dict | None:
    check_duplicates(sheet, lambda v: v["id_key"], "id_key", "专家编号")
    regions = _regions(sheet, scope)
    existing = existing_by_key(Expert, "id_key", [r.values["id_key"] for r in sheet.rows])
    records = []
    for row in sheet.rows:
        v = row.values
        parts = [p.strip() for p in v["categories"].replace("，", "、").replace(",", "、").split("、") if p.strip()]
        unknown = [p for p in parts if p not in CATEGORY_LABELS]
        if unknown or not parts:
            sheet.error(row.row, "categories", f"专业领域“{'、'.join(unknown) or v['categories']}”无法识别"
                                               f"（可选：{'、'.join(CATEGORY_LABELS)}）")
            continue
        current = existing.get(v["id_key"])
        if current is not None and not scope.covers_region(current.region_id):
            sheet.error(row.row, "id_key", f"专家编号 {v['id_key']} 已被您管辖范围以外的专家使用")
            continue
        if v["region"] not in regions:
            continue
        records.append({"id_key": v["id_key"], "name": v["name"], "phone": v["phone"], "employer": v["employer"],
                        "title": v["title"], "categories": ",".join(dict.fromkeys(CATEGORY_LABELS[p] for p in parts)),
                        "region_id": v["region"], "is_active": v["is_active"] is not False, "note": v["note"]})
    if sheet.errors:
        return None
    fields = ["name", "phone", "employer", "title", "categories", "region_id", "is_active", "note"]
    return bulk_upsert(Expert, records, fields, existing=existing, key=lambda r: r["id_key"]).as_dict()


def import_trainings(sheet: ParsedSheet, scope, today) -> dict | None:
    check_duplicates(sheet, lambda v: (v["card_no"], v["date"], v["title"]), "title", "督学证号、日期与培训名称")
    inspectors = existing_by_key(Inspector, "card_no", list({r.values["card_no"] for r in sheet.rows}))
    records = []
    for row in sheet.rows:
        v = row.values
        inspector = sheet.parent_in_scope(row, "card_no", inspectors.get(v["card_no"]), scope, code_label="督学证号",
                                          noun="督学", sheet="督学")
        if inspector is None:
            continue
        if v["date"] and v["date"] > today:
            sheet.error(row.row, "date", "培训日期不能晚于今天")
            continue
        if v["hours"] is not None and not 0 < v["hours"] <= 200:
            sheet.error(row.row, "hours", "学时应大于 0 且不超过 200")
            continue
        records.append({"inspector_id": inspector.pk, "date": v["date"], "title": v["title"],
                        "organizer": v["organizer"], "hours": v["hours"], "credits": v["credits"] or 0})
    if sheet.errors:
        return None
    existing = {(t.inspector_id, t.date, t.title): t for t in
                Training.objects.filter(inspector_id__in=[r["inspector_id"] for r in records])}
    return bulk_upsert(Training, records, ["organizer", "hours", "credits"], existing=existing,
                       key=lambda r: (r["inspector_id"], r["date"], r["title"])).as_dict()


IMPORTERS = {INSPECTOR_SPEC.name: import_inspectors, EXPERT_SPEC.name: import_experts,
             TRAINING_SPEC.name: import_trainings}


class _Rollback(Exception):
    pass


def people_import(*, actor, data: bytes, filename: str) -> dict:
    scope = scope_for(actor)
    if not (scope.everything or scope.has_role(Role.OFFICE)):
        raise PermissionDenied("只有系统管理员和督导室用户可以导入督学和专家。")
    scope = scope.restricted_to(Role.OFFICE)  # rows only in the regions of the office assignments
    sheets = read_upload(data, filename)
    matched, errors = match_sheets(sheets, SPECS)
    today = timezone.localdate()
    summary = {}
    try:
        with transaction.atomic():
            for spec in SPECS:
                raw = matched.get(spec.name)
                if raw is None:
                    continue
                parsed = parse_sheet(raw, spec)
                result = IMPORTERS[spec.name](parsed, scope, today) if not parsed.errors else None
                errors.extend(parsed.errors)
                if result is not None:
                    summary[spec.name] = result
            if errors:
                raise _Rollback()
            region_code = ""
            if not scope.everything and len(scope.region_prefixes) == 1:
                region_code = scope.region_prefixes[0]
            audit_record(actor=actor, action="people.import", object_type="import", object_repr=filename[:255],
                         region_code=region_code, after={"file": filename, "bytes": len(data), "sheets": summary})
    except _Rollback:
        raise ApplicationError(f"导入失败：发现 {len(errors)} 处错误，未导入任何数据。", errors) from None
    return summary


def template_bytes(rows: dict[str, list[list]] | None = None) -> bytes:
    """The import template (or a filled workbook for the demo and tests)."""
    return write_template_workbook(SPECS, rows, with_notes=not rows, closing_note=(
        "整个文件全部校验通过才会导入；按督学证号、专家编号等新增或更新，重复导入同一文件不会产生重复数据。"))
