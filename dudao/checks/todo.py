"""What checks puts on people's to-do lists (工作台 and GET /api/v1/me/tasks). Registered by register_todo(),
called from registrations.register(). Each source runs a bounded number of queries, scoped by visible_to; see
dudao/inspections/todo.py for the shape. One block per area; append inside your block."""

from django.db.models import Count, Q

from dudao.checks.models import CheckRound, CheckTarget, RoundStatus, TargetStatus
from dudao.core.models import RoleAssignment
from dudao.core.registries import Todo, register_todo_source, url_for_pk
from dudao.core.roles import Role

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
    # annual
    # violations
    # requests
