"""The demo's office year (issue 20): this year's 工作要点 for 示范区 (six sections, ~40 tasks, some linked to the
demo's inspections, surveys and campaign, some late), two meetings with decisions, 大事记 proposals accepted, one
简报, and last year archived. Each part is one function, called in order by load_planning."""

from django.utils import timezone

from dudao.planning.models import (
    ArchiveExport,
    ArchiveStatus,
    ArchiveYear,
    Briefing,
    JobStatus,
    SectionKind,
    Submission,
    SubmissionKind,
)
from dudao.planning.selectors import briefings as briefing_selectors
from dudao.planning.services import archive
from dudao.planning.services import briefings as briefing_services
from dudao.regions.models import GovUnit


def load_plans(*, office_user, county) -> None:
    return


def load_meetings(*, office_user, county) -> None:
    return


def load_chronicle(*, office_user, county) -> None:
    return


BRIEFING_NOTE = ("本期简报汇集近期责任督学挂牌督导、督导评估和重要工作情况。各学校要对照督导发现的亮点互学互鉴，"
                 "对督导指出的问题按期整改到位。")


def load_briefings(*, office_user, county) -> None:
    """One issued 简报 (第1期 of this year) of three picked materials (a visit highlight, an inspection's results,
    a 大事记 entry, or what the demo holds of these) and one free text, and its 信息报送 to the county's education
    authority (the demo's 区教育局 account), or to 市教育督导室 if it has none."""
    year = timezone.localdate().year
    if Briefing.objects.filter(region=county, year=year).exists():
        return
    briefing = briefing_services.briefing_create(actor=office_user, region=county, year=year,
                                                 title=f"{county.name}教育督导工作动态")
    picked = 0
    for kind in (SectionKind.VISIT, SectionKind.INSPECTION, SectionKind.CHRONICLE, SectionKind.PUBLICATION,
                 SectionKind.VISIT):
        if picked == 3:
            break
        used = set(briefing.sections.values_list("source_key", flat=True))
        for source, (_label, source_kind, _fn) in briefing_services.material_sources(kind).items():
            material = next((m for m in briefing_selectors.material_choices(office_user, briefing, source, "")
                             if m.key not in used), None)
            if material is not None and source_kind == kind:
                briefing_services.section_add(actor=office_user, briefing=briefing, kind=kind,
                                              source_key=material.key)
                picked += 1
                break
    briefing_services.section_add(actor=office_user, briefing=briefing, kind=SectionKind.TEXT, heading="工作要求",
                                  text=BRIEFING_NOTE)
    briefing = briefing_services.briefing_issue(actor=office_user, briefing=briefing)
    bureau = GovUnit.objects.filter(region__code__startswith=county.code, is_education_authority=True).order_by(
        "code").first()  # 示范区教育委员会, where the demo's 区教育局 account sits
    if not Submission.objects.filter(briefing=briefing).exists():
        briefing_services.submission_create(
            actor=office_user, region=county, kind=SubmissionKind.BRIEFING,
            title=f"报送《督导简报》{year}年第{briefing.issue_no}期", sent_on=timezone.localdate(),
            recipient_unit=bureau, recipient="" if bureau else "市教育督导室", briefing=briefing)


def load_archive(*, admin, office_user, county) -> None:
    """Last year's 督导档案 of the county exported (synchronously, in this process) and locked (归档). Idempotent: a
    locked year is left as it is; a year already exported is locked without exporting again."""
    year = timezone.localdate().year - 1
    if ArchiveYear.objects.filter(region=county, year=year, status=ArchiveStatus.LOCKED).exists():
        return
    if not ArchiveExport.objects.filter(archive__region=county, archive__year=year, status=JobStatus.DONE).exists():
        archive.export_now(actor=office_user, region=county, year=year)
    archive.archive_lock(actor=office_user, region=county, year=year)


def load_planning(*, admin, office_user, county) -> None:
    """Idempotent like the rest of the demo: a second load adds nothing."""
    load_plans(office_user=office_user, county=county)
    load_meetings(office_user=office_user, county=county)
    load_chronicle(office_user=office_user, county=county)
    load_briefings(office_user=office_user, county=county)
    load_archive(admin=admin, office_user=office_user, county=county)
