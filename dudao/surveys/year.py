"""What surveys gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

from django.urls import reverse
from django.utils import timezone

from dudao.core.dates import local_date
from dudao.core.registries import LinkTarget, register_plan_link
from dudao.core.scope import prefix_q, region_prefix
from dudao.surveys.models import SurveyRound

# --- plan links (工作要点) ----------------------------------------------------------------------------------


def _plan_link_ids(object_ids) -> list[int]:
    return [int(i) for i in object_ids if str(i).isdigit()]


def plan_link_choices(user, region_code: str, q: str = "") -> list[tuple[str, str]]:
    """Survey rounds of the region the user may see, matching q (name, or the id), newest first, at most 50."""
    rows = SurveyRound.objects.visible_to(user).filter(prefix_q("county__code", [region_prefix(region_code)]))
    q = (q or "").strip()
    if q:
        rows = rows.filter(pk=int(q)) if q.isdigit() else rows.filter(name__icontains=q)
    return [(str(pk), name) for pk, name in rows.order_by("-opens_at", "-pk").values_list("pk", "name")[:50]]


def plan_link_resolve(object_ids) -> dict[str, LinkTarget]:
    """Unscoped (the caller checks region and scope): done once the round is closed (ended early, or past its
    closing time)."""
    now = timezone.now()
    return {str(r.pk): LinkTarget(
        kind="surveys.round", object_id=str(r.pk), title=r.name, url=reverse("surveys:round_detail", args=[r.pk]),
        region_code=r.county_id, done=r.closed_at is not None or r.closes_at <= now, state=r.status_label,
        day=local_date(r.opens_at)) for r in SurveyRound.objects.filter(pk__in=_plan_link_ids(object_ids))}


# --- calendar items (行事历) -------------------------------------------------------------------------------


# --- key events (大事记) -----------------------------------------------------------------------------------


# --- year figures (年度工作总结) ----------------------------------------------------------------------------


# --- 简报 materials ----------------------------------------------------------------------------------------


# --- archive documents (督导档案) --------------------------------------------------------------------------


def register_year() -> None:
    # plan links
    register_plan_link("surveys.round", "满意度调查", choices=plan_link_choices, resolve=plan_link_resolve)

    # calendar items

    # key events

    # year figures

    # 简报 materials

    # archive documents

    return
