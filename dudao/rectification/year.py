"""What rectification gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from dudao.core.dates import local_date
from dudao.core.registries import (
    ArchiveItem,
    Material,
    day_bounds,
    material_key_id,
    register_archive_source,
    register_briefing_material,
    stored_archive_item,
)
from dudao.core.scope import region_prefix
from dudao.documents.selectors import render_docx
from dudao.rectification.documents import notice_context
from dudao.rectification.models import (
    CaseStepRecord,
    Finding,
    FindingReport,
    Publication,
    RectificationNotice,
    Talk,
)

# --- plan links (工作要点) ----------------------------------------------------------------------------------


# --- calendar items (行事历) -------------------------------------------------------------------------------


# --- key events (大事记) -----------------------------------------------------------------------------------


# --- year figures (年度工作总结) ----------------------------------------------------------------------------


# --- 简报 materials ----------------------------------------------------------------------------------------

def publications(user, region_code: str, start: datetime.date, end: datetime.date, q: str = "") -> list[Material]:
    """结果公开: what the office published in [start, end] and has not withdrawn, newest first."""
    tz = timezone.get_current_timezone()
    items = Publication.objects.visible_to(user).filter(
        region_code__startswith=region_prefix(region_code), withdrawn_at__isnull=True,
        published_at__gte=datetime.datetime.combine(start, datetime.time.min, tzinfo=tz),
        published_at__lt=datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz))
    key_id = material_key_id(q, "rectification.publication")
    if key_id is not None:
        items = items.filter(pk=key_id)
    elif q:
        items = items.filter(Q(title__contains=q) | Q(body__contains=q))
    return [Material(key=f"rectification.publication:{item.pk}", day=local_date(item.published_at),
                     heading=item.title, text=item.body, url=reverse("results:detail", args=[item.pk]))
            for item in items.order_by("-published_at", "-id")[:50]]


# --- archive documents (督导档案) --------------------------------------------------------------------------

def _notice_docx(notice_id: int) -> bytes:
    notice = RectificationNotice.objects.select_related("school", "unit").get(pk=notice_id)
    return render_docx("rectification_notice", notice.region_code, notice_context(notice))


def archive_rectification_documents(region_code: str, start, end):
    """整改问责 of the year in the region: 整改通知书 issued (rendered on demand), evidence of findings raised and of
    rectification reports submitted, 约谈 records held, and the documents of each 问责 step (CaseStepRecord)."""
    prefix = region_prefix(region_code)
    low, high = day_bounds(start, end)
    notices = (RectificationNotice.objects.filter(region_code__startswith=prefix, issued_at__gte=low, issued_at__lt=high)
               .select_related("school", "unit").order_by("issued_at", "id"))
    for n in notices:
        yield ArchiveItem("rectification", f"整改通知书 {n.number} {n.target_name}", local_date(n.issued_at),
                          f"{n.number}_{n.target_name}_整改通知书.docx", render=lambda pk=n.pk: _notice_docx(pk),
                          source=f"rectification.notice:{n.pk}")
    raised = (Finding.evidence.through.objects.filter(finding__region_code__startswith=prefix,
                                                      finding__raised_at__gte=low, finding__raised_at__lt=high)
              .select_related("storedfile", "finding__school", "finding__unit").order_by("finding__raised_at", "id"))
    for row in raised.iterator(chunk_size=500):
        f = row.finding
        yield stored_archive_item("rectification", f"问题佐证 {f.target_name}：{f.description[:30]}",
                                  local_date(f.raised_at), row.storedfile, source=f"rectification.finding:{f.pk}")
    reported = (FindingReport.evidence.through.objects.filter(
        findingreport__notice__region_code__startswith=prefix, findingreport__submitted_at__gte=low,
        findingreport__submitted_at__lt=high)
        .select_related("storedfile", "findingreport__notice__school", "findingreport__notice__unit")
        .order_by("findingreport__submitted_at", "id"))
    for row in reported.iterator(chunk_size=500):
        r = row.findingreport
        yield stored_archive_item("rectification", f"整改报告佐证 {r.notice.number} {r.notice.target_name}",
                                  local_date(r.submitted_at), row.storedfile,
                                  source=f"rectification.finding_report:{r.pk}")
    talks = (Talk.objects.filter(region_code__startswith=prefix, held_on__gte=start, held_on__lte=end,
                                 record__isnull=False).select_related("record", "school", "unit").order_by("held_on", "id"))
    for t in talks:
        yield stored_archive_item("rectification", f"约谈记录 {t.target_name}", t.held_on, t.record,
                                  source=f"rectification.talk:{t.pk}")
    steps = (CaseStepRecord.objects.filter(case__region_code__startswith=prefix, on__gte=start, on__lte=end,
                                           document__isnull=False)
             .select_related("document", "case").order_by("on", "id"))
    for s in steps:
        yield stored_archive_item("rectification", f"问责 {s.case.number} {s.get_step_display()}", s.on, s.document,
                                  source=f"rectification.case_step:{s.pk}")


def register_year() -> None:
    # plan links

    # calendar items

    # key events

    # year figures

    # 简报 materials
    register_briefing_material("rectification.publications", "结果公开", "publication", publications)

    # archive documents
    register_archive_source("rectification.documents", archive_rectification_documents)

    return
