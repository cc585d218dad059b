"""fill reads (issue 23): the target an inspector fills, the checklist rows of the fill page, a submission with
its answers, photos and findings (the visit page's section and the API)."""

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from dudao.checks.models import CheckAnswer, CheckItem, CheckSubmission, CheckTarget
from dudao.core.errors import ApplicationError
from dudao.core.scope import get_visible_or_404
from dudao.people.models import Inspector, InspectorStatus
from dudao.people.selectors import inspector_for_user
from dudao.rectification.models import Finding
from dudao.schools.models import Campus


def draft_key(user, target: CheckTarget) -> str:
    """The localStorage key of the fill page's offline draft: one per user, round and target."""
    return f"dudao.check.{user.pk}.{target.round_id}.{target.pk}"


def _may_fill_unassigned(user, target: CheckTarget, inspector: Inspector | None = None) -> bool:
    inspector = inspector or inspector_for_user(user)
    return (target.inspector_id is None and inspector is not None and inspector.status == InspectorStatus.ACTIVE
            and inspector.region_id.startswith(target.round.region_id))


def get_target_for_fill(user, round_pk: int, target_pk: int) -> CheckTarget:
    """The target of this round the user may see (its inspector, the office) or fill (an active inspector of the
    round's region when it has no inspector); otherwise the same 404 as a missing one."""
    target = (CheckTarget.objects.select_related("round__region", "school", "inspector")
              .filter(pk=target_pk, round_id=round_pk).first())
    if target is None:
        raise Http404("未找到该检查对象，或您无权查看。")
    if not (CheckTarget.objects.visible_to(user).filter(pk=target.pk).exists() or _may_fill_unassigned(user, target)):
        raise Http404("未找到该检查对象，或您无权查看。")
    return target


def get_target_by_id_for(user, target_pk: int, inspector: Inspector | None = None) -> CheckTarget:
    """A target by its id alone (the API names the round separately; the service refuses a mismatch). One query
    when the user sees it; `inspector`, when the caller has read it, is the user's own (not read again)."""
    related = ("round__region", "school", "inspector")
    target = CheckTarget.objects.visible_to(user).select_related(*related).filter(pk=target_pk).first()
    if target is not None:
        return target
    target = CheckTarget.objects.select_related(*related).filter(pk=target_pk).first()
    if target is None or not _may_fill_unassigned(user, target, inspector):
        raise Http404("未找到该检查对象，或您无权查看。")
    return target


def target_campus(target: CheckTarget, name: str) -> Campus:
    campus = Campus.objects.filter(school_id=target.school_id, name=name).first()
    if campus is None:
        raise ApplicationError(f"{target.school.name}没有名为“{name[:40]}”的校区。")
    return campus


def fill_items(target: CheckTarget) -> list[CheckItem]:
    return list(CheckItem.objects.filter(round_id=target.round_id).order_by("order", "id"))


def fill_rows(items: list[CheckItem], posted) -> list[dict]:
    """The checklist rows of the fill page with what was posted (a refused submit keeps every answer)."""
    rows = []
    for item in items:
        key = str(item.pk)
        rows.append({"item": item, "value": posted.get(f"answer_{key}", ""), "number": posted.get(f"number_{key}", ""),
                     "note": posted.get(f"note_{key}", ""), "settle": posted.get(f"settle_{key}", "")})
    return rows


def fill_choices(target: CheckTarget, inspector: Inspector) -> dict:
    """The visit form's choices on the fill page: the school is the target's, its campuses, the companions."""
    return {"own_schools": [], "other_schools": [],
            "campuses": Campus.objects.filter(school_id=target.school_id).select_related("school").order_by("id"),
            "companions": Inspector.objects.filter(status=InspectorStatus.ACTIVE, region_id=inspector.region_id)
            .exclude(pk=inspector.pk).order_by("name")}


def in_window(target: CheckTarget, day=None) -> bool:
    day = day or timezone.localdate()
    return target.round.starts_on <= day <= target.round.ends_on


def _answers_prefetch() -> Prefetch:
    return Prefetch("answers", queryset=CheckAnswer.objects.select_related("item", "photo", "finding")
                    .order_by("item__order", "item_id"))


def submission_queryset() -> QuerySet[CheckSubmission]:
    return (CheckSubmission.objects.select_related("target__round", "target__school", "inspector", "visit")
            .prefetch_related(_answers_prefetch()))


def get_submission_for(user, pk: int) -> CheckSubmission:
    return get_visible_or_404(submission_queryset(), user, pk=pk)


def submission_findings(submission: CheckSubmission) -> list[Finding]:
    """The findings the submission's failed answers raised, in checklist order."""
    return [a.finding for a in submission.answers.all() if a.finding_id]


def submission_of_visit(visit) -> CheckSubmission | None:
    return submission_queryset().filter(visit=visit).first()
