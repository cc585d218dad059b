"""专项检查 reads (issue 23). The summaries below are the contract the round page, the 检查报告, the 通报 and the
cockpit share (outputs and dashboards call them): keep their names and return shapes; make them faster freely."""

from django.db.models import Case, Count, Q, Value, When
from django.http import Http404

from dudao.checks.models import (
    CheckAnswer,
    CheckItem,
    ChecklistTemplate,
    CheckRound,
    CheckTarget,
    RoundStatus,
    RoundTransition,
    TargetStatus,
)
from dudao.core.listing import filter_given
from dudao.core.models import RoleAssignment
from dudao.core.roles import Role
from dudao.core.scope import get_visible_or_404, holds_role_in, prefix_q, region_prefix, scope_for
from dudao.people.models import Inspector, InspectorStatus
from dudao.regions.models import Region


def get_round_for(user, pk) -> CheckRound:
    return get_visible_or_404(CheckRound.objects.select_related("region"), user, pk=pk)


def coverage_summary(check_round: CheckRound) -> dict:
    """{"targets": n, "done": d, "rate": d/n or None, "by_inspector": [{"inspector_id", "name", "targets", "done", "pending"}]}
    (no inspector: name "未安排")."""
    rows = (CheckTarget.objects.filter(round=check_round).order_by().values("inspector_id", "inspector__name")
            .annotate(targets=Count("id"), done=Count("id", filter=Q(status=TargetStatus.DONE)))
            .order_by("inspector__name"))
    by_inspector = [{"inspector_id": r["inspector_id"], "name": r["inspector__name"] or "未安排",
                     "targets": r["targets"], "done": r["done"], "pending": r["targets"] - r["done"]} for r in rows]
    targets, done = sum(r["targets"] for r in by_inspector), sum(r["done"] for r in by_inspector)
    return {"targets": targets, "done": done, "rate": (done / targets) if targets else None,
            "by_inspector": by_inspector}


def failed_by_item(check_round: CheckRound) -> list[dict]:
    """Per checklist item in order: {"item": CheckItem, "answered": n, "failed": f, "settled": s}."""
    items = list(CheckItem.objects.filter(round=check_round).order_by("order", "id"))
    counts = {r["item_id"]: r for r in CheckAnswer.objects.filter(item_id__in=[i.pk for i in items]).order_by()
              .values("item_id").annotate(n_answered=Count("id"), n_failed=Count("id", filter=Q(failed=True)),
                                          n_settled=Count("id", filter=Q(failed=True, settled_on_spot=True)))}
    empty = {"n_answered": 0, "n_failed": 0, "n_settled": 0}
    return [{"item": item, "answered": counts.get(item.pk, empty)["n_answered"],
             "failed": counts.get(item.pk, empty)["n_failed"], "settled": counts.get(item.pk, empty)["n_settled"]}
            for item in items]


def failed_by_town(check_round: CheckRound) -> list[dict]:
    """Per town (the targets' region): {"region_code", "name", "targets", "done", "failed"} (failed = failed
    answers), in region code order."""
    rows = list(CheckTarget.objects.filter(round=check_round).order_by().values("region_code").annotate(
        targets=Count("id"), done=Count("id", filter=Q(status=TargetStatus.DONE))).order_by("region_code"))
    item_ids = CheckItem.objects.filter(round=check_round).values("pk")
    failed = dict(CheckAnswer.objects.filter(item_id__in=item_ids, failed=True).order_by()
                  .values_list("submission__target__region_code").annotate(n=Count("id")))
    names = dict(Region.objects.filter(code__in=[r["region_code"] for r in rows]).values_list("code", "name"))
    return [{**r, "name": names.get(r["region_code"], r["region_code"]), "failed": failed.get(r["region_code"], 0)}
            for r in rows]


def round_photos(check_round: CheckRound, limit: int = 200):
    """The answers with a photo (failed items first), with their target school and item. Two steps: the page's
    answer ids over the answers alone (no joins to plan or hash), then those rows with their relations."""
    item_ids = CheckItem.objects.filter(round=check_round).values("pk")
    order = ("-failed", "item__order", "id")
    ids = list(CheckAnswer.objects.filter(item_id__in=item_ids, photo__isnull=False).order_by(*order)
               .values_list("pk", flat=True)[:limit])
    return (CheckAnswer.objects.filter(pk__in=ids).select_related("photo", "item", "submission__target__school")
            .order_by(*order))


# ---- lists and pages (rounds area) -----------------------------------------------------------------------------

def office_regions(user) -> list[Region]:
    """The regions the user is the office of (administrators: every county), where they may organise rounds."""
    scope = scope_for(user)
    if scope.everything:
        return list(Region.objects.filter(level="county").order_by("code"))
    codes = RoleAssignment.objects.filter(user=user, role=Role.OFFICE, region__isnull=False).values("region_id")
    return list(Region.objects.filter(code__in=codes).order_by("code"))


def may_manage(user, check_round: CheckRound) -> bool:
    return holds_role_in(user, check_round.region_id, Role.OFFICE)


def round_list(user, *, status: str = "", kind: str = "", year: str = "", q: str = ""):
    """Rounds the user sees, with their target counts; an inspector's own pending targets counted (`my_pending`)
    and the rounds holding them first."""
    rounds = filter_given(CheckRound.objects.visible_to(user), status=status, kind=kind)
    if year.lstrip("-").isdigit():
        number = int(year)
        rounds = (rounds.filter(starts_on__year__lte=number, ends_on__year__gte=number) if 1900 <= number <= 2999
                  else rounds.none())
    if q:
        rounds = rounds.filter(title__icontains=q[:64])
    mine = Q(targets__inspector__user_id=user.pk)
    return (rounds.select_related("region")
            .annotate(target_count=Count("targets"),
                      done_count=Count("targets", filter=Q(targets__status=TargetStatus.DONE)),
                      my_targets=Count("targets", filter=mine),
                      my_pending=Count("targets", filter=mine & Q(targets__status=TargetStatus.PENDING,
                                                                  status=RoundStatus.OPEN)))
            .annotate(pending_first=Case(When(my_pending__gt=0, then=Value(0)), default=Value(1)))
            .order_by("pending_first", "-starts_on", "-id"))


def round_for_api(user, pk) -> CheckRound:
    """One visible round with the list's counts (404 otherwise)."""
    found = round_list(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise Http404("未找到该对象，或您无权查看。")
    return found


def round_years(user) -> list[int]:
    years = CheckRound.objects.visible_to(user).order_by().values_list("starts_on__year", flat=True).distinct()
    return sorted(set(years), reverse=True)


def target_list(user, check_round: CheckRound, *, town: str = "", inspector: str = "", status: str = "",
                q: str = ""):
    """The round's targets the user sees (office and leaders: all; an inspector: the schools of their scope and
    their own targets), filtered; without an inspector first, then by town and school."""
    targets = CheckTarget.objects.visible_to(user).filter(round=check_round)
    if town:
        targets = targets.filter(region_code__startswith=town)
    if inspector == "none":
        targets = targets.filter(inspector__isnull=True)
    elif inspector.isdigit():
        targets = targets.filter(inspector_id=int(inspector))
    if status in TargetStatus.values:
        targets = targets.filter(status=status)
    if q:
        targets = targets.filter(school__name__icontains=q[:64])
    return (targets.select_related("school", "inspector")
            .annotate(no_inspector=Case(When(inspector__isnull=True, then=Value(0)), default=Value(1)))
            .order_by("no_inspector", "region_code", "school__name", "id"))


def unassigned_count(check_round: CheckRound) -> int:
    return CheckTarget.objects.filter(round=check_round, inspector__isnull=True).count()


def my_targets(user, check_round: CheckRound):
    """The targets the user checks in this round (pending first)."""
    return (CheckTarget.objects.filter(round=check_round, inspector__user_id=user.pk).select_related("school")
            .order_by("-status", "school__name"))


def round_towns(check_round: CheckRound) -> list[Region]:
    return list(Region.objects.filter(level="town", code__startswith=region_prefix(check_round.region_id))
                .order_by("code"))


def region_inspectors(check_round: CheckRound) -> list[Inspector]:
    """Active inspectors appointed in the round's region or above it (who may be named for a target)."""
    prefix = region_prefix(check_round.region_id)
    above = [prefix[:n] for n in (2, 4, 6) if n < len(prefix)]
    region_q = Q(region__code__startswith=prefix) | Q(region__code__in=[a.ljust(6, "0") for a in above])
    return list(Inspector.objects.filter(region_q, status=InspectorStatus.ACTIVE).order_by("name", "id")
                .only("pk", "name", "region_id", "status"))


def transitions(check_round: CheckRound):
    return RoundTransition.history(check_round)


def templates_for(user):
    """The office's own checklist templates (the regions it is the office of)."""
    scope = scope_for(user)
    if scope.everything:
        return ChecklistTemplate.objects.filter(region__isnull=False)
    prefixes = [p for role, p in scope.role_prefixes if role == Role.OFFICE]
    return ChecklistTemplate.objects.filter(prefix_q("region__code", prefixes))


def get_template_for(user, pk) -> ChecklistTemplate:
    try:
        return templates_for(user).select_related("region").get(pk=pk)
    except (ChecklistTemplate.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该对象，或您无权查看。") from None


def school_rounds(school, limit: int = 20) -> list[CheckTarget]:
    """The school's targets in rounds that have started (newest first), for its profile page."""
    return list(CheckTarget.objects.filter(school=school).exclude(round__status=RoundStatus.DRAFT)
                .select_related("round").order_by("-round__starts_on", "-round_id")[:limit])
