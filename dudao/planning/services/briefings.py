"""Writes of 督导简报 and 信息报送.

A 简报 is composed while a draft (编辑中): sections picked from the materials other apps register
(core.registries.register_briefing_material: visit highlights, inspection results, publications, 大事记) or written
freely. A picked section's text is fetched again here through the registry, by its key and for the actor, so a
posted key can only bring in what the actor may see in the briefing's region and dates; the copied text is then the
office's to edit. Issuing (印发) numbers it "第N期" from the sequence of its region and year (counter_take, safe
under concurrency) and freezes it: sections can no longer be added, edited, moved or removed. An issued 简报 may be
published on the public results page (rectification's 结果公开, kind 督导通报).

信息报送 records what was sent to whom: a unit of the region or a higher office named in text, with the file (checked by
content and size), or a link to an issued 简报 instead of a file. A record may be deleted by its author on the day it
was entered (Beijing date), to correct a slip; after that it stays.
"""

import datetime

from django.db import transaction
from django.db.models import F, Max
from django.utils import timezone

from dudao.core.audit import audit_record, snapshot
from dudao.core.dates import local_date
from dudao.core.errors import ApplicationError
from dudao.core.registries import Material, briefing_materials, refuse_if_archived
from dudao.core.scope import region_prefix, require_office_for
from dudao.core.services import counter_take
from dudao.documents import files
from dudao.documents.services import file_record
from dudao.planning.models import (
    Briefing,
    BriefingSection,
    BriefingStatus,
    SectionKind,
    Submission,
    SubmissionKind,
)
from dudao.rectification.followup import publication_publish
from dudao.rectification.models import PublicationKind
from dudao.regions.models import GovUnit, Region

FIRST_YEAR = 2000
MAX_SECTIONS = 30
MAX_TEXT = 20_000
OFFICE_ONLY = "只有本辖区督导室可以编辑督导简报。"
SUBMISSION_OFFICE_ONLY = "只有本辖区督导室可以登记信息报送。"


def briefing_day(briefing: Briefing) -> datetime.date:
    """The date a 简报 is filed under (the year lock): the day it was issued, else today within its year."""
    if briefing.issued_at:
        return local_date(briefing.issued_at)
    today = timezone.localdate()
    return min(max(today, datetime.date(briefing.year, 1, 1)), datetime.date(briefing.year, 12, 31))


def material_span(year: int) -> tuple[datetime.date, datetime.date]:
    """The dates a 简报 of `year` picks its materials from: the year, and the December before it (a 第1期 issued
    in January often reports December)."""
    return datetime.date(year - 1, 12, 1), datetime.date(year, 12, 31)


def material_sources(kind: str | None = None) -> dict[str, tuple[str, str, object]]:
    """Registered material providers (name → (label, section kind, function)), optionally of one section kind, in
    the order of the section kinds (visit highlights, inspection results, publications, 大事记)."""
    order = {value: i for i, value in enumerate(SectionKind.values)}
    entries = sorted(briefing_materials().items(), key=lambda item: (order.get(item[1][1], len(order)), item[0]))
    return {name: entry for name, entry in entries if kind is None or entry[1] == kind}


def material_fetch(*, actor, briefing: Briefing, kind: str, key: str) -> Material | None:
    """The material `key` of section kind `kind`, as the registry gives it to the actor for the briefing's region
    and dates; None if it does not exist or lies outside them."""
    start, end = material_span(briefing.year)
    for _label, _kind, provider in material_sources(kind).values():
        for material in provider(actor, briefing.region_id, start, end, key):
            if material.key == key:
                return material
    return None


def _clean_text(value: str, what: str, *, limit: int, required: bool = True) -> str:
    value = (value or "").replace("\r\n", "\n").strip()
    if required and not value:
        raise ApplicationError(f"{what}不能为空。")
    if len(value) > limit:
        raise ApplicationError(f"{what}不能超过 {limit} 字（现有 {len(value)} 字）。")
    return value


def _draft(actor, briefing: Briefing) -> Briefing:
    """The briefing locked for a change of its sections: office of its region, not archived, still a draft."""
    briefing = Briefing.objects.select_for_update().select_related("region").get(pk=briefing.pk)
    require_office_for(actor, briefing.region_id, OFFICE_ONLY)
    refuse_if_archived(briefing.region_id, briefing_day(briefing), "该简报")
    if briefing.status != BriefingStatus.DRAFT:
        raise ApplicationError(f"该简报已于{local_date(briefing.issued_at):%Y-%m-%d}印发（第{briefing.issue_no}期），"
                               "栏目不能再修改。")
    return briefing


@transaction.atomic
def briefing_create(*, actor, region: Region, year: int, title: str) -> Briefing:
    require_office_for(actor, region.code, OFFICE_ONLY)
    today = timezone.localdate()
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ApplicationError("年度应为四位年份，如 2026。") from None
    if not FIRST_YEAR <= year <= today.year + 1:
        raise ApplicationError(f"年度应在 {FIRST_YEAR} 年至 {today.year + 1} 年之间。")
    title = _clean_text(title, "简报标题", limit=200)
    briefing = Briefing(region=region, year=year, title=title, created_by=actor)
    refuse_if_archived(region.code, briefing_day(briefing), "该年度的简报")
    briefing.full_clean()
    briefing.save()
    audit_record(actor=actor, action="briefing.create", obj=briefing, region_code=region.code,
                 after={"year": year, "title": title})
    return briefing


@transaction.atomic
def briefing_update(*, actor, briefing: Briefing, title: str) -> Briefing:
    briefing = _draft(actor, briefing)
    before = briefing.title
    briefing.title = _clean_text(title, "简报标题", limit=200)
    briefing.save(update_fields=["title"])
    audit_record(actor=actor, action="briefing.update", obj=briefing, region_code=briefing.region_id,
                 before={"title": before}, after={"title": briefing.title})
    return briefing


@transaction.atomic
def section_add(*, actor, briefing: Briefing, kind: str, heading: str = "", text: str = "",
                source_key: str = "") -> BriefingSection:
    """A section at the end. Free text (kind "text") takes the posted heading and text; a picked material takes
    its heading and text from the registry (the posted ones are ignored), to be edited afterwards."""
    briefing = _draft(actor, briefing)
    if kind not in SectionKind.values:
        raise ApplicationError("请选择栏目的内容来源。")
    if briefing.sections.count() >= MAX_SECTIONS:
        raise ApplicationError(f"一期简报最多 {MAX_SECTIONS} 个栏目。")
    source_key = (source_key or "").strip()
    if kind == SectionKind.TEXT:
        if source_key:
            raise ApplicationError("自由撰写的栏目不关联来源记录。")
        heading = _clean_text(heading, "小标题", limit=200, required=False)
        text = _clean_text(text, "正文", limit=MAX_TEXT)
    else:
        if not source_key:
            raise ApplicationError("请从材料列表中选择一条记录。")
        material = material_fetch(actor=actor, briefing=briefing, kind=kind, key=source_key)
        if material is None:
            raise ApplicationError("未找到所选材料，或该材料不在本简报的区域和年度范围内。")
        heading = _clean_text(material.heading, "小标题", limit=200, required=False)[:200]
        text = (material.text or "").strip()[:MAX_TEXT] or material.heading
    order = (briefing.sections.aggregate(top=Max("order"))["top"] or 0) + 1
    section = BriefingSection.objects.create(briefing=briefing, order=order, kind=kind, heading=heading, text=text,
                                             source_key=source_key)
    audit_record(actor=actor, action="briefing.section_add", obj=briefing, region_code=briefing.region_id,
                 after={"section": section.pk, "kind": kind, "source": source_key, "heading": heading})
    return section


def _section(briefing: Briefing, section: BriefingSection) -> BriefingSection:
    found = BriefingSection.objects.filter(pk=section.pk, briefing=briefing).first()
    if found is None:
        raise ApplicationError("该栏目不属于这期简报。")
    return found


@transaction.atomic
def section_update(*, actor, briefing: Briefing, section: BriefingSection, heading: str, text: str) -> BriefingSection:
    briefing = _draft(actor, briefing)
    section = _section(briefing, section)
    before = {"heading": section.heading, "text": section.text}
    section.heading = _clean_text(heading, "小标题", limit=200, required=False)
    section.text = _clean_text(text, "正文", limit=MAX_TEXT)
    section.save(update_fields=["heading", "text"])
    audit_record(actor=actor, action="briefing.section_update", obj=briefing, region_code=briefing.region_id,
                 before={"section": section.pk, **before},
                 after={"section": section.pk, "heading": section.heading, "text": section.text})
    return section


@transaction.atomic
def section_move(*, actor, briefing: Briefing, section: BriefingSection, direction: str) -> BriefingSection:
    """Swap a section with the one above ("up") or below ("down"); the order is renumbered 1…n."""
    briefing = _draft(actor, briefing)
    section = _section(briefing, section)
    if direction not in ("up", "down"):
        raise ApplicationError("移动方向有误。")
    ordered = list(briefing.sections.order_by("order", "id"))
    at = next(i for i, s in enumerate(ordered) if s.pk == section.pk)
    to = at - 1 if direction == "up" else at + 1
    if not 0 <= to < len(ordered):
        raise ApplicationError("该栏目已在最前。" if direction == "up" else "该栏目已在最后。")
    ordered[at], ordered[to] = ordered[to], ordered[at]
    for number, item in enumerate(ordered, 1):
        item.order = number
    BriefingSection.objects.bulk_update(ordered, ["order"])
    audit_record(actor=actor, action="briefing.section_move", obj=briefing, region_code=briefing.region_id,
                 after={"section": section.pk, "direction": direction, "order": [s.pk for s in ordered]})
    return section


@transaction.atomic
def section_delete(*, actor, briefing: Briefing, section: BriefingSection) -> None:
    briefing = _draft(actor, briefing)
    section = _section(briefing, section)
    audit_record(actor=actor, action="briefing.section_delete", obj=briefing, region_code=briefing.region_id,
                 before=snapshot(section, ["id", "kind", "heading", "text", "source_key"]))
    order = section.order
    section.delete()
    briefing.sections.filter(order__gt=order).update(order=F("order") - 1)


@transaction.atomic
def briefing_issue(*, actor, briefing: Briefing) -> Briefing:
    """印发: number it 第N期 of its region and year, and freeze its sections."""
    briefing = _draft(actor, briefing)
    sections = list(briefing.sections.all())
    if not sections:
        raise ApplicationError("这期简报还没有任何栏目，不能印发。请先选用材料或撰写正文。")
    empty = [str(i) for i, s in enumerate(sections, 1) if not s.text.strip()]
    if empty:
        raise ApplicationError(f"第 {'、'.join(empty)} 个栏目没有正文，不能印发。")
    briefing.issued_at = timezone.now()
    refuse_if_archived(briefing.region_id, briefing_day(briefing), "该简报")
    briefing.issue_no = counter_take(f"briefing:{briefing.region_id}:{briefing.year}")
    briefing.status = BriefingStatus.ISSUED
    briefing.save(update_fields=["issue_no", "status", "issued_at"])
    audit_record(actor=actor, action="briefing.issue", obj=briefing, region_code=briefing.region_id,
                 after={"issue_no": briefing.issue_no, "year": briefing.year, "sections": len(sections)})
    return briefing


def public_body(briefing: Briefing) -> str:
    """The plain text of an issued 简报 for the public results page: each section's heading and text."""
    parts = []
    for section in briefing.sections.order_by("order", "id"):
        parts.append(f"{section.heading}\n{section.text}" if section.heading else section.text)
    return "\n\n".join(parts)


@transaction.atomic
def briefing_publish(*, actor, briefing: Briefing) -> Briefing:
    """Publish an issued 简报 on the public results page (结果公开, 督导通报), once."""
    briefing = Briefing.objects.select_for_update().select_related("region").get(pk=briefing.pk)
    require_office_for(actor, briefing.region_id, "只有本辖区督导室可以公开督导简报。")
    refuse_if_archived(briefing.region_id, briefing_day(briefing), "该简报")
    if briefing.status != BriefingStatus.ISSUED:
        raise ApplicationError("简报须先印发，才能向社会公开。")
    if briefing.public:
        raise ApplicationError("该简报已向社会公开。")
    item = publication_publish(actor=actor, kind=PublicationKind.BULLETIN, region_code=briefing.region_id,
                               title=f"督导简报 {briefing.year}年第{briefing.issue_no}期：{briefing.title}"[:200],
                               body=public_body(briefing))
    briefing.public, briefing.published_at = True, item.published_at
    briefing.save(update_fields=["public", "published_at"])
    audit_record(actor=actor, action="briefing.publish", obj=briefing, region_code=briefing.region_id,
                 after={"publication": item.pk})
    return briefing


# ---- 信息报送 ------------------------------------------------------------------------------------------------

def submission_create(*, actor, region: Region, kind: str, title: str, sent_on: datetime.date,
                      recipient_unit: GovUnit | None = None, recipient: str = "", briefing: Briefing | None = None,
                      upload=None, note: str = "") -> Submission:
    """Record what was sent to whom. A recipient (a unit of the region, or a higher office in text) is required,
    and a file unless an issued 简报 of the region is linked; the file is checked by content and size."""
    require_office_for(actor, region.code, SUBMISSION_OFFICE_ONLY)
    if kind not in SubmissionKind.values:
        raise ApplicationError("请选择报送类型。")
    title = _clean_text(title, "标题", limit=200)
    if not isinstance(sent_on, datetime.date):
        raise ApplicationError("请填写报送日期。")
    if sent_on > timezone.localdate():
        raise ApplicationError("报送日期不能晚于今天。")
    refuse_if_archived(region.code, sent_on, "该报送记录")
    recipient = _clean_text(recipient, "报送对象", limit=200, required=False)
    if recipient_unit is None and not recipient:
        raise ApplicationError("请选择报送单位，或填写报送对象（如“市教育督导室”）。")
    if recipient_unit is not None and not recipient_unit.region_id.startswith(region_prefix(region.code)):
        raise ApplicationError("报送单位不在本辖区内。")
    if briefing is not None:
        if briefing.region_id != region.code:
            raise ApplicationError("所选简报不属于本辖区。")
        if briefing.status != BriefingStatus.ISSUED:
            raise ApplicationError("只能报送已印发的简报。")
    if kind == SubmissionKind.BRIEFING and briefing is None and upload is None:
        raise ApplicationError("报送督导简报时，请选择已印发的简报或上传简报文件。")
    if upload is None and briefing is None:
        raise ApplicationError("请上传报送的文件（关联已印发的简报时可不上传）。")
    note = _clean_text(note, "备注", limit=2000, required=False)
    checked = files.check_and_write(upload, kind="document", region_code=region.code) if upload is not None else None
    with transaction.atomic():
        stored = file_record(actor=actor, checked=checked) if checked is not None else None
        item = Submission(region=region, kind=kind, title=title, briefing=briefing, recipient_unit=recipient_unit,
                          recipient=recipient, sent_on=sent_on, file=stored, note=note, sent_by=actor)
        item.full_clean()
        item.save()
        audit_record(actor=actor, action="submission.create", obj=item, region_code=region.code, after={
            "kind": kind, "title": title, "sent_on": sent_on.isoformat(), "unit": getattr(recipient_unit, "pk", None),
            "recipient": recipient, "briefing": getattr(briefing, "pk", None),
            "file": stored.sha256 if stored else None})
    return item


@transaction.atomic
def submission_delete(*, actor, submission: Submission) -> None:
    """Only its author, on the (Beijing) day it was entered: a slip is corrected, the log is not rewritten."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    require_office_for(actor, submission.region_id, SUBMISSION_OFFICE_ONLY)
    refuse_if_archived(submission.region_id, submission.sent_on, "该报送记录")
    if submission.sent_by_id != getattr(actor, "pk", None):
        raise ApplicationError("只有登记人本人可以删除这条报送记录。")
    if local_date(submission.created_at) != timezone.localdate():
        raise ApplicationError("报送记录只能在登记当天删除；之后如有错误，请另行登记并在备注中说明。")
    audit_record(actor=actor, action="submission.delete", obj=submission, region_code=submission.region_id,
                 before=snapshot(submission, ["id", "kind", "title", "sent_on", "recipient_unit_id", "recipient",
                                              "briefing_id", "file_id", "note"]))
    submission.delete()
