"""Excel import of the registry fields of 民办学校/幼儿园 and 校外培训机构 (issue 23), keyed by 学校标识码:
all or nothing. Every row goes through institution_save (the same checks as the edit page) inside one
transaction; any error in any row leaves every profile as it was. A column left out of the file is not changed;
a blank 资金监管账户 cell keeps the registered account (exports show it masked, so it is never re-imported)."""

from django.db import transaction

from dudao.core.errors import ApplicationError, RowError
from dudao.core.roles import Role
from dudao.core.scope import scope_for
from dudao.core.tabular import (
    Column,
    SheetSpec,
    check_duplicates,
    match_sheets,
    parse_sheet,
    read_upload,
    write_template_workbook,
)
from dudao.schools.models import LicenceScope, School, WhitelistStatus
from dudao.schools.services import FEE_STANDARD_LENGTH, institution_save, is_institution

SHEET = "机构登记信息"
SPEC = SheetSpec(SHEET, [
    Column("学校标识码", "code", required=True, pattern=r"\d{10}", pattern_message="应为 10 位数字"),
    Column("办学许可证号", "licence_no", max_length=64),
    Column("发证机关", "licence_authority", max_length=128),
    Column("发证日期", "licence_issued_on", kind="date"),
    Column("有效期至", "licence_valid_until", kind="date"),
    Column("办学范围", "scope_kind", kind="choice", choices={label: value for value, label in LicenceScope.choices}),
    Column("培训科目（项目）", "subjects", max_length=500, help="多个科目用顿号或逗号分隔"),
    Column("白名单状态", "whitelist", kind="choice",
           choices={label: value for value, label in WhitelistStatus.choices}),
    Column("收费标准", "fee_standard", max_length=FEE_STANDARD_LENGTH),
    Column("资金监管银行", "fund_bank", max_length=128),
    Column("资金监管账户", "fund_account", max_length=40, help="8–30 位数字；留空则不修改已登记的账户"),
    Column("保险（险种、承保公司）", "insurance", max_length=255),
    Column("保险有效期至", "insurance_valid_until", kind="date"),
    Column("举办者（法定代表人）", "legal_representative", max_length=64),
    Column("办学场所地址", "premises_address", max_length=255),
    Column("场所面积（平方米）", "premises_area", kind="decimal"),
    Column("场所产权", "premises_owned", kind="choice", choices={"自有产权": True, "租赁": False}),
])
MAX_ROWS = 5000


def template_bytes() -> bytes:
    return write_template_workbook([SPEC], closing_note="只能导入民办学校、民办幼儿园和校外培训机构；整个文件全部校验通过才会导入。")


def institutions_import(*, actor, data: bytes, filename: str) -> dict[str, dict[str, int]]:
    """Import the file or raise ApplicationError with every row error; returns the summary the page shows."""
    matched, errors = match_sheets(read_upload(data, filename), [SPEC])
    if errors:
        raise ApplicationError("文件中有无法识别的工作表，未导入任何数据。", errors)
    parsed = parse_sheet(matched[SHEET], SPEC)
    if len(parsed.rows) > MAX_ROWS:
        raise ApplicationError(f"一次最多导入 {MAX_ROWS} 行，本文件有 {len(parsed.rows)} 行，请分批导入。")
    check_duplicates(parsed, lambda v: v["code"], "code", "学校标识码")
    present = set(parsed.letters)
    schools = {s.code: s for s in School.objects.filter(code__in=[r.values["code"] for r in parsed.rows if r.values["code"]])
               .select_related("institution")}
    scope = scope_for(actor)
    todo = []
    for row in parsed.rows:
        school = schools.get(row.values["code"])
        if school is None or not scope.holds(school.region_id, Role.OFFICE):
            # one message for both: another district's code must not reveal its institution's name
            parsed.error(row.row, "code", f"学校标识码 {row.values['code']} 不在学校名录中（或不在您的管辖范围内）")
        elif not is_institution(school):
            parsed.error(row.row, "code", f"{school.name} 不是民办学校、民办幼儿园或校外培训机构")
        else:
            todo.append((row, school))
    if parsed.errors:
        raise ApplicationError(f"导入文件有 {len(parsed.errors)} 处错误，未导入任何数据。", parsed.errors)
    if not todo:
        raise ApplicationError("文件中没有可导入的数据。")
    return _save_all(actor, todo, present)


@transaction.atomic
def _save_all(actor, todo, present: set[str]) -> dict[str, dict[str, int]]:
    errors: list[RowError] = []
    created = updated = 0
    for row, school in todo:
        fields = {k: v for k, v in row.values.items() if k != "code" and k in present}
        if not fields.get("fund_account"):
            fields.pop("fund_account", None)
        had = hasattr(school, "institution")
        try:
            institution_save(actor=actor, school=school, **fields)
        except ApplicationError as exc:
            errors.append(RowError(SHEET, row.row, "", f"{school.name}：{exc.message}"))
            continue
        created, updated = (created, updated + 1) if had else (created + 1, updated)
    if errors:
        raise ApplicationError(f"导入文件有 {len(errors)} 处错误，未导入任何数据。", errors)
    return {SHEET: {"created": created, "updated": updated, "unchanged": 0}}
