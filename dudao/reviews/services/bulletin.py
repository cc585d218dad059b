"""Writes of reviews: bulletin (issue 21). Keyword-only services, atomic, audited.

The 区政府教育督导（工作）公报 of a county and year. Creating it fills the 公报项目表 from the year figures every app
registers (core.registries.register_year_figures: the same providers the 年度工作总结 reads), each line keeping the
computed value, its source (function, period, records) and a link to the page it comes from. The office may type a
value over a computed one (the computed one stays beside it, marked 已人工修改), add manual lines, mark lines
required, and refresh: refreshing recomputes every computed line and keeps typed values unless the office resets
that line. The body is the office's text with {{ 字段名 }} placeholders, filled by reviews.bulletin_text (a plain
substitution, never a template engine).

Publishing is refused while a line used by the body or marked required is empty, or the body names an unknown
field or holds template braces (all listed); it takes the next 文号 of the region's year (counter_take; kept when a
withdrawn 公报 is published again), freezes the text and the table, and publishes the filled text on the public
results page and its feed (rectification's 结果公开, kind 教育督导公报). Withdrawing, with a reason, withdraws the
public item and reopens the draft.

Dates: the year lock (督导档案) is checked on the day of the write; a published 公报 is filed under its publishing
date (key events, archive), as a 简报 is under its issue date.
"""

import datetime

from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from dudao.core.audit import audit_record
from dudao.core.errors import ApplicationError, RowError
from dudao.core.registries import refuse_if_archived, year_figure_sections
from dudao.core.scope import require_office_for
from dudao.core.services import counter_take
from dudao.rectification.followup import publication_publish, publication_withdraw
from dudao.rectification.models import Publication, PublicationKind
from dudao.regions.models import Region
from dudao.reviews import bulletin_text
from dudao.reviews.models import Bulletin, BulletinField, BulletinStatus

FIRST_YEAR = 2000
MAX_FIELDS = 200
MAX_BODY = 30_000
OFFICE_ONLY = "只有本区督导室可以编辑教育督导公报。"
FROZEN = "公报已发布，正文和项目表不能修改；如需修改请先撤回。"

# Figure key → 字段名 used in the body's {{ }} (the figure key itself for figures not named here).
FIELD_NAMES = {
    "monitoring.stats_schools": "学校数", "monitoring.stats_students": "在校生数",
    "monitoring.stats_primary": "小学在校生数", "monitoring.stats_junior": "初中在校生数",
    "zones.visits": "经常性督导次数", "zones.schools": "挂牌督导学校数", "zones.covered": "配备责任督学学校数",
    "zones.schools_visited": "督导到校学校数", "zones.frequency_ok": "督导频次达标学校数",
    "zones.complaints": "投诉举报数", "zones.complaints_closed": "投诉举报办结数",
    "zones.coverage_rate": "挂牌督导覆盖率", "zones.visited_rate": "督导到校覆盖率", "zones.frequency_rate": "督导频次达标率",
    "inspections.projects": "督导评估项目数", "inspections.targets": "督导评估对象数",
    "inspections.rated": "评定等级对象数",
    "rectification.raised": "发现问题数", "rectification.done": "已整改问题数", "rectification.rate": "整改率",
    "rectification.on_time_rate": "按期整改率", "rectification.closed": "办结问题数",
    "rectification.overdue": "逾期未整改问题数", "rectification.orders": "督办单数", "rectification.talks": "约谈次数",
    "rectification.cases": "问责立案数",
    "surveys.rounds": "满意度调查轮次", "surveys.responses": "有效答卷数", "surveys.recognition": "社会认可度",
    "monitoring.balanced_indicators": "优质均衡达标项数", "monitoring.preschool_indicators": "学前普惠达标项数",
    "monitoring.campaign_tasks": "创建任务数", "monitoring.campaign_done": "创建任务完成数",
    "quality.rounds": "质量监测轮次", "quality.published": "质量监测发布轮次", "quality.pupils": "质量监测参测学生数",
    "people.inspectors": "在岗督学数", "people.training_short": "培训不足督学数",
    "people.training_hours": "督学培训学时",
    "planning.tasks": "工作要点任务数", "planning.done": "工作要点完成数", "planning.late": "工作要点逾期数",
    "planning.dropped": "工作要点取消数", "planning.completion": "工作要点完成率", "planning.chronicle": "大事记条数",
    "reviews.uses": "结果运用次数", "reviews.uses_units": "运用结果单位数",
}
# Lines that must be filled before publishing, whatever the body uses.
REQUIRED = {"学校数", "在校生数", "督导评估项目数", "发现问题数", "整改率", "社会认可度"}
# Figure section → the page a reader checks the figure on.
SECTION_PAGES = {
    "monitoring.stats": "monitoring:balanced", "zones": "zones:coverage", "inspections": "inspections:list",
    "rectification": "rectification:dashboard", "surveys": "surveys:round_list", "monitoring": "monitoring:balanced",
    "quality": "quality:round_list", "people": "people:inspector_list", "planning": "planning:plan_list",
    "reviews.uses": "reviews:use_list", "checks": "checks:round_list",
    # issue 24 (url names are strings, not imports: reviews sits below these apps)
    "workforce.appointments": "workforce:appointment_list", "workforce.allowances": "workforce:allowance_list",
    "audits": "audits:case_list",
}
FIGURE_PAGES = {
    "rectification.orders": "rectification:order_list", "rectification.talks": "rectification:talk_list",
    "rectification.cases": "rectification:case_list", "zones.visits": "zones:visit_list",
    "zones.complaints": "zones:complaint_list", "zones.complaints_closed": "zones:complaint_list",
    "monitoring.campaign_tasks": "monitoring:campaign_list", "monitoring.campaign_done": "monitoring:campaign_list",
    "monitoring.preschool_indicators": "monitoring:preschool",
}

DEFAULT_BODY = """一、基本情况
{年度}年，全区共有各级各类学校 {{ 学校数 }} 所，在校生 {{ 在校生数 }} 人，其中小学 {{ 小学在校生数 }} 人、初中 {{ 初中在校生数 }} 人。区人民政府教育督导室在区委、区政府领导和上级督导部门指导下，围绕年度工作要点，统筹推进督政、督学、评估监测各项工作，工作要点完成率 {{ 工作要点完成率 }}%。

二、督政
全年组织开展督导评估项目 {{ 督导评估项目数 }} 项，督导评估对象 {{ 督导评估对象数 }} 个，已评定等级 {{ 评定等级对象数 }} 个。对督导发现问题整改不力的，下达督办单 {{ 督办单数 }} 份，提出约谈 {{ 约谈次数 }} 次，问责立案 {{ 问责立案数 }} 件。

三、督学
全区 {{ 挂牌督导学校数 }} 所学校（幼儿园）实行责任督学挂牌督导，已配备责任督学 {{ 配备责任督学学校数 }} 所；在岗督学 {{ 在岗督学数 }} 人。责任督学全年开展经常性督导 {{ 经常性督导次数 }} 次，督导到校 {{ 督导到校学校数 }} 所；受理投诉举报 {{ 投诉举报数 }} 件，办结 {{ 投诉举报办结数 }} 件。

四、评估监测
义务教育优质均衡发展监测差异系数达标 {{ 优质均衡达标项数 }} 项，学前教育普及普惠指标达标 {{ 学前普惠达标项数 }} 项。组织义务教育质量监测 {{ 质量监测轮次 }} 轮，参测学生 {{ 质量监测参测学生数 }} 人。开展教育满意度调查 {{ 满意度调查轮次 }} 轮，回收有效答卷 {{ 有效答卷数 }} 份，社会认可度 {{ 社会认可度 }}%。

五、问题与整改
全年督导发现问题 {{ 发现问题数 }} 个，已整改 {{ 已整改问题数 }} 个，整改率 {{ 整改率 }}%，按期整改率 {{ 按期整改率 }}%；逾期未整改问题 {{ 逾期未整改问题数 }} 个，已督促责任单位限期整改。

六、下一步工作
（请填写下一年度的工作安排。）"""


def field_name(figure_key: str) -> str:
    return FIELD_NAMES.get(figure_key, figure_key)


def default_body(year: int) -> str:
    return DEFAULT_BODY.replace("{年度}", str(year))


def default_title(region: Region, year: int) -> str:
    return f"{region.name}{year}年教育督导工作公报"


def year_period(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _page(section: str, key: str) -> str:
    name = FIGURE_PAGES.get(key) or SECTION_PAGES.get(section) or SECTION_PAGES.get(section.split(".")[0])
    if not name:
        return ""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _source(figure) -> str:
    text = figure.source or "（来源未注明）"
    if figure.rows:
        text += f"；明细 {len(figure.rows)} 行"
    return text[:255]


def computed_lines(region_code: str, year: int) -> list[dict]:
    """Every registered year figure of the region's year as a 公报项目表 line (plain data, in registry order); the
    inspections' levels add one line per level. A section whose provider fails gives one empty line saying so."""
    start, end = year_period(year)
    out: list[dict] = []
    for section in year_figure_sections():
        try:
            figures = list(section.figures(region_code, start, end))
        except Exception as exc:  # noqa: BLE001 -- shown on the line, the rest of the table still fills
            out.append({"key": f"{section.name}.failed", "section": section.title[:64], "label": f"{section.title}数据"[:128],
                        "unit": "", "computed": "", "source": f"数据读取失败（{exc.__class__.__name__}）",
                        "source_url": ""})
            continue
        for figure in figures:
            out.append({"key": field_name(figure.key)[:64], "section": section.title[:64], "label": figure.label[:128],
                        "unit": figure.unit[:16], "computed": bulletin_text.number_text(figure.value)[:255],
                        "source": _source(figure), "source_url": _page(section.name, figure.key)})
            if figure.key == "inspections.rated":
                for level, count in figure.rows:
                    out.append({"key": f"评定{level}对象数"[:64], "section": section.title[:64],
                                "label": f"评定为“{level}”的对象"[:128], "unit": figure.unit[:16],
                                "computed": bulletin_text.number_text(count), "source": _source(figure),
                                "source_url": _page(section.name, figure.key)})
    seen: set[str] = set()
    unique = []
    for line in out:
        if line["key"] not in seen and bulletin_text.valid_key(line["key"]):
            seen.add(line["key"])
            unique.append(line)
    return unique


def _require_office(actor, bulletin: Bulletin) -> None:
    require_office_for(actor, bulletin.region_id, OFFICE_ONLY)


def _draft(actor, bulletin: Bulletin) -> Bulletin:
    bulletin = Bulletin.objects.select_for_update(of=("self",)).select_related("region").get(pk=bulletin.pk)
    _require_office(actor, bulletin)
    if bulletin.status != BulletinStatus.DRAFT:
        raise ApplicationError(FROZEN)
    refuse_if_archived(bulletin.region_id, timezone.localdate(), "该公报")
    return bulletin


def _line(bulletin: Bulletin, field: BulletinField) -> BulletinField:
    line = BulletinField.objects.filter(pk=field.pk, bulletin=bulletin).first()
    if line is None:
        raise ApplicationError("未找到该项目。")
    return line


def _text(value, what: str, limit: int, *, required: bool = False) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not value:
        raise ApplicationError(f"请填写{what}。")
    if len(value) > limit:
        raise ApplicationError(f"{what}不能超过 {limit} 字。")
    return value


def _year(year) -> int:
    try:
        year = int(str(year).strip())
    except (TypeError, ValueError):
        raise ApplicationError("年度必须是整数。") from None
    today = timezone.localdate()
    if not FIRST_YEAR <= year <= today.year:
        raise ApplicationError(f"年度须在 {FIRST_YEAR} 年至 {today.year} 年之间。")
    return year


@transaction.atomic
def bulletin_create(*, actor, region: Region, year, title: str = "") -> Bulletin:
    """A draft 公报 of the county's year with its 公报项目表 filled from the year's data and the default body."""
    require_office_for(actor, region.code, OFFICE_ONLY)
    year = _year(year)
    refuse_if_archived(region.code, timezone.localdate(), "该公报")
    title = _text(title, "标题", 200) or default_title(region, year)
    if Bulletin.objects.filter(region=region, year=year).exists():
        raise ApplicationError(f"{region.name}{year}年的公报已经存在，请在列表中打开它。")
    lines = computed_lines(region.code, year)
    try:
        with transaction.atomic():
            bulletin = Bulletin.objects.create(region=region, year=year, title=title, body=default_body(year),
                                               created_by=actor, refreshed_at=timezone.now())
    except IntegrityError:  # two clicks at once
        raise ApplicationError(f"{region.name}{year}年的公报已经存在，请在列表中打开它。") from None
    BulletinField.objects.bulk_create([
        BulletinField(bulletin=bulletin, position=i, value=line["computed"], required=line["key"] in REQUIRED, **line)
        for i, line in enumerate(lines, 1)])
    audit_record(actor=actor, action="bulletin.create", obj=bulletin, region_code=region.code,
                 after={"year": year, "title": title, "fields": len(lines)})
    return bulletin


@transaction.atomic
def bulletin_refresh(*, actor, bulletin: Bulletin) -> int:
    """Recompute every computed line; a line typed over keeps its value (its computed value is updated beside it).
    New figures are appended. Returns how many computed values changed."""
    bulletin = _draft(actor, bulletin)
    lines = computed_lines(bulletin.region_id, bulletin.year)
    existing = {f.key: f for f in bulletin.fields.all()}
    position = max((f.position for f in existing.values()), default=0)
    changed, updates, new = 0, [], []
    for line in lines:
        field = existing.get(line["key"])
        if field is None:
            position += 1
            new.append(BulletinField(bulletin=bulletin, position=position, value=line["computed"],
                                     required=line["key"] in REQUIRED, **line))
            continue
        if field.manual:
            continue  # a manual line with the name of a new figure stays the office's
        changed += field.computed != line["computed"]
        field.computed, field.source, field.source_url = line["computed"], line["source"], line["source_url"]
        field.label, field.unit, field.section = line["label"], line["unit"], line["section"]
        if not field.edited:
            field.value = field.computed
        field.edited = field.value != field.computed
        updates.append(field)
    BulletinField.objects.bulk_update(updates, ["computed", "source", "source_url", "label", "unit", "section", "value",
                                                "edited"])
    BulletinField.objects.bulk_create(new)
    bulletin.refreshed_at = timezone.now()
    bulletin.save(update_fields=["refreshed_at"])
    audit_record(actor=actor, action="bulletin.refresh", obj=bulletin, region_code=bulletin.region_id,
                 after={"changed": changed, "added": len(new)})
    return changed


@transaction.atomic
def field_update(*, actor, bulletin: Bulletin, field: BulletinField, value: str) -> BulletinField:
    """Type a value: over a computed line it is marked 已人工修改 (the computed value stays beside it)."""
    bulletin = _draft(actor, bulletin)
    field = _line(bulletin, field)
    before = {"value": field.value, "edited": field.edited}
    field.value = _text(value, f"“{field.label}”的值", 255)
    field.edited = not field.manual and field.value != field.computed
    field.save(update_fields=["value", "edited"])
    audit_record(actor=actor, action="bulletin.field_update", obj=bulletin, region_code=bulletin.region_id,
                 before={"field": field.key, **before}, after={"field": field.key, "value": field.value,
                                                               "edited": field.edited})
    return field


@transaction.atomic
def field_reset(*, actor, bulletin: Bulletin, field: BulletinField) -> BulletinField:
    """Back to the platform's value for a line typed over."""
    bulletin = _draft(actor, bulletin)
    field = _line(bulletin, field)
    if field.manual:
        raise ApplicationError("手工添加的项目没有平台数据，无法恢复。")
    before = {"value": field.value, "edited": field.edited}
    field.value, field.edited = field.computed, False
    field.save(update_fields=["value", "edited"])
    audit_record(actor=actor, action="bulletin.field_reset", obj=bulletin, region_code=bulletin.region_id,
                 before={"field": field.key, **before}, after={"field": field.key, "value": field.value})
    return field


@transaction.atomic
def field_add(*, actor, bulletin: Bulletin, key: str, label: str = "", unit: str = "", value: str = "",
              required: bool = False) -> BulletinField:
    """A manual line (a figure the platform does not hold): its 字段名 is what the body writes in {{ }}."""
    bulletin = _draft(actor, bulletin)
    key = _text(key, "字段名", 64, required=True)
    if not bulletin_text.valid_key(key):
        raise ApplicationError("字段名只能由汉字、字母、数字、下划线、点、括号和 % 组成（不含空格和花括号）。")
    label = _text(label, "项目名称", 128) or key
    unit, value = _text(unit, "单位", 16), _text(value, "值", 255)
    fields = list(bulletin.fields.values_list("key", "position"))
    if any(k == key for k, _p in fields):
        raise ApplicationError(f"字段名“{key}”已存在。")
    if len(fields) >= MAX_FIELDS:
        raise ApplicationError(f"公报项目表最多 {MAX_FIELDS} 项。")
    field = BulletinField.objects.create(
        bulletin=bulletin, key=key, label=label, unit=unit, value=value, manual=True, required=bool(required),
        section="手工添加", source="督导室手工填写", position=max((p for _k, p in fields), default=0) + 1)
    audit_record(actor=actor, action="bulletin.field_add", obj=bulletin, region_code=bulletin.region_id,
                 after={"field": key, "label": label, "value": value, "required": field.required})
    return field


@transaction.atomic
def field_delete(*, actor, bulletin: Bulletin, field: BulletinField) -> None:
    bulletin = _draft(actor, bulletin)
    field = _line(bulletin, field)
    if not field.manual:
        raise ApplicationError("平台提取的项目不能删除；不需要时可在正文中不引用它。")
    audit_record(actor=actor, action="bulletin.field_delete", obj=bulletin, region_code=bulletin.region_id,
                 before={"field": field.key, "label": field.label, "value": field.value})
    field.delete()


@transaction.atomic
def field_required(*, actor, bulletin: Bulletin, field: BulletinField, required: bool) -> BulletinField:
    """Mark a line 发布必填 (publishing is refused while it is empty), or unmark it."""
    bulletin = _draft(actor, bulletin)
    field = _line(bulletin, field)
    field.required = bool(required)
    field.save(update_fields=["required"])
    audit_record(actor=actor, action="bulletin.field_required", obj=bulletin, region_code=bulletin.region_id,
                 after={"field": field.key, "required": field.required})
    return field


@transaction.atomic
def body_update(*, actor, bulletin: Bulletin, title: str, body: str) -> Bulletin:
    """Save the title and the text (placeholders are checked at publishing, and shown on the page meanwhile)."""
    bulletin = _draft(actor, bulletin)
    before = {"title": bulletin.title, "body": bulletin.body}
    bulletin.title = _text(title, "标题", 200, required=True)
    bulletin.body = _text((body or "").replace("\r\n", "\n"), "正文", MAX_BODY, required=True)
    bulletin.save(update_fields=["title", "body"])
    audit_record(actor=actor, action="bulletin.body_update", obj=bulletin, region_code=bulletin.region_id,
                 before=before, after={"title": bulletin.title, "body": bulletin.body})
    return bulletin


def values_of(fields) -> dict[str, str]:
    return {f.key: f.value for f in fields}


def publish_problems(bulletin: Bulletin, fields: list[BulletinField]) -> list[RowError]:
    """Why the 公报 cannot be published yet: body problems (unknown fields, stray braces, empty fields it uses) and
    required lines left empty, each naming the line in Chinese."""
    values = values_of(fields)
    out = []
    used_empty = set()
    for problem in bulletin_text.problems(bulletin.body, values):
        if problem.kind == "empty":
            used_empty.add(problem.name)
        out.append(RowError("正文", None, problem.name, problem.message))
    for f in fields:
        if f.required and not f.value.strip() and f.key not in used_empty:
            out.append(RowError("公报项目表", f.position, f.key, f"必填项目“{f.label}”（{{{{ {f.key} }}}}）尚未填写"))
    return out


def table_text(fields: list[BulletinField]) -> str:
    lines = ["附：公报项目表"]
    for f in fields:
        if f.value.strip():
            lines.append(f"{f.label}：{f.value}{'' if f.unit == '%' else ' '}{f.unit}".rstrip())
    return "\n".join(lines)


@transaction.atomic
def bulletin_publish(*, actor, bulletin: Bulletin) -> Bulletin:
    """Publish: refused (every problem listed) while the text or a required line is incomplete; otherwise number
    it, freeze it and publish it on the public results page and its feed."""
    bulletin = _draft(actor, bulletin)
    fields = list(bulletin.fields.order_by("position", "id"))
    problems = publish_problems(bulletin, fields)
    if problems:
        names = "、".join(dict.fromkeys(p.column for p in problems))
        raise ApplicationError(f"以下字段尚未填写或无法识别，不能发布：{names}。", errors=problems)
    if not bulletin.number:
        n = counter_take(f"bulletin:{bulletin.region_id}:{bulletin.year}")
        bulletin.number = f"{bulletin.region.name}督公〔{bulletin.year}〕{n}号"
    text = bulletin_text.fill(bulletin.body, values_of(fields))
    item = publication_publish(actor=actor, kind=PublicationKind.COMMUNIQUE, region_code=bulletin.region_id,
                               title=f"{bulletin.title}（{bulletin.number}）"[:200],
                               body=f"{text}\n\n{table_text(fields)}")
    bulletin.status, bulletin.published_body, bulletin.publication = BulletinStatus.PUBLISHED, text, item
    bulletin.published_at, bulletin.published_by = item.published_at, actor
    bulletin.withdrawn_at, bulletin.withdraw_reason = None, ""
    bulletin.save(update_fields=["status", "number", "published_body", "publication", "published_at", "published_by",
                                 "withdrawn_at", "withdraw_reason"])
    audit_record(actor=actor, action="bulletin.publish", obj=bulletin, region_code=bulletin.region_id,
                 after={"number": bulletin.number, "publication": item.pk, "fields": len(fields)})
    return bulletin


@transaction.atomic
def bulletin_withdraw(*, actor, bulletin: Bulletin, reason: str) -> Bulletin:
    """Withdraw a published 公报 with a reason: the public item is withdrawn (the page shows the reason) and the
    公报 is a draft again, keeping its 文号 for when it is published again."""
    bulletin = Bulletin.objects.select_for_update(of=("self",)).select_related("region").get(pk=bulletin.pk)
    _require_office(actor, bulletin)
    if bulletin.status != BulletinStatus.PUBLISHED:
        raise ApplicationError("只有已发布的公报可以撤回。")
    reason = _text(reason, "撤回原因", 200, required=True)
    if bulletin.publication_id:
        item = Publication.objects.filter(pk=bulletin.publication_id).first()
        if item is not None and item.withdrawn_at is None:
            publication_withdraw(actor=actor, item=item, reason=reason)
    bulletin.status, bulletin.withdrawn_at, bulletin.withdraw_reason = BulletinStatus.DRAFT, timezone.now(), reason
    bulletin.published_body = ""
    bulletin.save(update_fields=["status", "withdrawn_at", "withdraw_reason", "published_body"])
    audit_record(actor=actor, action="bulletin.withdraw", obj=bulletin, region_code=bulletin.region_id,
                 after={"reason": reason, "number": bulletin.number})
    return bulletin

