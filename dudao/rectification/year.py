"""What rectification gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

from dudao.core.registries import CalendarItem, register_calendar_source, url_for_pk
from dudao.rectification.models import NoticeStatus, OrderStatus, RectificationNotice, SupervisionOrder

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


# --- year figures (年度工作总结) ----------------------------------------------------------------------------


# --- 简报 materials ----------------------------------------------------------------------------------------


# --- archive documents (督导档案) --------------------------------------------------------------------------


def register_year() -> None:
    # plan links

    # calendar items
    register_calendar_source("rectification.notice", "整改期限", calendar_notice_deadlines)
    register_calendar_source("rectification.order", "督办期限", calendar_order_deadlines)

    # key events

    # year figures

    # 简报 materials

    # archive documents

    return
