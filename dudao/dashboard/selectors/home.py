"""What each role's home page shows, read through the other apps' scoped selectors."""

from django.db.models import Count, Q, Sum

from dudao.core.models import Role
from dudao.core.scope import scope_for
from dudao.core.selectors import audit_list
from dudao.frameworks.scoring import build_tree
from dudao.inspections.models import Inspection, InspectionStage, Target, TeamMember
from dudao.inspections.services import SCORING_STAGES
from dudao.regions.selectors import unit_list
from dudao.schools.models import SchoolType
from dudao.schools.selectors import school_list


def home_summary(user) -> dict:
    """Counts by school type, totals and recent changes for office/leader/admin; own objects for others."""
    scope = scope_for(user)
    schools = school_list(user)
    summary: dict = {"scope": scope, "roles": sorted(scope.roles)}
    if scope.everything or scope.has_role(Role.OFFICE, Role.LEADER):
        by_type = dict(schools.values_list("school_type").annotate(n=Count("id")).order_by())
        totals = schools.aggregate(
            preschool=Sum("students_preschool"), primary=Sum("students_primary"),
            junior=Sum("students_junior"), senior=Sum("students_senior"),
        )
        summary.update({
            "overview": True,
            "school_count": sum(by_type.values()),
            "by_type": [(label, by_type.get(value, 0)) for value, label in SchoolType.choices],
            "students": {k: v or 0 for k, v in totals.items()},
            "unit_count": unit_list(user).count(),
        })
    if scope.everything or scope.has_role(Role.OFFICE):
        summary["recent_audit"] = list(audit_list(user)[:8])
    if scope.school_ids:
        summary["own_schools"] = list(schools.filter(pk__in=scope.school_ids)[:50])
    if scope.unit_ids:
        summary["own_units"] = list(unit_list(user).filter(pk__in=scope.unit_ids))
    summary["team_targets"] = team_targets(user)
    return summary


def team_targets(user, limit: int = 50) -> list:
    """The inspection targets this user scores as a team member (experts and inspectors are assigned per
    target, not per school) in projects not yet past 意见反馈, scoring stages first, with how many of their
    check points they have scored."""
    done = [InspectionStage.ISSUED, InspectionStage.RECTIFYING, InspectionStage.RECHECKED, InspectionStage.ARCHIVED]
    running = Inspection.objects.visible_to(user).exclude(stage__in=done)
    targets = list(Target.objects.filter(team__user=user, inspection__in=running)
                   .select_related("inspection__framework", "school", "unit", "group", "centre", "project")
                   .annotate(my_scores=Count("scores", filter=Q(scores__scorer=user, scores__is_self=False)))
                   .order_by("-inspection__starts_on", "inspection_id", "region_code", "id")[:limit])
    assigned = dict(TeamMember.objects.filter(user=user, target__in=[t.pk for t in targets])
                    .values_list("target_id", "leaves"))
    leaves: dict[int, int] = {}
    for target in targets:
        inspection = target.inspection
        if inspection.pk not in leaves:
            leaves[inspection.pk] = len(build_tree(inspection.framework.definition).leaves)
        target.my_total = len(assigned.get(target.pk) or []) or leaves[inspection.pk]
        target.scoring_open = inspection.stage in SCORING_STAGES
    return sorted(targets, key=lambda t: not t.scoring_open)
