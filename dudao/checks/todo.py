"""What checks puts on people's to-do lists (工作台 and GET /api/v1/me/tasks). Registered by register_todo(),
called from registrations.register(). Each source runs a bounded number of queries, scoped by visible_to; see
dudao/inspections/todo.py for the shape. One block per area; append inside your block."""

import datetime

from django.db.models import Count, Q

from dudao.checks import todo_violations
from dudao.checks.models import (
    CheckRound,
    CheckTarget,
    RequestOutcome,
    RequestStatus,
    RoundStatus,
    SupervisionRequest,
    TargetStatus,
)
from dudao.checks.selectors import institutions as institution_selectors
from dudao.checks.todo_annual import register_annual_todo
from dudao.core.dates import local_date
from dudao.core.models import RoleAssignment
from dudao.core.policy import PolicyTable
from dudao.core.registries import Todo, register_todo_source, url_for_pk
from dudao.core.roles import Role
from dudao.core.scope import prefix_q


# ---- registry: institutions flagged for the office (licence expired or missing, 年检 不合格 twice, 白名单 removed)
def institutions_flagged(user, today) -> list[Todo]:
    """One item per flagged institution, to the office of its own county only (not the city's office above it);
    no due date. Two queries: the user's office regions, the flagged institutions with their figures."""
    regions = set(RoleAssignment.objects.filter(user=user, role=Role.OFFICE).values_list("region_id", flat=True))
    url = url_for_pk("dashboard:school_detail")
    return [Todo(kind="checks.institution_flag", title="核查机构预警：" + "、".join(row.flag_labels),
                 object=row.school.name, url=url(row.school.pk), due=None,
                 key=f"checks.institution:{row.school.pk}:flag", region_code=row.school.region_id)
            for row in institution_selectors.flagged_for_offices(regions, today)]


# requests


def requests_to_decide(user, today) -> list[Todo]:
    """因需督导: requests of the counties the user is the office of (exactly: not a city office above them) not
    decided yet. Due: submitted + checks.request_answer_days."""
    counties = set(RoleAssignment.objects.filter(user=user, role=Role.OFFICE).values_list("region_id", flat=True))
    counties = {c for c in counties if len(c) == 6 and not c.endswith("00")}
    if not counties:
        return []
    rows = list(SupervisionRequest.objects.filter(status=RequestStatus.SUBMITTED)
                .filter(prefix_q("region_code", sorted(counties)))
                .select_related("topic", "school", "unit").order_by("submitted_at", "id"))
    days = PolicyTable(["checks.request_answer_days"])
    url = url_for_pk("checks:request_detail")
    return [Todo(kind="checks.request_decide", title="处理督导申请", object=f"{r.target_name} · {r}", url=url(r.pk),
                 due=local_date(r.submitted_at) + datetime.timedelta(
                     days=int(days.get("checks.request_answer_days", r.region_code[:6]))),
                 key=f"checks.request:{r.pk}:decide", region_code=r.region_code) for r in rows]


def requests_to_visit(user, today) -> list[Todo]:
    """因需督导: accepted requests given to the user as the inspector who visits (outcome visit). Due: due_on."""
    rows = (SupervisionRequest.objects.filter(status=RequestStatus.ACCEPTED, outcome=RequestOutcome.VISIT,
                                              inspector__user_id=user.pk)
            .select_related("topic", "school", "unit").order_by("due_on", "id"))
    url = url_for_pk("checks:request_detail")
    return [Todo(kind="checks.request_visit", title="因需督导：到校专项督导", object=f"{r.target_name} · {r}",
                 url=url(r.pk), due=r.due_on, key=f"checks.request:{r.pk}:visit", region_code=r.region_code)
            for r in rows]
# ---- rounds ------------------------------------------------------------------------------------------------------


def rounds_overdue(user, today) -> list[Todo]:
    """Office: its own region's open rounds past their end date with targets not yet checked (close them or chase
    the inspectors). Only the office of the round's own region, not the one above it."""
    regions = RoleAssignment.objects.filter(user=user, role=Role.OFFICE).values("region_id")
    rounds = (CheckRound.objects.visible_to(user).filter(region_id__in=regions, status=RoundStatus.OPEN,
                                                         ends_on__lt=today)
              .annotate(pending=Count("targets", filter=Q(targets__status=TargetStatus.PENDING)))
              .filter(pending__gt=0).order_by("ends_on", "id"))
    url = url_for_pk("checks:round_detail")
    return [Todo(kind="checks.round_overdue", title=f"专项检查已过结束日期（{r.pending} 所未检查）", object=r.title,
                 url=url(r.pk) + "?status=pending", due=r.ends_on, key=f"checks.round:{r.pk}:overdue",
                 region_code=r.region_id) for r in rounds]


def targets_to_check(user, today) -> list[Todo]:
    """Inspector: their targets not yet checked in open rounds; due the round's end date."""
    targets = (CheckTarget.objects.filter(inspector__user_id=user.pk, status=TargetStatus.PENDING,
                                          round__status=RoundStatus.OPEN)
               .select_related("round", "school").order_by("round__ends_on", "round_id", "school__name"))
    url = url_for_pk("checks:round_detail")
    return [Todo(kind="checks.target_check", title="专项检查：到校填写检查清单", object=f"{t.school.name} · {t.round.title}",
                 url=url(t.round_id), due=t.round.ends_on, key=f"checks.target:{t.pk}:check", region_code=t.region_code)
            for t in targets]


def register_todo() -> None:
    # rounds
    register_todo_source("checks.rounds_overdue", "专项检查逾期", rounds_overdue, roles=(Role.OFFICE,),
                         list_url="checks:round_list")
    register_todo_source("checks.targets", "专项检查", targets_to_check, roles=(Role.INSPECTOR,),
                         list_url="checks:round_list")
    # fill
    # registry
    register_todo_source("checks.institution_flag", "民办机构预警", institutions_flagged, roles=(Role.OFFICE,), list_url="checks:institution_list")
    # annual
    register_annual_todo()
    # violations
    register_todo_source("checks.violation_verify", "违规行为核查", todo_violations.to_verify, roles=(Role.OFFICE,), list_url="checks:violation_list")
    register_todo_source("checks.violation_decide", "违规行为处理决定", todo_violations.to_decide, roles=(Role.UNIT,), list_url="checks:violation_list")
    register_todo_source("checks.violation_close", "违规查处办结", todo_violations.to_close, roles=(Role.OFFICE,), list_url="checks:violation_list")
    # requests
    register_todo_source("checks.request_decide", "督导申请待处理", requests_to_decide, roles=(Role.OFFICE,),
                         list_url="checks:request_list")
    register_todo_source("checks.request_visit", "因需督导待督导", requests_to_visit, roles=(Role.INSPECTOR,),
                         list_url="checks:request_list")
