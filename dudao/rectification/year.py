"""What rectification gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

import datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from dudao.core.dates import local_date, local_span
from dudao.core.registries import (
    ArchiveItem,
    CalendarItem,
    Figure,
    FigureReader,
    KeyEvent,
    Material,
    day_bounds,
    figure_period,
    material_key_id,
    period_label,
    register_archive_source,
    register_briefing_material,
    register_calendar_source,
    register_key_events,
    register_year_figures,
    stored_archive_item,
    url_for_pk,
)
from dudao.core.scope import region_prefix
from dudao.documents.selectors import render_docx
from dudao.rectification import engine, selectors
from dudao.rectification.documents import notice_context
from dudao.rectification.models import (
    DONE_STATUSES,
    AccountabilityCase,
    CaseStep,
    CaseStepRecord,
    Finding,
    FindingReport,
    FindingStatus,
    NoticeStatus,
    OrderStatus,
    Publication,
    RectificationNotice,
    SupervisionOrder,
    Talk,
    TalkStatus,
)

# --- plan links (工作要点) ----------------------------------------------------------------------------------


# --- calendar items (行事历) -------------------------------------------------------------------------------

def calendar_notice_deadlines(user, start, end):
    """Each 整改通知书's deadline (due_date), for the office and the school or unit it went to."""
    rows = (RectificationNotice.objects.visible_to(user).filter(due_date__range=(start, end))
            .values_list("pk", "number", "due_date", "status", "region_code", "school_id", "school__name", "unit__name"))
    url, states = url_for_pk("rectification:notice_detail"), dict(NoticeStatus.choices)
    return [CalendarItem(
        source="rectification.notice", key=str(pk), title=f"整改期限：{school or unit}（{number}）", start=due, end=due,
        url=url(pk), region_code=region, school_ids=(school_id,) if school_id else (),
        detail=f"{school or unit}；{states.get(status, status)}")
        for pk, number, due, status, region, school_id, school, unit in rows]


def calendar_order_deadlines(user, start, end):
    """Each 督办单's deadline, for the office, the competent department and the school or unit concerned."""
    rows = (SupervisionOrder.objects.visible_to(user).filter(due_date__range=(start, end))
            .values_list("pk", "number", "due_date", "status", "region_code", "department__name", "notice__school_id",
                         "notice__school__name", "notice__unit__name"))
    url, states = url_for_pk("rectification:order_detail"), dict(OrderStatus.choices)
    return [CalendarItem(
        source="rectification.order", key=str(pk), title=f"督办期限：{school or unit}（{number}）", start=due, end=due,
        url=url(pk), region_code=region, school_ids=(school_id,) if school_id else (),
        detail=f"主管部门：{department}；{states.get(status, status)}")
        for pk, number, due, status, region, department, school_id, school, unit in rows]


# --- key events (大事记) -----------------------------------------------------------------------------------

def publication_events(region_code: str, start: datetime.date, end: datetime.date) -> list[KeyEvent]:
    """结果公开: a publication on the public results page (withdrawn ones are left out)."""
    begin, stop = local_span(start, end)
    rows = (Publication.objects.filter(region_code__startswith=region_code, published_at__gte=begin,
                                       published_at__lt=stop, withdrawn_at__isnull=True).order_by("published_at", "pk"))
    return [KeyEvent(key=f"rectification.publication:{p.pk}", day=local_date(p.published_at),
                     title=f"向社会公开{p.get_kind_display()}：{p.title}", text=p.body[:300],
                     url=reverse("rectification:publication_list"), region_code=p.region_code) for p in rows]


def talk_events(region_code: str, start: datetime.date, end: datetime.date) -> list[KeyEvent]:
    """约谈 held, on its 约谈日期."""
    rows = (Talk.objects.filter(region_code__startswith=region_code, status=TalkStatus.HELD,
                                held_on__gte=start, held_on__lte=end)
            .select_related("school", "unit").order_by("held_on", "pk"))
    return [KeyEvent(key=f"rectification.talk:{t.pk}", day=t.held_on, title=f"约谈{t.target_name}",
                     text="；".join(x for x in (f"约谈事由：{t.reason.strip().rstrip('。')}",
                                                f"被约谈人：{t.persons}" if t.persons else "",
                                                f"主持单位：{t.conducted_by}" if t.conducted_by else "") if x)[:500] + "。",
                     url=reverse("rectification:talk_detail", args=[t.pk]), region_code=t.region_code,
                     importance="important") for t in rows]


def accountability_events(region_code: str, start: datetime.date, end: datetime.date) -> list[KeyEvent]:
    """问责 decision made (the case reached 作出决定), on its 决定日期."""
    rows = (AccountabilityCase.objects.filter(region_code__startswith=region_code, step=CaseStep.DECIDED,
                                              decided_on__gte=start, decided_on__lte=end)
            .select_related("school", "unit").order_by("decided_on", "pk"))
    return [KeyEvent(key=f"rectification.case:{c.pk}", day=c.decided_on,
                     title=f"对{c.target_name}作出问责决定（{c.get_decision_form_display() or '问责'}）",
                     text=f"案号{c.number}；问责情形：{c.get_situation_display()}。",
                     url=reverse("rectification:case_detail", args=[c.pk]), region_code=c.region_code,
                     importance="major") for c in rows]


# --- year figures (年度工作总结) ----------------------------------------------------------------------------

def year_figures(region_code: str, start: datetime.date, end: datetime.date) -> list[Figure]:
    """Findings of the period and their 整改率 (the dashboard's engine.rates on the same tallies), 督办单, 约谈 and
    问责 of the period. One aggregate query over the findings whatever their number."""
    reader, period = FigureReader(region_code), period_label(start, end)
    since, until = figure_period(start, end)
    findings = selectors.finding_list(reader).select_related(None).order_by()
    done = Q(status__in=DONE_STATUSES)
    raised_in = Q(raised_at__gte=since, raised_at__lt=until)
    overdue = Q(status=FindingStatus.OPEN, due_date__lt=end)  # as the dashboard counts on `end`
    counts = findings.filter(raised_at__lt=until).aggregate(
        total=Count("id", filter=raised_in), done=Count("id", filter=raised_in & done),
        on_time=Count("id", filter=raised_in & done & Q(closed_on_time=True)),
        overdue_raised=Count("id", filter=raised_in & overdue),
        closed=Count("id", filter=done & Q(closed_at__gte=since, closed_at__lt=until)),
        overdue=Count("id", filter=overdue))
    rates = engine.rates(engine.Tally(counts["total"], counts["done"], counts["on_time"], counts["overdue_raised"]))
    orders = selectors.order_list(reader).order_by().filter(issued_at__gte=since, issued_at__lt=until).count()
    talks = selectors.talk_list(reader).order_by().filter(proposed_at__gte=since, proposed_at__lt=until).count()
    cases = selectors.case_list(reader).order_by().filter(filed_on__gte=start, filed_on__lte=end).count()
    src = f"rectification.selectors.finding_list：{period} 提出的问题"
    return [
        Figure("rectification.raised", "督导发现问题", rates["total"], "个", src),
        Figure("rectification.done", "其中已整改（含现场反馈）", rates["done"], "个", src + "，当前状态为已整改或现场已反馈"),
        Figure("rectification.rate", "整改率", rates["rate"], "%", src + "，rectification.engine.rates（与整改看板同一算法）"),
        Figure("rectification.on_time_rate", "按期整改率", rates["on_time_rate"], "%",
               src + "，rectification.engine.rates（已整改中按期办结的比例）"),
        Figure("rectification.closed", "期内办结问题", counts["closed"], "个",
               f"rectification.selectors.finding_list：{period} 办结（不论提出时间）"),
        Figure("rectification.overdue", "逾期未整改问题", counts["overdue"], "个",
               f"rectification.selectors.finding_list：{end.isoformat()} 前提出、整改期限早于该日且仍待整改"),
        Figure("rectification.orders", "下达督办单", orders, "份", f"rectification.selectors.order_list：{period} 下达"),
        Figure("rectification.talks", "提出约谈", talks, "次", f"rectification.selectors.talk_list：{period} 提出"),
        Figure("rectification.cases", "问责立案", cases, "件", f"rectification.selectors.case_list：{period} 立案"),
    ]



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
    register_calendar_source("rectification.notice", "整改期限", calendar_notice_deadlines)
    register_calendar_source("rectification.order", "督办期限", calendar_order_deadlines)

    # key events
    register_key_events("rectification.publication", "结果公开", publication_events)
    register_key_events("rectification.talk", "约谈", talk_events)
    register_key_events("rectification.case", "问责决定", accountability_events)

    # year figures
    register_year_figures("rectification", "问题整改与问责", year_figures, order=30)

    # 简报 materials
    register_briefing_material("rectification.publications", "结果公开", "publication", publications)

    # archive documents
    register_archive_source("rectification.documents", archive_rectification_documents)

    return
