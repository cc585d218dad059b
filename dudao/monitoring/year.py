"""What monitoring gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

import datetime

from django.db.models import Count, F, Max, Q
from django.urls import reverse

from dudao.core.dates import cn_date
from dudao.core.registries import KeyEvent, register_key_events
from dudao.monitoring.models import Campaign, CampaignTask

# --- plan links (工作要点) ----------------------------------------------------------------------------------


# --- calendar items (行事历) -------------------------------------------------------------------------------


# --- key events (大事记) -----------------------------------------------------------------------------------

def campaign_events(region_code: str, start: datetime.date, end: datetime.date) -> list[KeyEvent]:
    """创建 work: each task completed (on its 完成日期), and the campaign completed (its last task done)."""
    done = (CampaignTask.objects.filter(campaign__county__code__startswith=region_code, done_at__gte=start,
                                        done_at__lte=end)
            .select_related("campaign", "school", "unit").order_by("done_at", "pk"))
    events = [KeyEvent(key=f"monitoring.campaign_task:{t.pk}", day=t.done_at,
                       title=f"{t.campaign.name}：完成“{t.title}”",
                       text=f"责任单位：{t.target_name}；完成时限{cn_date(t.deadline)}"
                            + ("，逾期完成。" if t.done_at > t.deadline else "，按期完成。"),
                       url=reverse("monitoring:task_detail", args=[t.pk]), region_code=t.campaign.county_id)
              for t in done]
    finished = (Campaign.objects.filter(county__code__startswith=region_code, tasks__isnull=False)
                .annotate(tasks_n=Count("tasks"), done_n=Count("tasks", filter=Q(tasks__done_at__isnull=False)),
                          last=Max("tasks__done_at"))
                .filter(tasks_n=F("done_n"), last__gte=start, last__lte=end).order_by("last", "pk"))
    events += [KeyEvent(key=f"monitoring.campaign:{c.pk}", day=c.last, title=f"{c.name}各项任务全部完成",
                        text=f"{c.get_kind_display()}共 {c.tasks_n} 项任务全部完成，迎接{c.target_year}年国家评估认定。",
                        url=reverse("monitoring:campaign_detail", args=[c.pk]), region_code=c.county_id,
                        importance="major") for c in finished]
    return events


# --- year figures (年度工作总结) ----------------------------------------------------------------------------


# --- 简报 materials ----------------------------------------------------------------------------------------


# --- archive documents (督导档案) --------------------------------------------------------------------------


def register_year() -> None:
    # plan links

    # calendar items

    # key events
    register_key_events("monitoring.campaign", "创建工作", campaign_events)

    # year figures

    # 简报 materials

    # archive documents

    return
