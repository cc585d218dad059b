"""What monitoring gives the office's year (planning reads it through dudao.core.registries, never by importing this
app): plan links (工作要点), calendar items (行事历), key events (大事记), year figures (年度工作总结), 简报 materials and
archive documents (督导档案). Registered by register_year(), called from registrations.register()."""

from django.db.models import Count, Q
from django.urls import reverse

from dudao.core.registries import LinkTarget, register_plan_link
from dudao.core.scope import prefix_q, region_prefix
from dudao.monitoring.models import Campaign

# --- plan links (工作要点) ----------------------------------------------------------------------------------


def _plan_link_ids(object_ids) -> list[int]:
    return [int(i) for i in object_ids if str(i).isdigit()]


def plan_link_choices(user, region_code: str, q: str = "") -> list[tuple[str, str]]:
    """创建工作 of the region the user may see, matching q (name, or the id), newest first, at most 50."""
    rows = Campaign.objects.visible_to(user).filter(prefix_q("county__code", [region_prefix(region_code)]))
    q = (q or "").strip()
    if q:
        rows = rows.filter(pk=int(q)) if q.isdigit() else rows.filter(name__icontains=q)
    return [(str(pk), name) for pk, name in rows.order_by("-created_at", "-pk").values_list("pk", "name")[:50]]


def plan_link_resolve(object_ids) -> dict[str, LinkTarget]:
    """Unscoped (the caller checks region and scope). A campaign has no status of its own: it is completed when it
    has tasks and every one of them is done (done_at set)."""
    rows = Campaign.objects.filter(pk__in=_plan_link_ids(object_ids)).annotate(
        total=Count("tasks"), finished=Count("tasks", filter=Q(tasks__done_at__isnull=False)))
    return {str(c.pk): LinkTarget(
        kind="monitoring.campaign", object_id=str(c.pk), title=c.name,
        url=reverse("monitoring:campaign_detail", args=[c.pk]), region_code=c.county_id,
        done=c.total > 0 and c.finished == c.total,
        state=f"任务已完成 {c.finished}/{c.total}" if c.total else "尚无任务") for c in rows}


# --- calendar items (行事历) -------------------------------------------------------------------------------


# --- key events (大事记) -----------------------------------------------------------------------------------


# --- year figures (年度工作总结) ----------------------------------------------------------------------------


# --- 简报 materials ----------------------------------------------------------------------------------------


# --- archive documents (督导档案) --------------------------------------------------------------------------


def register_year() -> None:
    # plan links
    register_plan_link("monitoring.campaign", "创建工作", choices=plan_link_choices, resolve=plan_link_resolve)

    # calendar items

    # key events

    # year figures

    # 简报 materials

    # archive documents

    return
