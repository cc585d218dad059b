"""What monitoring gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

from dudao.core.registries import CalendarItem, register_calendar_source, url_for_pk
from dudao.monitoring.models import CampaignTask

# --- plan links (工作要点) ----------------------------------------------------------------------------------


# --- calendar items (行事历) -------------------------------------------------------------------------------

def calendar_campaign_tasks(user, start, end):
    """Each 创建 task's deadline, for the office and the department or school responsible for it."""
    rows = (CampaignTask.objects.visible_to(user).filter(deadline__range=(start, end))
            .values_list("pk", "title", "deadline", "done_at", "region_code", "school_id", "campaign__name",
                         "school__name", "unit__name"))
    url = url_for_pk("monitoring:task_detail")
    return [CalendarItem(
        source="monitoring.campaign_task", key=str(pk), title=f"创建任务期限：{title}", start=deadline, end=deadline,
        url=url(pk), region_code=region, school_ids=(school_id,) if school_id else (),
        detail=f"{campaign}；责任单位：{school or unit}" + ("；已完成" if done else ""))
        for pk, title, deadline, done, region, school_id, campaign, school, unit in rows]


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
