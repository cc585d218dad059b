"""Reads for inspections, scoped: projects through visible_to(user); a target only if its project is visible
and the user is the county's office or leader, on its team, or the target itself."""

from collections import Counter

from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.http import Http404

from dudao.core.models import Role, RoleAssignment
from dudao.core.scope import holds_role_in, scope_for
from dudao.frameworks.scoring import build_tree
from dudao.frameworks.selectors import rule_text
from dudao.frameworks.sources import resolve_indicator
from dudao.inspections.evaluation import target_evaluation
from dudao.inspections.models import (
    INSPECTION_WORKFLOW,
    Inspection,
    InspectionStage,
    Score,
    Target,
    TeamMember,
)
from dudao.inspections.opinions import DRAFT_STAGES
from dudao.inspections.services import (
    SCORING_STAGES,
    TARGET_STAGES,
    TEAM_STAGES,
    recusal_reason,
)
from dudao.inspections.targets import TARGET_RELATED, fills_for, owned_targets_q, target_filter
from dudao.people.models import Expert, Inspector
from dudao.rectification.models import Finding

RESULT_STAGES = {InspectionStage.FEEDBACK, InspectionStage.ISSUED, InspectionStage.RECTIFYING, InspectionStage.RECHECKED, InspectionStage.ARCHIVED}


def inspection_list(user):
    return (Inspection.objects.visible_to(user).select_related("county", "framework")
            .annotate(target_count=Count("targets", distinct=True)))


def is_office(user, inspection: Inspection) -> bool:
    return holds_role_in(user, inspection.county_id, Role.OFFICE)


def sees_all_targets(user, inspection: Inspection) -> bool:
    return holds_role_in(user, inspection.county_id, Role.OFFICE, Role.LEADER)


def targets_for(user, inspection: Inspection):
    targets = inspection.targets.select_related(*TARGET_RELATED, "group__lead_school").annotate(
        team_size=Count("team", distinct=True), expert_scores=Count("scores", filter=Q(scores__is_self=False)))
    if sees_all_targets(user, inspection):
        return targets
    scope = scope_for(user)
    return targets.filter(Q(team__user=user) | owned_targets_q(scope, user)).distinct()


def target_for(user, pk: int) -> Target:
    target = Target.objects.select_related("inspection__framework", "inspection__county", *TARGET_RELATED).filter(
        pk=pk).first()
    if target is None or not targets_for(user, target.inspection).filter(pk=target.pk).exists():
        raise Http404("未找到该对象，或您无权查看。")
    return target


# ---- business rules shared by pages and API: who is the target, what may this user do next ---------------

def is_self_assessment(user, target: Target) -> bool:
    """The target's own users during 自评: they score (and submit materials) as the target itself."""
    return fills_for(user, target) \
        and target.inspection.stage == InspectionStage.SELF


# action → who may take it: "office" (the county's office), "own" (the target's own users), "team" (its team).
# Someone without the role gets 404 from the action's view; with it, the service explains a wrong stage.
TARGET_ACTION_ROLES = {"self_score": "own", "materials": "own", "appeal": "own", "score": "team",
                       "review": "office", "appeal_respond": "office", "opinion": "office"}
PROJECT_ACTIONS = ("advance", "number", "targets", "team", "batch", "batch_retry")  # all the office's


def target_roles(user, target: Target) -> set[str]:
    """The user's relations to a target: office, own, team (a member not recused from it)."""
    roles = set()
    if is_office(user, target.inspection):
        roles.add("office")
    if fills_for(user, target):
        roles.add("own")
    if getattr(user, "is_authenticated", False) and TeamMember.objects.filter(target=target, user=user).exists() \
            and not recusal_reason(user, target):
        roles.add("team")
    return roles


def target_actions(user, target: Target, roles: set[str] | None = None) -> frozenset[str]:
    """What this user may do on this target now (its stage): the buttons the page shows."""
    roles = target_roles(user, target) if roles is None else roles
    stage = target.inspection.stage
    now = {"self_score": stage == InspectionStage.SELF, "materials": stage == InspectionStage.SELF,
           "appeal": stage == InspectionStage.FEEDBACK, "score": stage in SCORING_STAGES,
           "review": stage == InspectionStage.REVIEW, "appeal_respond": True, "opinion": stage in DRAFT_STAGES}
    return frozenset(a for a, role in TARGET_ACTION_ROLES.items() if role in roles and now[a])


def may_take_target_action(user, target: Target, action: str) -> bool:
    """Has the user the role for this action on this target (whatever the stage)? A view answers 404 if not."""
    return TARGET_ACTION_ROLES[action] in target_roles(user, target)


def may_download_opinion(user, target: Target, opinion) -> bool:
    """The 意见书: the office and leaders of the county any time, the target's own users once it is issued."""
    return opinion is not None and (sees_all_targets(user, target.inspection) or (
        bool(opinion.issued_at) and fills_for(user, target)))


def project_actions(user, inspection: Inspection, *, has_targets: bool = True) -> frozenset[str]:
    """What this user may do on this project now: nothing unless the county's office, then by stage."""
    if not is_office(user, inspection):
        return frozenset()
    stage = inspection.stage
    now = {"advance": bool(INSPECTION_WORKFLOW.allowed_from(stage)), "number": True, "targets": stage in TARGET_STAGES,
           "team": stage in TEAM_STAGES and has_targets, "batch": stage in RESULT_STAGES, "batch_retry": True}
    return frozenset(a for a in PROJECT_ACTIONS if now[a])


def next_stages(inspection: Inspection) -> list[tuple[str, str]]:
    """The stages the project may move to: forward first, then the move back (which needs a reason)."""
    return sorted(((s, INSPECTION_WORKFLOW.label(s)) for s in INSPECTION_WORKFLOW.allowed_from(inspection.stage)),
                  key=lambda pair: INSPECTION_WORKFLOW.is_backward(inspection.stage, pair[0]))


def score_sheet(target: Target, user, is_self: bool) -> list[dict]:
    """The rows of a scoring form: every leaf this user may score (all for the target's own self-assessment),
    with its rule, the choices, and the value already recorded."""
    tree = build_tree(target.inspection.framework.definition)
    member = None if is_self else TeamMember.objects.filter(target=target, user=user).first()
    if not is_self and (member is None or recusal_reason(user, target)):
        return []
    mine = dict(Score.objects.filter(target=target, scorer=user, is_self=is_self).values_list("leaf", "value"))
    evidence: dict[str, list] = {}
    for item in target.leaf_evidence.select_related("file"):
        evidence.setdefault(item.leaf, []).append(item.file)
    notes = dict(Score.objects.filter(target=target, scorer=user, is_self=is_self).values_list("leaf", "note"))
    rows = []
    for node in tree.leaves:
        rule = node.rule or {}
        if rule.get("kind") == "text" or (member and member.leaves and node.code not in member.leaves):
            continue
        path, parent = [], node.parent
        while parent:
            path.insert(0, tree.nodes[parent].name)
            parent = tree.nodes[parent].parent
        choices = list(rule["levels"]) if rule.get("kind") == "levels" else \
            ["达标", "不达标"] if rule.get("kind") == "yesno" else []
        row = {"code": node.code, "name": node.name, "path": " › ".join(path), "rule": rule_text(rule),
               "kind": rule.get("kind"), "max": rule.get("max"), "choices": choices, "veto": node.veto,
               "value": mine.get(node.code, ""), "note": notes.get(node.code, ""),
               "evidence": evidence.get(node.code, []), "suggested": "", "source_note": ""}
        if rule.get("source") and target.school_id and not row["value"]:
            # A check point that reads its value from another module (frameworks.sources, e.g. 质量监测):
            # offered in the form with its origin; the scorer keeps or changes it and saves as usual.
            found = resolve_indicator(rule["source"], target.school)
            if found is not None:
                row["suggested"], row["source_note"] = f"{found.value:g}", found.note
        rows.append(row)
    return rows


def evaluation_rows(target: Target, evaluation) -> list[dict]:
    """Each node's score with its leaves' self-vs-expert gap and disagreement, top-down, for the target page."""
    tree = build_tree(target.inspection.framework.definition)
    rows = []
    evidence: dict[str, list] = {}
    for item in target.leaf_evidence.select_related("file"):
        evidence.setdefault(item.leaf, []).append(item.file)

    def walk(code: str, depth: int) -> None:
        node = tree.nodes[code]
        rows.append({"code": code, "name": node.name, "depth": depth, "leaf": node.is_leaf,
                     "evidence": evidence.get(code, []),
                     "score": evaluation.nodes.get(code), "gap": evaluation.gaps.get(code),
                     "disagree": code in evaluation.disagreements, "veto_failed": code in evaluation.vetoed})
        for child in node.children:
            walk(child, depth + 1)

    for root in tree.roots:
        walk(root, 0)
    return rows


def previous_result(user, target: Target) -> dict | None:
    """For a 回访: the same school's or unit's target in the project being followed up, and its findings."""
    previous = target.inspection.previous
    if previous is None:
        return None
    before = previous.targets.filter(**target_filter(target)).first()
    if before is None:
        return None
    findings = Finding.objects.visible_to(user).filter(source_type="inspections.target", source_id=str(before.pk))
    return {"inspection": previous, "target": before, "findings": list(findings)}


def history(user, *, school=None, unit=None) -> list[dict]:
    """Every visible inspection of a school or unit with its result, newest first, and the change since the one
    before of the same framework family (so scores are comparable)."""
    targets = Target.objects.filter(school=school) if school else Target.objects.filter(unit=unit)
    visible = set(Inspection.objects.visible_to(user).values_list("pk", flat=True))
    rows = []
    for t in targets.select_related("inspection__framework").order_by("inspection__starts_on", "id"):
        if t.inspection_id not in visible:
            continue
        shown = t.inspection.stage in RESULT_STAGES
        rows.append({"target": t, "inspection": t.inspection, "score": t.score if shown else None,
                     "level": t.level if shown else "", "family": t.inspection.framework.family})
    last: dict[str, float] = {}
    for row in rows:
        if row["score"] is not None:
            before = last.get(row["family"])
            row["change"] = None if before is None else row["score"] - before
            last[row["family"]] = row["score"]
    return list(reversed(rows))


def _place(ranked: list[dict]) -> None:
    """Competition ranking on the score as shown (one decimal): equal scores share a place (并列), the next
    place skips them (1, 1, 3); a target without a score has no place."""
    for position, row in enumerate(ranked, 1):
        shown = None if row["score"] is None else round(row["score"], 1)
        previous = ranked[position - 2] if position > 1 else None
        if shown is None:
            row["rank"] = None
        elif previous is not None and previous["score"] is not None and round(previous["score"], 1) == shown:
            row["rank"] = previous["rank"]
        else:
            row["rank"] = position


def project_report(inspection: Inspection) -> dict:
    """The 督导报告's content: targets ranked by score, the levels, the average per top-level indicator."""
    tree = build_tree(inspection.framework.definition)
    settings = tree.settings
    ranked, areas = [], {code: [] for code in tree.roots}
    for target in inspection.targets.select_related(*TARGET_RELATED):
        evaluation = target_evaluation(target)
        ranked.append({"name": str(target), "score": evaluation.score, "level": evaluation.level,
                       "vetoed": bool(evaluation.vetoed),
                       "fails": bool(evaluation.vetoed) or evaluation.level == settings["lowest_level"]})
        for code in tree.roots:
            if evaluation.nodes.get(code) is not None:
                areas[code].append(evaluation.nodes[code])
    ranked.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0), r["name"]))
    _place(ranked)
    levels = Counter(r["level"] for r in ranked)
    scored = [r["score"] for r in ranked if r["score"] is not None]
    order = [label for _m, label in settings["levels"]] + [settings["lowest_level"]]
    return {
        "ranked": ranked, "levels": [(label, levels.get(label, 0)) for label in order],
        "areas": [{"code": c, "name": tree.nodes[c].name,
                   "mean": sum(areas[c]) / len(areas[c]) if areas[c] else None} for c in tree.roots],
        "mean": sum(scored) / len(scored) if scored else None, "thresholds": settings["levels"],
        "vetoed": sum(1 for r in ranked if r["vetoed"]),
    }


def team_candidates(inspection: Inspection):
    """Who may be put on a team: inspectors of the county (registry or role), and experts (pool or role)."""
    county = inspection.county_id
    users = set(Inspector.objects.filter(region__code__startswith=county, user__isnull=False)
                .values_list("user_id", flat=True))
    users |= set(Expert.objects.filter(user__isnull=False).values_list("user_id", flat=True))
    users |= set(RoleAssignment.objects.filter(
        Q(role=Role.EXPERT) | Q(role=Role.INSPECTOR) & (Q(region__code__startswith=county)
                                                         | Q(school__region__code__startswith=county))
    ).values_list("user_id", flat=True))
    return get_user_model().objects.filter(pk__in=users, is_active=True).order_by("username")
