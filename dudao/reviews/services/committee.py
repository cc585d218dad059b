"""Writes of reviews: committee (issue 21). Keyword-only services, atomic, audited.

The 督导委员会 of a county: its name, date, 工作规程 (text and a PDF/Word file), its member units (a department or
town of the county, each once, with its representative, post, role and order; deactivated, never deleted while
anything refers to it) and each member's 职责清单 (duties linked to check points of a 督政 framework of the county or
above it; every code must be a check point of that framework's definition). Only office staff of the county write.
Members and duties can be imported from a workbook: all of it or nothing, with the errors by sheet, row, column."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from dudao.core.audit import audit_record, snapshot
from dudao.core.errors import ApplicationError, RowError
from dudao.core.scope import require_office_for
from dudao.core.selectors import users_of_units
from dudao.core.services import Message, notify
from dudao.core.tabular import Column, SheetSpec, check_duplicates, match_sheets, parse_sheet, read_upload
from dudao.documents.models import FileKind
from dudao.documents.services import file_store
from dudao.frameworks.models import Framework
from dudao.regions.models import GovUnit, Region, RegionLevel
from dudao.reviews import coverage as engine
from dudao.reviews.models import Committee, CommitteeMember, MemberDuty, MemberRole
from dudao.reviews.selectors import committee as selectors

NAME_MAX = 128
PERSON_MAX = 64
RULES_MAX = 50_000
DUTY_MAX = 2_000
CODES_MAX = 50          # check points linked to one duty
DUTIES_MAX = 100        # duties of one member
MEMBERS_MAX = 200       # members of one committee
IMPORT_ROWS_MAX = 2_000
POSITION_MAX = 9_999
RULES_TYPES = {"application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
COMMITTEE_FIELDS = ["name", "established_on", "rules", "rules_file"]
MEMBER_FIELDS = ["unit", "representative", "post", "role", "position", "active"]
DUTY_FIELDS = ["text", "framework", "item_codes", "position"]
ROLE_LABELS = {label: value for value, label in MemberRole.choices}


def _text(value, what: str, limit: int, *, required: bool = False) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ApplicationError(f"请填写{what}。")
    if len(text) > limit:
        raise ApplicationError(f"{what}过长（最多 {limit} 个字符）。")
    return text


def _position(value) -> int:
    try:
        number = int(value or 0)
    except (TypeError, ValueError):
        raise ApplicationError("顺序应为整数。") from None
    if not 0 <= number <= POSITION_MAX:
        raise ApplicationError(f"顺序应在 0 到 {POSITION_MAX} 之间。")
    return number


def _require_office(actor, committee: Committee, message: str = "只有本区县督导室可以修改督导委员会。") -> None:
    require_office_for(actor, committee.region_id, message)


def _tell_unit(member: CommitteeMember, *, key: str, title: str, body: str) -> None:
    """An inbox item (and its e-mail, queued on commit) for the member unit's own users."""
    users = users_of_units([member.unit_id]).get(member.unit_id, set())
    if users:
        notify(messages=[(Message(key, "committee", title, body, reverse("reviews:committee_mine")), users)])


def _tell_duties_changed(member: CommitteeMember) -> None:
    """One notice a day at most, however many lines the office edits."""
    _tell_unit(member, key=f"committee:{member.pk}:duties:{timezone.localdate():%Y%m%d}",
               title="本单位督导委员会职责清单已更新", body=f"{member.committee.name}更新了本单位的职责清单，请查看。")


def committee_create(*, actor, region: Region) -> Committee:
    """The county's committee, with the usual name (a county has one)."""
    if not isinstance(region, Region) or region.level != RegionLevel.COUNTY:
        raise ApplicationError("督导委员会须属于一个区县，请选择区县。")
    require_office_for(actor, region.code, "只有本区县督导室可以建立督导委员会。")
    with transaction.atomic():
        if Committee.objects.select_for_update().filter(region=region).exists():
            raise ApplicationError(f"{region.name}已建立督导委员会。")
        committee = Committee.objects.create(region=region, name=f"{region.name}人民政府教育督导委员会")
        audit_record(actor=actor, action="reviews.committee_create", obj=committee, region_code=region.code,
                     after=snapshot(committee, COMMITTEE_FIELDS))
    return committee


def committee_update(*, actor, committee: Committee, name: str, established_on: datetime.date | None,
                     rules: str, rules_upload=None) -> Committee:
    """Name, date and 工作规程 text; a rules file (PDF or Word .docx, checked by content and size) replaces the
    link while the old file row stays."""
    _require_office(actor, committee)
    name = _text(name, "名称", NAME_MAX, required=True)
    rules = _text(rules, "工作规程", RULES_MAX)
    if established_on is not None and not (isinstance(established_on, datetime.date)
                                           and 1949 <= established_on.year <= 2100):
        raise ApplicationError("成立日期应在 1949 年到 2100 年之间。")
    with transaction.atomic():
        committee = Committee.objects.select_for_update().get(pk=committee.pk)
        before = snapshot(committee, COMMITTEE_FIELDS)
        if rules_upload is not None:
            stored = file_store(actor=actor, upload=rules_upload, kind=FileKind.DOCUMENT,
                                region_code=committee.region_id)
            if stored.content_type not in RULES_TYPES:
                raise ApplicationError(f"文件“{stored.original_name}”不是 PDF 或 Word（.docx）文件，工作规程文件只能上传这两种。")
            committee.rules_file = stored
        committee.name, committee.established_on, committee.rules = name, established_on, rules
        committee.full_clean()
        committee.save()
        audit_record(actor=actor, action="reviews.committee_update", obj=committee, region_code=committee.region_id,
                     before=before, after=snapshot(committee, COMMITTEE_FIELDS))
    return committee


def _unit_of(committee: Committee, unit) -> GovUnit:
    """The posted unit (an object or an id) among the county's departments and towns; anything else is refused
    without naming it (it may lie outside what the actor may read)."""
    pk = getattr(unit, "pk", unit)
    if not (str(pk).isdecimal() and len(str(pk)) < 12):
        raise ApplicationError("请选择成员单位。")
    found = selectors.unit_choices(committee).filter(pk=int(pk)).first()
    if found is None:
        raise ApplicationError(f"所选单位不是{committee.region.name}的部门或乡镇（街道），不能列为成员单位。")
    return found


def _member_fields(*, representative, post, role, position) -> dict:
    if role not in MemberRole.values:
        raise ApplicationError("请选择委员会职务（主任、副主任或成员）。")
    return {"representative": _text(representative, "委员姓名", PERSON_MAX, required=True),
            "post": _text(post, "职务", PERSON_MAX), "role": role, "position": _position(position)}


def member_add(*, actor, committee: Committee, unit, representative: str, post: str = "",
               role: str = MemberRole.MEMBER, position: int | None = None) -> CommitteeMember:
    _require_office(actor, committee)
    unit = _unit_of(committee, unit)
    with transaction.atomic():
        committee = Committee.objects.select_for_update(of=("self",)).select_related("region").get(pk=committee.pk)
        if committee.members.filter(unit=unit).exists():
            raise ApplicationError(f"{unit.name}已是成员单位（每个单位只列一次）；如需更换委员，请修改该成员。")
        if committee.members.count() >= MEMBERS_MAX:
            raise ApplicationError(f"一个督导委员会最多 {MEMBERS_MAX} 个成员单位。")
        if position is None:
            position = (committee.members.aggregate(m=Max("position"))["m"] or 0) + 1
        fields = _member_fields(representative=representative, post=post, role=role, position=position)
        member = CommitteeMember(committee=committee, unit=unit, **fields)
        member.full_clean()
        member.save()
        audit_record(actor=actor, action="reviews.member_add", obj=member, region_code=committee.region_id,
                     after=snapshot(member, MEMBER_FIELDS))
        _tell_unit(member, key=f"committee:{member.pk}:added", title=f"本单位已列为{committee.name}成员单位",
                   body=f"委员：{member.representative}；委员会职务：{member.get_role_display()}。")
    return member


def member_update(*, actor, member: CommitteeMember, representative: str, post: str, role: str,
                  position: int) -> CommitteeMember:
    _require_office(actor, member.committee)
    fields = _member_fields(representative=representative, post=post, role=role, position=position)
    with transaction.atomic():
        member = CommitteeMember.objects.select_for_update().get(pk=member.pk)
        before = snapshot(member, MEMBER_FIELDS)
        for name, value in fields.items():
            setattr(member, name, value)
        member.save()
        audit_record(actor=actor, action="reviews.member_update", obj=member, region_code=member.committee.region_id,
                     before=before, after=snapshot(member, MEMBER_FIELDS))
    return member


def member_set_active(*, actor, member: CommitteeMember, active: bool) -> CommitteeMember:
    """Deactivate (停用: the unit left the committee; its entry and duties stay on record) or reactivate."""
    _require_office(actor, member.committee)
    with transaction.atomic():
        member = CommitteeMember.objects.select_for_update().get(pk=member.pk)
        if member.active == bool(active):
            raise ApplicationError("该成员单位已是在任状态。" if active else "该成员单位已停用。")
        member.active = bool(active)
        member.save(update_fields=["active"])
        audit_record(actor=actor, action="reviews.member_activate" if active else "reviews.member_deactivate",
                     obj=member, region_code=member.committee.region_id, after={"active": member.active})
    return member


def member_delete(*, actor, member: CommitteeMember) -> None:
    """Delete an entry made by mistake; refused, with the reasons, while duties or 述职评议 records refer to it."""
    _require_office(actor, member.committee)
    with transaction.atomic():
        member = CommitteeMember.objects.select_for_update(of=("self",)).select_related("committee", "unit").get(pk=member.pk)
        refs = selectors.member_references(member)
        reasons = ([f"有 {refs['duties']} 项职责"] if refs["duties"] else []) + (
            [f"在 {refs['reporters']} 次述职评议中述职"] if refs["reporters"] else []) + (
            [f"有 {refs['raters']} 名评议人来自该单位"] if refs["raters"] else [])
        if reasons:
            raise ApplicationError(f"{member.unit.name}{'，'.join(reasons)}，不能删除；"
                                   "如该单位已不再是成员单位，请将其停用（记录会保留）。")
        audit_record(actor=actor, action="reviews.member_delete", obj=member, region_code=member.committee.region_id,
                     before=snapshot(member, MEMBER_FIELDS))
        member.delete()


def _framework_of(committee: Committee, framework) -> Framework | None:
    """A 督政 framework of the committee's county or of a region above it; None for a duty linked to none."""
    if framework in (None, ""):
        return None
    pk = getattr(framework, "pk", framework)
    if not (str(pk).isdecimal() and len(str(pk)) < 12):
        raise ApplicationError("请选择督政指标体系。")
    found = selectors.duzheng_frameworks(committee).filter(pk=int(pk)).first()
    if found is None:
        raise ApplicationError(f"所选指标体系不是{committee.region.name}可用的督政指标体系。")
    return found


def _codes(framework: Framework | None, codes) -> list[str]:
    """The linked check point codes: each a leaf of the framework's definition, each once, at most CODES_MAX."""
    if isinstance(codes, str):
        codes = engine.split_codes(codes)
    codes = list(dict.fromkeys(str(c).strip()[:64] for c in codes or () if str(c).strip()))
    if not codes:
        return []
    if framework is None:
        raise ApplicationError("请先选择督政指标体系，再选择对应的考查要点。")
    if len(codes) > CODES_MAX:
        raise ApplicationError(f"一项职责最多对应 {CODES_MAX} 个考查要点。")
    unknown = engine.unknown_codes(codes, engine.leaf_points(framework.definition))
    if unknown:
        shown = "、".join(unknown[:10]) + ("等" if len(unknown) > 10 else "")
        raise ApplicationError(f"考查要点 {shown} 不是“{framework.name}”（第 {framework.version} 版）中的考查要点（末级指标）。")
    return codes


def _refuse_too_many(member: CommitteeMember) -> None:
    if member.duties.count() >= DUTIES_MAX:
        raise ApplicationError(f"一个成员单位最多 {DUTIES_MAX} 项职责。")


def duty_add(*, actor, member: CommitteeMember, text: str, framework=None, item_codes=()) -> MemberDuty:
    _require_office(actor, member.committee)
    text = _text(text, "职责内容", DUTY_MAX, required=True)
    framework = _framework_of(member.committee, framework)
    codes = _codes(framework, item_codes)
    with transaction.atomic():
        member = CommitteeMember.objects.select_for_update(of=("self",)).select_related("committee").get(pk=member.pk)
        _refuse_too_many(member)
        position = (member.duties.aggregate(m=Max("position"))["m"] or 0) + 1
        duty = MemberDuty.objects.create(member=member, text=text, framework=framework, item_codes=codes,
                                         position=position)
        audit_record(actor=actor, action="reviews.duty_add", obj=duty, region_code=member.committee.region_id,
                     after=snapshot(duty, DUTY_FIELDS) | {"member": member.pk})
        _tell_duties_changed(member)
    return duty


def duty_update(*, actor, duty: MemberDuty, text: str, framework=None, item_codes=()) -> MemberDuty:
    committee = duty.member.committee
    _require_office(actor, committee)
    text = _text(text, "职责内容", DUTY_MAX, required=True)
    framework = _framework_of(committee, framework)
    codes = _codes(framework, item_codes)
    with transaction.atomic():
        duty = MemberDuty.objects.select_for_update().get(pk=duty.pk)
        before = snapshot(duty, DUTY_FIELDS)
        duty.text, duty.framework, duty.item_codes = text, framework, codes
        duty.save(update_fields=["text", "framework", "item_codes"])
        audit_record(actor=actor, action="reviews.duty_update", obj=duty, region_code=committee.region_id,
                     before=before, after=snapshot(duty, DUTY_FIELDS))
        _tell_duties_changed(duty.member)
    return duty


def duty_delete(*, actor, duty: MemberDuty) -> None:
    committee = duty.member.committee
    _require_office(actor, committee)
    with transaction.atomic():
        duty = MemberDuty.objects.select_for_update().get(pk=duty.pk)
        audit_record(actor=actor, action="reviews.duty_delete", obj=duty, region_code=committee.region_id,
                     before=snapshot(duty, DUTY_FIELDS) | {"member": duty.member_id})
        duty.delete()


def duty_move(*, actor, duty: MemberDuty, step: int) -> MemberDuty:
    """Move a duty one place up (step -1) or down (+1) in its member's list; the list is renumbered 1, 2, 3…"""
    committee = duty.member.committee
    _require_office(actor, committee)
    if step not in (-1, 1):
        raise ApplicationError("只能上移或下移一位。")
    with transaction.atomic():
        CommitteeMember.objects.select_for_update().get(pk=duty.member_id)
        order = list(MemberDuty.objects.filter(member_id=duty.member_id).order_by("position", "id"))
        index = next(i for i, d in enumerate(order) if d.pk == duty.pk)
        target = index + step
        if not 0 <= target < len(order):
            raise ApplicationError("已在最前。" if step < 0 else "已在最后。")
        order[index], order[target] = order[target], order[index]
        for position, item in enumerate(order, 1):
            item.position = position
        MemberDuty.objects.bulk_update(order, ["position"])
        audit_record(actor=actor, action="reviews.duty_move", obj=duty, region_code=committee.region_id,
                     after={"order": [d.pk for d in order]})
    return next(d for d in order if d.pk == duty.pk)


# ---- import: 成员单位 and 职责清单 sheets --------------------------------------------------------------------------

MEMBER_SHEET, DUTY_SHEET = "成员单位", "职责清单"
MEMBER_SPEC = SheetSpec(MEMBER_SHEET, [
    Column("单位编码", "unit", required=True, max_length=32, help="系统中政府单位的编码（本区县的部门或乡镇、街道）"),
    Column("单位名称", "unit_name", max_length=128, help="仅供核对，以单位编码为准"),
    Column("委员", "representative", required=True, max_length=PERSON_MAX),
    Column("职务", "post", max_length=PERSON_MAX),
    Column("委员会职务", "role", kind="choice", choices=ROLE_LABELS, help="主任、副主任或成员；空白为成员"),
    Column("顺序", "position", kind="int"),
])
DUTY_SPEC = SheetSpec(DUTY_SHEET, [
    Column("单位编码", "unit", required=True, max_length=32),
    Column("职责", "text", required=True, max_length=DUTY_MAX),
    Column("对应考查要点", "codes", max_length=2_000,
           help="所选督政指标体系中末级指标的编码，多个用顿号或逗号分隔，如 A1B1.1、A2B1.2"),
])
SPECS = [MEMBER_SPEC, DUTY_SPEC]


@dataclass
class ImportResult:
    created: int
    updated: int
    duties: int
    members_with_duties: int


def _import_errors(errors: list[RowError]) -> ApplicationError:
    return ApplicationError(f"文件有 {len(errors)} 处错误，未导入任何内容。请按下表修改后重新导入。", errors)


def committee_import(*, actor, committee: Committee, data: bytes, filename: str, framework=None) -> ImportResult:
    """Import the 成员单位 sheet (upsert by 单位编码) and the 职责清单 sheet (a unit named there gets exactly the
    duties listed, in the sheet's order: its old duties are replaced). All of it or nothing."""
    _require_office(actor, committee)
    framework = _framework_of(committee, framework)
    points = engine.leaf_points(framework.definition) if framework else []
    matched, errors = match_sheets(read_upload(data, filename), SPECS)
    parsed = {spec.name: parse_sheet(matched[spec.name], spec) for spec in SPECS if spec.name in matched}
    for sheet in parsed.values():
        errors += sheet.errors
        if len(sheet.rows) > IMPORT_ROWS_MAX:
            errors.append(RowError(sheet.spec.name, None, "", f"行数过多（{len(sheet.rows)} 行，最多 {IMPORT_ROWS_MAX} 行）。"))
    if errors:
        raise _import_errors(errors)
    units = {u.code: u for u in selectors.unit_choices(committee)}
    existing = {m.unit.code: m for m in committee.members.select_related("unit")}
    members_sheet, duties_sheet = parsed.get(MEMBER_SHEET), parsed.get(DUTY_SHEET)
    if members_sheet:
        check_duplicates(members_sheet, lambda v: v["unit"], "unit", "单位编码")
        for row in members_sheet.rows:
            if row.values["unit"] not in units:
                members_sheet.error(row.row, "unit", f"单位编码 {row.values['unit']} 不是{committee.region.name}的部门或乡镇（街道）")
            if row.values["position"] is not None and row.values["position"] > POSITION_MAX:
                members_sheet.error(row.row, "position", f"顺序应在 0 到 {POSITION_MAX} 之间")
        errors += members_sheet.errors
    listed = set(existing) | {r.values["unit"] for r in members_sheet.rows} if members_sheet else set(existing)
    duty_counts: dict[str, int] = {}
    if duties_sheet:
        for row in duties_sheet.rows:
            code = row.values["unit"]
            if code not in listed:
                duties_sheet.error(row.row, "unit", f"单位编码 {code} 不是成员单位（请先在“{MEMBER_SHEET}”表中列出）")
            duty_counts[code] = duty_counts.get(code, 0) + 1
            if duty_counts[code] == DUTIES_MAX + 1:
                duties_sheet.error(row.row, "unit", f"一个成员单位最多 {DUTIES_MAX} 项职责")
            codes = engine.split_codes(row.values["codes"] or "")
            if codes and framework is None:
                duties_sheet.error(row.row, "codes", "填写了考查要点，但导入时没有选择督政指标体系")
            elif len(codes) > CODES_MAX:
                duties_sheet.error(row.row, "codes", f"一项职责最多对应 {CODES_MAX} 个考查要点")
            elif codes:
                unknown = engine.unknown_codes(codes, points)
                if unknown:
                    duties_sheet.error(row.row, "codes", f"{'、'.join(c[:20] for c in unknown[:5])} 不是“{framework.name}”的考查要点")
            row.values["codes"] = codes
        errors += duties_sheet.errors
    if len(listed) > MEMBERS_MAX:
        errors.append(RowError(MEMBER_SHEET, None, "", f"一个督导委员会最多 {MEMBERS_MAX} 个成员单位。"))
    if errors:
        raise _import_errors(errors)
    return _import_write(actor=actor, committee=committee, framework=framework, units=units,
                         member_rows=[r.values for r in members_sheet.rows] if members_sheet else [],
                         duty_rows=[r.values for r in duties_sheet.rows] if duties_sheet else [])


def _import_write(*, actor, committee, framework, units, member_rows, duty_rows) -> ImportResult:
    created = updated = 0
    with transaction.atomic():
        committee = Committee.objects.select_for_update().get(pk=committee.pk)
        by_code = {m.unit.code: m for m in committee.members.select_related("unit")}
        next_position = (committee.members.aggregate(m=Max("position"))["m"] or 0) + 1
        for values in member_rows:
            member = by_code.get(values["unit"])
            fields = {"representative": values["representative"], "post": values["post"] or "",
                      "role": values["role"] or MemberRole.MEMBER}
            if values["position"] is not None:
                fields["position"] = values["position"]
            if member is None:
                fields.setdefault("position", next_position)
                next_position = max(next_position, fields["position"]) + 1
                member = CommitteeMember.objects.create(committee=committee, unit=units[values["unit"]], **fields)
                by_code[values["unit"]] = member
                created += 1
            elif any(getattr(member, k) != v for k, v in fields.items()):
                for k, v in fields.items():
                    setattr(member, k, v)
                member.save()
                updated += 1
        grouped: dict[str, list[dict]] = {}
        for values in duty_rows:
            grouped.setdefault(values["unit"], []).append(values)
        MemberDuty.objects.filter(member__in=[by_code[code] for code in grouped]).delete()
        MemberDuty.objects.bulk_create([
            MemberDuty(member=by_code[code], text=v["text"], framework=framework if v["codes"] else None,
                       item_codes=v["codes"], position=i)
            for code, rows in grouped.items() for i, v in enumerate(rows, 1)], batch_size=500)
        result = ImportResult(created, updated, len(duty_rows), len(grouped))
        audit_record(actor=actor, action="reviews.committee_import", obj=committee, region_code=committee.region_id,
                     after={"created": created, "updated": updated, "duties": len(duty_rows),
                            "units_with_duties": sorted(grouped), "framework": getattr(framework, "pk", None)})
    return result
