"""专项检查 reads (issue 23). The summaries below are the contract the round page, the 检查报告, the 通报 and the
cockpit share (outputs and dashboards call them): keep their names and return shapes; make them faster freely."""

from django.db.models import Count, Q

from dudao.checks.models import CheckAnswer, CheckItem, CheckRound, CheckTarget, TargetStatus
from dudao.core.scope import get_visible_or_404
from dudao.regions.models import Region


def get_round_for(user, pk) -> CheckRound:
    return get_visible_or_404(CheckRound.objects.select_related("region"), user, pk=pk)


def coverage_summary(check_round: CheckRound) -> dict:
    """{"targets": n, "done": d, "rate": d/n or None, "by_inspector": [{"inspector_id", "name", "targets", "done"}]}
    (no inspector: name "未安排")."""
    rows = (CheckTarget.objects.filter(round=check_round).values("inspector_id", "inspector__name")
            .annotate(targets=Count("id"), done=Count("id", filter=Q(status=TargetStatus.DONE)))
            .order_by("inspector__name"))
    by_inspector = [{"inspector_id": r["inspector_id"], "name": r["inspector__name"] or "未安排",
                     "targets": r["targets"], "done": r["done"]} for r in rows]
    targets, done = sum(r["targets"] for r in by_inspector), sum(r["done"] for r in by_inspector)
    return {"targets": targets, "done": done, "rate": (done / targets) if targets else None,
            "by_inspector": by_inspector}


def failed_by_item(check_round: CheckRound) -> list[dict]:
    """Per checklist item in order: {"item": CheckItem, "answered": n, "failed": f, "settled": s}."""
    # the aliases must not be field names: an annotation called "failed" turns Q(failed=True) into a filter on
    # the aggregate itself ("misuse of aggregate function COUNT()")
    counts = {r["item_id"]: r for r in CheckAnswer.objects.filter(item__round=check_round).values("item_id").annotate(
        n_answered=Count("id"), n_failed=Count("id", filter=Q(failed=True)),
        n_settled=Count("id", filter=Q(failed=True, settled_on_spot=True))).order_by()}
    return [{"item": item, "answered": counts.get(item.pk, {}).get("n_answered", 0),
             "failed": counts.get(item.pk, {}).get("n_failed", 0), "settled": counts.get(item.pk, {}).get("n_settled", 0)}
            for item in CheckItem.objects.filter(round=check_round).order_by("order", "id")]


def failed_by_town(check_round: CheckRound) -> list[dict]:
    """Per town (the targets' region): {"region_code", "name", "targets", "done", "failed"} (failed = failed
    answers), in region code order."""
    rows = list(CheckTarget.objects.filter(round=check_round).values("region_code").annotate(
        targets=Count("id"), done=Count("id", filter=Q(status=TargetStatus.DONE))).order_by("region_code"))
    failed = dict(CheckAnswer.objects.filter(item__round=check_round, failed=True)
                  .values_list("submission__target__region_code").annotate(n=Count("id")))
    names = dict(Region.objects.filter(code__in=[r["region_code"] for r in rows]).values_list("code", "name"))
    return [{**r, "name": names.get(r["region_code"], r["region_code"]), "failed": failed.get(r["region_code"], 0)}
            for r in rows]


def round_photos(check_round: CheckRound, limit: int = 200):
    """The answers with a photo (failed items first), with their target school and item."""
    return (CheckAnswer.objects.filter(item__round=check_round, photo__isnull=False)
            .select_related("photo", "item", "submission__target__school").order_by("-failed", "item__order", "id")
            [:limit])
