"""What quality gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

from django.urls import reverse

from dudao.core.registries import LinkTarget, register_plan_link
from dudao.core.scope import prefix_q, region_prefix
from dudao.quality.models import Round, RoundStatus

# --- plan links (工作要点) ----------------------------------------------------------------------------------


def _plan_link_ids(object_ids) -> list[int]:
    return [int(i) for i in object_ids if str(i).isdigit()]


def plan_link_choices(user, region_code: str, q: str = "") -> list[tuple[str, str]]:
    """质量监测 rounds of the region the user may see, matching q (title, or the id), newest first, at most 50."""
    rows = Round.objects.visible_to(user).filter(prefix_q("region__code", [region_prefix(region_code)]))
    q = (q or "").strip()
    if q:
        rows = rows.filter(pk=int(q)) if q.isdigit() else rows.filter(title__icontains=q)
    return [(str(pk), title) for pk, title in rows.order_by("-test_date", "-pk").values_list("pk", "title")[:50]]


def plan_link_resolve(object_ids) -> dict[str, LinkTarget]:
    """Unscoped (the caller checks region and scope): done once the round's results are published."""
    return {str(r.pk): LinkTarget(
        kind="quality.round", object_id=str(r.pk), title=r.title, url=reverse("quality:round_detail", args=[r.pk]),
        region_code=r.region_id, done=r.status == RoundStatus.PUBLISHED, state=r.get_status_display(),
        day=r.test_date) for r in Round.objects.filter(pk__in=_plan_link_ids(object_ids))}


# --- calendar items (行事历) -------------------------------------------------------------------------------


# --- key events (大事记) -----------------------------------------------------------------------------------


# --- year figures (年度工作总结) ----------------------------------------------------------------------------


# --- 简报 materials ----------------------------------------------------------------------------------------


# --- archive documents (督导档案) --------------------------------------------------------------------------


def register_year() -> None:
    # plan links
    register_plan_link("quality.round", "质量监测", choices=plan_link_choices, resolve=plan_link_resolve)

    # calendar items

    # key events

    # year figures

    # 简报 materials

    # archive documents

    return
