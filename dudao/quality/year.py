"""What quality gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

import datetime

from django.db.models import Min
from django.urls import reverse

from dudao.core.dates import local_date, local_span
from dudao.core.registries import KeyEvent, register_key_events
from dudao.quality.models import ReportBatch, ReportStatus, Round

# --- plan links (工作要点) ----------------------------------------------------------------------------------


# --- calendar items (行事历) -------------------------------------------------------------------------------


# --- key events (大事记) -----------------------------------------------------------------------------------

def round_events(region_code: str, start: datetime.date, end: datetime.date) -> list[KeyEvent]:
    """A monitoring round's results published, and its reports first generated (the first finished batch)."""
    begin, stop = local_span(start, end)
    published = (Round.objects.filter(region__code__startswith=region_code, published_at__gte=begin,
                                      published_at__lt=stop).order_by("published_at", "pk"))
    events = [KeyEvent(key=f"quality.results:{r.pk}", day=local_date(r.published_at), title=f"发布{r.title}结果",
                       text=f"{r.year}—{r.year + 1}学年{r.get_term_display()}{r.grade}年级学业质量监测结果向学校发布。",
                       url=reverse("quality:round_detail", args=[r.pk]), region_code=r.region_id,
                       importance="important") for r in published]
    firsts = (ReportBatch.objects.filter(round__region__code__startswith=region_code, status=ReportStatus.DONE)
              .values("round_id").annotate(first=Min("finished_at")).filter(first__gte=begin, first__lt=stop))
    rounds = Round.objects.in_bulk([row["round_id"] for row in firsts])
    for row in sorted(firsts, key=lambda x: (x["first"], x["round_id"])):
        r = rounds[row["round_id"]]
        events.append(KeyEvent(key=f"quality.reports:{r.pk}", day=local_date(row["first"]),
                               title=f"形成{r.title}报告", text="区域监测报告及各校监测报告已生成。",
                               url=reverse("quality:reports", args=[r.pk]), region_code=r.region_id))
    return events


# --- year figures (年度工作总结) ----------------------------------------------------------------------------


# --- 简报 materials ----------------------------------------------------------------------------------------


# --- archive documents (督导档案) --------------------------------------------------------------------------


def register_year() -> None:
    # plan links

    # calendar items

    # key events
    register_key_events("quality.round", "质量监测", round_events)

    # year figures

    # 简报 materials

    # archive documents

    return
