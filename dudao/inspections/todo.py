"""What inspections puts on people's to-do lists (工作台 and GET /api/v1/me/tasks). Registered by register_todo(),
called from registrations.register(). Each source runs a bounded number of queries, scoped by visible_to."""

import datetime

from django.db.models import Count, Q

from dudao.core.dates import local_date
from dudao.core.models import RoleAssignment
from dudao.core.policy import PolicyTable
from dudao.core.registries import Todo, register_todo_source, url_for_pk
from dudao.core.roles import Role
from dudao.frameworks.scoring import build_tree
from dudao.inspections.models import Appeal, Inspection, InspectionStage, Target, TeamMember
from dudao.inspections.services import SCORING_STAGES


def _office_regions(user) -> set[str]:
    """The regions the user is the office of, exactly: the county's office does this work, not the city's office
    above it (which may read the county's records, but has its own list)."""
    return set(RoleAssignment.objects.filter(user=user, role=Role.OFFICE).values_list("region_id", flat=True))


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


# ---- area "todo-b": the target's self-assessment, the office's review of materials and answers to appeals ----

TARGET_RELATED = ("inspection", "school", "unit", "group", "centre", "project")


def _own_side_q(user) -> Q:
    """Targets that are the user's own side (services.fills_for): their school or unit by a school/unit role (not
    an inspector's assigned schools), the group whose lead school is theirs, the centre or project they contact."""
    rows = list(RoleAssignment.objects.filter(user=user, role__in=[Role.SCHOOL, Role.UNIT])
                .values_list("school_id", "unit_id"))
    schools = {s for s, _u in rows if s}
    units = {u for _s, u in rows if u}
    return (Q(school_id__in=schools) | Q(unit_id__in=units) | Q(group__lead_school_id__in=schools)
            | Q(centre__contact=user) | Q(project__contact=user))


def _scored_leaves(definition) -> int:
    """Check points a self-assessment scores (text check points carry no score)."""
    return sum(1 for n in build_tree(definition).leaves if (n.rule or {}).get("kind") != "text")


def self_assessments(user, today) -> list[Todo]:
    """自评: targets of projects in 自评中 that are the user's own side, until every scored check point has a
    self-score and a report or evidence file is in. The project has no separate self-assessment deadline: due is
    its end date (the office closes 自评中 before that)."""
    # The user's own side is always in their scope (visible_to's scope_q and own_q name the same targets), so the
    # filter on it alone keeps to their objects and saves the scope's subquery.
    targets = list(Target.objects.filter(_own_side_q(user), inspection__stage=InspectionStage.SELF)
                   .select_related("inspection__framework", *TARGET_RELATED[1:])
                   .annotate(self_scores=Count("scores__leaf", filter=Q(scores__is_self=True), distinct=True),
                             files=Count("materials", distinct=True))
                   .order_by("inspection__ends_on", "inspection_id", "id"))
    needed: dict[int, int] = {}
    url = url_for_pk("inspections:target")
    todos = []
    for target in targets:
        inspection = target.inspection
        if inspection.pk not in needed:
            needed[inspection.pk] = _scored_leaves(inspection.framework.definition)
        total = needed[inspection.pk]
        has_report = bool(target.self_report.strip()) or target.files > 0
        if target.self_scores >= total and has_report:
            continue
        if target.self_scores < total:
            title = f"填写自评（已自评 {target.self_scores}/{total} 项）"
        else:
            title = "提交自评报告和佐证材料"
        todos.append(Todo(kind="inspections.self", title=title, object=f"{target} · {inspection.name}",
                          url=url(target.pk), due=inspection.ends_on, key=f"inspections.target:{target.pk}:self",
                          region_code=target.region_code))
    return todos


def materials_to_review(user, today) -> list[Todo]:
    """材料审核: targets of projects in 材料审核 of the user's office regions whose materials have no review yet.
    Due: the project's end date."""
    # Only the projects of the counties the user is the office of: inside what visible_to gives the office role.
    targets = (Target.objects.filter(inspection__county_id__in=_office_regions(user),
                                     inspection__stage=InspectionStage.REVIEW, reviewed_at__isnull=True)
               .select_related(*TARGET_RELATED).order_by("inspection__ends_on", "inspection_id", "id"))
    url = url_for_pk("inspections:target")
    return [Todo(kind="inspections.review", title="审核自评材料", object=f"{t} · {t.inspection.name}", url=url(t.pk),
                 due=t.inspection.ends_on, key=f"inspections.target:{t.pk}:review", region_code=t.region_code)
            for t in targets]


def appeals_to_answer(user, today) -> list[Todo]:
    """申辩: appeals of the user's office regions not answered yet. Due: the end of the appeal window (the
    意见书 can be issued only once it has passed and every appeal is answered)."""
    appeals = list(Appeal.objects.filter(target__inspection__county_id__in=_office_regions(user),
                                         responded_at__isnull=True)
                   .select_related(*(f"target__{f}" for f in TARGET_RELATED)).order_by("submitted_at", "id"))
    days = PolicyTable(["inspections.appeal_days"])
    url = url_for_pk("inspections:target")
    todos = []
    for appeal in appeals:
        target, inspection = appeal.target, appeal.target.inspection
        since = inspection.stage_since or appeal.submitted_at
        due = local_date(since) + datetime.timedelta(days=int(days.get("inspections.appeal_days", inspection.county_id)))
        todos.append(Todo(kind="inspections.appeal", title="答复申辩", object=f"{target} · {inspection.name}",
                          url=url(target.pk), due=due, key=f"inspections.appeal:{appeal.pk}",
                          region_code=target.region_code))
    return todos


def register_todo() -> None:
    register_todo_source("inspections.score", "督导评估评分", targets_to_score,
                         roles=(Role.EXPERT, Role.INSPECTOR, Role.OFFICE),
                         list_url="inspections:list")
    # area "todo-b"
    register_todo_source("inspections.self", "督导评估自评", self_assessments, roles=(Role.SCHOOL, Role.UNIT),
                         list_url="inspections:list")
    register_todo_source("inspections.review", "自评材料审核", materials_to_review, roles=(Role.OFFICE,),
                         list_url="inspections:list")
    register_todo_source("inspections.appeal", "申辩答复", appeals_to_answer, roles=(Role.OFFICE,),
                         list_url="inspections:list")
