"""Reads of 督导简报 and 信息报送, scoped: the office and leaders of the region (and administrators) see them;
anyone else gets the same 404 as for a missing one. The Word and PDF renderings are built here from plain data."""

import datetime

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from dudao.core.dates import cn_date
from dudao.core.models import Role
from dudao.core.scope import get_visible_or_404, holds_role_in, region_prefix, scope_for
from dudao.documents.render import render_pdf_bytes
from dudao.documents.selectors import render_docx
from dudao.planning.models import Briefing, BriefingSection, BriefingStatus, Submission
from dudao.planning.services.briefings import material_sources, material_span
from dudao.regions.models import GovUnit, Region, RegionLevel

MASTHEAD = "督导简报"


def office_regions(user) -> QuerySet[Region]:
    """The counties (and towns) where the user may compose 简报 or record 报送: their office regions."""
    scope = scope_for(user).restricted_to(Role.OFFICE)
    if scope.everything:
        return Region.objects.filter(level=RegionLevel.COUNTY).order_by("code")
    q = Q(pk__in=[])
    for prefix in scope.region_prefixes:
        q |= Q(code__startswith=prefix)
    return Region.objects.filter(q, level__in=[RegionLevel.COUNTY, RegionLevel.TOWN]).order_by("code")


def may_edit(user, region_code: str) -> bool:
    return holds_role_in(user, region_code, Role.OFFICE)


def briefing_list(user, *, year: str = "", status: str = "", q: str = "") -> QuerySet[Briefing]:
    qs = Briefing.objects.visible_to(user).select_related("region", "created_by").annotate(
        section_count=Count("sections"))
    if year.isdecimal():
        qs = qs.filter(year=int(year)) if len(year) <= 4 else qs.none()
    if status in BriefingStatus.values:
        qs = qs.filter(status=status)
    if q:
        # a subquery, not a join: a join on the sections would multiply the rows that section_count counts
        matching = BriefingSection.objects.filter(Q(text__contains=q) | Q(heading__contains=q)).values("briefing_id")
        qs = qs.filter(Q(title__contains=q) | Q(pk__in=matching))
    return qs.order_by("-year", "-issue_no", "-id")


def get_briefing_for(user, pk: int) -> Briefing:
    return get_visible_or_404(Briefing.objects.select_related("region", "created_by"), user, pk=pk)


def get_section_for(user, briefing_pk: int, section_pk: int) -> tuple[Briefing, BriefingSection]:
    briefing = get_briefing_for(user, briefing_pk)
    section = BriefingSection.objects.filter(pk=section_pk, briefing=briefing).first()
    if section is None:
        raise Http404("未找到该栏目。")
    return briefing, section


def briefing_sections(briefing: Briefing) -> list[BriefingSection]:
    return list(briefing.sections.order_by("order", "id"))


def issue_label(briefing: Briefing) -> str:
    return f"第{briefing.issue_no}期" if briefing.issue_no else "（未印发）"


def material_choices(user, briefing: Briefing, source: str, q: str) -> list:
    """The materials of one registered source (its name) for the picker: the provider's own scoping and limit."""
    sources = material_sources()
    if source not in sources:
        return []
    start, end = material_span(briefing.year)
    return list(sources[source][2](user, briefing.region_id, start, end, (q or "").strip()[:100]))


def source_options() -> list[tuple[str, str, str]]:
    """(name, label, section kind) of every registered material source."""
    return [(name, label, kind) for name, (label, kind, _fn) in material_sources().items()]


def document_context(briefing: Briefing) -> dict:
    """Plain data for the "briefing" Word template and the PDF page."""
    sections = [{"no": n, "heading": s.heading, "paragraphs": [p.strip() for p in s.text.splitlines() if p.strip()]}
                for n, s in enumerate(briefing_sections(briefing), 1)]
    day = briefing.issued_at or timezone.now()
    return {"masthead": MASTHEAD, "issue": issue_label(briefing), "year": f"{briefing.year}年", "title": briefing.title,
            "office": f"{briefing.region.name}人民政府教育督导室", "issued_on": cn_date(day), "sections": sections}


def briefing_docx(briefing: Briefing) -> bytes:
    return render_docx("briefing", briefing.region_id, document_context(briefing))


def briefing_pdf(briefing: Briefing) -> bytes:
    return render_pdf_bytes("planning/briefing_pdf.html", {**document_context(briefing), "draft":
                            briefing.status != BriefingStatus.ISSUED})


def document_filename(briefing: Briefing, ext: str) -> str:
    stem = f"{MASTHEAD}{briefing.year}年{issue_label(briefing)}" if briefing.issue_no else f"{MASTHEAD}（草稿）{briefing.pk}"
    return f"{stem}.{ext}"


# ---- 信息报送 ------------------------------------------------------------------------------------------------

def submission_list(user, *, kind: str = "", year: str = "", date_from: datetime.date | None = None,
                    date_to: datetime.date | None = None, q: str = "") -> QuerySet[Submission]:
    qs = Submission.objects.visible_to(user).select_related("region", "recipient_unit", "briefing", "file", "sent_by")
    if kind:
        qs = qs.filter(kind=kind)
    if year.isdecimal():
        # a date's year runs 1–9999: year 0 would raise inside the __year lookup
        qs = qs.filter(sent_on__year=int(year)) if 1 <= int(year) <= 9999 else qs.none()
    if date_from:
        qs = qs.filter(sent_on__gte=date_from)
    if date_to:
        qs = qs.filter(sent_on__lte=date_to)
    if q:
        qs = qs.filter(Q(title__contains=q) | Q(recipient__contains=q) | Q(recipient_unit__name__contains=q)
                       | Q(note__contains=q))
    return qs.order_by("-sent_on", "-id")


def get_submission_for(user, pk: int) -> Submission:
    return get_visible_or_404(Submission.objects.select_related("region"), user, pk=pk)


def recipient_units(region_code: str) -> QuerySet[GovUnit]:
    """Units a 报送 may go to: the government units of the region."""
    return GovUnit.objects.filter(region__code__startswith=region_prefix(region_code)).order_by("code")


def unit_for(region_code: str, pk) -> GovUnit | None:
    """A posted unit id resolved within the region (never trusted as it is)."""
    try:
        return recipient_units(region_code).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def issued_briefings(user, region_code: str) -> QuerySet[Briefing]:
    return Briefing.objects.visible_to(user).filter(region_id=region_code, status=BriefingStatus.ISSUED).order_by(
        "-year", "-issue_no")


def briefing_of(user, region_code: str, pk) -> Briefing | None:
    try:
        return issued_briefings(user, region_code).filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def may_delete_submission(user, submission: Submission) -> bool:
    return (submission.sent_by_id == getattr(user, "pk", None)
            and timezone.localtime(submission.created_at).date() == timezone.localdate()
            and may_edit(user, submission.region_id))
