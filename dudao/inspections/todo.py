"""What inspections puts on people's to-do lists (工作台 and GET /api/v1/me/tasks). Registered by register_todo(),
called from registrations.register(). Each source runs a bounded number of queries, scoped by visible_to."""

from django.db.models import Count, Q

from dudao.core.registries import Todo, register_todo_source, url_for_pk
from dudao.core.roles import Role
from dudao.frameworks.scoring import build_tree
from dudao.inspections.models import Inspection, Target, TeamMember
from dudao.inspections.services import SCORING_STAGES


def targets_to_score(user, today) -> list[Todo]:
    """督导评估评分: targets where the user is a team member, the project is in a scoring stage, and the user has
    not scored every check point assigned to them (all leaves when none are). Due: the project's end date."""
    running = Inspection.objects.visible_to(user).filter(stage__in=SCORING_STAGES)
    targets = list(Target.objects.filter(team__user=user, inspection__in=running)
                   .select_related("inspection__framework", "school", "unit", "group", "centre", "project")
                   .annotate(my_scores=Count("scores", filter=Q(scores__scorer=user, scores__is_self=False)))
                   .order_by("inspection__ends_on", "inspection_id", "id"))
    assigned = dict(TeamMember.objects.filter(user=user, target__in=[t.pk for t in targets])
                    .values_list("target_id", "leaves"))
    leaves: dict[int, int] = {}
    url = url_for_pk("inspections:target")
    todos = []
    for target in targets:
        inspection = target.inspection
        if inspection.pk not in leaves:
            leaves[inspection.pk] = len(build_tree(inspection.framework.definition).leaves)
        total = len(assigned.get(target.pk) or []) or leaves[inspection.pk]
        if target.my_scores >= total:
            continue
        todos.append(Todo(kind="inspections.score", title=f"督导评估评分（已评 {target.my_scores}/{total} 项）",
                          object=f"{target} · {inspection.name}", url=url(target.pk), due=inspection.ends_on,
                          key=f"inspections.target:{target.pk}:score", region_code=target.region_code))
    return todos


def register_todo() -> None:
    register_todo_source("inspections.score", "督导评估评分", targets_to_score,
                         roles=(Role.EXPERT, Role.INSPECTOR, Role.OFFICE))
    # further sources (self-assessments and materials due…): area "todo-b"
