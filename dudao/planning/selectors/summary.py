"""Reads of the 工作总结 page: which region, its drafts, one draft (office and leaders of the region only)."""

from django.http import Http404

from dudao.core.models import RoleAssignment
from dudao.core.roles import Role
from dudao.core.scope import holds_role_in, scope_for
from dudao.planning.models import JobStatus, SummaryReport
from dudao.regions.models import Region, RegionLevel

READERS = (Role.OFFICE, Role.LEADER)
NOT_FOUND = "未找到该对象，或您无权查看。"


def reads_region(user, region_code: str) -> bool:
    return holds_role_in(user, region_code, *READERS)


def may_generate(user, region_code: str) -> bool:
    return holds_role_in(user, region_code, Role.OFFICE)


def summary_regions(user) -> list[Region]:
    """The regions whose summaries the user reads: their office or leader regions (administrators: every county)."""
    if scope_for(user).everything:
        return list(Region.objects.filter(level=RegionLevel.COUNTY).order_by("code"))
    codes = set(RoleAssignment.objects.filter(user_id=user.pk, role__in=READERS, region__isnull=False)
                .values_list("region_id", flat=True))
    return list(Region.objects.filter(code__in=codes).order_by("code"))


def summary_region(user, code: str = "") -> Region:
    """The region asked for (or the user's first), if the user reads it; else 404 (schools, other counties)."""
    if code:
        region = Region.objects.filter(code=code).first()
        if region is None or not reads_region(user, region.code):
            raise Http404(NOT_FOUND)
        return region
    regions = summary_regions(user)
    if not regions:
        raise Http404(NOT_FOUND)
    return regions[0]


def summary_reports(user, region: Region):
    return (SummaryReport.objects.visible_to(user).filter(region=region).select_related("requested_by")
            .order_by("-requested_at", "-id"))


def get_summary_for(user, pk: int) -> SummaryReport:
    report = SummaryReport.objects.visible_to(user).select_related("region", "requested_by").filter(pk=pk).first()
    if report is None or not reads_region(user, report.region_id):
        raise Http404(NOT_FOUND)
    return report


def unfinished(reports) -> bool:
    return any(r.status in (JobStatus.PENDING, JobStatus.RUNNING) for r in reports)


def value_text(figure: dict) -> str:
    """A figure's value as printed: 957 次, 63.5%, 无数据."""
    value = figure["value"]
    if value is None or value == "":
        return "无数据"
    if isinstance(value, float):
        value = f"{value:.1f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    unit = figure["unit"]
    return f"{value}{unit}" if unit == "%" else f"{value} {unit}".strip()


def preview_sections(report: SummaryReport | None) -> list[dict]:
    """The kept figures of a done draft grouped by section, as the page's preview and appendix show them."""
    if report is None or report.status != JobStatus.DONE:
        return []
    sections: dict[str, dict] = {}
    for f in report.figures:
        entry = sections.setdefault(f["section"], {"title": f["section_title"], "figures": []})
        entry["figures"].append({**f, "text": value_text(f)})
    return list(sections.values())
