"""What workforce puts on people's to-do lists (工作台 and GET /api/v1/me/tasks), registered by register_todo(). Each
source runs a bounded number of queries, scoped by visible_to; see dudao/checks/todo.py for the shape. One block per
area: put imports at the top of the file, your functions in your block, your registration in register_todo()."""

import datetime

from django.db.models import Count, Q

from dudao.core.registries import Todo, register_todo_source, url_for_pk
from dudao.core.roles import Role
from dudao.core.scope import prefix_q
from dudao.workforce.models import AppointmentBatch, AppointmentStatus, CandidateStatus
from dudao.workforce.selectors import appointments as appointment_selectors

# ---- training ----

# ---- appointments ----


def appointment_todos(user, today) -> list[Todo]:
    """督学聘任, to the office of the batch's county (exactly: not a city office above it), two queries:
    资格审核 with candidates still undecided, 公示 ending (任命 is possible the day after), objections to handle."""
    counties = appointment_selectors.office_counties(user)
    if not counties:
        return []
    rows = (AppointmentBatch.objects.filter(status__in=[AppointmentStatus.REVIEWING, AppointmentStatus.PUBLICITY])
            .filter(prefix_q("region_code", counties))
            .annotate(n_flagged=Count("candidates", filter=Q(candidates__status=CandidateStatus.FLAGGED), distinct=True),
                      n_open=Count("objections", filter=Q(objections__upheld__isnull=True), distinct=True))
            .order_by("created_at", "id"))
    url = url_for_pk("workforce:appointment_detail")
    items = []
    for b in rows:
        if b.status == AppointmentStatus.REVIEWING:
            what = f"{b.n_flagged} 名候选人不符合条件待定" if b.n_flagged else "审核完毕，可发布公示"
            items.append(Todo(kind="workforce.appointment_review", title="督学选聘资格审核", object=f"{b.title} · {what}",
                              url=url(b.pk), key=f"workforce.appointment:{b.pk}:review", region_code=b.region_code))
            continue
        if b.n_open:
            items.append(Todo(kind="workforce.appointment_objection", title="处理督学聘任公示异议",
                              object=f"{b.title} · {b.n_open} 条异议", url=url(b.pk), due=b.publicity_end,
                              key=f"workforce.appointment:{b.pk}:objections", region_code=b.region_code))
        items.append(Todo(kind="workforce.appointment_appoint", title="公示期满后任命督学",
                          object=f"{b.title} · 公示至{b.publicity_end.month}月{b.publicity_end.day}日",
                          url=url(b.pk), due=b.publicity_end + datetime.timedelta(days=1),
                          key=f"workforce.appointment:{b.pk}:appoint", region_code=b.region_code))
    return items


# ---- allowances ----


def register_todo() -> None:
    # training
    # appointments
    register_todo_source("workforce.appointments", "督学聘任", appointment_todos, roles=(Role.OFFICE,),
                         list_url="workforce:appointment_list")
    # allowances
    pass
