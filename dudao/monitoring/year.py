"""What monitoring gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

from django.urls import reverse

from dudao.core.registries import CalendarItem, register_calendar_source
from dudao.monitoring.models import CampaignTask

# --- plan links (工作要点) ----------------------------------------------------------------------------------


# --- calendar items (行事历) -------------------------------------------------------------------------------

def calendar_campaign_tasks(user, start, end):
    """Each 创建 task's deadline, for the office and the department or school responsible for it."""
    tasks = (CampaignTask.objects.visible_to(user).filter(deadline__range=(start, end))
             .select_related("campaign", "school", "unit")
             .only("pk", "title", "deadline", "done_at", "region_code", "campaign__name", "school__name", "unit__name"))
    return [CalendarItem(
        source="monitoring.campaign_task", key=str(t.pk), title=f"创建任务期限：{t.title}", start=t.deadline,
        end=t.deadline, url=reverse("monitoring:task_detail", args=[t.pk]), region_code=t.region_code,
        school_ids=(t.school_id,) if t.school_id else (),
        detail=f"{t.campaign.name}；责任单位：{t.target_name}" + ("；已完成" if t.done_at else "")) for t in tasks]


# --- key events (大事记) -----------------------------------------------------------------------------------


# --- year figures (年度工作总结) ----------------------------------------------------------------------------


# --- 简报 materials ----------------------------------------------------------------------------------------


# --- archive documents (督导档案) --------------------------------------------------------------------------


def register_year() -> None:
    # plan links

    # calendar items
    register_calendar_source("monitoring.campaign_task", "创建任务", calendar_campaign_tasks)

    # key events

    # year figures

    # 简报 materials

    # archive documents

    return
