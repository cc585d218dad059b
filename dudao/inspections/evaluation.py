"""A target's evaluation from its recorded scores (read by services, selectors and opinions)."""

from dudao.frameworks.scoring import build_tree, evaluate
from dudao.inspections.models import Target, TeamRole


def target_evaluation(target: Target):
    """The engine's evaluation of one target from its recorded scores (experts', the leader's and its own)."""
    tree = build_tree(target.inspection.framework.definition)
    experts: dict[str, list] = {}
    leader: dict[str, str] = {}
    own: dict[str, str] = {}
    leader_ids = set(target.team.filter(role=TeamRole.LEADER).values_list("user_id", flat=True))
    for leaf, value, scorer, is_self in target.scores.values_list("leaf", "value", "scorer_id", "is_self"):
        if leaf not in tree.nodes:
            continue
        if is_self:
            own[leaf] = value
            continue
        experts.setdefault(leaf, []).append(value)
        if scorer in leader_ids:
            leader[leaf] = value
    return evaluate(tree, experts, leader, own)
