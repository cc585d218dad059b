"""What research puts on people's to-do lists (工作台 and GET /api/v1/me/tasks), registered by register_todo(). Each
source runs a bounded number of queries, scoped by visible_to; see dudao/checks/todo.py for the shape. One block per
area: put imports at the top of the file, your functions in your block, your registration in register_todo()."""

import datetime

from dudao.core.models import RoleAssignment
from dudao.core.policy import policy_value
from dudao.core.registries import Todo, register_todo_source, url_for_pk
from dudao.core.roles import Role
from dudao.research.models import CallEntry, CallEntryStatus, CallExpert, CallStatus, EntryScore, ResearchCall
from dudao.research.selectors import calls as call_selectors
from dudao.research.selectors import projects as project_selectors

# ---- calls ----


def calls_to_score(user, today) -> list[Todo]:
    """An expert's calls in 评审中 where entries assigned to them (their categories, recusal applied) are not
    scored yet. Five queries whatever the number of calls."""
    expert = call_selectors.expert_of(user)
    if expert is None:
        return []
    assignments = {a.call_id: a for a in expert_assignments(expert)}
    if not assignments:
        return []
    entries = list(CallEntry.objects.filter(call_id__in=assignments, status=CallEntryStatus.SUBMITTED)
                   .select_related("school", "call"))
    done = set(EntryScore.objects.filter(expert=expert, entry__in=entries).values_list("entry_id", flat=True))
    ctx = call_selectors.conflict_context([expert])
    todo: dict[int, int] = {}
    for e in entries:
        a = assignments[e.call_id]
        if (a.categories and e.category not in a.categories) or e.pk in done \
                or call_selectors.conflict_reason(e, expert, ctx):
            continue
        todo[e.call_id] = todo.get(e.call_id, 0) + 1
    url = url_for_pk("research:call_score_list")
    return [Todo(kind="research.call_score", title=f"评审征集作品（待评 {n} 件）", object=assignments[pk].call.title,
                 url=url(pk), due=None, key=f"research.call:{pk}:score", region_code=assignments[pk].call.region_id)
            for pk, n in todo.items()]


def expert_assignments(expert):
    return (CallExpert.objects.filter(expert=expert, call__status=CallStatus.REVIEWING)
            .select_related("call").order_by("call__deadline"))


def calls_closing(user, today) -> list[Todo]:
    """Open calls the user may enter, closing within research.call_deadline_soon_days, they have not entered yet.
    At most 20 calls are looked at (each asks who may enter: three queries)."""
    soon = int(policy_value("research.call_deadline_soon_days"))
    calls = list(ResearchCall.objects.visible_to(user).filter(
        status=CallStatus.OPEN, opens_on__lte=today, deadline__gte=today,
        deadline__lte=today + datetime.timedelta(days=soon)).exclude(entries__submitter_id=user.pk)
        .select_related("region").order_by("deadline", "id")[:20])
    url = url_for_pk("research:call_detail")
    return [Todo(kind="research.call_enter", title="征集评选即将截止，可提交作品", object=c.title, url=url(c.pk),
                 due=c.deadline, key=f"research.call:{c.pk}:enter:{user.pk}", region_code=c.region_id)
            for c in calls if call_selectors.submit_options(user, c)]


def calls_to_rank(user, today) -> list[Todo]:
    """The office of the call's own region: open calls past their deadline (start the review) and calls in 评审中
    (rate them once the experts are done)."""
    regions = RoleAssignment.objects.filter(user=user, role=Role.OFFICE).values("region_id")
    calls = list(ResearchCall.objects.visible_to(user).filter(region_id__in=regions).filter(
        status__in=[CallStatus.OPEN, CallStatus.REVIEWING]).order_by("deadline", "id"))
    url = url_for_pk("research:call_detail")
    out = []
    for c in calls:
        if c.status == CallStatus.OPEN and c.deadline < today:
            out.append(Todo(kind="research.call_review", title="征集已截止，进入评审", object=c.title, url=url(c.pk),
                            due=c.deadline + datetime.timedelta(days=1), key=f"research.call:{c.pk}:review",
                            region_code=c.region_id))
        elif c.status == CallStatus.REVIEWING:
            out.append(Todo(kind="research.call_rate", title="汇总评分、评定奖项", object=c.title, url=url(c.pk),
                            due=None, key=f"research.call:{c.pk}:rate", region_code=c.region_id))
    return out

# ---- projects ----


def project_milestones_due(user, today) -> list[Todo]:
    """课题: the user's open milestones (as owner or member with an account) due within
    `research.project_todo_days` days or overdue. Two queries."""
    days = int(policy_value("research.project_todo_days"))
    url = url_for_pk("research:project_detail")
    return [Todo(kind="research.project_milestone", title=f"提交课题{m.title}" if m.status == "pending"
                 else f"修改后重新提交{m.title}", object=m.project.title, url=url(m.project_id), due=m.due_on,
                 key=f"research.milestone:{m.pk}:submit", region_code=m.project.region_id)
            for m in project_selectors.open_milestones_for_owner(user, today, days)]


def project_milestones_to_review(user, today) -> list[Todo]:
    """课题: submitted milestones the office reviews (no due date: as soon as possible)."""
    url = url_for_pk("research:project_detail")
    return [Todo(kind="research.project_review", title=f"评审课题{m.title}", object=m.project.title,
                 url=url(m.project_id), due=None, key=f"research.milestone:{m.pk}:review",
                 region_code=m.project.region_id)
            for m in project_selectors.submitted_for_office(user)]


def register_todo() -> None:
    # calls
    register_todo_source("research.call_score", "征集作品评审", calls_to_score, roles=(Role.EXPERT,),
                         list_url="research:call_list")
    register_todo_source("research.call_enter", "征集评选投稿", calls_closing,
                         roles=(Role.INSPECTOR, Role.SCHOOL, Role.OFFICE), list_url="research:call_list")
    register_todo_source("research.call_rank", "征集评选评审与评定", calls_to_rank, roles=(Role.OFFICE,),
                         list_url="research:call_list")
    # projects
    register_todo_source("research.project_milestone", "课题节点", project_milestones_due,
                         roles=(Role.OFFICE, Role.LEADER, Role.INSPECTOR, Role.SCHOOL), list_url="research:project_list")
    register_todo_source("research.project_review", "课题评审", project_milestones_to_review, roles=(Role.OFFICE,),
                         list_url="research:project_list")
