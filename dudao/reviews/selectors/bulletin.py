"""Reads of reviews: bulletin (issue 21), scoped through visible_to(user).

The office and leaders of the county (and administrators) read a 公报; anyone else gets the same 404 as for a
missing one. The Word and PDF renderings are built here from plain data: a draft renders its text filled with the
current values (unknown placeholders left as typed), a published one its frozen text."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from dudao.core.dates import cn_date
from dudao.core.models import Role
from dudao.core.scope import get_visible_or_404, holds_role_in, scope_for
from dudao.documents.render import render_pdf_bytes
from dudao.documents.selectors import render_docx
from dudao.regions.models import Region, RegionLevel
from dudao.reviews import bulletin_text
from dudao.reviews.models import Bulletin, BulletinField, BulletinStatus
from dudao.reviews.services.bulletin import publish_problems, values_of

READERS = (Role.OFFICE, Role.LEADER)


def office_counties(user) -> QuerySet[Region]:
    """The counties where the user may write a 公报: their office regions (administrators: every county)."""
    scope = scope_for(user).restricted_to(Role.OFFICE)
    if scope.everything:
        return Region.objects.filter(level=RegionLevel.COUNTY).order_by("code")
    q = Q(pk__in=[])
    for prefix in scope.region_prefixes:
        q |= Q(code__startswith=prefix)
    return Region.objects.filter(q, level=RegionLevel.COUNTY).order_by("code")


def may_edit(user, bulletin: Bulletin) -> bool:
    return holds_role_in(user, bulletin.region_id, Role.OFFICE)


def bulletin_list(user, *, year: str = "", status: str = "", q: str = "") -> QuerySet[Bulletin]:
    qs = Bulletin.objects.visible_to(user).select_related("region", "created_by", "published_by").annotate(
        field_count=Count("fields", distinct=True),
        edited_count=Count("fields", filter=Q(fields__edited=True), distinct=True))
    if year.isdecimal():
        qs = qs.filter(year=int(year)) if len(year) <= 4 else qs.none()
    if status in BulletinStatus.values:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(number__contains=q) | Q(body__contains=q) | Q(region__name__contains=q))
    return qs.order_by("-year", "region_id", "-id")


def get_bulletin_for(user, pk: int) -> Bulletin:
    bulletin = get_visible_or_404(Bulletin.objects.select_related("region", "created_by", "published_by",
                                                                  "publication"), user, pk=pk)
    if not may_read(user, bulletin):  # rows in scope, but not the office or a leader of the county
        raise Http404("未找到该对象，或您无权查看。")
    return bulletin


def get_field_for(user, pk: int, field_pk: int) -> tuple[Bulletin, BulletinField]:
    bulletin = get_bulletin_for(user, pk)
    field = BulletinField.objects.filter(pk=field_pk, bulletin=bulletin).first()
    if field is None:
        raise Http404("未找到该项目。")
    return bulletin, field


def bulletin_fields(bulletin: Bulletin) -> list[BulletinField]:
    return list(bulletin.fields.order_by("position", "id"))


def field_sections(fields: list[BulletinField]) -> list[dict]:
    """The table grouped by section, in order."""
    out: dict[str, dict] = {}
    for f in fields:
        out.setdefault(f.section or "其他", {"title": f.section or "其他", "fields": []})["fields"].append(f)
    return list(out.values())


def filled_text(bulletin: Bulletin, fields: list[BulletinField]) -> str:
    if bulletin.status == BulletinStatus.PUBLISHED and bulletin.published_body:
        return bulletin.published_body
    # a draft shows where a figure is still missing instead of a gap ("完成率 %")
    values = {key: value if str(value).strip() else f"〔未填：{key}〕" for key, value in values_of(fields).items()}
    return bulletin_text.fill(bulletin.body, values)


def problems(bulletin: Bulletin, fields: list[BulletinField]):
    return [] if bulletin.status == BulletinStatus.PUBLISHED else publish_problems(bulletin, fields)


def paragraphs(text: str) -> list[dict]:
    """Lines of the text, a line like "一、基本情况" marked as a heading."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        heading = len(line) <= 20 and line[:1] in "一二三四五六七八九十" and "、" in line[:3]
        out.append({"text": line, "heading": heading})
    return out


def value_with_unit(field: BulletinField) -> str:
    if not field.value.strip():
        return ""
    return f"{field.value}{field.unit}" if field.unit == "%" else f"{field.value} {field.unit}".strip()


def document_context(bulletin: Bulletin, fields: list[BulletinField] | None = None) -> dict:
    """Plain data for the "bulletin" Word template and the PDF page."""
    fields = bulletin_fields(bulletin) if fields is None else fields
    day = bulletin.published_at or timezone.now()
    return {
        "title": bulletin.title, "number": bulletin.number or "（发布时编号）", "year": f"{bulletin.year}年",
        "region": bulletin.region.name, "office": f"{bulletin.region.name}人民政府教育督导室",
        "published_on": cn_date(day), "paragraphs": paragraphs(filled_text(bulletin, fields)),
        "fields": [{"no": i, "section": f.section, "label": f.label, "value": value_with_unit(f) or "—",
                    "source": f.source} for i, f in enumerate(fields, 1)],
    }


def bulletin_docx(bulletin: Bulletin) -> bytes:
    return render_docx("bulletin", bulletin.region_id, document_context(bulletin))


def bulletin_pdf(bulletin: Bulletin) -> bytes:
    return render_pdf_bytes("reviews/bulletin_pdf.html", {**document_context(bulletin),
                                                          "draft": bulletin.status != BulletinStatus.PUBLISHED})


def document_filename(bulletin: Bulletin, ext: str) -> str:
    stem = bulletin.title if bulletin.status == BulletinStatus.PUBLISHED else f"{bulletin.title}（草稿）"
    return f"{stem}.{ext}"


def may_read(user, bulletin: Bulletin) -> bool:
    return holds_role_in(user, bulletin.region_id, *READERS)
