"""What rectification gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

from django.urls import reverse

from dudao.core.registries import CalendarItem, register_calendar_source
from dudao.rectification.models import RectificationNotice, SupervisionOrder

# --- plan links (工作要点) ----------------------------------------------------------------------------------


# --- calendar items (行事历) -------------------------------------------------------------------------------

def calendar_notice_deadlines(user, start, end):
    """Each 整改通知书's deadline (due_date), for the office and the school or unit it went to."""
    notices = (RectificationNotice.objects.visible_to(user).filter(due_date__range=(start, end))
               .select_related("school", "unit").only("pk", "number", "due_date", "status", "region_code",
                                                       "school__name", "unit__name"))
    return [CalendarItem(
        source="rectification.notice", key=str(n.pk), title=f"整改期限：{n.target_name}（{n.number}）",
        start=n.due_date, end=n.due_date, url=reverse("rectification:notice_detail", args=[n.pk]),
        region_code=n.region_code, school_ids=(n.school_id,) if n.school_id else (),
        detail=f"{n.target_name}；{n.get_status_display()}") for n in notices]


def calendar_order_deadlines(user, start, end):
    """Each 督办单's deadline, for the office, the competent department and the school or unit concerned."""
    orders = (SupervisionOrder.objects.visible_to(user).filter(due_date__range=(start, end))
              .select_related("department", "notice__school", "notice__unit")
              .only("pk", "number", "due_date", "status", "region_code", "department__name", "notice__school_id",
                    "notice__school__name", "notice__unit__name"))
    return [CalendarItem(
        source="rectification.order", key=str(o.pk), title=f"督办期限：{o.notice.target_name}（{o.number}）",
        start=o.due_date, end=o.due_date, url=reverse("rectification:order_detail", args=[o.pk]),
        region_code=o.region_code, school_ids=(o.notice.school_id,) if o.notice.school_id else (),
        detail=f"主管部门：{o.department.name}；{o.get_status_display()}") for o in orders]


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
